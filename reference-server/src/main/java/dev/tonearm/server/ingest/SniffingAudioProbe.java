package dev.tonearm.server.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@link AudioProbe} of the reference server: detects the format from the first bytes ({@code
 * OggS}, {@code fLaC} or an ID3v2 tag, {@code RIFF....WAVE}), never from the file name, and parses
 * the headers itself.
 *
 * <p>NOTE: this header parsing duplicates part of the SDK's Ogg and FLAC readers. Every accepted
 * file is then decoded in full by the SDK's decoders ({@link SdkPcmDecoder}), so a file that the
 * player cannot decode is still rejected, only later.
 *
 * <p>Stateless and thread-safe.
 */
public final class SniffingAudioProbe implements AudioProbe {
  @Override
  public ProbeResult probe(Path file) throws IngestException, IOException {
    byte[] magic = new byte[12];
    int read;
    try (InputStream in = Files.newInputStream(file)) {
      read = in.readNBytes(magic, 0, magic.length);
    }
    if (read <= 0) {
      throw new IngestException(IngestException.Reason.EMPTY, "file is empty (0 bytes)");
    }
    if (read >= 4 && startsWith(magic, "OggS")) {
      return VorbisProbe.probe(file);
    }
    if (read >= 4 && (startsWith(magic, "fLaC") || startsWith(magic, "ID3"))) {
      return FlacProbe.probe(file);
    }
    if (read >= 12 && startsWith(magic, "RIFF") && magic[8] == 'W' && magic[9] == 'A'
        && magic[10] == 'V' && magic[11] == 'E') {
      return WavProbe.probe(file);
    }
    throw new IngestException(
        IngestException.Reason.UNSUPPORTED_FORMAT,
        "file is not Ogg Vorbis, FLAC or WAV (unrecognized first bytes)");
  }

  private static boolean startsWith(byte[] bytes, String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (bytes[i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
