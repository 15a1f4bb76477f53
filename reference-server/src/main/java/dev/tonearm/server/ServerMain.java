package dev.tonearm.server;

import dev.tonearm.server.catalog.FileCatalogRepository;
import dev.tonearm.server.drm.DrmServiceException;
import dev.tonearm.server.drm.FileKeyManagementService;
import dev.tonearm.server.drm.KeyManagementService;
import dev.tonearm.server.ingest.IngestException;
import dev.tonearm.server.ingest.IngestResult;
import dev.tonearm.server.ingest.IngestService;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Command-line entry point of the reference server jar.
 *
 * <pre>
 * java -jar reference-server.jar serve --data-dir DIR --port 8080 [--edge-ports 8081,8082]
 *     [--enable-fault-injection]
 * java -jar reference-server.jar ingest --data-dir DIR FILE...
 * </pre>
 *
 * <p>Exit codes: 0 success, 1 an input file was rejected or the server failed (including a data
 * directory locked by another server: {@code error: DATA_DIR_LOCKED: ...}), 2 usage error.
 */
@Command(
    name = "reference-server",
    mixinStandardHelpOptions = true,
    description = "Tonearm reference server: HTTP API, CDN edges and catalog ingest.",
    subcommands = {ServerMain.Serve.class, ServerMain.Ingest.class})
public final class ServerMain implements Runnable {
  /** Exit code when an input file was rejected. */
  public static final int EXIT_REJECTED = 1;

  /** Environment variable that sets the admin token of {@code serve --enable-fault-injection}. */
  public static final String ADMIN_TOKEN_ENV = "TONEARM_ADMIN_TOKEN";

  /** File in the data directory that receives a generated admin token. */
  public static final String ADMIN_TOKEN_FILE = "admin-token";

  /** Exit code for command-line usage errors. */
  public static final int EXIT_USAGE = 2;

  @Spec private CommandSpec spec;

  /** Runs the command line and exits the JVM with its exit code. */
  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command line with the given streams and returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new ServerMain()).setOut(out).setErr(err);
    commandLine.setParameterExceptionHandler(
        (exception, arguments) -> {
          CommandLine failed = exception.getCommandLine();
          failed.getErr().println("error: USAGE: " + exception.getMessage());
          failed.usage(failed.getErr());
          return EXIT_USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (exception, failed, parseResult) -> {
          failed.getErr().println(describeFailure(exception));
          return exception instanceof IllegalArgumentException ? EXIT_USAGE : EXIT_REJECTED;
        });
    return commandLine.execute(args);
  }

  /** Turns a failure of {@code serve} or {@code ingest} into one {@code error:} line. */
  static String describeFailure(Exception exception) {
    if (exception instanceof IllegalArgumentException) {
      return "error: USAGE: " + exception.getMessage();
    }
    if (exception instanceof DataDirectoryLockedException) {
      DataDirectoryLockedException locked = (DataDirectoryLockedException) exception;
      return "error: " + locked.reason() + ": " + locked.getMessage();
    }
    if (exception instanceof ListenerBindException) {
      return "error: ADDRESS_IN_USE: " + exception.getMessage()
          + "; choose free ports with --port, --edge-ports and --sync-port";
    }
    if (exception instanceof java.net.BindException) {
      return "error: ADDRESS_IN_USE: cannot listen on a port (" + exception.getMessage()
          + "); choose free ports with --port, --edge-ports and --sync-port";
    }
    if (exception instanceof java.nio.file.FileSystemException) {
      java.nio.file.FileSystemException fileError = (java.nio.file.FileSystemException) exception;
      return "error: DATA_DIR_UNUSABLE: " + fileError.getFile() + ": " + fileError.getReason();
    }
    return "error: INTERNAL_ERROR: " + exception;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command: serve or ingest");
  }

  /** {@code serve}: runs the API and the edges until the process is stopped. */
  @Command(name = "serve", mixinStandardHelpOptions = true, description = "Run the server.")
  static final class Serve implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Option(names = "--data-dir", required = true, description = "Data directory; created if missing.")
    private Path dataDir;

    @Option(names = "--port", defaultValue = "8080", description = "API port (default: ${DEFAULT-VALUE}; 0 picks a free port).")
    private int port;

    @Option(
        names = "--edge-ports",
        split = ",",
        description = "Comma-separated CDN edge ports, one edge each (default: the two ports after --port).")
    private List<Integer> edgePorts;

    @Option(
        names = "--enable-fault-injection",
        description =
            "Enable the admin API: fault injection (/v1/admin/faults) and admin ingest"
                + " (/v1/admin/ingest). Its token is read from the environment variable "
                + ADMIN_TOKEN_ENV
                + ", or generated and written to DATA/"
                + ADMIN_TOKEN_FILE
                + ".")
    private boolean enableFaultInjection;

    @Option(
        names = "--sync-port",
        description = "Playlist sync WebSocket port (default: three after --port; 0 picks a free port).")
    private Integer syncPort;

    @Override
    public Integer call() throws IOException, InterruptedException {
      List<Integer> ports = edgePorts;
      if (ports == null || ports.isEmpty()) {
        ports = port == 0 ? List.of(0, 0) : List.of(port + 1, port + 2);
      }
      PrintWriter out = spec.commandLine().getOut();
      int sync;
      if (syncPort != null) {
        sync = syncPort;
      } else if (port == 0) {
        sync = 0;
      } else {
        sync = port + 3;
      }
      ReferenceServer.Builder builder =
          ReferenceServer.builder().dataDir(dataDir).apiPort(port).edgePorts(ports).syncPort(sync);
      if (enableFaultInjection) {
        builder.faultInjection(adminToken(dataDir, out));
      }
      ReferenceServer server = builder.build().start();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    server.close();
                    stopped.countDown();
                  },
                  "shutdown"));
      out.println("api " + server.apiUrl());
      for (int i = 0; i < server.edgeUrls().size(); i++) {
        out.println("edge-" + i + " " + server.edgeUrls().get(i));
      }
      out.println("sync " + server.syncUrl());
      out.flush();
      stopped.await();
      return 0;
    }
  }

  /**
   * Returns the admin token from {@link #ADMIN_TOKEN_ENV}, or generates one and writes it to
   * {@code dataDir/admin-token}, readable by the owner only. Never prints the token itself.
   */
  static String adminToken(Path dataDir, PrintWriter out) throws IOException {
    String fromEnvironment = System.getenv(ADMIN_TOKEN_ENV);
    if (fromEnvironment != null && !fromEnvironment.isEmpty()) {
      out.println("fault injection enabled; admin token from " + ADMIN_TOKEN_ENV);
      return fromEnvironment;
    }
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    OwnerOnlyFiles.createDirectories(dataDir);
    Path file = dataDir.resolve(ADMIN_TOKEN_FILE);
    OwnerOnlyFiles.writeAtomically(file, (token + "\n").getBytes(StandardCharsets.UTF_8));
    out.println("fault injection enabled; admin token in " + file);
    return token;
  }

  /** {@code ingest}: adds files to the catalog and prints their track ids. */
  @Command(
      name = "ingest",
      mixinStandardHelpOptions = true,
      description = "Ingest Ogg Vorbis, FLAC or WAV files; prints one track id per accepted file.")
  static final class Ingest implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Option(names = "--data-dir", required = true, description = "Data directory; created if missing.")
    private Path dataDir;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audio files to ingest.")
    private List<Path> files = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
      DataDirectory dataDirectory = new DataDirectory(dataDir).create();
      // Held until every file is ingested, so that no server writes the catalog and keys meanwhile.
      try (DataDirectoryLock lock = DataDirectoryLock.acquire(dataDirectory)) {
        return ingestAll(dataDirectory);
      }
    }

    private int ingestAll(DataDirectory dataDirectory) throws IOException {
      FileCatalogRepository catalog =
          new FileCatalogRepository(dataDirectory.tracksDir(), dataDirectory.playlistsDir());
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      int exitCode = 0;
      KeyManagementService keys;
      try {
        keys = FileKeyManagementService.open(dataDirectory.keysDir());
      } catch (DrmServiceException e) {
        err.println("error: " + e.reason() + ": " + e.getMessage());
        err.flush();
        return EXIT_REJECTED;
      }
      try (IngestService ingest =
          IngestService.builder()
              .dataDirectory(dataDirectory)
              .catalog(catalog)
              .keyManagementService(keys)
              .build()) {
        ingest.deleteStaleWorkDirectories();
        for (Path file : files) {
          try {
            IngestResult result = ingest.ingest(file, Map.of());
            for (String warning : result.warnings()) {
              err.println("warning: " + file + ": " + warning);
            }
            out.println(result.track().id());
          } catch (IngestException e) {
            err.println("error: " + e.reason() + ": " + file + ": " + e.getMessage());
            exitCode = EXIT_REJECTED;
          }
        }
      }
      out.flush();
      err.flush();
      return exitCode;
    }
  }
}
