package dev.tonearm.server.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Decodes with the reference command-line decoders: {@code oggdec} (vorbis-tools) for Ogg Vorbis
 * and {@code flac -d} for FLAC, which verifies the STREAMINFO MD5 signature while decoding. WAV
 * sources are used as they are.
 *
 * <p>TODO: decode through the SDK's {@code dev.tonearm.core.decode.Decoder} implementations once
 * they exist, which also removes the need for the tools at ingest time.
 *
 * <p>Thread-safe.
 */
public final class ToolPcmDecoder implements PcmDecoder {
  private final ExternalTools tools;

  public ToolPcmDecoder(ExternalTools tools) {
    this.tools = tools;
  }

  @Override
  public Path decodeToWav(Path source, ProbeResult probe, Path workDir)
      throws IngestException, IOException {
    Path wav = workDir.resolve("decoded.wav");
    switch (probe.format()) {
      case WAV:
        return source;
      case OGG_VORBIS:
        runDecoder("oggdec", List.of("-Q", "-o", wav.toString(), source.toString()), workDir);
        return wav;
      case FLAC:
        runDecoder(
            "flac", List.of("-d", "-s", "-f", "-o", wav.toString(), source.toString()), workDir);
        return wav;
      default:
        throw new IngestException(
            IngestException.Reason.UNSUPPORTED_FORMAT, "no decoder for " + probe.format());
    }
  }

  private void runDecoder(String tool, List<String> arguments, Path workDir)
      throws IngestException, IOException {
    try {
      tools.run(tool, arguments, workDir);
    } catch (IngestException e) {
      if (e.reason() == IngestException.Reason.TOOL_FAILED) {
        throw new IngestException(
            IngestException.Reason.CORRUPT, "audio cannot be decoded: " + e.getMessage(), e);
      }
      throw e;
    }
  }
}
