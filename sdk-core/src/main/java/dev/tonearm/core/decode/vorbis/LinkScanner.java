package dev.tonearm.core.decode.vorbis;

import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.ogg.OggPage;
import dev.tonearm.core.decode.ogg.OggPageReader;
import dev.tonearm.core.decode.ogg.OggPacketReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds the links of a seekable Ogg Vorbis source with their byte ranges, start positions and
 * frame counts, and finds seek pages by bisection.
 *
 * <p>A single-link file costs the headers, the first audio page and the last 64 KiB or so: when
 * the last page belongs to the first link's stream the file is taken to be one link. Otherwise
 * every page is read once to find the link boundaries. Reads move the source's position; the
 * caller repositions its own reader afterwards. Not thread-safe.
 */
final class LinkScanner {
  /** Bytes read per step when searching backwards from the end for the last page. */
  private static final int TAIL_CHUNK_BYTES = 64 * 1024;
  /** Byte range below which bisection switches to a linear page scan. */
  private static final long LINEAR_SCAN_BYTES = 16 * 1024;
  /** Bytes from the end searched for the last page before falling back to a full scan. */
  private static final long MAX_TAIL_SEARCH_BYTES = 4L * 1024 * 1024;
  /** Upper bound on bytes checksummed while searching the tail for the last page. */
  private static final long MAX_TAIL_CHECKSUM_BYTES = 64L * 1024 * 1024;
  /** Maximum links in a chained file. */
  static final int MAX_LINKS = 65_536;

  /** Facts the scan found about one link. */
  static final class LinkInfo {
    long startOffset;
    long endOffset;
    int serialNumber;
    IdentificationHeader id;
    VorbisComments comments;
    long startGranule;
    long firstGranulePageOffset = -1;
    long lastGranule = -1;
    long frames;
    long firstFrame;
  }

  private final ByteSource source;
  private final int maxHeaderPacketBytes;
  private final Consumer<DecoderException> ignoredWarnings = warning -> { };
  private final OggPage page = new OggPage();

  LinkScanner(ByteSource source, int maxHeaderPacketBytes) {
    this.source = source;
    this.maxHeaderPacketBytes = maxHeaderPacketBytes;
  }

  /** Scans the source; returns its links in order. */
  List<LinkInfo> scan() throws IOException {
    long length = source.length();
    OggPageReader reader = new OggPageReader(source, ignoredWarnings);
    reader.seek(0);
    if (!reader.nextPage(page)) {
      throw new DecoderException(Reason.UNSUPPORTED_FORMAT, "no Ogg page found in the source");
    }
    LinkInfo first = analyzeLink(page.offset(), 0);
    List<LinkInfo> links = new ArrayList<>();
    OggPage last = new OggPage();
    if (findLastGranulePage(length, last) && last.serialNumber() == first.serialNumber) {
      first.endOffset = length;
      first.lastGranule = last.granulePosition();
      links.add(first);
    } else {
      links = scanAllPages(first, length);
    }
    long firstFrame = 0;
    for (LinkInfo link : links) {
      link.frames = link.lastGranule < 0 ? 0 : Math.max(0, link.lastGranule - link.startGranule);
      link.firstFrame = firstFrame;
      firstFrame += link.frames;
    }
    return links;
  }

  /**
   * Returns the offset of the last page of {@code link} at or after {@code low} and before
   * {@code high} whose granule position is below {@code targetGranule}, or -1 when there is none.
   */
  long findPageBefore(LinkInfo link, long targetGranule, long low, long high) throws IOException {
    OggPageReader reader = new OggPageReader(source, ignoredWarnings);
    long best = -1;
    while (high - low > LINEAR_SCAN_BYTES) {
      long middle = low + (high - low) / 2;
      reader.seek(middle);
      boolean found = false;
      while (reader.nextPage(page) && page.offset() < high) {
        if (page.serialNumber() == link.serialNumber && page.granulePosition() != -1) {
          found = true;
          break;
        }
      }
      if (found && page.granulePosition() < targetGranule) {
        best = page.offset();
        low = page.offset() + page.pageBytes();
      } else {
        high = middle;
      }
    }
    reader.seek(low);
    while (reader.nextPage(page) && page.offset() < high) {
      if (page.serialNumber() == link.serialNumber && page.granulePosition() != -1) {
        if (page.granulePosition() >= targetGranule) {
          break;
        }
        best = page.offset();
      }
    }
    return best;
  }

  private LinkInfo analyzeLink(long startOffset, int index) throws IOException {
    OggPageReader reader = new OggPageReader(source, ignoredWarnings);
    reader.seek(startOffset);
    OggPacketReader packets =
        new OggPacketReader(reader, ignoredWarnings, IdentificationHeader::isIdentificationPacket);
    LinkDecoder decoder = LinkDecoder.open(index, packets, maxHeaderPacketBytes, ignoredWarnings);
    if (decoder == null) {
      throw new DecoderException(Reason.TRUNCATED, "link " + index + " has no packets");
    }
    LinkInfo info = new LinkInfo();
    info.startOffset = startOffset;
    info.serialNumber = decoder.serialNumber;
    info.id = decoder.id;
    info.comments = decoder.comments;
    info.firstGranulePageOffset = decoder.resolveStartForScan();
    info.startGranule = decoder.startGranule();
    return info;
  }

  /** Finds the last valid page with a granule position; false when there is none. */
  private boolean findLastGranulePage(long length, OggPage out) throws IOException {
    byte[] chunk = new byte[TAIL_CHUNK_BYTES + OggPage.MAX_PAGE_BYTES];
    long checksummedBytes = 0;
    long chunkEnd = length;
    long searchStart = Math.max(0, length - MAX_TAIL_SEARCH_BYTES);
    while (chunkEnd > searchStart) {
      long chunkStart = Math.max(0, chunkEnd - TAIL_CHUNK_BYTES);
      int chunkBytes = (int) Math.min(chunk.length, length - chunkStart);
      source.seek(chunkStart);
      int filled = 0;
      while (filled < chunkBytes) {
        int read = source.read(chunk, filled, chunkBytes - filled);
        if (read < 0) {
          break;
        }
        filled += read;
      }
      int lastFound = -1;
      int scanEnd = (int) Math.min(filled, chunkEnd - chunkStart);
      for (int i = 0; i < scanEnd; i++) {
        if (chunk[i] != 'O' || i + 4 >= filled || chunk[i + 1] != 'g' || chunk[i + 2] != 'g'
            || chunk[i + 3] != 'S' || chunk[i + 4] != 0) {
          continue;
        }
        int pageBytes = OggPageReader.parsePage(chunk, i, filled, chunkStart + i, page);
        checksummedBytes += pageBytes > 0 ? pageBytes : OggPage.MAX_PAGE_BYTES;
        if (checksummedBytes > MAX_TAIL_CHECKSUM_BYTES) {
          // Too many damaged candidates: let the full scan, which has its own cap, decide.
          return false;
        }
        if (pageBytes > 0 && page.granulePosition() != -1) {
          lastFound = i;
        }
      }
      if (lastFound >= 0) {
        OggPageReader.parsePage(chunk, lastFound, filled, chunkStart + lastFound, out);
        return true;
      }
      chunkEnd = chunkStart;
    }
    return false;
  }

  /** Reads every page to split a chained file into links. */
  private List<LinkInfo> scanAllPages(LinkInfo first, long length) throws IOException {
    List<long[]> bounds = new ArrayList<>(); // {startOffset, followedSerial, lastGranule, end}
    OggPageReader reader = new OggPageReader(source, ignoredWarnings);
    reader.seek(first.startOffset);
    long[] current = null;
    boolean sawDataPage = false;
    boolean ended = false;
    boolean followed = false;
    while (reader.nextPage(page)) {
      if (page.isBos()) {
        if (current == null || sawDataPage || ended) {
          if (bounds.size() >= MAX_LINKS) {
            throw new DecoderException(Reason.LIMIT_EXCEEDED,
                "the chained stream has more than " + MAX_LINKS + " links");
          }
          current = new long[] {page.offset(), 0, -1, page.offset() + page.pageBytes()};
          bounds.add(current);
          sawDataPage = false;
          ended = false;
          followed = false;
        }
        if (!followed && isVorbisBos(page)) {
          followed = true;
          current[1] = page.serialNumber();
        }
        continue;
      }
      if (current == null) {
        continue;
      }
      sawDataPage = true;
      if (followed && page.serialNumber() == (int) current[1] && !ended) {
        if (page.granulePosition() != -1) {
          current[2] = page.granulePosition();
        }
        current[3] = page.offset() + page.pageBytes();
        ended = page.isEos();
      }
    }
    List<LinkInfo> links = new ArrayList<>();
    for (int i = 0; i < bounds.size(); i++) {
      long[] b = bounds.get(i);
      LinkInfo info;
      if (i == 0 && b[0] == first.startOffset) {
        info = first;
      } else {
        try {
          info = analyzeLink(b[0], links.size());
        } catch (DecoderException e) {
          // A link without a decodable Vorbis stream is skipped, as decoding skips it.
          continue;
        }
      }
      info.endOffset = i + 1 < bounds.size() ? bounds.get(i + 1)[0] : length;
      info.lastGranule = b[2];
      links.add(info);
    }
    return links;
  }

  private static boolean isVorbisBos(OggPage bosPage) {
    byte[] body = bosPage.body();
    return bosPage.bodyBytes() >= 7 && body[0] == 1 && body[1] == 'v' && body[2] == 'o'
        && body[3] == 'r' && body[4] == 'b' && body[5] == 'i' && body[6] == 's';
  }
}
