package dev.tonearm.offline;

/**
 * The device's offline licence: when the server last confirmed the subscription and when the
 * device's keys expire without another check. One licence covers every key on the device.
 * Immutable.
 */
public final class LicenceTerms {
  private final long checkedAtMs;
  private final long expiresAtMs;

  /**
   * @param checkedAtMs epoch milliseconds of the online check
   * @param expiresAtMs epoch milliseconds of expiry; after {@code checkedAtMs}
   */
  public LicenceTerms(long checkedAtMs, long expiresAtMs) {
    if (expiresAtMs <= checkedAtMs) {
      throw new IllegalArgumentException(
          "expiresAtMs must be after checkedAtMs: " + expiresAtMs + " <= " + checkedAtMs);
    }
    this.checkedAtMs = checkedAtMs;
    this.expiresAtMs = expiresAtMs;
  }

  public long checkedAtMs() {
    return checkedAtMs;
  }

  public long expiresAtMs() {
    return expiresAtMs;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof LicenceTerms)) {
      return false;
    }
    LicenceTerms that = (LicenceTerms) other;
    return checkedAtMs == that.checkedAtMs && expiresAtMs == that.expiresAtMs;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(checkedAtMs) * 31 + Long.hashCode(expiresAtMs);
  }

  @Override
  public String toString() {
    return "LicenceTerms{checkedAtMs=" + checkedAtMs + ", expiresAtMs=" + expiresAtMs + "}";
  }
}
