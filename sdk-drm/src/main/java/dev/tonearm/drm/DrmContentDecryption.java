package dev.tonearm.drm;

import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Encryption;
import dev.tonearm.core.api.Manifest;
import dev.tonearm.core.api.Rendition;
import dev.tonearm.core.decode.ByteSource;
import dev.tonearm.core.player.ContentDecryption;
import java.time.Clock;
import java.util.Collections;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The player's decryption stage backed by licences: implements {@link ContentDecryption} for {@code
 * aes-256-ctr} renditions with the keys in this device's {@link DeviceKeyStore}.
 *
 * <pre>{@code
 * DrmContentDecryption decryption =
 *     DrmContentDecryption.builder(licenceManager, keyStore).deviceName("Kitchen tablet").build();
 * Player player = Player.builder()...setContentDecryption(decryption).build();
 * }</pre>
 *
 * <p>For each encrypted track, {@link #open} checks the scheme and IV, then looks for the key in
 * the key store. A key whose licence is valid for at least the renewal margin is used without a
 * network request. Otherwise the stage registers this device with the caller's account (once per
 * instance, before its first licence request; the server treats a repeated registration of the same
 * device as an update), requests a licence for the key id, and the {@link LicenceManager} verifies
 * it, unwraps the key with this device's private key and stores it until the licence expires. The
 * returned {@link DecryptingByteSource} decrypts from any offset, so seeking costs one cipher
 * initialisation at the target block.
 *
 * <p>Failures become {@link PlaybackException}s: {@code ERROR_DRM_LICENCE_EXPIRED}, {@code
 * ERROR_DRM_LICENCE_DENIED} (with the server's code in {@link PlaybackException#serverCode()}),
 * {@code ERROR_DRM_LICENCE_INVALID}, {@code ERROR_DRM_KEY_STORE}, or a transport reason; the {@link
 * DrmException} is the cause.
 *
 * <p>NOTE: a device that an account deauthorised registers again at its next licence request if it
 * still has a valid session, so revoking a lost device also needs its session revoked.
 *
 * <p>Thread-safe: licence acquisition and registration run under the instance lock, so two tracks
 * that need the same key cause one licence request.
 */
public final class DrmContentDecryption implements ContentDecryption {
  private static final Logger LOG = LoggerFactory.getLogger(DrmContentDecryption.class);

  /** Default renewal margin: a key whose licence expires within 5 minutes is renewed first. */
  public static final long DEFAULT_RENEWAL_MARGIN_MS = 5 * 60 * 1000;

  /** Default display name sent with the device registration. */
  public static final String DEFAULT_DEVICE_NAME = "Tonearm player";

  private final LicenceManager licenceManager;
  private final DeviceKeyStore keyStore;
  private final Clock clock;
  private final String deviceName;
  private final long renewalMarginMs;
  private final LicencePurpose purpose;

  // Guarded by this.
  private boolean registered;

  private DrmContentDecryption(Builder builder) {
    this.licenceManager = builder.licenceManager;
    this.keyStore = builder.keyStore;
    this.clock = builder.clock;
    this.deviceName = builder.deviceName;
    this.renewalMarginMs = builder.renewalMarginMs;
    this.purpose = builder.purpose;
  }

  /**
   * Returns a builder over {@code licenceManager} and the {@code keyStore} that it stores keys in.
   */
  public static Builder builder(LicenceManager licenceManager, DeviceKeyStore keyStore) {
    return new Builder(licenceManager, keyStore);
  }

  /** Builder for {@link DrmContentDecryption}. Not thread-safe. */
  public static final class Builder {
    private final LicenceManager licenceManager;
    private final DeviceKeyStore keyStore;
    private Clock clock = Clock.systemUTC();
    private String deviceName = DEFAULT_DEVICE_NAME;
    private long renewalMarginMs = DEFAULT_RENEWAL_MARGIN_MS;
    private LicencePurpose purpose = LicencePurpose.STREAMING;

    private Builder(LicenceManager licenceManager, DeviceKeyStore keyStore) {
      this.licenceManager = Objects.requireNonNull(licenceManager, "licenceManager");
      this.keyStore = Objects.requireNonNull(keyStore, "keyStore");
    }

    /**
     * Clock that decides whether a stored key needs renewal; default {@link Clock#systemUTC()}. Use
     * the clock of the key store and the licence manager, which enforce the expiry.
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Display name sent when the device registers; default {@link #DEFAULT_DEVICE_NAME}. */
    public Builder deviceName(String deviceName) {
      this.deviceName = Objects.requireNonNull(deviceName, "deviceName");
      return this;
    }

    /**
     * Remaining licence time below which a stored key is renewed before a track starts; default
     * {@link #DEFAULT_RENEWAL_MARGIN_MS}. The expiry is checked when a track opens, so a track that
     * starts within this margin of the expiry would otherwise play past it.
     */
    public Builder renewalMarginMs(long renewalMarginMs) {
      if (renewalMarginMs < 0) {
        throw new IllegalArgumentException("renewalMarginMs must be >= 0: " + renewalMarginMs);
      }
      this.renewalMarginMs = renewalMarginMs;
      return this;
    }

    /** Purpose of the licences this stage requests; default {@link LicencePurpose#STREAMING}. */
    public Builder purpose(LicencePurpose purpose) {
      this.purpose = Objects.requireNonNull(purpose, "purpose");
      return this;
    }

    public DrmContentDecryption build() {
      return new DrmContentDecryption(this);
    }
  }

  @Override
  public ByteSource open(Manifest manifest, Rendition rendition, ByteSource ciphertext)
      throws PlaybackException {
    Encryption encryption = rendition.encryption();
    String where = "track " + manifest.trackId() + " rendition " + rendition.id();
    if (encryption == null) {
      return ciphertext;
    }
    if (!Encryption.SCHEME_AES_256_CTR.equals(encryption.scheme())) {
      throw new PlaybackException(
          PlaybackException.ERROR_ENCRYPTION_UNSUPPORTED,
          where
              + " uses encryption scheme "
              + encryption.scheme()
              + "; only "
              + Encryption.SCHEME_AES_256_CTR
              + " is supported");
    }
    String keyId = encryption.keyId();
    if (keyId == null || keyId.isEmpty()) {
      throw new PlaybackException(
          PlaybackException.ERROR_MANIFEST_INVALID, where + " has no encryption.keyId");
    }
    try {
      CtrDecryptor.parseIv(encryption.iv());
      ensureKey(keyId);
      return licenceManager.openDecrypting(ciphertext, keyId, encryption.iv());
    } catch (DrmException e) {
      throw toPlaybackException(e, where);
    }
  }

  /** Makes sure that the key store contains {@code keyId} with enough licence time left. */
  private synchronized void ensureKey(String keyId) throws DrmException {
    OptionalLong expiresAtMs = keyStore.expiresAtMs(keyId);
    long nowMs = clock.millis();
    if (expiresAtMs.isPresent() && expiresAtMs.getAsLong() - renewalMarginMs > nowMs) {
      return;
    }
    if (!registered) {
      licenceManager.registerDevice(deviceName);
      registered = true;
    }
    licenceManager.acquireKeys(Collections.singletonList(keyId), purpose);
    LOG.debug(
        "Acquired a {} licence for key {} ({})",
        purpose.jsonName(),
        keyId,
        expiresAtMs.isPresent() ? "renewal" : "first use");
  }

  /** Maps {@code error} to the player's reason codes; see the class documentation. */
  static PlaybackException toPlaybackException(DrmException error, String where) {
    String reason;
    switch (error.reason()) {
      case DrmException.ERROR_LICENCE_EXPIRED:
        reason = PlaybackException.ERROR_DRM_LICENCE_EXPIRED;
        break;
      case DrmException.ERROR_DEVICE_NOT_REGISTERED:
      case DrmException.ERROR_DEVICE_NOT_OWNED:
      case DrmException.ERROR_DEVICE_LIMIT_REACHED:
      case DrmException.ERROR_SUBSCRIPTION_REQUIRED:
      case DrmException.ERROR_UNKNOWN_KEY:
        reason = PlaybackException.ERROR_DRM_LICENCE_DENIED;
        break;
      case DrmException.ERROR_KEY_NOT_FOUND:
      case DrmException.ERROR_LICENCE_SIGNATURE_INVALID:
      case DrmException.ERROR_LICENCE_UNTRUSTED_SIGNING_KEY:
      case DrmException.ERROR_LICENCE_DEVICE_MISMATCH:
      case DrmException.ERROR_LICENCE_MALFORMED:
      case DrmException.ERROR_KEY_UNWRAP_FAILED:
        reason = PlaybackException.ERROR_DRM_LICENCE_INVALID;
        break;
      case DrmException.ERROR_KEY_STORE_CORRUPT:
      case DrmException.ERROR_KEY_STORE_DEVICE_MISMATCH:
      case DrmException.ERROR_KEY_STORE_APP_MISMATCH:
      case DrmException.ERROR_KEY_STORE_UNSUPPORTED_VERSION:
      case DrmException.ERROR_KEY_STORE_IO:
      case DrmException.ERROR_KEY_STORE_FULL:
      case DrmException.ERROR_HARDWARE_ID_UNAVAILABLE:
        reason = PlaybackException.ERROR_DRM_KEY_STORE;
        break;
      case DrmException.ERROR_INVALID_ENCRYPTION:
        reason = PlaybackException.ERROR_MANIFEST_INVALID;
        break;
      case DrmException.ERROR_UNAUTHORIZED:
        reason = PlaybackException.ERROR_AUTH_FAILED;
        break;
      case DrmException.ERROR_MALFORMED_RESPONSE:
        reason = PlaybackException.ERROR_BAD_RESPONSE;
        break;
      case DrmException.ERROR_SERVER:
        reason = PlaybackException.ERROR_SERVER;
        break;
      default:
        reason = PlaybackException.ERROR_NETWORK;
        break;
    }
    return new PlaybackException(
        reason,
        "decryption of " + where + " failed: " + error.reasonName() + ": " + error.getMessage(),
        -1,
        error.serverCode(),
        error);
  }

  @Override
  public String toString() {
    return "DrmContentDecryption{purpose=" + purpose.jsonName() + ", " + licenceManager + "}";
  }
}
