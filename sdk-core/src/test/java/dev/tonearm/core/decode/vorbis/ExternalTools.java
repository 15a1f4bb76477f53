package dev.tonearm.core.decode.vorbis;

import java.io.File;

/** Locates the Debian command-line tools that some tests compare against or use to make input. */
final class ExternalTools {
  private ExternalTools() {}

  /** Returns whether an executable named {@code name} is on the PATH. */
  static boolean isAvailable(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String directory : path.split(File.pathSeparator)) {
      File candidate = new File(directory, name);
      if (candidate.isFile() && candidate.canExecute()) {
        return true;
      }
    }
    return false;
  }
}
