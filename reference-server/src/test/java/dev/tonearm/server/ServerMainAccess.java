package dev.tonearm.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/** Opens package-private parts of {@link ServerMain} to tests in other packages. */
public final class ServerMainAccess {
  private ServerMainAccess() {}

  /** Calls {@code ServerMain.adminToken}. */
  public static String adminToken(Path dataDir, PrintWriter out) throws IOException {
    return ServerMain.adminToken(dataDir, out);
  }
}
