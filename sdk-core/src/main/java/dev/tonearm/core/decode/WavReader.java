package dev.tonearm.core.decode;

import dev.tonearm.core.decode.DecoderException.Reason;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Reads integer PCM from RIFF/WAVE files, a block at a time, as a {@link Decoder} with codec {@code
 * "wav"}.
 *
 * <p>Supported: WAVE_FORMAT_PCM and WAVE_FORMAT_EXTENSIBLE with the PCM sub-format, 1 to 8
 * channels, containers of 1 to 4 bytes (8-bit samples are unsigned, as WAVE defines them) and any
 * valid bit count from 4 up to the container size; samples are left-justified in their container
 * and returned right-justified as signed integers. Channels stay in file order, which for WAVE is
 * the order of {@link PcmFormat}; the extensible channel mask is reported by {@link
 * #channelMask()}. Chunks other than {@code fmt } and {@code data} are skipped.
 *
 * <p>Rejected with {@link DecoderException}: RIFX (big-endian), RF64 and other containers ({@link
 * Reason#UNSUPPORTED_FEATURE}); floating-point and compressed formats ({@link
 * Reason#UNSUPPORTED_FEATURE}); malformed headers ({@link Reason#BAD_HEADER}); a {@code fmt } chunk
 * over {@link #MAX_FMT_CHUNK_BYTES} or more than {@link #MAX_CHUNKS_BEFORE_DATA} chunks before the
 * data ({@link Reason#LIMIT_EXCEEDED}); a stream that ends inside the header ({@link
 * Reason#TRUNCATED}).
 *
 * <p>Recovered from, with a warning: a data chunk that ends before its declared size, and a partial
 * frame at the end. A data size of 0 or 0xFFFFFFFF, which streaming writers leave before they know
 * the size, means "read to the end" and gives no warning.
 *
 * <p>Threading: one thread at a time, like every {@link Decoder}.
 */
public final class WavReader implements Decoder {
  /** Largest {@code fmt } chunk accepted; the extensible form needs 40 bytes. */
  public static final int MAX_FMT_CHUNK_BYTES = 1024;

  /** Most chunks read while looking for the data chunk. */
  public static final int MAX_CHUNKS_BEFORE_DATA = 1000;

  private static final int FRAMES_PER_READ = 4096;
  private static final int WAVE_FORMAT_PCM = 0x0001;
  private static final int WAVE_FORMAT_IEEE_FLOAT = 0x0003;
  private static final int WAVE_FORMAT_EXTENSIBLE = 0xFFFE;
  private static final long UNKNOWN_SIZE = 0xFFFF_FFFFL;

  /** Bytes 2 to 15 of every WAVE sub-format GUID: xxxxxxxx-0000-0010-8000-00aa00389b71. */
  private static final byte[] SUBFORMAT_GUID_TAIL = {
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

  private final ByteSource source;
  private final List<DecoderException> warnings = new ArrayList<>();

  private PcmFormat format;
  private int containerBytes;
  private int blockAlign;
  private int channelMask;
  private long dataStart;

  /** Frames in the data chunk, or -1 until the end is reached when the size is unknown. */
  private long totalFrames = -1;

  private boolean declaredSizeKnown;
  private long declaredDataBytes;
  private long positionFrames;
  private boolean ended;
  private byte[] bytes = new byte[0];

  /** Creates a reader over {@code source}; the header is read on first use. */
  public WavReader(ByteSource source) {
    this.source = Objects.requireNonNull(source, "source");
  }

  /** Returns a reader over a stream that cannot seek. */
  public static WavReader open(InputStream in) {
    return new WavReader(new StreamSource(Objects.requireNonNull(in, "in")));
  }

  /** Returns a seekable reader over a file. */
  public static WavReader open(Path path) throws IOException {
    return new WavReader(new FileSource(FileChannel.open(path, StandardOpenOption.READ)));
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

  /** Returns the WAVE_FORMAT_EXTENSIBLE channel mask, or 0 when the file has none. */
  public int channelMask() throws IOException {
    format();
    return channelMask;
  }

  @Override
  public int read(PcmBuffer buffer) throws IOException {
    PcmFormat current = format();
    if (ended) {
      return -1;
    }
    int frames = FRAMES_PER_READ;
    if (declaredSizeKnown) {
      frames = (int) Math.min(frames, declaredDataBytes / blockAlign - positionFrames);
    }
    int requestedBytes = frames * blockAlign;
    if (bytes.length < requestedBytes) {
      bytes = new byte[requestedBytes];
    }
    int got = readUpTo(bytes, requestedBytes);
    int complete = got / blockAlign;
    if (complete > 0) {
      int[] samples = buffer.ensureCapacity(complete * current.channels());
      convert(bytes, complete * current.channels(), samples);
      buffer.frames = complete;
      buffer.format = current;
      buffer.link = 0;
      positionFrames += complete;
    }
    if (got < requestedBytes) {
      endOfStream(got - complete * blockAlign);
    } else if (declaredSizeKnown && positionFrames == declaredDataBytes / blockAlign) {
      endOfData();
    }
    return complete > 0 ? complete : -1;
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
    if (!source.isSeekable()) {
      throw new DecoderException(
          Reason.SEEK_UNSUPPORTED, "the WAVE source cannot seek; open it from a file to seek");
    }
    if (frame < 0 || (totalFrames >= 0 && frame > totalFrames)) {
      throw new DecoderException(
          Reason.SEEK_OUT_OF_RANGE,
          "frame " + frame + " is outside the stream of " + totalFrames + " frames");
    }
    try {
      source.seek(dataStart + frame * blockAlign);
    } catch (IOException e) {
      throw new DecoderException(Reason.IO_ERROR, "seek to frame " + frame + " failed", e);
    }
    positionFrames = frame;
    ended = totalFrames >= 0 && frame == totalFrames;
  }

  @Override
  public long positionFrames() {
    return positionFrames;
  }

  @Override
  public List<DecoderException> warnings() {
    return Collections.unmodifiableList(warnings);
  }

  @Override
  public void close() throws IOException {
    source.close();
  }

  /** Handles a stream that ended before the data chunk's declared end (or with no size). */
  private void endOfStream(int partialFrameBytes) {
    ended = true;
    totalFrames = positionFrames;
    if (declaredSizeKnown) {
      warnings.add(
          new DecoderException(
              Reason.TRUNCATED,
              "the data chunk declares "
                  + declaredDataBytes
                  + " bytes but the stream ends after "
                  + (positionFrames * blockAlign + partialFrameBytes)));
    } else if (partialFrameBytes > 0) {
      warnings.add(
          new DecoderException(
              Reason.TRUNCATED,
              "the stream ends inside a frame; dropped " + partialFrameBytes + " bytes"));
    }
  }

  /** Handles reaching the last whole frame of a data chunk of declared size. */
  private void endOfData() {
    ended = true;
    totalFrames = positionFrames;
    long extraBytes = declaredDataBytes % blockAlign;
    if (extraBytes != 0) {
      warnings.add(
          new DecoderException(
              Reason.CORRUPT_DATA,
              "the data size "
                  + declaredDataBytes
                  + " is not a multiple of the block size "
                  + blockAlign
                  + "; dropped "
                  + extraBytes
                  + " bytes"));
    }
  }

  private void readHeader() throws IOException {
    byte[] riff = new byte[12];
    readHeaderBytes(riff, 12, "RIFF header");
    String id = fourCc(riff, 0);
    if (id.equals("RIFX") || id.equals("RF64") || id.equals("BW64")) {
      throw new DecoderException(
          Reason.UNSUPPORTED_FEATURE, id + " files are not supported; only RIFF/WAVE is");
    }
    if (!id.equals("RIFF") || !fourCc(riff, 8).equals("WAVE")) {
      throw new DecoderException(
          Reason.UNSUPPORTED_FORMAT, "not a RIFF/WAVE file: starts with \"" + id + "\"");
    }
    byte[] chunkHeader = new byte[8];
    boolean haveFormat = false;
    for (int chunks = 0; ; chunks++) {
      if (chunks == MAX_CHUNKS_BEFORE_DATA) {
        throw new DecoderException(
            Reason.LIMIT_EXCEEDED,
            "no data chunk within the first " + MAX_CHUNKS_BEFORE_DATA + " chunks");
      }
      readHeaderBytes(chunkHeader, 8, "chunk header");
      String chunkId = fourCc(chunkHeader, 0);
      long size = uint32(chunkHeader, 4);
      if (chunkId.equals("fmt ")) {
        if (haveFormat) {
          throw new DecoderException(Reason.BAD_HEADER, "the file has two fmt chunks");
        }
        readFormatChunk(size);
        haveFormat = true;
      } else if (chunkId.equals("data")) {
        if (!haveFormat) {
          throw new DecoderException(Reason.BAD_HEADER, "the data chunk comes before fmt");
        }
        startData(size);
        return;
      } else {
        skip(size + (size & 1), chunkId);
      }
    }
  }

  private void readFormatChunk(long size) throws IOException {
    if (size < 16) {
      throw new DecoderException(
          Reason.BAD_HEADER, "fmt chunk of " + size + " bytes; at least 16 expected");
    }
    if (size > MAX_FMT_CHUNK_BYTES) {
      throw new DecoderException(
          Reason.LIMIT_EXCEEDED,
          "fmt chunk of " + size + " bytes exceeds " + MAX_FMT_CHUNK_BYTES + " bytes");
    }
    int padded = (int) (size + (size & 1));
    byte[] fmt = new byte[padded];
    readHeaderBytes(fmt, padded, "fmt chunk");

    int tag = uint16(fmt, 0);
    int channels = uint16(fmt, 2);
    long sampleRateHz = uint32(fmt, 4);
    blockAlign = uint16(fmt, 12);
    int bitsField = uint16(fmt, 14);
    int validBits = bitsField;

    if (tag == WAVE_FORMAT_EXTENSIBLE) {
      if (size < 40 || uint16(fmt, 16) < 22) {
        throw new DecoderException(
            Reason.BAD_HEADER, "WAVE_FORMAT_EXTENSIBLE fmt chunk of " + size + " bytes; 40 needed");
      }
      validBits = uint16(fmt, 18) == 0 ? bitsField : uint16(fmt, 18);
      channelMask = (int) uint32(fmt, 20);
      for (int i = 0; i < SUBFORMAT_GUID_TAIL.length; i++) {
        if (fmt[26 + i] != SUBFORMAT_GUID_TAIL[i]) {
          throw new DecoderException(
              Reason.UNSUPPORTED_FEATURE, "WAVE_FORMAT_EXTENSIBLE with a non-WAVE sub-format");
        }
      }
      tag = uint16(fmt, 24);
    }

    if (tag != WAVE_FORMAT_PCM) {
      String name = tag == WAVE_FORMAT_IEEE_FLOAT ? " (IEEE float)" : "";
      throw new DecoderException(
          Reason.UNSUPPORTED_FEATURE,
          String.format("WAVE format tag 0x%04X%s is not supported; only integer PCM", tag, name));
    }
    checkLayout(channels, sampleRateHz, bitsField, validBits);
    format = new PcmFormat(sampleRateHz, channels, validBits);
  }

  private void checkLayout(int channels, long sampleRateHz, int bitsField, int validBits)
      throws DecoderException {
    if (channels == 0 || sampleRateHz == 0 || blockAlign == 0) {
      throw new DecoderException(
          Reason.BAD_HEADER,
          "fmt chunk has zero channels, sample rate or block size: "
              + channels
              + " ch, "
              + sampleRateHz
              + " Hz, "
              + blockAlign
              + " bytes");
    }
    if (channels > PcmFormat.MAX_CHANNELS) {
      throw new DecoderException(
          Reason.UNSUPPORTED_FEATURE,
          channels + " channels; at most " + PcmFormat.MAX_CHANNELS + " are supported");
    }
    if (blockAlign % channels != 0) {
      throw new DecoderException(
          Reason.BAD_HEADER, "block size " + blockAlign + " is not a multiple of " + channels);
    }
    containerBytes = blockAlign / channels;
    if (containerBytes > 4) {
      throw new DecoderException(
          Reason.UNSUPPORTED_FEATURE, containerBytes + "-byte samples; at most 4 are supported");
    }
    if (bitsField > containerBytes * 8 || validBits > containerBytes * 8 || validBits == 0) {
      throw new DecoderException(
          Reason.BAD_HEADER,
          "bits per sample "
              + validBits
              + " (field "
              + bitsField
              + ") do not fit "
              + containerBytes
              + "-byte samples");
    }
    if (validBits < 4) {
      throw new DecoderException(
          Reason.UNSUPPORTED_FEATURE, validBits + "-bit samples; at least 4 bits are supported");
    }
  }

  private void startData(long size) {
    dataStart = source.position();
    declaredSizeKnown = size != 0 && size != UNKNOWN_SIZE;
    declaredDataBytes = size;
    long length = source.length();
    if (declaredSizeKnown) {
      long available = length >= 0 ? Math.max(0, length - dataStart) : size;
      totalFrames = Math.min(size, available) / blockAlign;
    } else if (length >= 0) {
      totalFrames = (length - dataStart) / blockAlign;
    }
  }

  private void convert(byte[] in, int sampleCount, int[] out) {
    int shift = containerBytes * 8 - format.bitsPerSample();
    int p = 0;
    switch (containerBytes) {
      case 1:
        for (int i = 0; i < sampleCount; i++) {
          out[i] = (((in[p++] & 0xFF) - 0x80) << 24) >> (24 + shift);
        }
        break;
      case 2:
        for (int i = 0; i < sampleCount; i++) {
          out[i] = ((in[p] & 0xFF) << 16 | in[p + 1] << 24) >> (16 + shift);
          p += 2;
        }
        break;
      case 3:
        for (int i = 0; i < sampleCount; i++) {
          out[i] =
              ((in[p] & 0xFF) << 8 | (in[p + 1] & 0xFF) << 16 | in[p + 2] << 24) >> (8 + shift);
          p += 3;
        }
        break;
      default:
        for (int i = 0; i < sampleCount; i++) {
          int value =
              (in[p] & 0xFF) | (in[p + 1] & 0xFF) << 8 | (in[p + 2] & 0xFF) << 16 | in[p + 3] << 24;
          out[i] = value >> shift;
          p += 4;
        }
        break;
    }
  }

  private int readUpTo(byte[] buffer, int length) throws DecoderException {
    int total = 0;
    try {
      while (total < length) {
        int n = source.read(buffer, total, length - total);
        if (n < 0) {
          break;
        }
        total += n;
      }
    } catch (DecoderException e) {
      throw e;
    } catch (IOException e) {
      throw new DecoderException(Reason.IO_ERROR, "reading WAVE data failed", e);
    }
    return total;
  }

  private void readHeaderBytes(byte[] buffer, int length, String part) throws DecoderException {
    int got = readUpTo(buffer, length);
    if (got < length) {
      throw new DecoderException(
          Reason.TRUNCATED,
          "the stream ends inside the " + part + " after " + source.position() + " bytes");
    }
  }

  private void skip(long count, String chunkId) throws DecoderException {
    try {
      long length = source.length();
      if (source.isSeekable() && length >= 0) {
        long target = source.position() + count;
        if (target > length) {
          throw new DecoderException(
              Reason.TRUNCATED,
              "chunk \"" + chunkId + "\" of " + count + " bytes runs past the end of the file");
        }
        source.seek(target);
        return;
      }
      byte[] scratch = new byte[8192];
      long left = count;
      while (left > 0) {
        int n = source.read(scratch, 0, (int) Math.min(scratch.length, left));
        if (n < 0) {
          throw new DecoderException(
              Reason.TRUNCATED, "the stream ends inside chunk \"" + chunkId + "\"");
        }
        left -= n;
      }
    } catch (DecoderException e) {
      throw e;
    } catch (IOException e) {
      throw new DecoderException(Reason.IO_ERROR, "skipping chunk \"" + chunkId + "\" failed", e);
    }
  }

  private static String fourCc(byte[] b, int offset) {
    char[] chars = new char[4];
    for (int i = 0; i < 4; i++) {
      int c = b[offset + i] & 0xFF;
      chars[i] = c >= 0x20 && c < 0x7F ? (char) c : '?';
    }
    return new String(chars);
  }

  private static int uint16(byte[] b, int offset) {
    return (b[offset] & 0xFF) | (b[offset + 1] & 0xFF) << 8;
  }

  private static long uint32(byte[] b, int offset) {
    return ((long) uint16(b, offset)) | ((long) uint16(b, offset + 2)) << 16;
  }

  /** A {@link ByteSource} over an {@link InputStream}; cannot seek. */
  private static final class StreamSource implements ByteSource {
    private final InputStream in;
    private long position;

    StreamSource(InputStream in) {
      this.in = in;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = in.read(buffer, offset, length);
      if (n > 0) {
        position += n;
      }
      return n;
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public long length() {
      return -1;
    }

    @Override
    public boolean isSeekable() {
      return false;
    }

    @Override
    public void seek(long target) throws IOException {
      throw new IOException("an InputStream source cannot seek");
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** A seekable {@link ByteSource} over a file channel. */
  private static final class FileSource implements ByteSource {
    private final FileChannel channel;

    FileSource(FileChannel channel) {
      this.channel = channel;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return channel.read(ByteBuffer.wrap(buffer, offset, length));
    }

    @Override
    public long position() {
      try {
        return channel.position();
      } catch (IOException e) {
        return -1;
      }
    }

    @Override
    public long length() {
      try {
        return channel.size();
      } catch (IOException e) {
        return -1;
      }
    }

    @Override
    public boolean isSeekable() {
      return true;
    }

    @Override
    public void seek(long target) throws IOException {
      if (target < 0 || target > channel.size()) {
        throw new IOException("seek target " + target + " is outside the file");
      }
      channel.position(target);
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
