package dev.tonearm.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Prints what Tonearm is and the attribution of the bundled demo music. */
@Command(
    name = "about",
    mixinStandardHelpOptions = true,
    description = "Show the licence and attribution of the bundled demo music.")
final class AboutCommand implements Callable<Integer> {
  /** Classpath resource with the demo catalog's attribution, shipped by the reference server. */
  static final String ATTRIBUTION_RESOURCE = "/demo/ATTRIBUTION.md";

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    out.println("Tonearm: a music-streaming player SDK for the JVM and Android.");
    out.println();
    try (InputStream in = AboutCommand.class.getResourceAsStream(ATTRIBUTION_RESOURCE)) {
      if (in == null) {
        spec.commandLine().getErr().println(
            "error: NOT_FOUND: demo attribution missing from the classpath: "
                + ATTRIBUTION_RESOURCE);
        return TonearmCli.EXIT_FAILURE;
      }
      out.print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    out.flush();
    return 0;
  }
}
