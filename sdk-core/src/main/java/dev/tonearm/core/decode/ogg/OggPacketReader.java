package dev.tonearm.core.decode.ogg;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import java.io.IOException;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Assembles the packets of one logical stream per chain link from the pages of an {@link
 * OggPageReader}.
 *
 * <p>Link rules: a link starts with a group of BOS pages. The reader follows the first stream in
 * the group whose first packet the {@code streamSelector} accepts and ignores pages of every other
 * serial number, so multiplexed (grouped) streams decode as their first selected stream. A BOS page
 * that arrives after a non-BOS page, or any BOS page after the followed stream's EOS page, starts
 * the next link.
 *
 * <p>Damage rules: a gap in page sequence numbers drops the packet in progress; a page whose
 * continued flag is set while no packet is in progress has its leading fragment dropped; a page
 * whose continued flag is clear while a packet is in progress drops that unfinished packet. Each
 * case is reported through the warning consumer. Packets longer than the configured maximum are
 * rejected without being buffered beyond that maximum.
 *
 * <p>Not thread-safe.
 */
public final class OggPacketReader {
  /** Result of {@link #next(OggPacket)}. */
  public enum Result {
    /** A packet was returned. */
    PACKET,
    /** The current link ended; the next call starts the next link. */
    END_OF_LINK,
    /** The source ended. */
    END_OF_SOURCE
  }

  private final OggPageReader pages;
  private final Consumer<DecoderException> warnings;
  private final Predicate<OggPacket> streamSelector;
  private final OggPacket probe = new OggPacket(0);

  private OggPage page = new OggPage();
  private OggPage pendingPage = new OggPage();
  private boolean hasPendingPage;
  private boolean hasPage;
  private int segmentIndex;
  private int bodyPosition;
  private int lastCompletingSegment;

  private boolean locked;
  private int serialNumber;
  private boolean inBosGroup;
  private boolean streamEnded;
  private long expectedSequence = -1;
  private int linksStarted;
  private boolean warnedIgnoredStream;
  private boolean warnedStrayPage;
  private boolean sawPage;

  private byte[] partial = new byte[4096];
  private int partialLength;
  private boolean inPacket;
  private boolean packetOversized;
  private boolean skippingFragment;
  private boolean quietFragmentSkip;
  private int packetsInStream;

  private int maxPacketBytes = 16 * 1024 * 1024;
  private boolean oversizedPacketIsFatal = true;

  /**
   * Creates a reader.
   *
   * @param streamSelector accepts the first packet of the stream to follow in each link
   */
  public OggPacketReader(
      OggPageReader pages,
      Consumer<DecoderException> warnings,
      Predicate<OggPacket> streamSelector) {
    this.pages = Objects.requireNonNull(pages, "pages");
    this.warnings = Objects.requireNonNull(warnings, "warnings");
    this.streamSelector = Objects.requireNonNull(streamSelector, "streamSelector");
  }

  /**
   * Sets the maximum packet length in bytes and whether a longer packet fails with {@link
   * Reason#LIMIT_EXCEEDED} (true) or is dropped with a warning (false).
   */
  public void setPacketLimit(int maxPacketBytes, boolean fatal) {
    if (maxPacketBytes < 1) {
      throw new IllegalArgumentException("maxPacketBytes must be > 0: " + maxPacketBytes);
    }
    this.maxPacketBytes = maxPacketBytes;
    this.oversizedPacketIsFatal = fatal;
  }

  /** Serial number of the followed stream, valid once the first packet of a link is returned. */
  public int serialNumber() {
    return serialNumber;
  }

  /**
   * Reads the next packet of the followed stream into {@code packet}.
   *
   * @throws DecoderException with {@link Reason#UNSUPPORTED_FORMAT} when the first link has no
   *     stream that the selector accepts, or {@link Reason#LIMIT_EXCEEDED} for an oversized packet
   *     while oversized packets are fatal
   */
  public Result next(OggPacket packet) throws IOException {
    while (true) {
      if (!hasPage) {
        Result result = loadPage();
        if (result != null) {
          return result;
        }
        continue;
      }
      if (extractPacket(packet)) {
        return Result.PACKET;
      }
      hasPage = false;
      if (page.isEos()) {
        streamEnded = true;
        if (inPacket) {
          warn(Reason.CORRUPT_DATA, "the EOS page at offset " + page.offset()
              + " ends inside a packet; the unfinished packet was dropped");
          dropPartial();
        }
        endLink();
        return Result.END_OF_LINK;
      }
    }
  }

  /**
   * Repositions at source offset {@code offset} inside the current link. The next packet is the
   * first one that starts on a page at or after {@code offset}.
   */
  public void seek(long offset) throws IOException {
    pages.seek(offset);
    hasPage = false;
    hasPendingPage = false;
    dropPartial();
    skippingFragment = false;
    quietFragmentSkip = true;
    expectedSequence = -1;
    streamEnded = false;
    inBosGroup = false;
  }

  /**
   * Repositions at source offset {@code offset}, the first page of a link, and drops the
   * followed stream: the next packet is the first packet of the stream that the selector accepts
   * there.
   */
  public void seekToLinkStart(long offset) throws IOException {
    seek(offset);
    endLink();
    quietFragmentSkip = false;
  }

  /** Loads the next page of the followed stream; returns a result when the link or source ends. */
  private Result loadPage() throws IOException {
    OggPage next;
    if (hasPendingPage) {
      hasPendingPage = false;
      OggPage swap = page;
      page = pendingPage;
      pendingPage = swap;
      next = page;
    } else {
      if (!pages.nextPage(page)) {
        if (linksStarted == 0 && sawPage) {
          throw new DecoderException(Reason.UNSUPPORTED_FORMAT,
              "the Ogg stream holds no logical stream of a supported codec");
        }
        if (inPacket) {
          warn(Reason.TRUNCATED, "the source ends inside a packet; the unfinished packet of "
              + partialLength + " bytes was dropped");
          dropPartial();
        }
        return Result.END_OF_SOURCE;
      }
      next = page;
    }
    sawPage = true;
    if (!locked) {
      return selectStream(next) ? acceptPage(next) : null;
    }
    if (next.isBos()) {
      if (inBosGroup && next.serialNumber() != serialNumber) {
        warnIgnoredStream(next);
        return null;
      }
      // A BOS page after data pages (or after EOS) starts the next link.
      OggPage swap = pendingPage;
      pendingPage = page;
      page = swap;
      hasPendingPage = true;
      if (inPacket) {
        warn(Reason.CORRUPT_DATA, "the link ends inside a packet; the unfinished packet was"
            + " dropped");
        dropPartial();
      }
      endLink();
      return Result.END_OF_LINK;
    }
    if (next.serialNumber() != serialNumber) {
      warnIgnoredStream(next);
      return null;
    }
    if (streamEnded) {
      warnStrayPage(next);
      return null;
    }
    inBosGroup = false;
    return acceptPage(next);
  }

  private boolean selectStream(OggPage candidate) throws DecoderException {
    if (!candidate.isBos()) {
      if (linksStarted == 0) {
        throw new DecoderException(
            Reason.UNSUPPORTED_FORMAT,
            "the Ogg stream does not start with a BOS page of a supported codec (page at offset "
                + candidate.offset()
                + ")");
      }
      warnStrayPage(candidate);
      return false;
    }
    if (!firstPacketOf(candidate, probe) || !streamSelector.test(probe)) {
      warnIgnoredStream(candidate);
      return false;
    }
    locked = true;
    serialNumber = candidate.serialNumber();
    inBosGroup = true;
    streamEnded = false;
    expectedSequence = -1;
    packetsInStream = 0;
    linksStarted++;
    return true;
  }

  private Result acceptPage(OggPage accepted) {
    long sequence = accepted.sequenceNumber();
    if (expectedSequence >= 0 && sequence != expectedSequence) {
      // One warning covers the gap; the fragment that continues a lost packet goes quietly.
      quietFragmentSkip = true;
      if (inPacket) {
        warn(Reason.CORRUPT_DATA, "Ogg page sequence jumps from " + (expectedSequence - 1)
            + " to " + sequence + " at offset " + accepted.offset()
            + "; the packet in progress was dropped");
        dropPartial();
      } else {
        warn(Reason.CORRUPT_DATA, "Ogg page sequence jumps from " + (expectedSequence - 1)
            + " to " + sequence + " at offset " + accepted.offset());
      }
    }
    expectedSequence = (sequence + 1) & 0xFFFF_FFFFL;
    if (accepted.isContinued()) {
      if (!inPacket) {
        skippingFragment = true;
        if (!quietFragmentSkip) {
          warn(Reason.CORRUPT_DATA, "the Ogg page at offset " + accepted.offset()
              + " continues a packet that was not started; its leading fragment was dropped");
        }
      }
    } else if (inPacket) {
      warn(Reason.CORRUPT_DATA, "the Ogg page at offset " + accepted.offset()
          + " does not continue the unfinished packet before it; that packet was dropped");
      dropPartial();
    }
    quietFragmentSkip = false;
    hasPage = true;
    segmentIndex = 0;
    bodyPosition = 0;
    lastCompletingSegment = -1;
    for (int i = 0; i < accepted.segmentCount(); i++) {
      if (accepted.lacingValue(i) < 255) {
        lastCompletingSegment = i;
      }
    }
    return null;
  }

  /** Extracts the next complete packet from the current page; false when the page is used up. */
  private boolean extractPacket(OggPacket packet) throws DecoderException {
    int segments = page.segmentCount();
    while (segmentIndex < segments) {
      int lacing = page.lacingValue(segmentIndex);
      if (skippingFragment) {
        bodyPosition += lacing;
        segmentIndex++;
        if (lacing < 255) {
          skippingFragment = false;
        }
        continue;
      }
      append(page.body(), bodyPosition, lacing);
      bodyPosition += lacing;
      segmentIndex++;
      inPacket = true;
      if (lacing == 255) {
        continue;
      }
      boolean oversized = packetOversized;
      int length = partialLength;
      inPacket = false;
      packetOversized = false;
      partialLength = 0;
      if (oversized) {
        String message = "an Ogg packet completing on the page at offset " + page.offset()
            + " exceeds the limit of " + maxPacketBytes + " bytes";
        if (oversizedPacketIsFatal) {
          throw new DecoderException(Reason.LIMIT_EXCEEDED, message);
        }
        warn(Reason.LIMIT_EXCEEDED, message + "; the packet was dropped");
        continue;
      }
      boolean last = segmentIndex - 1 == lastCompletingSegment;
      if (packet.data.length < length) {
        packet.data = new byte[Math.max(length, Math.min(maxPacketBytes, 2 * packet.data.length))];
      }
      System.arraycopy(partial, 0, packet.data, 0, length);
      packet.length = length;
      packet.granulePosition = last ? page.granulePosition() : -1;
      packet.eos = last && page.isEos();
      packet.bos = packetsInStream == 0;
      packet.pageOffset = page.offset();
      packetsInStream++;
      return true;
    }
    return false;
  }

  private void append(byte[] source, int offset, int length) {
    if (packetOversized) {
      return;
    }
    int needed = partialLength + length;
    if (needed > maxPacketBytes) {
      packetOversized = true;
      return;
    }
    if (needed > partial.length) {
      int grown = Math.max(needed, Math.min(maxPacketBytes, partial.length * 2));
      byte[] bigger = new byte[grown];
      System.arraycopy(partial, 0, bigger, 0, partialLength);
      partial = bigger;
    }
    System.arraycopy(source, offset, partial, partialLength, length);
    partialLength = needed;
  }

  private void dropPartial() {
    inPacket = false;
    packetOversized = false;
    partialLength = 0;
  }

  private void endLink() {
    locked = false;
    inBosGroup = false;
    expectedSequence = -1;
    skippingFragment = false;
  }

  /** Copies the first packet of a BOS page into {@code out}; false if it does not complete there. */
  private static boolean firstPacketOf(OggPage bosPage, OggPacket out) {
    int length = 0;
    for (int i = 0; i < bosPage.segmentCount(); i++) {
      int lacing = bosPage.lacingValue(i);
      length += lacing;
      if (lacing < 255) {
        if (out.data.length < length) {
          out.data = new byte[length];
        }
        System.arraycopy(bosPage.body(), 0, out.data, 0, length);
        out.length = length;
        out.bos = true;
        return true;
      }
    }
    return false;
  }

  private void warnIgnoredStream(OggPage ignored) {
    if (!warnedIgnoredStream) {
      warnedIgnoredStream = true;
      warn(Reason.UNSUPPORTED_FEATURE, "ignored the pages of logical stream serial 0x"
          + Integer.toHexString(ignored.serialNumber()) + " (first at offset " + ignored.offset()
          + "); only one stream per link is decoded");
    }
  }

  private void warnStrayPage(OggPage stray) {
    if (!warnedStrayPage) {
      warnedStrayPage = true;
      warn(Reason.CORRUPT_DATA, "ignored the Ogg page at offset " + stray.offset()
          + " that belongs to no open stream");
    }
  }

  private void warn(Reason reason, String message) {
    warnings.accept(new DecoderException(reason, message));
  }
}
