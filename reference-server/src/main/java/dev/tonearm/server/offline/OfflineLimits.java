package dev.tonearm.server.offline;

import java.time.Duration;
import java.util.Objects;

/**
 * Offline rules enforced by {@link OfflineService}. Immutable; build with {@link #builder()}.
 *
 * <p>The defaults are the product rules: 5 devices per account, 10,000 tracks per device, and a
 * licence that expires 30 days after the last online check, shifted by up to 3 days either way per
 * device.
 */
public final class OfflineLimits {
  public static final int DEFAULT_MAX_DEVICES_PER_ACCOUNT = 5;
  public static final int DEFAULT_MAX_TRACKS_PER_DEVICE = 10_000;
  public static final Duration DEFAULT_LICENCE_PERIOD = Duration.ofDays(30);
  public static final Duration DEFAULT_MAX_EXPIRY_JITTER = Duration.ofDays(3);

  private final int maxDevicesPerAccount;
  private final int maxTracksPerDevice;
  private final Duration licencePeriod;
  private final Duration maxExpiryJitter;

  private OfflineLimits(Builder builder) {
    this.maxDevicesPerAccount = builder.maxDevicesPerAccount;
    this.maxTracksPerDevice = builder.maxTracksPerDevice;
    this.licencePeriod = builder.licencePeriod;
    this.maxExpiryJitter = builder.maxExpiryJitter;
  }

  /** Returns the product defaults. */
  public static OfflineLimits defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public int maxDevicesPerAccount() {
    return maxDevicesPerAccount;
  }

  public int maxTracksPerDevice() {
    return maxTracksPerDevice;
  }

  public Duration licencePeriod() {
    return licencePeriod;
  }

  public Duration maxExpiryJitter() {
    return maxExpiryJitter;
  }

  /** Builder for {@link OfflineLimits}. */
  public static final class Builder {
    private int maxDevicesPerAccount = DEFAULT_MAX_DEVICES_PER_ACCOUNT;
    private int maxTracksPerDevice = DEFAULT_MAX_TRACKS_PER_DEVICE;
    private Duration licencePeriod = DEFAULT_LICENCE_PERIOD;
    private Duration maxExpiryJitter = DEFAULT_MAX_EXPIRY_JITTER;

    private Builder() {}

    /** Sets the maximum number of offline devices per account. Default 5. */
    public Builder maxDevicesPerAccount(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxDevicesPerAccount must be >= 1: " + value);
      }
      this.maxDevicesPerAccount = value;
      return this;
    }

    /** Sets the maximum number of tracks one device may hold. Default 10,000. */
    public Builder maxTracksPerDevice(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxTracksPerDevice must be >= 1: " + value);
      }
      this.maxTracksPerDevice = value;
      return this;
    }

    /** Sets the licence period counted from the last online check. Default 30 days. */
    public Builder licencePeriod(Duration value) {
      Objects.requireNonNull(value, "licencePeriod");
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("licencePeriod must be > 0: " + value);
      }
      this.licencePeriod = value;
      return this;
    }

    /**
     * Sets the maximum shift of a device's expiry away from the licence period, either way. Default
     * 3 days; must be shorter than the licence period.
     */
    public Builder maxExpiryJitter(Duration value) {
      Objects.requireNonNull(value, "maxExpiryJitter");
      if (value.isNegative()) {
        throw new IllegalArgumentException("maxExpiryJitter must be >= 0: " + value);
      }
      this.maxExpiryJitter = value;
      return this;
    }

    public OfflineLimits build() {
      if (maxExpiryJitter.compareTo(licencePeriod) >= 0) {
        throw new IllegalArgumentException(
            "maxExpiryJitter must be shorter than licencePeriod: "
                + maxExpiryJitter
                + " >= "
                + licencePeriod);
      }
      return new OfflineLimits(this);
    }
  }
}
