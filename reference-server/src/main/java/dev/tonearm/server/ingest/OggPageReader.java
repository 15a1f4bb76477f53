package dev.tonearm.server.ingest;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads Ogg pages one after another and checks each page's CRC. Pages must follow each other
 * directly: junk between pages is reported as {@link IngestException.Reason#CORRUPT}, and a page
 * cut short by the end of the file as {@link IngestException.Reason#TRUNCATED}.
 *
 * <p>Not thread-safe.
 */
public final class OggPageReader implements Closeable {
  private static final int HEADER_BYTES = 27;
  private static final int[] CRC_TABLE = crcTable();

  private final InputStream in;
  private long position;

  /** Opens {@code file} for reading from its first byte. */
  public OggPageReader(Path file) throws IOException {
    this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
  }

  /** Reads the next page, or returns null at the end of the file. */
  public OggPage next() throws IOException, IngestException {
    long offset = position;
    byte[] header = new byte[HEADER_BYTES];
    int headerRead = readFully(header, 0, HEADER_BYTES);
    if (headerRead == 0) {
      return null;
    }
    if (headerRead < HEADER_BYTES) {
      throw new IngestException(
          IngestException.Reason.TRUNCATED, "file ends inside the Ogg page at byte " + offset);
    }
    if (header[0] != 'O' || header[1] != 'g' || header[2] != 'g' || header[3] != 'S') {
      throw new IngestException(
          IngestException.Reason.CORRUPT, "no Ogg page starts at byte " + offset);
    }
    if (header[4] != 0) {
      throw new IngestException(
          IngestException.Reason.CORRUPT,
          "unsupported Ogg version " + (header[4] & 0xFF) + " at byte " + offset);
    }
    int segments = header[26] & 0xFF;
    byte[] segmentTable = new byte[segments];
    if (readFully(segmentTable, 0, segments) < segments) {
      throw new IngestException(
          IngestException.Reason.TRUNCATED, "file ends inside the Ogg page at byte " + offset);
    }
    int[] lacing = new int[segments];
    int bodyBytes = 0;
    for (int i = 0; i < segments; i++) {
      lacing[i] = segmentTable[i] & 0xFF;
      bodyBytes += lacing[i];
    }
    byte[] body = new byte[bodyBytes];
    if (readFully(body, 0, bodyBytes) < bodyBytes) {
      throw new IngestException(
          IngestException.Reason.TRUNCATED, "file ends inside the Ogg page at byte " + offset);
    }
    int storedCrc = littleEndianInt(header, 22);
    header[22] = 0;
    header[23] = 0;
    header[24] = 0;
    header[25] = 0;
    int crc = updateCrc(0, header);
    crc = updateCrc(crc, segmentTable);
    crc = updateCrc(crc, body);
    if (crc != storedCrc) {
      throw new IngestException(
          IngestException.Reason.CORRUPT, "Ogg page at byte " + offset + " fails its CRC check");
    }
    long granule = littleEndianLong(header, 6);
    int serial = littleEndianInt(header, 14);
    return new OggPage(
        offset, header[5] & 0xFF, granule, serial, lacing, body, HEADER_BYTES + segments + bodyBytes);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private int readFully(byte[] buffer, int offset, int length) throws IOException {
    int total = 0;
    while (total < length) {
      int read = in.read(buffer, offset + total, length - total);
      if (read < 0) {
        break;
      }
      total += read;
    }
    position += total;
    return total;
  }

  static int littleEndianInt(byte[] bytes, int offset) {
    return (bytes[offset] & 0xFF)
        | (bytes[offset + 1] & 0xFF) << 8
        | (bytes[offset + 2] & 0xFF) << 16
        | (bytes[offset + 3] & 0xFF) << 24;
  }

  static long littleEndianLong(byte[] bytes, int offset) {
    return (littleEndianInt(bytes, offset) & 0xFFFF_FFFFL)
        | ((long) littleEndianInt(bytes, offset + 4)) << 32;
  }

  /** Ogg's CRC-32: polynomial 0x04C11DB7, initial value 0, no reflection, no final XOR. */
  private static int updateCrc(int crc, byte[] bytes) {
    for (byte b : bytes) {
      crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ (b & 0xFF)) & 0xFF];
    }
    return crc;
  }

  private static int[] crcTable() {
    int[] table = new int[256];
    for (int i = 0; i < 256; i++) {
      int r = i << 24;
      for (int bit = 0; bit < 8; bit++) {
        r = (r & 0x8000_0000) != 0 ? (r << 1) ^ 0x04C1_1DB7 : r << 1;
      }
      table[i] = r;
    }
    return table;
  }
}
