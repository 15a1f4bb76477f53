package dev.tonearm.sync;

import java.util.Objects;

/**
 * Identity of one editing replica: a user on one device, written {@code userId/deviceId}.
 *
 * <p>Every operation id starts with the replica id, so two devices of the same user never create
 * the same id. Replica ids are totally ordered by user id, then device id. The playlist CRDT uses
 * that order to break ties between operations with equal Lamport timestamps.
 *
 * <p>Both parts are 1 to {@value #MAX_PART_LENGTH} characters from {@code [A-Za-z0-9._-]}, which
 * keeps them safe in file names, JSON keys and log lines. Instances are immutable.
 */
public final class ReplicaId implements Comparable<ReplicaId> {
  /** Maximum length of the user part and of the device part, in characters. */
  public static final int MAX_PART_LENGTH = 64;

  private final String userId;
  private final String deviceId;
  private final String text;

  private ReplicaId(String userId, String deviceId) {
    this.userId = userId;
    this.deviceId = deviceId;
    this.text = userId + "/" + deviceId;
  }

  /**
   * Returns the replica id of {@code deviceId} owned by {@code userId}.
   *
   * @throws IllegalArgumentException if a part is empty, too long or has a character outside {@code
   *     [A-Za-z0-9._-]}
   */
  public static ReplicaId of(String userId, String deviceId) {
    checkPart("userId", userId);
    checkPart("deviceId", deviceId);
    return new ReplicaId(userId, deviceId);
  }

  /**
   * Parses the {@code userId/deviceId} form returned by {@link #toString()}.
   *
   * @throws IllegalArgumentException if {@code text} is not of that form
   */
  public static ReplicaId parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException("replica id must be userId/deviceId: " + quote(text));
    }
    return of(text.substring(0, slash), text.substring(slash + 1));
  }

  /** Returns whether {@code text} is a valid {@code userId} or {@code deviceId} part. */
  public static boolean isValidPart(String text) {
    if (text == null || text.isEmpty() || text.length() > MAX_PART_LENGTH) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean allowed =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!allowed) {
        return false;
      }
    }
    return true;
  }

  public String userId() {
    return userId;
  }

  public String deviceId() {
    return deviceId;
  }

  @Override
  public int compareTo(ReplicaId other) {
    int byUser = userId.compareTo(other.userId);
    return byUser != 0 ? byUser : deviceId.compareTo(other.deviceId);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReplicaId && text.equals(((ReplicaId) o).text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** Returns {@code userId/deviceId}. */
  @Override
  public String toString() {
    return text;
  }

  private static void checkPart(String name, String value) {
    Objects.requireNonNull(value, name);
    if (!isValidPart(value)) {
      throw new IllegalArgumentException(
          name
              + " must be 1 to "
              + MAX_PART_LENGTH
              + " characters from [A-Za-z0-9._-]: "
              + quote(value));
    }
  }

  private static String quote(String value) {
    String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return "\"" + shown + "\"";
  }
}
