package dev.tonearm.testing;

import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.Decoder;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.PcmBuffer;
import dev.tonearm.core.decode.PcmFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collections;
import java.util.List;

/**
 * Test decoder for 16-bit PCM WAV read through a {@link ByteSource}, standing in for the Vorbis
 * and FLAC decoders so that player tests run the whole path over real HTTP. It parses the RIFF
 * chunks, returns blocks of {@link #BLOCK_FRAMES} frames, seeks by byte arithmetic and keeps a
 * copy of every byte it read, so tests can check what reached the decoder.
 *
 * <p>Threading: one thread at a time, like every {@link Decoder}; {@link #bytesRead()} may be
 * called from any thread.
 */
public final class WavTestDecoder implements Decoder {
  /** Frames per decoded block. */
  public static final int BLOCK_FRAMES = 1024;

  private final String name;
  private final ByteSource source;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private final EventLog log;

  private PcmFormat format;
  private long dataStart;
  private long totalFrames;
  private long position;
  private boolean endLogged;

  public WavTestDecoder(String name, ByteSource source, EventLog log) {
    this.name = name;
    this.source = source;
    this.log = log;
  }

  @Override
  public String codec() {
    return "wav";
  }

  @Override
  public PcmFormat format() throws IOException {
    if (format == null) {
      readHeader();
    }
    return format;
  }

  @Override
  public int read(PcmBuffer buffer) throws IOException {
    format();
    int channels = format.channels();
    int frames = (int) Math.min(BLOCK_FRAMES, totalFrames - position);
    if (frames <= 0) {
      if (!endLogged) {
        endLogged = true;
        log.add("end " + name);
      }
      return -1;
    }
    byte[] bytes = readFully(frames * channels * 2);
    ByteBuffer samples = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int[] out = buffer.ensureCapacity(frames * channels);
    for (int i = 0; i < frames * channels; i++) {
      out[i] = samples.getShort();
    }
    buffer.frames = frames;
    buffer.format = format;
    buffer.link = 0;
    position += frames;
    return frames;
  }

  @Override
  public long totalFrames() throws IOException {
    format();
    return totalFrames;
  }

  @Override
  public boolean isSeekable() {
    return source.isSeekable();
  }

  @Override
  public void seekToFrame(long frame) throws IOException {
    format();
    if (frame < 0 || frame > totalFrames) {
      throw new DecoderException(
          DecoderException.Reason.SEEK_OUT_OF_RANGE,
          "frame " + frame + " outside [0, " + totalFrames + "]");
    }
    source.seek(dataStart + frame * format.channels() * 2);
    position = frame;
    endLogged = false;
  }

  @Override
  public long positionFrames() {
    return position;
  }

  @Override
  public List<DecoderException> warnings() {
    return Collections.emptyList();
  }

  @Override
  public void close() throws IOException {
    source.close();
  }

  /** Returns every byte read from the source so far, in read order. */
  public synchronized byte[] bytesRead() {
    return received.toByteArray();
  }

  private void readHeader() throws IOException {
    ByteBuffer riff = ByteBuffer.wrap(readFully(12)).order(ByteOrder.LITTLE_ENDIAN);
    if (riff.getInt(0) != 0x46464952 || riff.getInt(8) != 0x45564157) {
      throw new DecoderException(DecoderException.Reason.UNSUPPORTED_FORMAT, "not RIFF/WAVE");
    }
    PcmFormat parsed = null;
    long offset = 12;
    while (true) {
      ByteBuffer chunk = ByteBuffer.wrap(readFully(8)).order(ByteOrder.LITTLE_ENDIAN);
      int id = chunk.getInt(0);
      long size = chunk.getInt(4) & 0xFFFFFFFFL;
      offset += 8;
      if (id == 0x20746d66) { // "fmt "
        ByteBuffer fmt = ByteBuffer.wrap(readFully((int) size)).order(ByteOrder.LITTLE_ENDIAN);
        if (fmt.getShort(0) != 1 || fmt.getShort(14) != 16) {
          throw new DecoderException(
              DecoderException.Reason.UNSUPPORTED_FEATURE, "only 16-bit PCM is supported");
        }
        parsed = new PcmFormat(fmt.getInt(4) & 0xFFFFFFFFL, fmt.getShort(2), 16);
        offset += size;
      } else if (id == 0x61746164) { // "data"
        if (parsed == null) {
          throw new DecoderException(DecoderException.Reason.BAD_HEADER, "data before fmt");
        }
        format = parsed;
        dataStart = offset;
        totalFrames = size / (parsed.channels() * 2L);
        log.add("header " + name);
        return;
      } else {
        readFully((int) size);
        offset += size;
      }
    }
  }

  private byte[] readFully(int length) throws IOException {
    byte[] bytes = new byte[length];
    int filled = 0;
    while (filled < length) {
      int count = source.read(bytes, filled, length - filled);
      if (count < 0) {
        throw new DecoderException(
            DecoderException.Reason.TRUNCATED, "stream ended " + (length - filled) + " bytes early");
      }
      synchronized (this) {
        received.write(bytes, filled, count);
      }
      filled += count;
    }
    return bytes;
  }
}
