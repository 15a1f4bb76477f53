package dev.tonearm.server.ingest;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Probes a RIFF WAVE file: the {@code fmt } and {@code data} chunks and the {@code LIST/INFO}
 * tags INAM, IART, IPRD and IGNR. Accepts integer PCM of 8, 16, 24 or 32 bits and 32-bit IEEE
 * float, plain or WAVE_FORMAT_EXTENSIBLE. Stateless and thread-safe.
 */
final class WavProbe {
  /** Layout of the sample data. */
  record WavLayout(
      ProbeResult probe, long dataOffset, long dataBytes, int blockAlign, boolean floatSamples) {}

  private static final int FORMAT_PCM = 1;
  private static final int FORMAT_FLOAT = 3;
  private static final int FORMAT_EXTENSIBLE = 0xFFFE;

  private WavProbe() {}

  static ProbeResult probe(Path file) throws IOException, IngestException {
    return readLayout(file).probe();
  }

  static WavLayout readLayout(Path file) throws IOException, IngestException {
    long fileSize = Files.size(file);
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        DataInputStream in = new DataInputStream(raw)) {
      byte[] riff = new byte[12];
      in.readFully(riff);
      if (!ascii(riff, 0).equals("RIFF") || !ascii(riff, 8).equals("WAVE")) {
        throw new IngestException(IngestException.Reason.UNSUPPORTED_FORMAT, "not a RIFF WAVE file");
      }
      long position = 12;
      int formatTag = -1;
      int channels = 0;
      long sampleRate = 0;
      int blockAlign = 0;
      int bits = 0;
      long dataOffset = -1;
      long dataBytes = 0;
      Map<String, String> tags = new LinkedHashMap<>();
      while (position + 8 <= fileSize) {
        byte[] chunkHeader = new byte[8];
        in.readFully(chunkHeader);
        String id = ascii(chunkHeader, 0);
        long size = OggPageReader.littleEndianInt(chunkHeader, 4) & 0xFFFF_FFFFL;
        position += 8;
        if (id.equals("data")) {
          dataOffset = position;
          dataBytes = size;
          break;
        }
        if (size > IngestLimits.MAX_HEADER_BYTES) {
          throw new IngestException(
              IngestException.Reason.CORRUPT, "WAV chunk '" + id + "' is " + size + " bytes");
        }
        byte[] body = new byte[(int) size];
        in.readFully(body);
        if ((size & 1) == 1 && position + size < fileSize) {
          in.readUnsignedByte();
          position++;
        }
        position += size;
        if (id.equals("fmt ")) {
          if (size < 16) {
            throw new IngestException(IngestException.Reason.CORRUPT, "WAV fmt chunk too short");
          }
          formatTag = (body[0] & 0xFF) | (body[1] & 0xFF) << 8;
          channels = (body[2] & 0xFF) | (body[3] & 0xFF) << 8;
          sampleRate = OggPageReader.littleEndianInt(body, 4) & 0xFFFF_FFFFL;
          blockAlign = (body[12] & 0xFF) | (body[13] & 0xFF) << 8;
          bits = (body[14] & 0xFF) | (body[15] & 0xFF) << 8;
          if (formatTag == FORMAT_EXTENSIBLE && size >= 40) {
            formatTag = (body[24] & 0xFF) | (body[25] & 0xFF) << 8;
          }
        } else if (id.equals("LIST") && size >= 4 && ascii(body, 0).equals("INFO")) {
          readInfoTags(body, tags);
        }
      }
      if (formatTag < 0) {
        throw new IngestException(IngestException.Reason.CORRUPT, "WAV file has no fmt chunk");
      }
      if (dataOffset < 0) {
        throw new IngestException(IngestException.Reason.TRUNCATED, "WAV file has no data chunk");
      }
      boolean floatSamples = formatTag == FORMAT_FLOAT;
      boolean supported =
          (formatTag == FORMAT_PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32))
              || (floatSamples && bits == 32);
      if (!supported) {
        throw new IngestException(
            IngestException.Reason.UNSUPPORTED_FORMAT,
            "WAV format " + formatTag + " with " + bits + " bits is not supported;"
                + " use integer PCM or 32-bit float");
      }
      if (channels == 0 || sampleRate == 0 || blockAlign != channels * bits / 8) {
        throw new IngestException(
            IngestException.Reason.CORRUPT,
            "WAV fmt chunk is inconsistent: " + channels + " channels, " + bits
                + " bits, block align " + blockAlign);
      }
      if (dataOffset + dataBytes > fileSize) {
        throw new IngestException(
            IngestException.Reason.TRUNCATED,
            "WAV data chunk declares " + dataBytes + " bytes but the file ends after "
                + (fileSize - dataOffset));
      }
      ProbeResult probe =
          new ProbeResult(
              SourceFormat.WAV, sampleRate, channels, bits, dataBytes / blockAlign, 0, tags);
      return new WavLayout(probe, dataOffset, dataBytes, blockAlign, floatSamples);
    } catch (EOFException e) {
      throw new IngestException(IngestException.Reason.TRUNCATED, "WAV file ends inside a chunk", e);
    }
  }

  private static void readInfoTags(byte[] list, Map<String, String> tags) {
    int position = 4;
    while (position + 8 <= list.length) {
      String id = ascii(list, position);
      int size = OggPageReader.littleEndianInt(list, position + 4);
      position += 8;
      if (size < 0 || size > list.length - position) {
        return;
      }
      String value = new String(list, position, size, StandardCharsets.UTF_8).replace("\0", "");
      String key =
          switch (id) {
            case "INAM" -> "TITLE";
            case "IART" -> "ARTIST";
            case "IPRD" -> "ALBUM";
            case "IGNR" -> "GENRE";
            default -> null;
          };
      if (key != null && !value.isBlank()) {
        tags.putIfAbsent(key, value.trim());
      }
      position += size + (size & 1);
    }
  }

  private static String ascii(byte[] bytes, int offset) {
    return new String(bytes, offset, 4, StandardCharsets.US_ASCII);
  }
}
