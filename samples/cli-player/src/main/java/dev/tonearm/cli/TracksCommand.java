package dev.tonearm.cli;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Track;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists the catalog of a running Tonearm server. */
@Command(
    name = "tracks",
    mixinStandardHelpOptions = true,
    description = "List the tracks in a server's catalog.")
final class TracksCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try {
      for (Track track : server.login(spec).tracks()) {
        long seconds = track.durationMs() / 1000;
        out.printf(
            "%s  %d:%02d  %s - %s (%s)%n",
            track.id(), seconds / 60, seconds % 60, track.artist(), track.title(), track.album());
      }
      out.flush();
      return 0;
    } catch (PlaybackException e) {
      spec.commandLine().getErr().println("error: " + e.reason() + ": " + e.getMessage());
      return TonearmCli.EXIT_FAILURE;
    }
  }
}
