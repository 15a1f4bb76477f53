package dev.tonearm.core.decode.ogg;

import java.util.Arrays;

/**
 * One packet of a logical Ogg stream, as assembled by {@link OggPacketReader}. The reader reuses
 * the data buffer for the next packet; {@link #copy()} makes an independent packet.
 *
 * <p>Not thread-safe.
 */
public final class OggPacket {
  byte[] data;
  int length;
  long granulePosition = -1;
  boolean bos;
  boolean eos;
  long pageOffset = -1;

  OggPacket(int capacity) {
    this.data = new byte[capacity];
  }

  /** Creates an empty packet. */
  public OggPacket() {
    this(0);
  }

  /** Packet bytes; only the first {@link #length()} are valid. */
  public byte[] data() {
    return data;
  }

  /** Packet length in bytes. */
  public int length() {
    return length;
  }

  /**
   * Granule position of the page on which this packet completes when it is the last packet to
   * complete there, otherwise -1.
   */
  public long granulePosition() {
    return granulePosition;
  }

  /** Whether this is the first packet of its logical stream. */
  public boolean isBos() {
    return bos;
  }

  /** Whether this is the last packet of its logical stream (last to complete on an EOS page). */
  public boolean isEos() {
    return eos;
  }

  /** Source offset of the page on which this packet completes. */
  public long pageOffset() {
    return pageOffset;
  }

  /** Returns an independent copy whose buffer is exactly {@link #length()} bytes. */
  public OggPacket copy() {
    OggPacket copy = new OggPacket();
    copy.data = Arrays.copyOf(data, length);
    copy.length = length;
    copy.granulePosition = granulePosition;
    copy.bos = bos;
    copy.eos = eos;
    copy.pageOffset = pageOffset;
    return copy;
  }

  /** Copies {@code other} into this packet, reusing this packet's buffer when it is big enough. */
  public void copyFrom(OggPacket other) {
    if (data.length < other.length) {
      data = new byte[other.length];
    }
    System.arraycopy(other.data, 0, data, 0, other.length);
    length = other.length;
    granulePosition = other.granulePosition;
    bos = other.bos;
    eos = other.eos;
    pageOffset = other.pageOffset;
  }
}
