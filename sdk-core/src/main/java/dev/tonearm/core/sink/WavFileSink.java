package dev.tonearm.core.sink;

import dev.tonearm.core.decode.PcmFormat;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes PCM to a RIFF/WAVE file as fast as it is fed.
 *
 * <p>Layout: samples keep the stream's bit depth in whole-byte containers ({@code ceil(bits / 8)}
 * bytes), left-justified as WAVE requires, with 1-byte containers unsigned. The file uses
 * WAVE_FORMAT_PCM for 8- and 16-bit mono or stereo, and WAVE_FORMAT_EXTENSIBLE (with the valid bit
 * count and the default channel mask for the channel count in WAVE order, see {@link
 * #channelMask(int)}) when there are more than 2 channels, more than 16 bits, or bits that do not
 * fill the container. The RIFF and data chunk sizes are written as 0 first and patched by {@link
 * #drain()} and {@link #close()}, so the file is valid after either.
 *
 * <p>Format changes: {@link #open} with a new format either starts a new file (the default, {@link
 * FormatChangePolicy#NEW_FILE}: {@code name.wav}, then {@code name-2.wav}, {@code name-3.wav}, ...)
 * or throws {@link AudioSinkException} with {@link
 * AudioSinkException.Reason#FORMAT_CHANGE_REJECTED} ({@link FormatChangePolicy#REJECT}). Calling
 * {@link #open} again with the current format continues the current file.
 *
 * <p>A RIFF file can contain at most 4 GiB. A write that would pass that limit throws {@link
 * AudioSinkException.Reason#SIZE_LIMIT_EXCEEDED} and writes nothing, leaving a valid file.
 *
 * <p>Threading: one thread calls every method.
 */
public final class WavFileSink implements AudioSink {
  /** Behaviour of {@link #open} when the format differs from the current file's. */
  public enum FormatChangePolicy {
    /** Finish the current file and start the next one, named with a counter. */
    NEW_FILE,
    /** Throw {@link AudioSinkException.Reason#FORMAT_CHANGE_REJECTED}. */
    REJECT
  }

  /** Builds a {@link WavFileSink}. */
  public static final class Builder {
    private final Path path;
    private FormatChangePolicy formatChangePolicy = FormatChangePolicy.NEW_FILE;
    private long maxDataBytes = MAX_DATA_BYTES;

    private Builder(Path path) {
      this.path = Objects.requireNonNull(path, "path");
    }

    /** Sets what happens at a format change. Default: {@link FormatChangePolicy#NEW_FILE}. */
    public Builder formatChangePolicy(FormatChangePolicy policy) {
      this.formatChangePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Lowers the data size limit; tests use it to reach the limit without writing 4 GiB. */
    Builder maxDataBytes(long maxDataBytes) {
      this.maxDataBytes = maxDataBytes;
      return this;
    }

    public WavFileSink build() {
      return new WavFileSink(this);
    }
  }

  private static final Logger logger = LoggerFactory.getLogger(WavFileSink.class);

  private static final int WAVE_FORMAT_PCM = 0x0001;
  private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;

  /** The PCM sub-format GUID, 00000001-0000-0010-8000-00aa00389b71, in file byte order. */
  private static final byte[] KSDATAFORMAT_SUBTYPE_PCM = {
    0x01,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00,
    0x10,
    0x00,
    (byte) 0x80,
    0x00,
    0x00,
    (byte) 0xAA,
    0x00,
    0x38,
    (byte) 0x9B,
    0x71
  };

  /**
   * Largest data chunk: the RIFF size field (4 GiB - 1) minus the rest of the largest header (4 +
   * 48 + 8 bytes) and one pad byte.
   */
  private static final long MAX_DATA_BYTES = 0xFFFF_FFFFL - 61;

  private static final int BUFFER_BYTES = 64 * 1024;

  private final Path basePath;
  private final FormatChangePolicy formatChangePolicy;
  private final long maxDataBytes;
  private final List<Path> files = new ArrayList<>();
  private final ByteBuffer buffer =
      ByteBuffer.allocate(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
  private byte[] packed = new byte[0];

  private FileChannel channel;
  private PcmFormat format;
  private int headerBytes;
  private long dataBytes;
  private long totalFrames;
  private boolean closed;

  private WavFileSink(Builder builder) {
    this.basePath = builder.path;
    this.formatChangePolicy = builder.formatChangePolicy;
    this.maxDataBytes = builder.maxDataBytes;
  }

  /** Returns a builder for a sink whose first file is {@code path}. */
  public static Builder builder(Path path) {
    return new Builder(path);
  }

  /**
   * Returns the WAVE channel mask of the default layout for {@code channels} channels, the same
   * layouts that FLAC assigns: mono is front centre; 2 to 8 channels are L R, L R C, L R BL BR, L R
   * C BL BR, L R C LFE BL BR, L R C LFE BC SL SR, L R C LFE BL BR SL SR.
   */
  public static int channelMask(int channels) {
    switch (channels) {
      case 1:
        return 0x4;
      case 2:
        return 0x3;
      case 3:
        return 0x7;
      case 4:
        return 0x33;
      case 5:
        return 0x37;
      case 6:
        return 0x3F;
      case 7:
        return 0x70F;
      case 8:
        return 0x63F;
      default:
        throw new IllegalArgumentException(
            "channels must be in [1, " + PcmFormat.MAX_CHANNELS + "]: " + channels);
    }
  }

  @Override
  public void open(PcmFormat newFormat) throws IOException {
    Objects.requireNonNull(newFormat, "format");
    checkNotClosed();
    if (newFormat.equals(format)) {
      return;
    }
    long blockAlign = (long) newFormat.channels() * newFormat.bytesPerSample();
    if (newFormat.sampleRateHz() * blockAlign > 0xFFFF_FFFFL) {
      throw new AudioSinkException(
          AudioSinkException.Reason.UNSUPPORTED_FORMAT,
          "WAVE cannot store " + newFormat + ": the byte rate exceeds 2^32 - 1");
    }
    if (format != null) {
      if (formatChangePolicy == FormatChangePolicy.REJECT) {
        throw new AudioSinkException(
            AudioSinkException.Reason.FORMAT_CHANGE_REJECTED,
            "format changed from "
                + format
                + " to "
                + newFormat
                + " while writing "
                + currentPath()
                + "; use FormatChangePolicy.NEW_FILE to start a new file");
      }
      finishFile();
    }
    startFile(newFormat);
  }

  @Override
  public void write(int[] samples, int frames) throws IOException {
    checkNotClosed();
    if (format == null) {
      throw new IllegalStateException("open(PcmFormat) must be called before write");
    }
    int channels = format.channels();
    if (frames < 0 || (long) frames * channels > samples.length) {
      throw new IllegalArgumentException(
          "frames must be in [0, " + samples.length / channels + "]: " + frames);
    }

    int bytesPerSample = format.bytesPerSample();
    long bytes = (long) frames * channels * bytesPerSample;
    if (dataBytes + bytes > maxDataBytes) {
      throw new AudioSinkException(
          AudioSinkException.Reason.SIZE_LIMIT_EXCEEDED,
          "writing "
              + frames
              + " frames would make the data chunk of "
              + currentPath()
              + " exceed "
              + maxDataBytes
              + " bytes, the limit of a RIFF/WAVE file");
    }

    int sampleCount = frames * channels;
    int chunkSamples = BUFFER_BYTES / bytesPerSample;
    if (packed.length < chunkSamples * bytesPerSample) {
      packed = new byte[chunkSamples * bytesPerSample];
    }
    for (int done = 0; done < sampleCount; done += chunkSamples) {
      int count = Math.min(chunkSamples, sampleCount - done);
      int length =
          PcmPacking.pack(
              samples, done, count, format.bitsPerSample(), PcmPacking.Layout.WAVE, packed, 0);
      put(packed, length);
    }
    dataBytes += bytes;
    totalFrames += frames;
  }

  /** Writes buffered bytes to the file and patches the header sizes, so the file is valid now. */
  @Override
  public void drain() throws IOException {
    checkNotClosed();
    if (channel != null) {
      flushBuffer();
      patchSizes(false);
    }
  }

  @Override
  public boolean isRealTime() {
    return false;
  }

  /** Finishes the current file. Idempotent. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (channel != null) {
      finishFile();
    }
  }

  /** Files written so far, in order, including the current one. */
  public List<Path> files() {
    return Collections.unmodifiableList(new ArrayList<>(files));
  }

  /** Frames written over all files. */
  public long framesWritten() {
    return totalFrames;
  }

  private void startFile(PcmFormat newFormat) throws IOException {
    Path path = files.isEmpty() ? basePath : numberedPath(files.size() + 1);
    try {
      channel =
          FileChannel.open(
              path,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new AudioSinkException(
          AudioSinkException.Reason.IO_ERROR, "cannot create WAVE file " + path, e);
    }
    files.add(path);
    format = newFormat;
    dataBytes = 0;
    clear(buffer);
    writeHeader();
    logger.debug("Writing {} to {}", newFormat, path);
  }

  private void finishFile() throws IOException {
    try {
      flushBuffer();
      if ((dataBytes & 1) != 0) {
        // RIFF chunks are padded to an even size; the pad byte is not part of the data size.
        buffer.put((byte) 0);
        flushBuffer();
      }
      patchSizes(true);
    } finally {
      channel.close();
      channel = null;
      format = null;
    }
    logger.debug("Finished {}: {} data bytes", currentPath(), dataBytes);
  }

  private void writeHeader() throws IOException {
    int channels = format.channels();
    int bits = format.bitsPerSample();
    int containerBits = format.bytesPerSample() * 8;
    int blockAlign = channels * format.bytesPerSample();
    boolean extensible = channels > 2 || containerBits > 16 || containerBits != bits;
    int fmtBytes = extensible ? 40 : 16;
    headerBytes = 12 + 8 + fmtBytes + 8;

    buffer.put(ascii("RIFF")).putInt(0).put(ascii("WAVE"));
    buffer.put(ascii("fmt ")).putInt(fmtBytes);
    buffer.putShort((short) (extensible ? WAVE_FORMAT_EXTENSIBLE : WAVE_FORMAT_PCM));
    buffer.putShort((short) channels);
    buffer.putInt((int) format.sampleRateHz());
    buffer.putInt((int) (format.sampleRateHz() * blockAlign));
    buffer.putShort((short) blockAlign);
    buffer.putShort((short) containerBits);
    if (extensible) {
      buffer.putShort((short) 22);
      buffer.putShort((short) bits);
      buffer.putInt(channelMask(channels));
      buffer.put(KSDATAFORMAT_SUBTYPE_PCM);
    }
    buffer.put(ascii("data")).putInt(0);
    flushBuffer();
  }

  private void patchSizes(boolean includePad) throws IOException {
    long pad = includePad ? dataBytes & 1 : 0;
    ByteBuffer size = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    size.putInt(0, (int) (headerBytes - 8 + dataBytes + pad));
    writeFully(size, 4);
    clear(size);
    size.putInt(0, (int) dataBytes);
    writeFully(size, headerBytes - 4);
  }

  private void writeFully(ByteBuffer bytes, long position) throws IOException {
    try {
      long at = position;
      while (bytes.hasRemaining()) {
        at += channel.write(bytes, at);
      }
    } catch (IOException e) {
      throw new AudioSinkException(
          AudioSinkException.Reason.IO_ERROR, "cannot update header of " + currentPath(), e);
    }
  }

  private void put(byte[] bytes, int length) throws IOException {
    int offset = 0;
    while (offset < length) {
      if (!buffer.hasRemaining()) {
        flushBuffer();
      }
      int count = Math.min(buffer.remaining(), length - offset);
      buffer.put(bytes, offset, count);
      offset += count;
    }
  }

  private void flushBuffer() throws IOException {
    // Through Buffer: ByteBuffer.flip() and clear() return ByteBuffer only since Java 9, and
    // code compiled against those overloads fails on Android API 26.
    ((Buffer) buffer).flip();
    try {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    } catch (IOException e) {
      throw new AudioSinkException(
          AudioSinkException.Reason.IO_ERROR, "cannot write to " + currentPath(), e);
    } finally {
      clear(buffer);
    }
  }

  private Path numberedPath(int number) {
    String name = basePath.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String numbered =
        dot > 0 ? name.substring(0, dot) + "-" + number + name.substring(dot) : name + "-" + number;
    return basePath.resolveSibling(numbered);
  }

  private Path currentPath() {
    return files.isEmpty() ? basePath : files.get(files.size() - 1);
  }

  private void checkNotClosed() {
    if (closed) {
      throw new IllegalStateException("sink is closed");
    }
  }

  private static void clear(ByteBuffer bytes) {
    ((Buffer) bytes).clear();
  }

  private static byte[] ascii(String fourCc) {
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      bytes[i] = (byte) fourCc.charAt(i);
    }
    return bytes;
  }
}
