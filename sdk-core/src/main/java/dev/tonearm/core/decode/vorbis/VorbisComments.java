package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.ogg.OggPacket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * The Vorbis comment header of one link (Vorbis I specification, section 5): the vendor string
 * and user comments of the form {@code FIELD=value}. Field names compare case-insensitively; a
 * field may repeat. Comments without {@code '='} are kept in {@link #comments()} but have no field.
 *
 * <p>Besides generic lookup, accessors cover the fields that server ingest reads: {@code TITLE},
 * {@code ARTIST}, {@code ALBUM}, {@code GENRE} and the ReplayGain fields
 * ({@code REPLAYGAIN_TRACK_GAIN} and so on, gains written as {@code "-6.50 dB"}). Immutable and
 * thread-safe.
 */
public final class VorbisComments {
  private final String vendor;
  private final List<String> comments;

  VorbisComments(String vendor, List<String> comments) {
    this.vendor = vendor;
    this.comments = Collections.unmodifiableList(new ArrayList<>(comments));
  }

  /** Parses a comment header packet (type 3). */
  static VorbisComments parse(OggPacket packet) throws DecoderException {
    if (!IdentificationHeader.hasSignature(packet, 3)) {
      throw new DecoderException(Reason.BAD_HEADER,
          "the second Vorbis header packet is not a comment header");
    }
    byte[] data = packet.data();
    int end = packet.length();
    int position = 7;
    long vendorLength = readLength(data, position, end);
    position += 4;
    if (vendorLength > end - position) {
      throw badComments("vendor string of " + vendorLength + " bytes overruns the packet");
    }
    String vendor = new String(data, position, (int) vendorLength, StandardCharsets.UTF_8);
    position += (int) vendorLength;
    long count = readLength(data, position, end);
    position += 4;
    if (count > (end - position) / 4) {
      throw badComments(count + " comments cannot fit in the packet");
    }
    List<String> comments = new ArrayList<>((int) count);
    for (long i = 0; i < count; i++) {
      long length = readLength(data, position, end);
      position += 4;
      if (length > end - position) {
        throw badComments("comment " + i + " of " + length + " bytes overruns the packet");
      }
      comments.add(new String(data, position, (int) length, StandardCharsets.UTF_8));
      position += (int) length;
    }
    if (position >= end || (data[position] & 1) == 0) {
      throw badComments("the framing bit is not set");
    }
    return new VorbisComments(vendor, comments);
  }

  /** Returns the encoder's vendor string, possibly empty. */
  public String vendor() {
    return vendor;
  }

  /** Returns all user comments in stream order, as stored ({@code FIELD=value}). */
  public List<String> comments() {
    return comments;
  }

  /** Values of field {@code name} (case-insensitive) in stream order; empty when absent. */
  public List<String> values(String name) {
    String expected = name.toUpperCase(Locale.ROOT);
    List<String> result = new ArrayList<>();
    for (String comment : comments) {
      int separator = comment.indexOf('=');
      if (separator > 0 && comment.substring(0, separator).toUpperCase(Locale.ROOT)
          .equals(expected)) {
        result.add(comment.substring(separator + 1));
      }
    }
    return result;
  }

  /** First value of field {@code name} (case-insensitive), or null when absent. */
  public String first(String name) {
    List<String> values = values(name);
    return values.isEmpty() ? null : values.get(0);
  }

  /** {@code TITLE}, or null. */
  public String title() {
    return first("TITLE");
  }

  /** {@code ARTIST}, or null. */
  public String artist() {
    return first("ARTIST");
  }

  /** {@code ALBUM}, or null. */
  public String album() {
    return first("ALBUM");
  }

  /** {@code GENRE}, or null. */
  public String genre() {
    return first("GENRE");
  }

  /** {@code REPLAYGAIN_TRACK_GAIN} in dB, empty when absent or not a number. */
  public OptionalDouble replayGainTrackGainDb() {
    return parseNumber(first("REPLAYGAIN_TRACK_GAIN"));
  }

  /** {@code REPLAYGAIN_TRACK_PEAK} as a linear amplitude (1.0 is full scale). */
  public OptionalDouble replayGainTrackPeak() {
    return parseNumber(first("REPLAYGAIN_TRACK_PEAK"));
  }

  /** {@code REPLAYGAIN_ALBUM_GAIN} in dB, empty when absent or not a number. */
  public OptionalDouble replayGainAlbumGainDb() {
    return parseNumber(first("REPLAYGAIN_ALBUM_GAIN"));
  }

  /** {@code REPLAYGAIN_ALBUM_PEAK} as a linear amplitude (1.0 is full scale). */
  public OptionalDouble replayGainAlbumPeak() {
    return parseNumber(first("REPLAYGAIN_ALBUM_PEAK"));
  }

  /** {@code REPLAYGAIN_REFERENCE_LOUDNESS} in dB SPL, empty when absent or not a number. */
  public OptionalDouble replayGainReferenceLoudnessDb() {
    return parseNumber(first("REPLAYGAIN_REFERENCE_LOUDNESS"));
  }

  private static OptionalDouble parseNumber(String value) {
    if (value == null) {
      return OptionalDouble.empty();
    }
    String text = value.trim();
    int unit = text.toUpperCase(Locale.ROOT).lastIndexOf("DB");
    if (unit > 0 && unit == text.length() - 2) {
      text = text.substring(0, unit).trim();
    }
    try {
      double number = Double.parseDouble(text);
      return Double.isNaN(number) || Double.isInfinite(number)
          ? OptionalDouble.empty()
          : OptionalDouble.of(number);
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }

  private static long readLength(byte[] data, int position, int end) throws DecoderException {
    if (end - position < 4) {
      throw badComments("a length field overruns the packet");
    }
    return (data[position] & 0xFFL)
        | (data[position + 1] & 0xFFL) << 8
        | (data[position + 2] & 0xFFL) << 16
        | (data[position + 3] & 0xFFL) << 24;
  }

  private static DecoderException badComments(String message) {
    return new DecoderException(Reason.BAD_HEADER, "invalid Vorbis comment header: " + message);
  }

  @Override
  public String toString() {
    return "VorbisComments{vendor=" + vendor + ", " + comments.size() + " comments}";
  }
}
