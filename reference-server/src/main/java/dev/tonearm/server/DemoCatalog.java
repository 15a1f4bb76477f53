package dev.tonearm.server;

import dev.tonearm.server.catalog.CatalogRepository;
import dev.tonearm.server.catalog.Playlist;
import dev.tonearm.server.ingest.IngestException;
import dev.tonearm.server.ingest.IngestResult;
import dev.tonearm.server.ingest.IngestService;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo catalog shipped in the jar: two tracks by Maxstack from the Debian package
 * singularity-music 007-2, licensed CC BY-SA 3.0 (see {@code demo/ATTRIBUTION.md}), and the
 * playlist {@code demo} that lists them. Stateless.
 */
public final class DemoCatalog {
  /** Id of the demo playlist. */
  public static final String PLAYLIST_ID = "demo";

  /** Resource names under {@code /demo/}, in playlist order. */
  public static final List<String> FILES =
      List.of("singularity-apex-aleph.ogg", "singularity-awakening.ogg");

  /** Tags that the demo files lack. */
  static final Map<String, String> FALLBACK_TAGS = Map.of("GENRE", "Electronic");

  private static final Logger log = LoggerFactory.getLogger(DemoCatalog.class);

  private DemoCatalog() {}

  /**
   * Ingests the demo files and saves the playlist. A file that fails is logged and left out, so a
   * machine without the codec tools still starts with whatever could be ingested.
   *
   * @return the ingested track ids in playlist order
   */
  public static List<String> seed(
      IngestService ingest, CatalogRepository catalog, DataDirectory dataDirectory)
      throws IOException {
    long startNanos = System.nanoTime();
    Path staging = Files.createTempDirectory(dataDirectory.tmpDir(), "demo-");
    List<String> trackIds = new ArrayList<>();
    try {
      for (String name : FILES) {
        Path file = staging.resolve(name);
        try (InputStream in = DemoCatalog.class.getResourceAsStream("/demo/" + name)) {
          if (in == null) {
            throw new IOException("demo resource /demo/" + name + " is missing from the jar");
          }
          try (OutputStream out =
              Channels.newOutputStream(
                  OwnerOnlyFiles.openChannel(
                      file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
            in.transferTo(out);
          }
        }
        try {
          IngestResult result = ingest.ingest(file, FALLBACK_TAGS);
          trackIds.add(result.track().id());
        } catch (IngestException e) {
          log.error("demo track {} was not ingested: {}: {}", name, e.reason(), e.getMessage());
        }
        Files.delete(file);
      }
    } finally {
      Files.deleteIfExists(staging);
    }
    catalog.savePlaylist(new Playlist(PLAYLIST_ID, "Demo", trackIds));
    log.info(
        "demo catalog ready: {} tracks in {} ms",
        trackIds.size(),
        (System.nanoTime() - startNanos) / 1_000_000);
    return trackIds;
  }
}
