package dev.tonearm.server.ingest;

/**
 * One Ogg page as read from a file (RFC 3533). Immutable apart from the arrays, which callers
 * must not change.
 *
 * @param offset byte offset of the page's capture pattern in the file
 * @param headerType flags: 0x01 continued packet, 0x02 first page of a stream, 0x04 last page
 * @param granulePosition codec position at the end of the last packet completed on the page, or
 *     -1 when no packet completes on it
 * @param serial logical stream serial number
 * @param lacing segment table
 * @param body page payload
 * @param sizeBytes header plus payload length
 */
public record OggPage(
    long offset,
    int headerType,
    long granulePosition,
    int serial,
    int[] lacing,
    byte[] body,
    int sizeBytes) {

  /** Returns whether the first packet on the page continues one from the previous page. */
  public boolean continuesPacket() {
    return (headerType & 0x01) != 0;
  }

  /** Returns whether this is the first page of its logical stream. */
  public boolean beginsStream() {
    return (headerType & 0x02) != 0;
  }

  /** Returns whether this is the last page of its logical stream. */
  public boolean endsStream() {
    return (headerType & 0x04) != 0;
  }
}
