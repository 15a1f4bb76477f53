package dev.tonearm.server.ingest;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Finds and runs the command-line codecs ({@code oggdec}, {@code oggenc}, {@code flac}) on a
 * search path. Output goes to files; standard input is closed; a run that exceeds its timeout is
 * killed. Immutable and thread-safe.
 */
public final class ExternalTools {
  /** Maximum run time of one tool before it is killed. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  private static final int MAX_ERROR_CHARS = 2000;

  private final List<Path> searchPath;
  private final Duration timeout;

  /** Creates a tool finder over {@code searchPath} (folders, searched in order). */
  public ExternalTools(List<Path> searchPath, Duration timeout) {
    this.searchPath = List.copyOf(searchPath);
    this.timeout = timeout;
  }

  /** Tools on the process's {@code PATH} with {@link #DEFAULT_TIMEOUT}. */
  public static ExternalTools fromEnvironment() {
    String path = System.getenv("PATH");
    List<Path> folders = new ArrayList<>();
    if (path != null) {
      for (String folder : path.split(File.pathSeparator)) {
        if (!folder.isEmpty()) {
          folders.add(Path.of(folder));
        }
      }
    }
    return new ExternalTools(folders, DEFAULT_TIMEOUT);
  }

  /** Returns the executable {@code name} on the search path, if any. */
  public Optional<Path> find(String name) {
    for (Path folder : searchPath) {
      Path candidate = folder.resolve(name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** Returns whether {@code name} is on the search path. */
  public boolean has(String name) {
    return find(name).isPresent();
  }

  /**
   * Runs {@code name} with {@code arguments} and returns normally only on exit code 0.
   *
   * @param workDir receives the tool's captured standard output and error
   * @throws IngestException TOOL_UNAVAILABLE when the tool is missing, TOOL_FAILED on a non-zero
   *     exit or a timeout, with the end of the tool's error output in the message
   */
  public void run(String name, List<String> arguments, Path workDir)
      throws IngestException, IOException {
    Path executable =
        find(name)
            .orElseThrow(
                () ->
                    new IngestException(
                        IngestException.Reason.TOOL_UNAVAILABLE,
                        name + " is not on the PATH; install it (Debian: vorbis-tools, flac)"));
    List<String> command = new ArrayList<>();
    command.add(executable.toString());
    command.addAll(arguments);
    Path log = Files.createTempFile(workDir, name + "-", ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    process.getOutputStream().close();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IngestException(
            IngestException.Reason.TOOL_FAILED, name + " timed out after " + timeout);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + name, e);
    }
    if (process.exitValue() != 0) {
      throw new IngestException(
          IngestException.Reason.TOOL_FAILED,
          name + " exited with code " + process.exitValue() + ": " + tail(log));
    }
  }

  private static String tail(Path log) throws IOException {
    String text = Files.readString(log, StandardCharsets.UTF_8).trim().replaceAll("\\s+", " ");
    return text.length() <= MAX_ERROR_CHARS ? text : text.substring(text.length() - MAX_ERROR_CHARS);
  }
}
