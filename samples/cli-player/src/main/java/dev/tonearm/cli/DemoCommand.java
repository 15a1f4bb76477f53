package dev.tonearm.cli;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Playlist;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.server.ReferenceServer;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Starts an embedded reference server on loopback with the bundled demo catalog, logs in the demo
 * Premium account and plays the demo playlist.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Start an embedded reference server with the demo catalog and play the demo playlist.",
      "Plays to the speakers where a sound device exists, otherwise writes a WAV file."
    })
final class DemoCommand implements Callable<Integer> {
  /** User name of the demo Premium account that the server seeds on first start. */
  static final String PREMIUM_USER = "premium@demo.tonearm.dev";

  /** Password of the demo Premium account. It protects nothing but demo data on loopback. */
  static final String PREMIUM_PASSWORD = "demo-premium";

  /** File that the server writes into its data folder once the demo catalog is ingested. */
  private static final String DEMO_SEEDED_MARKER = "demo-seeded";

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Data folder of the embedded server; the demo catalog is ingested into it on first"
              + " use and reused afterwards. Default: a tonearm-demo-server folder in the system"
              + " temporary directory.")
  Path dataDir;

  @Mixin PlaybackOptions playback;

  @Override
  public Integer call() throws Exception {
    PlaybackSession.validate(playback, spec);
    PrintWriter out = spec.commandLine().getOut();
    Path data =
        dataDir != null
            ? dataDir
            : Paths.get(System.getProperty("java.io.tmpdir"), "tonearm-demo-server");
    out.println("starting the reference server (data in " + data.toAbsolutePath() + ")");
    if (!Files.exists(data.resolve(DEMO_SEEDED_MARKER))) {
      out.println("the first start ingests the demo catalog, which takes a few seconds");
    }
    out.flush();
    try (ReferenceServer server =
        ReferenceServer.builder().dataDir(data).apiPort(0).edgeCount(2).build().start()) {
      out.println("API " + server.apiUrl() + ", CDN edges " + server.edgeUrls());
      TonearmClient client = TonearmClient.builder().setBaseUrl(server.apiUrl()).build();
      client.login(PREMIUM_USER, PREMIUM_PASSWORD);
      Playlist playlist = client.demoPlaylist();
      out.println(
          "playing \"" + playlist.name() + "\": " + playlist.trackIds().size() + " tracks"
              + " (music by Maxstack, CC BY-SA 3.0; run 'about' for the attribution)");
      out.flush();
      return new PlaybackSession(
              client,
              playback,
              server.sessionEventsUrl(),
              null,
              out,
              spec.commandLine().getErr())
          .play(playlist.trackIds());
    } catch (PlaybackException e) {
      spec.commandLine().getErr().println("error: " + e.reason() + ": " + e.getMessage());
      return TonearmCli.EXIT_FAILURE;
    }
  }
}
