package dev.tonearm.core.decode.vorbis;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Compares decoded blocks with a reference stream of raw signed 16-bit little-endian PCM in
 * Vorbis channel order (what {@code oggdec -R} writes), block by block, so memory stays bounded
 * however long the stream is. Records the largest difference and the first sample that differs by
 * more than the tolerance.
 */
final class PcmComparator {
  private final DataInputStream reference;
  private final byte[] bytes = new byte[8192 * 8 * 2];
  long comparedSamples;
  long referenceShortfallSamples;
  int maxDifference;
  long firstMismatchSample = -1;
  int tolerance;

  PcmComparator(InputStream reference, int tolerance) {
    this.reference = new DataInputStream(reference);
    this.tolerance = tolerance;
  }

  /** Skips {@code frames} reference frames of {@code channels} channels. */
  void skipReferenceFrames(long frames, int channels) throws IOException {
    long remaining = frames * channels * 2;
    while (remaining > 0) {
      long skipped = reference.skip(remaining);
      if (skipped <= 0) {
        throw new EOFException("reference ends inside the skipped range");
      }
      remaining -= skipped;
    }
  }

  /** Compares {@code frames} interleaved frames in WAVE order with the next reference frames. */
  void compare(int[] samples, int frames, int channels) throws IOException {
    int[] vorbisChannel = PcmConverter.vorbisChannelForOutput(channels);
    int length = frames * channels * 2;
    int read = 0;
    while (read < length) {
      int count = reference.read(bytes, read, length - read);
      if (count < 0) {
        break;
      }
      read += count;
    }
    int availableFrames = read / 2 / channels;
    if (availableFrames < frames) {
      referenceShortfallSamples += (long) (frames - availableFrames) * channels;
    }
    for (int frame = 0; frame < availableFrames; frame++) {
      for (int c = 0; c < channels; c++) {
        int index = (frame * channels + vorbisChannel[c]) * 2;
        int expected = (short) ((bytes[index] & 0xFF) | (bytes[index + 1] << 8));
        int actual = samples[frame * channels + c];
        int difference = Math.abs(expected - actual);
        if (difference > maxDifference) {
          maxDifference = difference;
        }
        if (difference > tolerance && firstMismatchSample < 0) {
          firstMismatchSample = comparedSamples + (long) frame * channels + c;
        }
      }
    }
    comparedSamples += (long) availableFrames * channels;
  }

  /** Returns whether the reference has data left after the compared frames. */
  boolean referenceHasMore() throws IOException {
    return reference.read() >= 0;
  }
}
