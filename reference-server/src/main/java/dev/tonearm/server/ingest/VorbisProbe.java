package dev.tonearm.server.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Probes an Ogg Vorbis file: reads the identification and comment headers (Vorbis I
 * specification, section 4.2) and scans every page for the final granule position, which is the
 * stream's length in frames. Accepts exactly one logical Vorbis stream; chained or multiplexed
 * files are rejected. Stateless and thread-safe.
 */
final class VorbisProbe {
  private VorbisProbe() {}

  static ProbeResult probe(Path file) throws IOException, IngestException {
    try (OggPageReader reader = new OggPageReader(file)) {
      OggPage first = reader.next();
      if (first == null || !first.beginsStream()) {
        throw new IngestException(
            IngestException.Reason.CORRUPT, "first Ogg page does not begin a stream");
      }
      int serial = first.serial();
      List<byte[]> headers = new ArrayList<>();
      ByteArrayOutputStream packet = new ByteArrayOutputStream();
      long lastGranule = -1;
      OggPage page = first;
      while (page != null) {
        if (page.serial() != serial) {
          throw new IngestException(
              IngestException.Reason.UNSUPPORTED_FORMAT,
              "Ogg file holds more than one logical stream (chained or multiplexed) at byte "
                  + page.offset());
        }
        if (headers.size() < 2) {
          collectPackets(page, packet, headers);
        }
        if (page.granulePosition() != -1) {
          lastGranule = page.granulePosition();
        }
        page = reader.next();
      }
      if (headers.size() < 2) {
        throw new IngestException(
            IngestException.Reason.TRUNCATED, "Ogg stream ends before its Vorbis headers");
      }
      return parseHeaders(headers.get(0), headers.get(1), lastGranule);
    }
  }

  private static void collectPackets(
      OggPage page, ByteArrayOutputStream packet, List<byte[]> packets) throws IngestException {
    int bodyOffset = 0;
    for (int lace : page.lacing()) {
      packet.write(page.body(), bodyOffset, lace);
      bodyOffset += lace;
      if (packet.size() > IngestLimits.MAX_HEADER_BYTES) {
        throw new IngestException(
            IngestException.Reason.CORRUPT,
            "Vorbis header packet exceeds " + IngestLimits.MAX_HEADER_BYTES + " bytes");
      }
      if (lace < 255) {
        packets.add(packet.toByteArray());
        packet.reset();
        if (packets.size() == 2) {
          return;
        }
      }
    }
  }

  private static ProbeResult parseHeaders(byte[] ident, byte[] comment, long lastGranule)
      throws IngestException {
    if (ident.length < 30 || ident[0] != 1 || !isVorbis(ident)) {
      throw new IngestException(
          IngestException.Reason.UNSUPPORTED_FORMAT,
          "Ogg stream is not Vorbis (first packet is not a Vorbis identification header)");
    }
    int channels = ident[11] & 0xFF;
    long sampleRate = OggPageReader.littleEndianInt(ident, 12) & 0xFFFF_FFFFL;
    int nominalBitrate = OggPageReader.littleEndianInt(ident, 20);
    if (channels == 0 || sampleRate == 0) {
      throw new IngestException(
          IngestException.Reason.CORRUPT,
          "Vorbis header declares " + channels + " channels at " + sampleRate + " Hz");
    }
    if (comment.length < 7 || comment[0] != 3 || !isVorbis(comment)) {
      throw new IngestException(
          IngestException.Reason.CORRUPT, "second Vorbis packet is not a comment header");
    }
    Map<String, String> tags = VorbisComments.parse(comment, 7);
    return new ProbeResult(
        SourceFormat.OGG_VORBIS,
        sampleRate,
        channels,
        0,
        lastGranule,
        nominalBitrate > 0 ? Math.round(nominalBitrate / 1000f) : 0,
        tags);
  }

  private static boolean isVorbis(byte[] packet) {
    return new String(packet, 1, 6, StandardCharsets.US_ASCII).equals("vorbis");
  }
}
