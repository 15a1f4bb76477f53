package dev.tonearm.server.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A catalog track with its renditions. Immutable.
 *
 * @param id {@code t-} and the first 12 hex digits of the SHA-256 of the delivered file, so the
 *     same file always gets the same id
 * @param title title tag, or the file name without extension
 * @param artist artist tag, or empty
 * @param album album tag, or empty
 * @param genre genre tag, or empty
 * @param durationMs decoded length of the source in milliseconds, rounded down
 * @param loudness loudness of the source
 * @param renditions renditions, lowest bitrate first
 * @param sourceFormat {@code ogg-vorbis}, {@code flac} or {@code wav}
 * @param sourceFileName file name as delivered
 * @param warnings ingest warnings such as {@code CLIPPING: ...}
 * @param addedAtEpochMs when ingest finished, from the server clock
 */
public record Track(
    String id,
    String title,
    String artist,
    String album,
    String genre,
    long durationMs,
    Loudness loudness,
    List<Rendition> renditions,
    String sourceFormat,
    String sourceFileName,
    List<String> warnings,
    long addedAtEpochMs) {

  public Track {
    renditions = List.copyOf(renditions);
    warnings = List.copyOf(warnings);
  }

  /** Finds a rendition by id. */
  public Optional<Rendition> rendition(String renditionId) {
    return renditions.stream().filter(r -> r.id().equals(renditionId)).findFirst();
  }
}
