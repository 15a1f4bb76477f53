package dev.tonearm.server.ingest;

import dev.tonearm.server.catalog.Track;
import java.util.List;

/**
 * Outcome of ingesting one file. Immutable.
 *
 * @param track the catalog track
 * @param alreadyPresent whether the same file was already in the catalog, so nothing was done
 * @param warnings problems that did not stop ingest, each {@code CODE: message}
 * @param elapsedMs time that ingest took
 */
public record IngestResult(
    Track track, boolean alreadyPresent, List<String> warnings, long elapsedMs) {
  public IngestResult {
    warnings = List.copyOf(warnings);
  }
}
