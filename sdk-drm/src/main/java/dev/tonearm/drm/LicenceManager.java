package dev.tonearm.drm;

import dev.tonearm.core.decode.ByteSource;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains licences for this device and turns them into stored content keys, and opens decrypting
 * sources for playback.
 *
 * <p>{@link #acquireKeys} requests licences in batches, verifies each with the {@link
 * LicenceVerifier}, unwraps every key with this device's private key and stores the keys with the
 * licence expiry in the {@link DeviceKeyStore}. {@link #openDecrypting} refuses keys whose licence
 * has expired by the injected clock. Calls block; thread-safe if the client is.
 */
public final class LicenceManager {
  private static final Logger LOG = LoggerFactory.getLogger(LicenceManager.class);

  /** Default maximum number of key ids per licence request; the server's default limit. */
  public static final int DEFAULT_MAX_KEYS_PER_REQUEST = 1000;

  private final LicenceClient client;
  private final DeviceKeyStore keyStore;
  private final LicenceVerifier verifier;
  private final Clock clock;
  private final int maxKeysPerRequest;

  private LicenceManager(Builder builder) {
    this.client = Objects.requireNonNull(builder.client, "client");
    this.keyStore = Objects.requireNonNull(builder.keyStore, "keyStore");
    this.verifier = Objects.requireNonNull(builder.verifier, "verifier");
    this.clock = builder.clock;
    this.maxKeysPerRequest = builder.maxKeysPerRequest;
  }

  public static Builder builder(
      LicenceClient client, DeviceKeyStore keyStore, LicenceVerifier verifier) {
    Builder builder = new Builder();
    builder.client = client;
    builder.keyStore = keyStore;
    builder.verifier = verifier;
    return builder;
  }

  /** Builder for {@link LicenceManager}. */
  public static final class Builder {
    private LicenceClient client;
    private DeviceKeyStore keyStore;
    private LicenceVerifier verifier;
    private Clock clock = Clock.systemUTC();
    private int maxKeysPerRequest = DEFAULT_MAX_KEYS_PER_REQUEST;

    private Builder() {}

    /** Clock for expiry checks of incoming licences; default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Key ids per licence request; default {@link #DEFAULT_MAX_KEYS_PER_REQUEST}. */
    public Builder maxKeysPerRequest(int maxKeysPerRequest) {
      if (maxKeysPerRequest <= 0) {
        throw new IllegalArgumentException("maxKeysPerRequest must be > 0: " + maxKeysPerRequest);
      }
      this.maxKeysPerRequest = maxKeysPerRequest;
      return this;
    }

    public LicenceManager build() {
      return new LicenceManager(this);
    }
  }

  /** Registers this device with the caller's account under the display name {@code name}. */
  public RegisteredDevice registerDevice(String name) throws DrmException {
    DeviceIdentity identity = keyStore.deviceIdentity();
    RegisteredDevice device =
        client.registerDevice(identity.deviceId(), identity.publicKeyBase64(), name);
    LOG.debug("Registered device {}", device.deviceId());
    return device;
  }

  /**
   * Requests licences for {@code keyIds}, verifies them and stores their keys.
   *
   * @return the verified licences, one per batch of at most {@code maxKeysPerRequest} ids
   * @throws DrmException a client, verification or key store reason; keys of batches that completed
   *     before the failure stay stored
   */
  public List<Licence> acquireKeys(Collection<String> keyIds, LicencePurpose purpose)
      throws DrmException {
    List<String> unique = new ArrayList<>(new LinkedHashSet<>(keyIds));
    String deviceId = keyStore.deviceIdentity().deviceId();
    List<Licence> licences = new ArrayList<>();
    for (int start = 0; start < unique.size(); start += maxKeysPerRequest) {
      List<String> batch =
          new ArrayList<>(
              unique.subList(start, Math.min(unique.size(), start + maxKeysPerRequest)));
      SignedLicence signed = client.requestLicence(deviceId, batch, purpose);
      licences.add(acceptLicence(signed, batch));
    }
    return licences;
  }

  /**
   * Verifies {@code signed}, unwraps its keys with this device's private key and stores them.
   *
   * @param requestedKeyIds the ids the request listed; the licence must carry exactly these
   * @throws DrmException {@code ERROR_LICENCE_*}, {@code ERROR_KEY_UNWRAP_FAILED} or a key store
   *     reason; nothing is stored then
   */
  public Licence acceptLicence(SignedLicence signed, Collection<String> requestedKeyIds)
      throws DrmException {
    DeviceIdentity identity = keyStore.deviceIdentity();
    Licence licence = verifier.verify(signed, identity.deviceId(), clock.millis());
    Set<String> expected = new LinkedHashSet<>(requestedKeyIds);
    Set<String> received = new LinkedHashSet<>();
    for (Licence.WrappedContentKey wrapped : licence.keys()) {
      received.add(wrapped.keyId());
    }
    if (!received.equals(expected)) {
      throw new DrmException(
          DrmException.ERROR_LICENCE_MALFORMED,
          "licence "
              + licence.licenceId()
              + " carries keys "
              + received
              + ", requested "
              + expected);
    }
    List<ContentKey> keys = new ArrayList<>();
    try {
      for (Licence.WrappedContentKey wrapped : licence.keys()) {
        keys.add(
            identity.unwrapContentKey(
                wrapped.keyId(), wrapped.wrappedKey(), licence.expiresAtMs()));
      }
      keyStore.putContentKeys(keys);
    } finally {
      for (ContentKey key : keys) {
        key.destroy();
      }
    }
    LOG.debug(
        "Stored {} content keys from licence {} ({}), expiring at {} ms",
        keys.size(),
        licence.licenceId(),
        licence.purpose(),
        licence.expiresAtMs());
    return licence;
  }

  /**
   * Returns a decryptor for the object encrypted with key {@code keyId} and IV {@code ivHex}.
   *
   * @throws DrmException {@code ERROR_KEY_NOT_FOUND}, {@code ERROR_LICENCE_EXPIRED} or {@code
   *     ERROR_INVALID_ENCRYPTION}
   */
  public CtrDecryptor decryptor(String keyId, String ivHex) throws DrmException {
    byte[] iv = CtrDecryptor.parseIv(ivHex);
    ContentKey key = keyStore.contentKey(keyId);
    try {
      return new CtrDecryptor(key, iv);
    } finally {
      key.destroy();
    }
  }

  /**
   * Wraps {@code ciphertext} so that reads return plaintext, after checking that the licence of
   * {@code keyId} is valid now.
   *
   * @param ivHex the rendition's {@code encryption.iv}
   * @throws DrmException {@code ERROR_KEY_NOT_FOUND}, {@code ERROR_LICENCE_EXPIRED} or {@code
   *     ERROR_INVALID_ENCRYPTION}
   */
  public DecryptingByteSource openDecrypting(ByteSource ciphertext, String keyId, String ivHex)
      throws DrmException {
    return new DecryptingByteSource(ciphertext, decryptor(keyId, ivHex));
  }

  @Override
  public String toString() {
    return "LicenceManager{client=" + client + ", keyStore=" + keyStore + "}";
  }
}
