package dev.tonearm.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the sample terminal player. Exit codes: 0 success, 1 invalid media or a failed
 * operation (one line {@code error: REASON_CODE: message} on standard error), 2 usage error, 3
 * playback stopped because another device of the account took over the playback session.
 */
@Command(
    name = "tonearm",
    mixinStandardHelpOptions = true,
    versionProvider = TonearmCli.Version.class,
    description = "Sample player for the Tonearm streaming SDK.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:a server, network, authentication or media error; one 'error: REASON: message' line"
          + " on standard error",
      "2:invalid command-line usage",
      "3:playback stopped because another device of the account started playing"
    },
    subcommands = {
      DemoCommand.class,
      PlayCommand.class,
      TracksCommand.class,
      SearchCommand.class,
      RecommendCommand.class,
      DecodeCommand.class,
      DevicesCommand.class,
      AboutCommand.class
    })
public final class TonearmCli implements Callable<Integer> {
  /** Exit code for invalid media and failed operations. */
  static final int EXIT_FAILURE = 1;

  /** Exit code for command-line usage errors. */
  static final int EXIT_USAGE = 2;

  /** Exit code of {@code play} and {@code demo} when another device took over the playback. */
  static final int EXIT_SUPERSEDED = 3;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  TonearmCli() {}

  /** Prints usage when no subcommand is given. */
  @Override
  public Integer call() {
    spec.commandLine().getErr().println("error: USAGE: a subcommand is required");
    spec.commandLine().usage(spec.commandLine().getErr());
    return EXIT_USAGE;
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("decode")) {
      // decode reports recovered problems in its own output; library warnings would repeat them.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
    }
    PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
    PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(out, err, args));
  }

  /** Runs the command line with the given output streams and returns its exit code. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(CommandLine.defaultFactory(), out, err, args);
  }

  /**
   * Like {@link #run(PrintWriter, PrintWriter, String...)}, with {@code factory} creating the
   * subcommand objects, so that tests can configure them.
   */
  static int run(CommandLine.IFactory factory, PrintWriter out, PrintWriter err, String... args) {
    CommandLine commandLine = new CommandLine(new TonearmCli(), factory);
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setParameterExceptionHandler(
        (exception, arguments) -> {
          CommandLine failed = exception.getCommandLine();
          failed.getErr().println("error: USAGE: " + exception.getMessage());
          failed.usage(failed.getErr());
          return EXIT_USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (exception, failed, parseResult) -> {
          failed.getErr().println("error: " + ErrorLines.describe(exception));
          return EXIT_FAILURE;
        });
    return commandLine.execute(args);
  }

  /** Reads the version from the jar manifest, when there is one. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = TonearmCli.class.getPackage().getImplementationVersion();
      return new String[] {"tonearm " + (version == null ? "development build" : version)};
    }
  }
}
