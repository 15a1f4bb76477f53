package dev.tonearm.cli;

import dev.tonearm.core.audio.NormalizationMode;
import dev.tonearm.core.quality.Quality;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by the commands that play audio. */
final class PlaybackOptions {
  @Option(
      names = "--quality",
      paramLabel = "QUALITY",
      description =
          "Streaming quality: ${COMPLETION-CANDIDATES} (24, 96, 160, 320 kbps Vorbis or FLAC)."
              + " Default: ${DEFAULT-VALUE}.",
      defaultValue = "NORMAL")
  Quality quality;

  @Option(
      names = "--normalization",
      paramLabel = "MODE",
      description =
          "Loudness normalisation: ${COMPLETION-CANDIDATES} (targets -19, -14 and -11 LUFS)."
              + " Default: ${DEFAULT-VALUE}.",
      defaultValue = "NORMAL")
  NormalizationMode normalization;

  @Option(
      names = "--out",
      paramLabel = "FILE.wav",
      description =
          "Write the audio to this WAV file, faster than real time, instead of the speakers.")
  Path out;

  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description = "Streaming cache folder. Default: a tonearm-stream-cache folder in the"
          + " system temporary directory.")
  Path cacheDir;

  @Option(
      names = "--cache-size-mb",
      paramLabel = "MB",
      description = "Streaming cache size limit in MB. Default: ${DEFAULT-VALUE}.",
      defaultValue = "256")
  long cacheSizeMb;

  @Option(
      names = "--key-store",
      paramLabel = "FILE",
      description = {
        "Device key store with this machine's identity and the keys of licensed tracks. Its"
            + " folder must exist.",
        "Default: ~/.tonearm/cli-key-store.tks"
      })
  Path keyStore;

  @Option(
      names = "--network-timeout",
      paramLabel = "SECONDS",
      description = {
        "Time in seconds that playback may wait for the network after every edge failed, before"
            + " the command stops with ERROR_NETWORK. 0 waits until the network returns.",
        "Default: ${DEFAULT-VALUE}"
      },
      defaultValue = "60")
  long networkTimeoutS;
}
