package dev.tonearm.core.decode.vorbis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tonearm.core.decode.FileByteSource;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start and end trimming from granule positions, on copies of a corpus file with shifted granule
 * positions. One copy starts later than 0. In another, the first page's granule position is
 * smaller than the samples on that page, so leading samples must be discarded.
 */
class VorbisTimelineTest {
  private static final String SOURCE = "ogg-vorbis/xiph-test-vectors/48k-mono.ogg";
  private static final int ORIGINAL_FRAMES = 515_234;

  @TempDir Path temp;

  @Test
  void laterStart_keepsAllFramesAndSeeksByFrame() throws IOException {
    Path original = Corpus.require(SOURCE);
    Path shifted = temp.resolve("shifted-later.ogg");
    Files.write(shifted,
        OggTestFiles.mapAudioGranules(Files.readAllBytes(original), g -> g + 100_000));
    int[] expected = decode(original);
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(shifted))) {
      assertThat(decoder.totalFrames()).isEqualTo(ORIGINAL_FRAMES);
      assertThat(decodeFrom(decoder)).isEqualTo(expected);
      decoder.seekToFrame(300_000);
      int[] afterSeek = new int[4096];
      int got = readInto(decoder, afterSeek);
      assertThat(Arrays.copyOf(afterSeek, got))
          .isEqualTo(Arrays.copyOfRange(expected, 300_000, 300_000 + got));
    }
  }

  @Test
  void firstGranuleBelowPageSamples_discardsLeadingFrames() throws IOException {
    Path original = Corpus.require(SOURCE);
    Path trimmed = temp.resolve("shifted-earlier.ogg");
    Files.write(trimmed,
        OggTestFiles.mapAudioGranules(Files.readAllBytes(original), g -> g - 1000));
    int[] expected = decode(original);
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(trimmed))) {
      assertThat(decoder.totalFrames()).isEqualTo(ORIGINAL_FRAMES - 1000);
      int[] actual = decodeFrom(decoder);
      assertThat(actual).hasSize(ORIGINAL_FRAMES - 1000);
      assertThat(actual).isEqualTo(Arrays.copyOfRange(expected, 1000, ORIGINAL_FRAMES));
    }
  }

  @Test
  void lastGranuleBelowDecodedFrames_trimsEnd() throws IOException {
    Path original = Corpus.require(SOURCE);
    Path shortened = temp.resolve("shortened.ogg");
    long lastGranule = ORIGINAL_FRAMES;
    Files.write(shortened, OggTestFiles.mapAudioGranules(Files.readAllBytes(original),
        g -> g == lastGranule ? g - 300 : g));
    int[] expected = decode(original);
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(shortened))) {
      int[] actual = decodeFrom(decoder);
      assertThat(actual).isEqualTo(Arrays.copyOf(expected, ORIGINAL_FRAMES - 300));
    }
  }

  @Test
  void packetsWithUndefinedMode_decodeLikeLibvorbisButTimelineKeepsGranules()
      throws IOException {
    // 34 packets of this stream name mode 3 of 3 modes; libvorbis drops them (515,135 frames),
    // while the last granule position gives 540,991.
    Path file = Corpus.require("ogg-vorbis/xiph-test-vectors/unused-mode-test.ogg");
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      assertThat(decoder.totalFrames()).isEqualTo(540_991);
      assertThat(VorbisDecoderTest.drain(decoder)).isEqualTo(515_135);
      assertThat(decoder.totalFrames()).isEqualTo(515_135);
    }
  }

  private static int[] decode(Path file) throws IOException {
    try (VorbisDecoder decoder = new VorbisDecoder(new FileByteSource(file))) {
      return decodeFrom(decoder);
    }
  }

  /** Reads the rest of a mono stream. */
  private static int[] decodeFrom(VorbisDecoder decoder) throws IOException {
    int[] all = new int[ORIGINAL_FRAMES + 8192];
    int length = 0;
    PcmBuffer buffer = new PcmBuffer();
    int frames;
    while ((frames = decoder.read(buffer)) > 0) {
      System.arraycopy(buffer.samples, 0, all, length, frames);
      length += frames;
    }
    return Arrays.copyOf(all, length);
  }

  private static int readInto(VorbisDecoder decoder, int[] target) throws IOException {
    PcmBuffer buffer = new PcmBuffer();
    int length = 0;
    int frames;
    while (length < target.length && (frames = decoder.read(buffer)) > 0) {
      int take = Math.min(frames, target.length - length);
      System.arraycopy(buffer.samples, 0, target, length, take);
      length += take;
    }
    return length;
  }
}
