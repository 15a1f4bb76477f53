package dev.tonearm.server.search;

import java.util.Locale;
import java.util.Optional;

/** Kind of a searchable document; the wire name is the lower-case constant name. */
public enum SearchType {
  TRACK,
  ARTIST,
  ALBUM,
  PLAYLIST;

  /** Name used in the {@code types} parameter and in the {@code type} field of results. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Finds the type whose wire name is {@code wireName}, matching case exactly. */
  public static Optional<SearchType> fromWireName(String wireName) {
    for (SearchType type : values()) {
      if (type.wireName().equals(wireName)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}
