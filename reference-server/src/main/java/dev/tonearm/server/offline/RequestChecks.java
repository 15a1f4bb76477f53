package dev.tonearm.server.offline;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Checks of request arguments for {@link OfflineService}; failures are BAD_REQUEST. */
final class RequestChecks {
  static final int MAX_ID_LENGTH = 128;
  static final int MAX_DISPLAY_NAME_LENGTH = 64;
  private static final int MAX_IDS_IN_MESSAGE = 5;

  private RequestChecks() {}

  /**
   * Checks a list of track ids and returns it without duplicates, in order.
   *
   * @param maxTracks the maximum number of ids in one request: the device's track limit
   */
  static List<String> requireTrackIds(List<String> trackIds, boolean mayBeEmpty, int maxTracks) {
    if (trackIds == null) {
      throw badRequest("trackIds is missing");
    }
    if (trackIds.isEmpty() && !mayBeEmpty) {
      throw badRequest("trackIds must not be empty");
    }
    if (trackIds.size() > maxTracks) {
      throw new OfflineException(
          OfflineReason.PAYLOAD_TOO_LARGE,
          "A request may list at most " + maxTracks + " tracks: " + trackIds.size());
    }
    LinkedHashSet<String> unique = new LinkedHashSet<>(trackIds.size() * 2);
    for (String trackId : trackIds) {
      requireId("trackId", trackId);
      unique.add(trackId);
    }
    return new ArrayList<>(unique);
  }

  /**
   * Checks an account, device or track id: 1 to {@value #MAX_ID_LENGTH} characters from {@code A-Z
   * a-z 0-9 . _ : @ -}.
   */
  static void requireId(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw badRequest(field + " is missing");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw badRequest(
          field + " must have at most " + MAX_ID_LENGTH + " characters: " + value.length());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
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
        throw badRequest(
            field + " contains an invalid character at index " + i + ": " + quote(value));
      }
    }
  }

  static String requireDisplayName(String name) {
    if (name.isEmpty() || name.length() > MAX_DISPLAY_NAME_LENGTH) {
      throw badRequest(
          "displayName must have 1 to "
              + MAX_DISPLAY_NAME_LENGTH
              + " characters: "
              + name.length());
    }
    for (int i = 0; i < name.length(); i++) {
      if (Character.isISOControl(name.charAt(i))) {
        throw badRequest("displayName contains a control character at index " + i);
      }
    }
    return name;
  }

  private static OfflineException badRequest(String message) {
    return new OfflineException(OfflineReason.BAD_REQUEST, message);
  }

  private static String quote(String value) {
    String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
    StringBuilder out = new StringBuilder("\"");
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  /** Lists up to five ids for a message, then how many more there are. */
  static String summarise(List<String> ids) {
    if (ids.size() <= MAX_IDS_IN_MESSAGE) {
      return String.join(", ", ids);
    }
    return String.join(", ", ids.subList(0, MAX_IDS_IN_MESSAGE))
        + " and "
        + (ids.size() - MAX_IDS_IN_MESSAGE)
        + " more";
  }
}
