package dev.tonearm.cli;

import dev.tonearm.core.PlaybackException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import okhttp3.HttpUrl;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Streams tracks from a running Tonearm server. */
@Command(
    name = "play",
    mixinStandardHelpOptions = true,
    description = {
      "Stream tracks from a running Tonearm server.",
      "The machine holds the account's playback session while it plays. When another device of"
          + " the account starts playing, this one prints a line and exits with code 3.",
      "Tracks played to the end are reported to the server's recommendations."
    })
final class PlayCommand implements Callable<Integer> {
  /** Distance of the sync listener's port above the API port in a server started by 'serve'. */
  static final int SYNC_PORT_OFFSET = 3;

  private static final String SESSION_EVENTS_PATH = "/v1/sessions/events";
  private static final int MAX_PORT = 65_535;

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Mixin PlaybackOptions playback;

  @Option(
      names = "--session-events",
      paramLabel = "URL",
      description =
          "WebSocket URL of the server's session events, through which a takeover by another"
              + " device stops this one at once. Default: port 3 above the --server port, as"
              + " 'serve' lays out its listeners. Without a reachable socket, a takeover is"
              + " noticed at the next session heartbeat, within a third of the session timeout.")
  String sessionEventsUrl;

  @Parameters(arity = "1..*", paramLabel = "TRACK_ID", description = "Tracks to play, in order.")
  List<String> trackIds;

  /** Sink for the audio in place of the speakers or a WAV file; null outside tests. */
  PlaybackSession.SinkFactory sinkFactory;

  @Override
  public Integer call() throws Exception {
    PlaybackSession.validate(playback, spec);
    String eventsUrl = sessionEventsUrl != null ? sessionEventsUrl : defaultEventsUrl();
    try {
      return new PlaybackSession(
              server.login(spec),
              playback,
              eventsUrl,
              sinkFactory,
              spec.commandLine().getOut(),
              spec.commandLine().getErr())
          .play(trackIds);
    } catch (PlaybackException e) {
      spec.commandLine().getErr().println("error: " + e.reason() + ": " + e.getMessage());
      return TonearmCli.EXIT_FAILURE;
    }
  }

  /**
   * Returns the session events URL of a server started with {@code serve} and its default ports,
   * which puts the sync listener 3 ports above the API port, or null when {@code --server} has no
   * usable port.
   */
  private String defaultEventsUrl() {
    HttpUrl api = HttpUrl.parse(server.serverUrl);
    if (api == null || api.port() + SYNC_PORT_OFFSET > MAX_PORT) {
      return null;
    }
    String scheme = api.isHttps() ? "wss" : "ws";
    String host = api.host().contains(":") ? "[" + api.host() + "]" : api.host();
    return scheme + "://" + host + ":" + (api.port() + SYNC_PORT_OFFSET) + SESSION_EVENTS_PATH;
  }
}
