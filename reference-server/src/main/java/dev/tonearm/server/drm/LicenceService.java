package dev.tonearm.server.drm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues signed licences: content keys wrapped for one registered device, with an expiry.
 *
 * <p>Checks, in this order: the request is well formed ({@code INVALID_REQUEST}), the device is
 * registered ({@code DEVICE_NOT_FOUND}), it belongs to the caller's account ({@code
 * DEVICE_NOT_OWNED}), the account's subscription allows the purpose ({@code
 * SUBSCRIPTION_REQUIRED}), and every key id exists ({@code UNKNOWN_KEY}, naming the first missing
 * id; nothing is issued then). Each CEK is wrapped with RSA-OAEP (SHA-256, MGF1-SHA-256, empty
 * label) under the device's registered public key, and the licence is signed with the key
 * management service's Ed25519 key, as {@link SignedLicence} describes.
 *
 * <p>Thread-safe if its collaborators are.
 */
public final class LicenceService {
  private static final Logger LOG = LoggerFactory.getLogger(LicenceService.class);

  /** Default lifetime of a streaming licence. */
  public static final Duration DEFAULT_STREAMING_LICENCE_DURATION = Duration.ofHours(24);

  /** Default lifetime of an offline licence. */
  public static final Duration DEFAULT_OFFLINE_LICENCE_DURATION = Duration.ofDays(30);

  /** Default maximum number of key ids in one request. */
  public static final int DEFAULT_MAX_KEYS_PER_REQUEST = 1000;

  static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final OAEPParameterSpec OAEP_SHA256 =
      new OAEPParameterSpec(
          "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KeyManagementService keys;
  private final DeviceRegistry devices;
  private final SubscriptionPolicy subscriptions;
  private final Clock clock;
  private final Duration streamingLicenceDuration;
  private final Duration offlineLicenceDuration;
  private final int maxKeysPerRequest;
  private final SecureRandom random;

  private LicenceService(Builder builder) {
    this.keys = Objects.requireNonNull(builder.keys, "keyManagementService");
    this.devices = Objects.requireNonNull(builder.devices, "deviceRegistry");
    this.subscriptions = Objects.requireNonNull(builder.subscriptions, "subscriptionPolicy");
    this.clock = builder.clock;
    this.streamingLicenceDuration = builder.streamingLicenceDuration;
    this.offlineLicenceDuration = builder.offlineLicenceDuration;
    this.maxKeysPerRequest = builder.maxKeysPerRequest;
    this.random = builder.random;
  }

  /** Builder for {@link LicenceService}; the three collaborators are required. */
  public static final class Builder {
    private KeyManagementService keys;
    private DeviceRegistry devices;
    private SubscriptionPolicy subscriptions;
    private Clock clock = Clock.systemUTC();
    private Duration streamingLicenceDuration = DEFAULT_STREAMING_LICENCE_DURATION;
    private Duration offlineLicenceDuration = DEFAULT_OFFLINE_LICENCE_DURATION;
    private int maxKeysPerRequest = DEFAULT_MAX_KEYS_PER_REQUEST;
    private SecureRandom random = new SecureRandom();

    public Builder keyManagementService(KeyManagementService keys) {
      this.keys = keys;
      return this;
    }

    public Builder deviceRegistry(DeviceRegistry devices) {
      this.devices = devices;
      return this;
    }

    public Builder subscriptionPolicy(SubscriptionPolicy subscriptions) {
      this.subscriptions = subscriptions;
      return this;
    }

    /** Clock for issue and expiry times; default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Lifetime of streaming licences; default {@link #DEFAULT_STREAMING_LICENCE_DURATION}. */
    public Builder streamingLicenceDuration(Duration duration) {
      this.streamingLicenceDuration = requirePositive(duration, "streamingLicenceDuration");
      return this;
    }

    /** Lifetime of offline licences; default {@link #DEFAULT_OFFLINE_LICENCE_DURATION}. */
    public Builder offlineLicenceDuration(Duration duration) {
      this.offlineLicenceDuration = requirePositive(duration, "offlineLicenceDuration");
      return this;
    }

    /** Maximum key ids per request; default {@link #DEFAULT_MAX_KEYS_PER_REQUEST}. */
    public Builder maxKeysPerRequest(int maxKeysPerRequest) {
      if (maxKeysPerRequest <= 0) {
        throw new IllegalArgumentException("maxKeysPerRequest must be > 0: " + maxKeysPerRequest);
      }
      this.maxKeysPerRequest = maxKeysPerRequest;
      return this;
    }

    /** Source of licence ids; default a new {@link SecureRandom}. */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    public LicenceService build() {
      return new LicenceService(this);
    }

    private static Duration requirePositive(Duration duration, String name) {
      if (duration == null || duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException(name + " must be > 0: " + duration);
      }
      return duration;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Issues a licence for {@code request} to the caller {@code callerAccountId}, taken from the
   * access token.
   *
   * @throws DrmServiceException with the reasons listed in the class documentation
   */
  public SignedLicence issue(String callerAccountId, LicenceRequest request)
      throws DrmServiceException {
    if (callerAccountId == null || callerAccountId.isEmpty()) {
      throw invalid("caller account id is missing");
    }
    if (request == null) {
      throw invalid("request body is missing");
    }
    LicencePurpose purpose = LicencePurpose.fromJsonName(request.purpose());
    if (purpose == null) {
      throw invalid("purpose must be \"streaming\" or \"offline\": " + request.purpose());
    }
    Set<String> keyIds = validateKeyIds(request.keyIds());
    Device device =
        devices
            .find(request.deviceId())
            .orElseThrow(
                () ->
                    new DrmServiceException(
                        DrmServiceException.Reason.DEVICE_NOT_FOUND,
                        "device not found: " + request.deviceId()));
    if (!device.accountId().equals(callerAccountId)) {
      throw new DrmServiceException(
          DrmServiceException.Reason.DEVICE_NOT_OWNED,
          "device " + device.deviceId() + " is not registered to the caller's account");
    }
    if (!subscriptions.allows(callerAccountId, purpose)) {
      throw new DrmServiceException(
          DrmServiceException.Reason.SUBSCRIPTION_REQUIRED,
          "the subscription of account "
              + callerAccountId
              + " does not allow "
              + purpose.jsonName()
              + " playback");
    }

    PublicKey devicePublicKey = decodePublicKey(device);
    List<WrappedKey> wrapped = new ArrayList<>(keyIds.size());
    for (String keyId : keyIds) {
      try (ContentKey key = keys.contentKey(keyId)) {
        wrapped.add(new WrappedKey(keyId, wrapForDevice(key, devicePublicKey)));
      }
    }

    long issuedAtMs = clock.millis();
    Duration lifetime =
        purpose == LicencePurpose.OFFLINE ? offlineLicenceDuration : streamingLicenceDuration;
    byte[] idBytes = new byte[16];
    random.nextBytes(idBytes);
    LicencePayload payload =
        new LicencePayload(
            LicencePayload.VERSION,
            "l-" + HexFormat.of().formatHex(idBytes),
            callerAccountId,
            device.deviceId(),
            purpose.jsonName(),
            issuedAtMs,
            issuedAtMs + lifetime.toMillis(),
            wrapped);
    byte[] payloadBytes = serialize(payload);
    byte[] signature = keys.sign(signedMessage(payloadBytes));
    LOG.info(
        "Issued {} licence {} with {} keys to device {} of account {}, expiring at {} ms",
        purpose.jsonName(),
        payload.licenceId(),
        wrapped.size(),
        device.deviceId(),
        callerAccountId,
        payload.expiresAtMs());
    Base64.Encoder base64 = Base64.getEncoder();
    return new SignedLicence(
        base64.encodeToString(payloadBytes),
        base64.encodeToString(signature),
        keys.signingKey().keyId());
  }

  /** Returns the public keys that clients use to verify licences. */
  public SigningKeyList signingKeys() {
    return new SigningKeyList(List.of(keys.signingKey()));
  }

  /** Returns the bytes that the licence signature covers: the context prefix, then the payload. */
  static byte[] signedMessage(byte[] payloadBytes) {
    byte[] context = SignedLicence.SIGNATURE_CONTEXT.getBytes(StandardCharsets.UTF_8);
    byte[] message = Arrays.copyOf(context, context.length + payloadBytes.length);
    System.arraycopy(payloadBytes, 0, message, context.length, payloadBytes.length);
    return message;
  }

  private Set<String> validateKeyIds(List<String> keyIds) throws DrmServiceException {
    if (keyIds == null || keyIds.isEmpty()) {
      throw invalid("keyIds must list at least one key id");
    }
    if (keyIds.size() > maxKeysPerRequest) {
      throw invalid("keyIds must list at most " + maxKeysPerRequest + " key ids: " + keyIds.size());
    }
    Set<String> unique = new LinkedHashSet<>();
    for (String keyId : keyIds) {
      if (keyId == null || !KEY_ID.matcher(keyId).matches()) {
        throw invalid("key id must be 1 to 64 characters from [A-Za-z0-9_-]: " + keyId);
      }
      unique.add(keyId);
    }
    return unique;
  }

  static PublicKey decodePublicKey(Device device) throws DrmServiceException {
    try {
      byte[] der = Base64.getDecoder().decode(device.publicKey());
      return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new DrmServiceException(
          DrmServiceException.Reason.STORAGE_FAILED,
          "stored public key of device " + device.deviceId() + " cannot be decoded",
          e);
    }
  }

  /** Encrypts {@code key} for the device with RSA-OAEP (SHA-256, MGF1-SHA-256) and base64s it. */
  static String wrapForDevice(ContentKey key, PublicKey devicePublicKey) {
    byte[] keyBytes = key.keyBytes();
    try {
      Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
      cipher.init(Cipher.ENCRYPT_MODE, devicePublicKey, OAEP_SHA256);
      return Base64.getEncoder().encodeToString(cipher.doFinal(keyBytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA-OAEP with SHA-256 is not available in this JDK", e);
    } finally {
      Arrays.fill(keyBytes, (byte) 0);
    }
  }

  private static byte[] serialize(LicencePayload payload) {
    try {
      return JSON.writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize licence " + payload.licenceId(), e);
    }
  }

  private static DrmServiceException invalid(String message) {
    return new DrmServiceException(DrmServiceException.Reason.INVALID_REQUEST, message);
  }
}
