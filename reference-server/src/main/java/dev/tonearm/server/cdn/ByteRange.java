package dev.tonearm.server.cdn;

import java.util.Locale;

/**
 * Evaluates a {@code Range} request header against an object size, following RFC 9110 section
 * 14 for a server that serves single byte ranges only. Immutable.
 *
 * <p>Outcomes:
 *
 * <ul>
 *   <li>No header, a unit other than {@code bytes}, a syntactically invalid range ({@code
 *       bytes=abc}, {@code bytes=5-2}) or more than one range: the header is ignored and the whole
 *       object is sent with 200.
 *   <li>{@code bytes=a-b}, {@code bytes=a-}: 206 for {@code [a, min(b, size - 1)]}; 416 when
 *       {@code a >= size}.
 *   <li>{@code bytes=-n}: 206 for the last {@code min(n, size)} bytes; 416 when {@code n == 0} or
 *       the object is empty.
 *   <li>An {@code If-Range} value other than the current ETag: the whole object with 200.
 * </ul>
 *
 * @param kind outcome
 * @param start first byte, valid for {@link Kind#PARTIAL} and {@link Kind#FULL}
 * @param endInclusive last byte, valid for {@link Kind#PARTIAL} and {@link Kind#FULL} of a
 *     non-empty object
 */
public record ByteRange(Kind kind, long start, long endInclusive) {
  /** Outcome of the evaluation. */
  public enum Kind {
    /** Send the whole object with 200. */
    FULL,
    /** Send {@code [start, endInclusive]} with 206. */
    PARTIAL,
    /** Send 416 with {@code Content-Range: bytes *}{@code /size}. */
    UNSATISFIABLE
  }

  private static final String BYTES_UNIT = "bytes=";

  /** Number of bytes to send; 0 for {@link Kind#UNSATISFIABLE}. */
  public long length() {
    return kind == Kind.UNSATISFIABLE ? 0 : endInclusive - start + 1;
  }

  /**
   * Evaluates {@code rangeHeader} for an object of {@code sizeBytes} whose ETag is {@code etag}.
   *
   * @param rangeHeader value of {@code Range}, or null
   * @param ifRangeHeader value of {@code If-Range}, or null
   */
  public static ByteRange evaluate(
      String rangeHeader, String ifRangeHeader, long sizeBytes, String etag) {
    ByteRange full = new ByteRange(Kind.FULL, 0, sizeBytes - 1);
    if (rangeHeader == null) {
      return full;
    }
    if (ifRangeHeader != null && !ifRangeHeader.trim().equals(etag)) {
      return full;
    }
    String value = rangeHeader.trim();
    if (!value.toLowerCase(Locale.ROOT).startsWith(BYTES_UNIT)) {
      return full;
    }
    String specs = value.substring(BYTES_UNIT.length());
    if (specs.contains(",")) {
      return full;
    }
    String spec = specs.trim();
    int dash = spec.indexOf('-');
    if (dash < 0 || spec.indexOf('-', dash + 1) >= 0) {
      return full;
    }
    String first = spec.substring(0, dash).trim();
    String last = spec.substring(dash + 1).trim();
    if (first.isEmpty()) {
      return suffix(last, sizeBytes, full);
    }
    long start = parseDigits(first);
    long end = last.isEmpty() ? Long.MAX_VALUE : parseDigits(last);
    if (start < 0 || end < 0 || end < start) {
      return full;
    }
    if (start >= sizeBytes) {
      return unsatisfiable();
    }
    return new ByteRange(Kind.PARTIAL, start, Math.min(end, sizeBytes - 1));
  }

  private static ByteRange suffix(String digits, long sizeBytes, ByteRange full) {
    long suffixLength = parseDigits(digits);
    if (suffixLength < 0) {
      return full;
    }
    if (suffixLength == 0 || sizeBytes == 0) {
      return unsatisfiable();
    }
    long start = Math.max(0, sizeBytes - suffixLength);
    return new ByteRange(Kind.PARTIAL, start, sizeBytes - 1);
  }

  private static ByteRange unsatisfiable() {
    return new ByteRange(Kind.UNSATISFIABLE, 0, -1);
  }

  /** Parses ASCII digits, saturating at {@link Long#MAX_VALUE}; returns -1 if not all digits. */
  private static long parseDigits(String digits) {
    if (digits.isEmpty()) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < digits.length(); i++) {
      char c = digits.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      if (value > (Long.MAX_VALUE - (c - '0')) / 10) {
        value = Long.MAX_VALUE;
      } else {
        value = value * 10 + (c - '0');
      }
    }
    return value;
  }
}
