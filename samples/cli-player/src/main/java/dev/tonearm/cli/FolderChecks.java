package dev.tonearm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks of the files and folders that options name, run before a command does any work, so that
 * a bad path is a usage error (exit 2) and not a failure halfway through. The CLI creates only its
 * default folders; a folder given on the command line must exist, except for the last part of a
 * {@code --cache-dir} path. Stateless.
 */
final class FolderChecks {
  private FolderChecks() {}

  /**
   * Checks that the file {@code file}, given with {@code option}, can be created or replaced: its
   * parent folder exists and is writable, and the file is not a folder.
   *
   * @throws ParameterException when it cannot
   */
  static void requireWritableFile(CommandSpec spec, String option, Path file) {
    Path absolute = file.toAbsolutePath();
    if (Files.isDirectory(absolute)) {
      throw new ParameterException(
          spec.commandLine(), option + " names a folder, not a file: " + absolute);
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      requireWritableFolder(spec, option, parent);
    }
    if (Files.exists(absolute) && !Files.isWritable(absolute)) {
      throw new ParameterException(
          spec.commandLine(), option + " file is not writable: " + absolute);
    }
  }

  /**
   * Checks that {@code folder}, given with {@code option}, is a writable folder, or that it is
   * missing and its parent is a writable folder in which it can be created.
   *
   * @throws ParameterException when neither holds
   */
  static void requireWritableOrCreatableFolder(CommandSpec spec, String option, Path folder) {
    Path absolute = folder.toAbsolutePath();
    if (Files.exists(absolute)) {
      requireWritableFolder(spec, option, absolute);
      return;
    }
    Path parent = absolute.getParent();
    if (parent != null) {
      requireWritableFolder(spec, option, parent);
    }
  }

  private static void requireWritableFolder(CommandSpec spec, String option, Path folder) {
    if (!Files.isDirectory(folder)) {
      String problem = Files.exists(folder) ? "is not a folder" : "does not exist";
      throw new ParameterException(
          spec.commandLine(),
          option + " folder " + problem + ": " + folder + "; create it or choose another path");
    }
    if (!canCreateFileIn(folder)) {
      throw new ParameterException(
          spec.commandLine(),
          option + " folder is not writable: " + folder + "; choose a folder you can write to");
    }
  }

  /**
   * Creates and deletes an empty file in {@code folder}. {@link Files#isWritable} alone is not
   * enough, because it only checks permissions: it returns true for root on a read-only file
   * system or a pseudo file system such as {@code /proc}.
   */
  private static boolean canCreateFileIn(Path folder) {
    try {
      Path probe = Files.createTempFile(folder, ".tonearm-write-check-", ".tmp");
      Files.delete(probe);
      return true;
    } catch (IOException | SecurityException e) {
      return false;
    }
  }
}
