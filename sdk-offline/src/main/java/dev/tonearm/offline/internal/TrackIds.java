package dev.tonearm.offline.internal;

/** Checks of track ids. */
public final class TrackIds {
  /** Maximum length of a track id, as on the server. */
  public static final int MAX_ID_LENGTH = 128;

  private TrackIds() {}

  /**
   * Returns {@code trackId} if it has 1 to 128 characters from {@code A-Z a-z 0-9 . _ : @ -}, the
   * server's id alphabet.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static String requireTrackId(String trackId) {
    String problem = trackIdProblem(trackId);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return trackId;
  }

  /** Returns why {@code trackId} is invalid, or null if it is valid. */
  public static String trackIdProblem(String trackId) {
    if (trackId == null || trackId.isEmpty()) {
      return "trackId is missing";
    }
    if (trackId.length() > MAX_ID_LENGTH) {
      return "trackId must have at most " + MAX_ID_LENGTH + " characters: " + trackId.length();
    }
    for (int i = 0; i < trackId.length(); i++) {
      char c = trackId.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == ':'
              || c == '@'
              || c == '-';
      if (!allowed) {
        return "trackId contains an invalid character at index "
            + i
            + ": "
            + (trackId.length() > 40 ? trackId.substring(0, 40) + "..." : trackId)
                .replaceAll("\\p{Cntrl}", "?");
      }
    }
    return null;
  }
}
