package dev.tonearm.core.decode.ogg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tonearm.core.decode.DecoderException;
import dev.tonearm.core.decode.DecoderException.Reason;
import dev.tonearm.core.decode.InputStreamByteSource;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Page capture, CRC checks, resynchronisation and packet assembly on hand-built pages. */
class OggPageReaderTest {
  private final List<DecoderException> warnings = new ArrayList<>();

  @Test
  void validPages_areReadWithHeaderFields() throws IOException {
    byte[] stream = concat(
        page(OggPage.FLAG_BOS, 0, 7, 0, lacing(3), bytes(3, 1)),
        page(OggPage.FLAG_EOS, 1234, 7, 1, lacing(5), bytes(5, 2)));
    OggPageReader reader = reader(stream);
    OggPage page = new OggPage();

    assertThat(reader.nextPage(page)).isTrue();
    assertThat(page.isBos()).isTrue();
    assertThat(page.serialNumber()).isEqualTo(7);
    assertThat(page.bodyBytes()).isEqualTo(3);
    assertThat(page.offset()).isZero();

    assertThat(reader.nextPage(page)).isTrue();
    assertThat(page.isEos()).isTrue();
    assertThat(page.granulePosition()).isEqualTo(1234);
    assertThat(page.sequenceNumber()).isEqualTo(1);

    assertThat(reader.nextPage(page)).isFalse();
    assertThat(warnings).isEmpty();
  }

  @Test
  void badCrc_pageIsSkippedWithWarning() throws IOException {
    byte[] damaged = page(0, 10, 7, 1, lacing(4), bytes(4, 9));
    damaged[damaged.length - 1] ^= 0x55;
    byte[] stream = concat(page(OggPage.FLAG_BOS, 0, 7, 0, lacing(1), bytes(1, 1)), damaged,
        page(0, 20, 7, 2, lacing(2), bytes(2, 3)));
    OggPageReader reader = reader(stream);
    OggPage page = new OggPage();

    assertThat(reader.nextPage(page)).isTrue();
    assertThat(reader.nextPage(page)).isTrue();
    assertThat(page.granulePosition()).isEqualTo(20);
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0).reason()).isEqualTo(Reason.CORRUPT_DATA);
  }

  @Test
  void junkBetweenPages_isSkipped() throws IOException {
    byte[] stream = concat(page(OggPage.FLAG_BOS, 0, 7, 0, lacing(1), bytes(1, 1)),
        "junk OggS junk".getBytes("US-ASCII"), page(0, 5, 7, 1, lacing(1), bytes(1, 2)));
    OggPageReader reader = reader(stream);
    OggPage page = new OggPage();
    assertThat(reader.nextPage(page)).isTrue();
    assertThat(reader.nextPage(page)).isTrue();
    assertThat(page.granulePosition()).isEqualTo(5);
    assertThat(warnings).extracting(DecoderException::getMessage)
        .containsExactly("skipped 14 bytes that are not a valid Ogg page at offset 29;"
            + " resumed at the page at offset 43");
  }

  @Test
  void pageCutByEndOfSource_warnsTruncated() throws IOException {
    byte[] second = page(0, 5, 7, 1, lacing(100), bytes(100, 2));
    byte[] stream = concat(page(OggPage.FLAG_BOS, 0, 7, 0, lacing(1), bytes(1, 1)),
        Arrays.copyOf(second, 60));
    OggPageReader reader = reader(stream);
    OggPage page = new OggPage();
    assertThat(reader.nextPage(page)).isTrue();
    assertThat(reader.nextPage(page)).isFalse();
    assertThat(reader.isTruncated()).isTrue();
    assertThat(warnings).extracting(DecoderException::reason).containsExactly(Reason.TRUNCATED);
  }

  @Test
  void maximumSizePage_isAccepted() throws IOException {
    int[] lacing = new int[255];
    Arrays.fill(lacing, 255);
    byte[] big = page(OggPage.FLAG_BOS, -1, 7, 0, lacing, bytes(255 * 255, 4));
    assertThat(big).hasSize(OggPage.MAX_PAGE_BYTES);
    OggPageReader reader = reader(concat(big, big));
    OggPage page = new OggPage();
    assertThat(reader.nextPage(page)).isTrue();
    assertThat(page.bodyBytes()).isEqualTo(OggPage.MAX_BODY_BYTES);
    assertThat(reader.nextPage(page)).isTrue();
    assertThat(reader.nextPage(page)).isFalse();
  }

  @Test
  void noPageInFirst64KiB_failsUnsupportedFormat() {
    OggPageReader reader = reader(new byte[200_000]);
    DecoderException error =
        catchThrowableOfType(DecoderException.class, () -> reader.nextPage(new OggPage()));
    assertThat(error).isNotNull();
    assertThat(error.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void packetSpanningPages_isAssembled() throws IOException {
    int[] firstLacing = new int[3];
    Arrays.fill(firstLacing, 255);
    byte[] stream = concat(
        page(OggPage.FLAG_BOS, 0, 7, 0, new int[] {7}, vorbisId()),
        page(0, -1, 7, 1, firstLacing, bytes(765, 1)),
        page(OggPage.FLAG_CONTINUED | OggPage.FLAG_EOS, 99, 7, 2, new int[] {10}, bytes(10, 2)));
    OggPacketReader packets = packets(stream);
    OggPacket packet = new OggPacket();
    assertThat(packets.next(packet)).isEqualTo(OggPacketReader.Result.PACKET);
    assertThat(packet.isBos()).isTrue();
    assertThat(packets.next(packet)).isEqualTo(OggPacketReader.Result.PACKET);
    assertThat(packet.length()).isEqualTo(775);
    assertThat(packet.granulePosition()).isEqualTo(99);
    assertThat(packet.isEos()).isTrue();
    assertThat(packets.next(packet)).isEqualTo(OggPacketReader.Result.END_OF_LINK);
    assertThat(packets.next(packet)).isEqualTo(OggPacketReader.Result.END_OF_SOURCE);
    assertThat(warnings).isEmpty();
  }

  @Test
  void sequenceGap_dropsPacketInProgress() throws IOException {
    byte[] stream = concat(
        page(OggPage.FLAG_BOS, 0, 7, 0, new int[] {7}, vorbisId()),
        page(0, -1, 7, 1, new int[] {255}, bytes(255, 1)),
        page(OggPage.FLAG_CONTINUED, 50, 7, 3, new int[] {20, 30}, bytes(50, 2)));
    OggPacketReader packets = packets(stream);
    OggPacket packet = new OggPacket();
    packets.next(packet);
    assertThat(packets.next(packet)).isEqualTo(OggPacketReader.Result.PACKET);
    assertThat(packet.length()).isEqualTo(30);
    assertThat(packet.granulePosition()).isEqualTo(50);
    assertThat(warnings).extracting(DecoderException::reason)
        .containsExactly(Reason.CORRUPT_DATA);
  }

  @Test
  void oversizedPacket_failsWhenFatalAndIsDroppedOtherwise() throws IOException {
    int[] lacing = new int[5];
    Arrays.fill(lacing, 255);
    lacing[4] = 10;
    byte[] stream = concat(
        page(OggPage.FLAG_BOS, 0, 7, 0, new int[] {7}, vorbisId()),
        page(0, 10, 7, 1, lacing, bytes(4 * 255 + 10, 1)),
        page(0, 20, 7, 2, new int[] {8}, bytes(8, 2)));
    OggPacketReader fatal = packets(stream);
    OggPacket packet = new OggPacket();
    fatal.next(packet);
    fatal.setPacketLimit(1000, true);
    DecoderException error =
        catchThrowableOfType(DecoderException.class, () -> fatal.next(packet));
    assertThat(error).isNotNull();
    assertThat(error.reason()).isEqualTo(Reason.LIMIT_EXCEEDED);

    warnings.clear();
    OggPacketReader lenient = packets(stream);
    lenient.next(packet);
    lenient.setPacketLimit(1000, false);
    assertThat(lenient.next(packet)).isEqualTo(OggPacketReader.Result.PACKET);
    assertThat(packet.length()).isEqualTo(8);
    assertThat(warnings).extracting(DecoderException::reason)
        .containsExactly(Reason.LIMIT_EXCEEDED);
  }

  @Test
  void streamNotStartingWithSelectedBos_failsUnsupportedFormat() {
    byte[] stream = page(OggPage.FLAG_BOS, 0, 7, 0, lacing(5), bytes(5, 2));
    OggPacketReader packets = packets(stream);
    DecoderException error =
        catchThrowableOfType(DecoderException.class, () -> packets.next(new OggPacket()));
    assertThat(error).isNotNull();
    assertThat(error.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
  }

  private OggPageReader reader(byte[] stream) {
    return new OggPageReader(new InputStreamByteSource(new ByteArrayInputStream(stream)),
        warnings::add);
  }

  private OggPacketReader packets(byte[] stream) {
    return new OggPacketReader(reader(stream), warnings::add,
        p -> p.length() >= 1 && p.data()[0] == 1);
  }

  private static int[] lacing(int bodyBytes) {
    return new int[] {bodyBytes};
  }

  private static byte[] bytes(int length, int value) {
    byte[] body = new byte[length];
    Arrays.fill(body, (byte) value);
    return body;
  }

  private static byte[] vorbisId() {
    return new byte[] {1, 'v', 'o', 'r', 'b', 'i', 's'};
  }

  /** Builds one page with a valid CRC. */
  static byte[] page(int flags, long granule, int serial, long sequence, int[] lacing,
      byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write('O');
    out.write('g');
    out.write('g');
    out.write('S');
    out.write(0);
    out.write(flags);
    for (int i = 0; i < 8; i++) {
      out.write((int) (granule >>> (8 * i)));
    }
    for (int i = 0; i < 4; i++) {
      out.write(serial >>> (8 * i));
    }
    for (int i = 0; i < 4; i++) {
      out.write((int) (sequence >>> (8 * i)));
    }
    for (int i = 0; i < 4; i++) {
      out.write(0);
    }
    out.write(lacing.length);
    for (int value : lacing) {
      out.write(value);
    }
    out.write(body, 0, body.length);
    byte[] page = out.toByteArray();
    int crc = OggCrc.update(0, page, 0, page.length);
    for (int i = 0; i < 4; i++) {
      page[22 + i] = (byte) (crc >>> (8 * i));
    }
    return page;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.write(part, 0, part.length);
    }
    return out.toByteArray();
  }
}
