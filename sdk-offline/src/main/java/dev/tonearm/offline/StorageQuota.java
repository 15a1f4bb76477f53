package dev.tonearm.offline;

import java.util.Locale;

/**
 * Limits of the user's offline storage quota. Sizes use binary units: 1 MB is 1,048,576 bytes and 1
 * GB is 1,073,741,824 bytes.
 */
public final class StorageQuota {
  /** Smallest quota a user may choose: 50 MB. */
  public static final long MIN_BYTES = 50L * 1024 * 1024;

  /** Largest quota a user may choose: 10 GB. */
  public static final long MAX_BYTES = 10L * 1024 * 1024 * 1024;

  /** Quota until the user chooses one: 2 GB. */
  public static final long DEFAULT_BYTES = 2L * 1024 * 1024 * 1024;

  private StorageQuota() {}

  /**
   * Returns {@code bytes} if it is a valid quota.
   *
   * @throws OfflineException with {@link OfflineException.Reason#INVALID_QUOTA} when outside {@link
   *     #MIN_BYTES} to {@link #MAX_BYTES}
   */
  public static long requireValid(long bytes) throws OfflineException {
    if (bytes < MIN_BYTES || bytes > MAX_BYTES) {
      throw new OfflineException(
          OfflineException.Reason.INVALID_QUOTA,
          "Storage quota must be between 50 MB and 10 GB: "
              + formatBytes(bytes)
              + " ("
              + bytes
              + " bytes)");
    }
    return bytes;
  }

  /** Formats a size for messages, for example {@code 1.5 GB} or {@code 200 KB}. */
  public static String formatBytes(long bytes) {
    if (bytes < 0) {
      return bytes + " B";
    }
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    if (unit == 0) {
      return bytes + " B";
    }
    String number = String.format(Locale.ROOT, "%.1f", value);
    if (number.endsWith(".0")) {
      number = number.substring(0, number.length() - 2);
    }
    return number + " " + units[unit];
  }
}
