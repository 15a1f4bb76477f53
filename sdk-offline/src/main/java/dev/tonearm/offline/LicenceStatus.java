package dev.tonearm.offline;

/** The offline licence as the app shows it: phase, day, expiry and lock. Immutable. */
public final class LicenceStatus {
  private final LicencePhase phase;
  private final int day;
  private final LicenceTerms terms;
  private final OfflineException.Reason lockReason;

  public LicenceStatus(
      LicencePhase phase, int day, LicenceTerms terms, OfflineException.Reason lockReason) {
    this.phase = phase;
    this.day = day;
    this.terms = terms;
    this.lockReason = lockReason;
  }

  public LicencePhase phase() {
    return phase;
  }

  /** Returns the licence day (see {@link LicencePhase}), or 0 when there is no licence. */
  public int day() {
    return day;
  }

  /** Returns the licence terms, or null when there is no licence. */
  public LicenceTerms terms() {
    return terms;
  }

  /** Returns whether a failed subscription check locked every offline track. */
  public boolean isLocked() {
    return lockReason != null;
  }

  /** Returns why offline tracks are locked, or null when they are not. */
  public OfflineException.Reason lockReason() {
    return lockReason;
  }

  @Override
  public String toString() {
    return "LicenceStatus{"
        + phase
        + ", day="
        + day
        + (terms == null ? "" : ", expiresAtMs=" + terms.expiresAtMs())
        + (lockReason == null ? "" : ", locked=" + lockReason)
        + "}";
  }
}
