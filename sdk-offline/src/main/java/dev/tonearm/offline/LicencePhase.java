package dev.tonearm.offline;

/**
 * Phases of the offline licence, by licence day.
 *
 * <p>Day 31 starts at the licence's expiry and each earlier day is the 24 hours before the next, so
 * with no server jitter day {@code n} is the {@code n}-th day since the last online check. Counting
 * back from the expiry keeps the phases consistent when the server shifts a device's expiry by up
 * to three days.
 *
 * <table>
 *   <caption>Phases</caption>
 *   <tr><th>day</th><th>phase</th><th>behaviour</th></tr>
 *   <tr><td>1-23</td><td>{@link #VALID}</td><td>tracks play</td></tr>
 *   <tr><td>24-27</td><td>{@link #WARNING}</td><td>tracks play; the app shows a notice to go
 *       online</td></tr>
 *   <tr><td>28-29</td><td>{@link #URGENT}</td><td>tracks play; one reminder event per
 *       day</td></tr>
 *   <tr><td>30</td><td>{@link #GRACE}</td><td>tracks play for these last 24 hours; refreshes
 *       are retried while the app is open</td></tr>
 *   <tr><td>31-</td><td>{@link #EXPIRED}</td><td>keys wiped; tracks unplayable until the next
 *       online check</td></tr>
 * </table>
 */
public enum LicencePhase {
  /** No licence yet: the device never received a key. */
  NONE,
  VALID,
  WARNING,
  URGENT,
  GRACE,
  EXPIRED;

  /** Length of a licence day. */
  public static final long DAY_MS = 24L * 60 * 60 * 1000;

  /** Last day of {@link #VALID}. */
  public static final int LAST_VALID_DAY = 23;

  /** First day of {@link #URGENT}. */
  public static final int FIRST_URGENT_DAY = 28;

  /** The single day of {@link #GRACE}. */
  public static final int GRACE_DAY = 30;

  /** First day of {@link #EXPIRED}; it starts at the expiry instant. */
  public static final int FIRST_EXPIRED_DAY = 31;

  /** Returns the licence day at {@code nowMs}, at least 1. */
  public static int licenceDay(long expiresAtMs, long nowMs) {
    if (nowMs >= expiresAtMs) {
      long daysPast = (nowMs - expiresAtMs) / DAY_MS;
      return (int) Math.min(Integer.MAX_VALUE, FIRST_EXPIRED_DAY + daysPast);
    }
    long daysBefore = (expiresAtMs - nowMs - 1) / DAY_MS;
    return (int) Math.max(1, GRACE_DAY - daysBefore);
  }

  /** Returns the phase of a licence day. */
  public static LicencePhase forDay(int day) {
    if (day <= LAST_VALID_DAY) {
      return VALID;
    }
    if (day < FIRST_URGENT_DAY) {
      return WARNING;
    }
    if (day < GRACE_DAY) {
      return URGENT;
    }
    if (day == GRACE_DAY) {
      return GRACE;
    }
    return EXPIRED;
  }

  /** Returns whether tracks may play in this phase (before locks are considered). */
  public boolean allowsPlayback() {
    return this == VALID || this == WARNING || this == URGENT || this == GRACE;
  }
}
