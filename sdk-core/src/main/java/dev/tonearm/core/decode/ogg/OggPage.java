package dev.tonearm.core.decode.ogg;

/**
 * One Ogg page as read by {@link OggPageReader}: header fields, lacing values and body. A page
 * object is reused for every page that a reader returns, so callers copy what they keep.
 *
 * <p>Not thread-safe.
 */
public final class OggPage {
  /** Header length before the lacing values, in bytes. */
  public static final int HEADER_BYTES = 27;
  /** Maximum body length: 255 lacing values of 255 bytes each. */
  public static final int MAX_BODY_BYTES = 255 * 255;
  /** Maximum page length: header, 255 lacing values and a full body (65,307 bytes). */
  public static final int MAX_PAGE_BYTES = HEADER_BYTES + 255 + MAX_BODY_BYTES;

  /** Header flag: the first packet on the page continues a packet from the previous page. */
  public static final int FLAG_CONTINUED = 0x01;
  /** Header flag: first page of a logical stream. */
  public static final int FLAG_BOS = 0x02;
  /** Header flag: last page of a logical stream. */
  public static final int FLAG_EOS = 0x04;

  final int[] lacing = new int[255];
  final byte[] body = new byte[MAX_BODY_BYTES];
  int flags;
  long granulePosition;
  int serialNumber;
  long sequenceNumber;
  int segmentCount;
  int bodyBytes;
  long offset;
  int pageBytes;

  /** Header-type flags ({@link #FLAG_CONTINUED}, {@link #FLAG_BOS}, {@link #FLAG_EOS}). */
  public int flags() {
    return flags;
  }

  /** Whether the first packet continues one from the previous page. */
  public boolean isContinued() {
    return (flags & FLAG_CONTINUED) != 0;
  }

  /** Whether this is the first page of its logical stream. */
  public boolean isBos() {
    return (flags & FLAG_BOS) != 0;
  }

  /** Whether this is the last page of its logical stream. */
  public boolean isEos() {
    return (flags & FLAG_EOS) != 0;
  }

  /**
   * Codec-defined position after the last packet that completes on this page, or -1 when no
   * packet completes here.
   */
  public long granulePosition() {
    return granulePosition;
  }

  /** Logical stream serial number. */
  public int serialNumber() {
    return serialNumber;
  }

  /** Page sequence number within the logical stream, 0 to 2^32 - 1. */
  public long sequenceNumber() {
    return sequenceNumber;
  }

  /** Number of lacing values (segments). */
  public int segmentCount() {
    return segmentCount;
  }

  /** Lacing value {@code index}, 0 to 255. */
  public int lacingValue(int index) {
    return lacing[index];
  }

  /** Body length in bytes. */
  public int bodyBytes() {
    return bodyBytes;
  }

  /** Body buffer; only the first {@link #bodyBytes()} bytes are valid. */
  public byte[] body() {
    return body;
  }

  /** Byte offset of the page's capture pattern in the source. */
  public long offset() {
    return offset;
  }

  /** Total page length in bytes, header included. */
  public int pageBytes() {
    return pageBytes;
  }
}
