package dev.tonearm.server.ingest;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Parses a Vorbis comment block (vendor string, then {@code KEY=value} entries, all lengths
 * 32-bit little-endian), as used by Ogg Vorbis and FLAC. Keeps the first value of each key, with
 * the key upper-cased. Entries without {@code =} are skipped. Stateless.
 */
final class VorbisComments {
  private VorbisComments() {}

  static Map<String, String> parse(byte[] block, int offset) throws IngestException {
    Map<String, String> tags = new LinkedHashMap<>();
    int position = offset;
    int vendorLength = readLength(block, position);
    position += 4 + vendorLength;
    int count = readLength(block, position);
    position += 4;
    for (int i = 0; i < count; i++) {
      int length = readLength(block, position);
      position += 4;
      if (length > block.length - position) {
        throw malformed();
      }
      String entry = new String(block, position, length, StandardCharsets.UTF_8);
      position += length;
      int equals = entry.indexOf('=');
      if (equals > 0) {
        String key = entry.substring(0, equals).toUpperCase(Locale.ROOT);
        tags.putIfAbsent(key, entry.substring(equals + 1).trim());
      }
    }
    return tags;
  }

  private static int readLength(byte[] block, int position) throws IngestException {
    if (position < 0 || position > block.length - 4) {
      throw malformed();
    }
    int length = OggPageReader.littleEndianInt(block, position);
    if (length < 0 || length > block.length - position - 4) {
      throw malformed();
    }
    return length;
  }

  private static IngestException malformed() {
    return new IngestException(
        IngestException.Reason.CORRUPT, "Vorbis comment block is malformed");
  }
}
