package dev.tonearm.cli;

import dev.tonearm.core.PlaybackException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Streams tracks from a running Tonearm server. */
@Command(
    name = "play",
    mixinStandardHelpOptions = true,
    description = "Stream tracks from a running Tonearm server.")
final class PlayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Mixin PlaybackOptions playback;

  @Parameters(arity = "1..*", paramLabel = "TRACK_ID", description = "Tracks to play, in order.")
  List<String> trackIds;

  @Override
  public Integer call() throws Exception {
    PlaybackSession.validate(playback, spec);
    try {
      return new PlaybackSession(
              server.login(spec), playback, spec.commandLine().getOut(), spec.commandLine().getErr())
          .play(trackIds);
    } catch (PlaybackException e) {
      spec.commandLine().getErr().println("error: " + e.reason() + ": " + e.getMessage());
      return TonearmCli.EXIT_FAILURE;
    }
  }
}
