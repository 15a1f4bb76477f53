package dev.tonearm.server.ingest;

import dev.tonearm.server.OwnerOnlyFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encodes renditions with {@code oggenc} (vorbis-tools) and {@code flac}, copying the track's tags
 * into each file. Vorbis uses average-bitrate mode ({@code -b}), which encodes about seven times
 * faster than managed mode ({@code --managed}) at the same target. libvorbis 1.3.7 rejects 24 kbps
 * for stereo at 44.1 or 48 kHz and 96 kbps at 96 kHz, so renditions of {@link
 * #RESAMPLE_BELOW_KBPS} kbps or less are resampled to {@link #LOW_BITRATE_RATE_HZ} and all others
 * to at most {@link #MAX_VORBIS_RATE_HZ}. A bitrate that libvorbis still rejects for the source
 * (320 kbps mono, for one) makes {@code oggenc} fail, and ingest skips that rendition.
 *
 * <p>Thread-safe; each call runs one process.
 */
public final class ToolEncoders {
  /** Sample rate of low-bitrate Vorbis renditions. */
  public static final long LOW_BITRATE_RATE_HZ = 16_000;

  /** Vorbis renditions at or below this bitrate are resampled to {@link #LOW_BITRATE_RATE_HZ}. */
  public static final int RESAMPLE_BELOW_KBPS = 48;

  /** Highest sample rate of Vorbis renditions; higher-rate sources are resampled to it. */
  public static final long MAX_VORBIS_RATE_HZ = 48_000;

  private final ExternalTools tools;

  public ToolEncoders(ExternalTools tools) {
    this.tools = tools;
  }

  /** Returns whether Vorbis encoding is available. */
  public boolean canEncodeVorbis() {
    return tools.has("oggenc");
  }

  /** Returns whether FLAC encoding is available. */
  public boolean canEncodeFlac() {
    return tools.has("flac");
  }

  /** Encodes {@code wav} to Ogg Vorbis at {@code bitrateKbps} average bitrate. */
  public void encodeVorbis(
      Path wav, long sourceRateHz, int bitrateKbps, Map<String, String> tags, Path out, Path workDir)
      throws IngestException, IOException {
    List<String> arguments = new ArrayList<>(List.of("-Q", "-b", Integer.toString(bitrateKbps)));
    long maxRateHz = bitrateKbps <= RESAMPLE_BELOW_KBPS ? LOW_BITRATE_RATE_HZ : MAX_VORBIS_RATE_HZ;
    if (sourceRateHz > maxRateHz) {
      arguments.add("--resample");
      arguments.add(Long.toString(maxRateHz));
    }
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      arguments.add("-c");
      arguments.add(tag.getKey() + "=" + tag.getValue());
    }
    arguments.add("-o");
    arguments.add(out.toString());
    arguments.add(wav.toString());
    tools.run("oggenc", arguments, workDir);
    OwnerOnlyFiles.restrictFile(out);
  }

  /** Encodes {@code wav} to FLAC at the default compression level 5. */
  public void encodeFlac(Path wav, Map<String, String> tags, Path out, Path workDir)
      throws IngestException, IOException {
    List<String> arguments = new ArrayList<>(List.of("-s", "-f", "-5"));
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      arguments.add("-T");
      arguments.add(tag.getKey() + "=" + tag.getValue());
    }
    arguments.add("-o");
    arguments.add(out.toString());
    arguments.add(wav.toString());
    tools.run("flac", arguments, workDir);
    OwnerOnlyFiles.restrictFile(out);
  }
}
