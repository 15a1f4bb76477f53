package dev.tonearm.core.decode.flac;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the stream marker and the metadata blocks of a FLAC stream (RFC 9639, section 8), leaving
 * the reader at the first frame.
 *
 * <p>STREAMINFO, SEEKTABLE and VORBIS_COMMENT are parsed; every other block (PADDING, APPLICATION,
 * CUESHEET, PICTURE, unknown types) is skipped by seeking when the source can seek. An ID3v2 tag
 * before the marker is skipped. Every length is checked against the block that contains it, and a
 * block that claims to run past the end of the source is reported as truncated before anything is
 * allocated for it.
 */
final class MetadataReader {
  private static final int TYPE_STREAMINFO = 0;
  private static final int TYPE_SEEKTABLE = 3;
  private static final int TYPE_VORBIS_COMMENT = 4;
  private static final int TYPE_INVALID = 127;
  private static final int SEEK_POINT_BYTES = 18;
  private static final long PLACEHOLDER_SAMPLE = -1L;

  private final BitReader in;
  private final Warnings warnings;

  FlacStreamInfo streamInfo;
  String vendor = "";
  Map<String, List<String>> tags = Collections.emptyMap();
  SeekTable seekTable = SeekTable.EMPTY;

  /** Stream offset of the first frame header. */
  long audioStartBytes;

  MetadataReader(BitReader in, Warnings warnings) {
    this.in = in;
    this.warnings = warnings;
  }

  void read() throws IOException {
    readMarker();
    boolean last = false;
    boolean seenTags = false;
    boolean seenSeekTable = false;
    while (!last) {
      long blockStart = in.bytePosition();
      int header = (int) in.readBigEndian(4);
      last = header < 0;
      int type = (header >>> 24) & 0x7F;
      int length = header & 0xFF_FFFF;
      if (type == TYPE_INVALID) {
        throw new DecoderException(
            Reason.BAD_HEADER, "invalid metadata block type 127 at offset " + blockStart);
      }
      long sourceLength = in.sourceLength();
      long end = in.bytePosition() + length;
      if (sourceLength >= 0 && end > sourceLength) {
        throw BitReader.truncated(
            "metadata block of type "
                + type
                + " at offset "
                + blockStart
                + " declares "
                + length
                + " bytes but the stream ends "
                + (end - sourceLength)
                + " bytes earlier");
      }
      if (type == TYPE_STREAMINFO) {
        readStreamInfo(length, blockStart);
      } else if (type == TYPE_SEEKTABLE && !seenSeekTable) {
        seenSeekTable = true;
        readSeekTable(length);
      } else if (type == TYPE_VORBIS_COMMENT && !seenTags) {
        seenTags = true;
        byte[] body = new byte[length];
        in.readFully(body, 0, length);
        parseVorbisComment(body);
      } else {
        in.skipBytes(length);
      }
    }
    if (streamInfo == null) {
      throw new DecoderException(Reason.BAD_HEADER, "STREAMINFO metadata block is missing");
    }
    audioStartBytes = in.bytePosition();
  }

  private void readMarker() throws IOException {
    if (in.ensureBytes(4) < 4) {
      throw new DecoderException(Reason.UNSUPPORTED_FORMAT, "stream is shorter than 4 bytes");
    }
    byte[] w = in.window();
    int i = in.windowIndex();
    if (w[i] == 'I' && w[i + 1] == 'D' && w[i + 2] == '3') {
      skipId3v2();
      if (in.ensureBytes(4) < 4) {
        throw new DecoderException(Reason.UNSUPPORTED_FORMAT, "no FLAC marker after ID3v2 tag");
      }
      w = in.window();
      i = in.windowIndex();
    }
    if (w[i] != 'f' || w[i + 1] != 'L' || w[i + 2] != 'a' || w[i + 3] != 'C') {
      throw new DecoderException(
          Reason.UNSUPPORTED_FORMAT, "stream does not start with the FLAC marker \"fLaC\"");
    }
    in.advance(4);
  }

  private void skipId3v2() throws IOException {
    if (in.ensureBytes(10) < 10) {
      throw BitReader.truncated("stream ends inside an ID3v2 header");
    }
    byte[] w = in.window();
    int i = in.windowIndex();
    int flags = w[i + 5] & 0xFF;
    long size = 0;
    for (int k = 6; k < 10; k++) {
      if ((w[i + k] & 0x80) != 0) {
        throw new DecoderException(Reason.BAD_HEADER, "invalid ID3v2 tag size");
      }
      size = (size << 7) | (w[i + k] & 0x7F);
    }
    in.advance(10);
    in.skipBytes(size + ((flags & 0x10) != 0 ? 10 : 0));
  }

  private void readStreamInfo(int length, long blockStart) throws IOException {
    if (length != FlacStreamInfo.LENGTH_BYTES) {
      throw new DecoderException(
          Reason.BAD_HEADER,
          "STREAMINFO block at offset " + blockStart + " has " + length + " bytes, expected 34");
    }
    byte[] body = new byte[length];
    in.readFully(body, 0, length);
    if (streamInfo != null) {
      warnings.add(
          Reason.BAD_HEADER, "second STREAMINFO block at offset " + blockStart + " ignored");
      return;
    }
    streamInfo = FlacStreamInfo.parse(body);
  }

  private void readSeekTable(int length) throws IOException {
    if (length % SEEK_POINT_BYTES != 0) {
      warnings.add(
          Reason.BAD_HEADER, "SEEKTABLE length " + length + " is not a multiple of 18; ignored");
      in.skipBytes(length);
      return;
    }

    int points = length / SEEK_POINT_BYTES;
    int stride = (points + SeekTable.MAX_POINTS - 1) / SeekTable.MAX_POINTS;
    int capacity = Math.min(points, SeekTable.MAX_POINTS);
    long[] samples = new long[capacity];
    long[] offsets = new long[capacity];
    int storedPoints = 0;
    boolean sorted = true;
    long previous = -1;
    for (int p = 0; p < points; p++) {
      long sample = in.readBigEndian(8);
      long offset = in.readBigEndian(8);
      in.readBigEndian(2);
      if (sample == PLACEHOLDER_SAMPLE) {
        continue;
      }
      if (sample < previous || offset < 0) {
        sorted = false;
      }
      previous = sample;
      if (p % stride == 0 && storedPoints < capacity) {
        samples[storedPoints] = sample;
        offsets[storedPoints] = offset;
        storedPoints++;
      }
    }

    if (!sorted) {
      warnings.add(Reason.BAD_HEADER, "SEEKTABLE points are not in ascending order; ignored");
      return;
    }
    seekTable = new SeekTable(samples, offsets, storedPoints);
  }

  private void parseVorbisComment(byte[] body) {
    int[] cursor = {0};
    Integer vendorLength = readLength(body, cursor);
    if (vendorLength == null) {
      warnings.add(Reason.BAD_HEADER, "VORBIS_COMMENT vendor string overruns its block");
      return;
    }
    vendor = new String(body, cursor[0], vendorLength, StandardCharsets.UTF_8);
    cursor[0] += vendorLength;
    if (body.length - cursor[0] < 4) {
      warnings.add(Reason.BAD_HEADER, "VORBIS_COMMENT block ends before its comment count");
      return;
    }
    long count = readLittleEndian32(body, cursor[0]);
    cursor[0] += 4;

    Map<String, List<String>> parsed = new LinkedHashMap<>();
    for (long c = 0; c < count; c++) {
      Integer length = readLength(body, cursor);
      if (length == null) {
        warnings.add(
            Reason.BAD_HEADER,
            "VORBIS_COMMENT declares " + count + " comments but its block ends after " + c);
        break;
      }
      String comment = new String(body, cursor[0], length, StandardCharsets.UTF_8);
      cursor[0] += length;
      int equals = comment.indexOf('=');
      if (equals <= 0) {
        warnings.add(Reason.BAD_HEADER, "VORBIS_COMMENT entry " + c + " has no field name");
        continue;
      }
      String name = comment.substring(0, equals).toUpperCase(Locale.ROOT);
      List<String> values = parsed.get(name);
      if (values == null) {
        values = new ArrayList<>(1);
        parsed.put(name, values);
      }
      values.add(comment.substring(equals + 1));
    }

    for (Map.Entry<String, List<String>> entry : parsed.entrySet()) {
      entry.setValue(Collections.unmodifiableList(entry.getValue()));
    }
    tags = Collections.unmodifiableMap(parsed);
  }

  /** Reads a 32-bit little-endian length and checks that that many bytes follow it. */
  private static Integer readLength(byte[] body, int[] cursor) {
    if (body.length - cursor[0] < 4) {
      return null;
    }
    long length = readLittleEndian32(body, cursor[0]);
    cursor[0] += 4;
    if (length > body.length - cursor[0]) {
      return null;
    }
    return (int) length;
  }

  private static long readLittleEndian32(byte[] data, int offset) {
    return (data[offset] & 0xFFL)
        | (data[offset + 1] & 0xFFL) << 8
        | (data[offset + 2] & 0xFFL) << 16
        | (data[offset + 3] & 0xFFL) << 24;
  }
}
