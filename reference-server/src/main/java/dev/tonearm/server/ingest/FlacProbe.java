package dev.tonearm.server.ingest;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Probes a native FLAC file: STREAMINFO and VORBIS_COMMENT metadata blocks (RFC 9639 section 8),
 * after an optional ID3v2 tag. Other blocks, pictures included, are skipped without being read
 * into memory. Stateless and thread-safe.
 */
final class FlacProbe {
  /** Stream facts from the metadata, and the offset where the first audio frame starts. */
  record FlacHeader(ProbeResult probe, long audioOffset, int minBlockSize, int maxBlockSize) {}

  private static final int STREAMINFO = 0;
  private static final int VORBIS_COMMENT = 4;

  private FlacProbe() {}

  static ProbeResult probe(Path file) throws IOException, IngestException {
    return readHeader(file).probe();
  }

  static FlacHeader readHeader(Path file) throws IOException, IngestException {
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        DataInputStream in = new DataInputStream(raw)) {
      long position = skipId3(in);
      byte[] magic = new byte[4];
      in.readFully(magic);
      position += 4;
      if (magic[0] != 'f' || magic[1] != 'L' || magic[2] != 'a' || magic[3] != 'C') {
        throw new IngestException(IngestException.Reason.UNSUPPORTED_FORMAT, "no fLaC marker");
      }
      byte[] streamInfo = null;
      Map<String, String> tags = Map.of();
      boolean last = false;
      while (!last) {
        int blockHeader = in.readUnsignedByte();
        last = (blockHeader & 0x80) != 0;
        int type = blockHeader & 0x7F;
        int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        position += 4 + length;
        if (type == STREAMINFO) {
          if (length != 34) {
            throw new IngestException(
                IngestException.Reason.CORRUPT, "STREAMINFO has " + length + " bytes, expected 34");
          }
          streamInfo = new byte[length];
          in.readFully(streamInfo);
        } else if (type == VORBIS_COMMENT && length <= IngestLimits.MAX_HEADER_BYTES) {
          byte[] block = new byte[length];
          in.readFully(block);
          tags = VorbisComments.parse(block, 0);
        } else if (type == 127) {
          throw new IngestException(
              IngestException.Reason.CORRUPT, "invalid FLAC metadata block type 127");
        } else {
          skipFully(in, length);
        }
      }
      if (streamInfo == null) {
        throw new IngestException(IngestException.Reason.CORRUPT, "FLAC file has no STREAMINFO");
      }
      return parseStreamInfo(streamInfo, tags, position);
    } catch (EOFException e) {
      throw new IngestException(
          IngestException.Reason.TRUNCATED, "FLAC file ends inside its metadata", e);
    }
  }

  private static FlacHeader parseStreamInfo(byte[] info, Map<String, String> tags, long audioOffset)
      throws IngestException {
    int minBlockSize = (info[0] & 0xFF) << 8 | (info[1] & 0xFF);
    int maxBlockSize = (info[2] & 0xFF) << 8 | (info[3] & 0xFF);
    long packed = 0;
    for (int i = 10; i < 18; i++) {
      packed = packed << 8 | (info[i] & 0xFF);
    }
    long sampleRate = packed >>> 44;
    int channels = (int) ((packed >>> 41) & 0x7) + 1;
    int bitsPerSample = (int) ((packed >>> 36) & 0x1F) + 1;
    long totalFrames = packed & 0xF_FFFF_FFFFL;
    if (sampleRate == 0) {
      throw new IngestException(IngestException.Reason.CORRUPT, "STREAMINFO sample rate is 0");
    }
    ProbeResult probe =
        new ProbeResult(
            SourceFormat.FLAC,
            sampleRate,
            channels,
            bitsPerSample,
            totalFrames == 0 ? -1 : totalFrames,
            0,
            tags);
    return new FlacHeader(probe, audioOffset, minBlockSize, maxBlockSize);
  }

  /** Skips an ID3v2 tag if one starts here; returns the bytes consumed. */
  private static long skipId3(DataInputStream in) throws IOException {
    in.mark(10);
    byte[] header = new byte[10];
    in.readFully(header);
    if (header[0] == 'I' && header[1] == 'D' && header[2] == '3') {
      int size =
          (header[6] & 0x7F) << 21
              | (header[7] & 0x7F) << 14
              | (header[8] & 0x7F) << 7
              | (header[9] & 0x7F);
      boolean footer = (header[5] & 0x10) != 0;
      long skip = size + (footer ? 10 : 0);
      skipFully(in, skip);
      return 10 + skip;
    }
    in.reset();
    return 0;
  }

  private static void skipFully(InputStream in, long bytes) throws IOException {
    long remaining = bytes;
    while (remaining > 0) {
      long skipped = in.skip(remaining);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new EOFException();
        }
        skipped = 1;
      }
      remaining -= skipped;
    }
  }
}
