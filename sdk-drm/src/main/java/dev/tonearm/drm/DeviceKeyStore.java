package dev.tonearm.drm;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Device-bound store for this device's identity and the content keys it has received, encrypted at
 * rest with AES-256-GCM under a key derived from the hardware id and the app signature.
 *
 * <p>Design: the store key is HKDF-SHA256 (RFC 5869) with input key material {@code len(hardwareId)
 * || hardwareId || len(appSignature) || appSignature} (lengths as 4-byte big-endian), the file's
 * random 32-byte salt, and info {@code "tonearm-device-key-store-v1 store-key"}. Two 16-byte check
 * values, HKDF of the hardware id alone and of the app signature alone with their own info strings,
 * tell a store from another device or another app apart from a damaged one. Every write uses a
 * fresh random 96-bit nonce. File layout, all integers big-endian:
 *
 * <pre>
 *  0  magic "TNKS"            4 bytes
 *  4  format version = 1      1
 *  5  salt                   32
 * 37  hardware check         16
 * 53  app signature check    16
 * 69  GCM nonce              12
 * 81  sealed length n         4   (ciphertext + 16-byte tag)
 * 85  sealed body             n   (AES-256-GCM, associated data = bytes 0..84)
 * 85+n SHA-256 of bytes 0..84+n  32
 * </pre>
 *
 * <p>Reading checks the trailing SHA-256 first, so any accidental change of the file is {@code
 * ERROR_KEY_STORE_CORRUPT}; then the two check values ({@code ERROR_KEY_STORE_DEVICE_MISMATCH},
 * {@code ERROR_KEY_STORE_APP_MISMATCH}); then the GCM tag, which catches a deliberate change that
 * also rewrote the SHA-256. The body contains the device id, the RSA key pair (PKCS#8 and
 * SubjectPublicKeyInfo DER) and each content key with its expiry. Each change is written through
 * {@link KeyStorage#write}, which replaces the blob atomically. Every write re-encrypts the whole
 * body, so callers that change many keys use {@link #updateContentKeys} or the other batch methods
 * to write once.
 *
 * <p>Thread-safe: every method synchronizes on the instance. One process per storage.
 */
public final class DeviceKeyStore implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceKeyStore.class);

  /** Maximum number of content keys in one store. */
  public static final int MAX_CONTENT_KEYS = 100_000;

  static final byte[] MAGIC = {'T', 'N', 'K', 'S'};
  static final int FORMAT_VERSION = 1;
  static final int SALT_LENGTH_BYTES = 32;
  static final int CHECK_LENGTH_BYTES = 16;
  static final int NONCE_LENGTH_BYTES = 12;
  static final int TAG_LENGTH_BYTES = 16;
  static final int DIGEST_LENGTH_BYTES = 32;
  static final int HEADER_LENGTH_BYTES =
      4 + 1 + SALT_LENGTH_BYTES + 2 * CHECK_LENGTH_BYTES + NONCE_LENGTH_BYTES + 4;

  private static final int BODY_VERSION = 1;
  private static final String INFO_PREFIX = "tonearm-device-key-store-v1 ";

  private final KeyStorage storage;
  private final Clock clock;
  private final SecureRandom random;
  private final byte[] salt;
  private final byte[] hardwareCheck;
  private final byte[] appCheck;
  private final byte[] storeKeyBytes;
  private final SecretKeySpec storeKey;

  // Guarded by this.
  private DeviceIdentity identity;
  private final Map<String, StoredKey> contentKeys = new TreeMap<>();
  private boolean closed;

  private DeviceKeyStore(
      KeyStorage storage,
      Clock clock,
      SecureRandom random,
      byte[] salt,
      byte[] hardwareCheck,
      byte[] appCheck,
      byte[] storeKeyBytes) {
    this.storage = storage;
    this.clock = clock;
    this.random = random;
    this.salt = salt;
    this.hardwareCheck = hardwareCheck;
    this.appCheck = appCheck;
    this.storeKeyBytes = storeKeyBytes;
    this.storeKey = new SecretKeySpec(storeKeyBytes, "AES");
  }

  /**
   * Returns a builder for a store in {@code storage}, bound to {@code hardwareIdentity} and to
   * {@code appSignature} (for example the SHA-256 of the app's signing certificate).
   */
  public static Builder builder(
      KeyStorage storage, HardwareIdentity hardwareIdentity, byte[] appSignature) {
    return new Builder(storage, hardwareIdentity, appSignature);
  }

  /** Builder for {@link DeviceKeyStore}. */
  public static final class Builder {
    private final KeyStorage storage;
    private final HardwareIdentity hardwareIdentity;
    private final byte[] appSignature;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();

    private Builder(KeyStorage storage, HardwareIdentity hardwareIdentity, byte[] appSignature) {
      this.storage = Objects.requireNonNull(storage, "storage");
      this.hardwareIdentity = Objects.requireNonNull(hardwareIdentity, "hardwareIdentity");
      if (appSignature == null || appSignature.length == 0) {
        throw new IllegalArgumentException("appSignature must not be empty");
      }
      this.appSignature = appSignature.clone();
    }

    /** Clock for licence expiry checks; default {@link Clock#systemUTC()}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Source of salts, nonces and key pairs; default a new {@link SecureRandom}. */
    public Builder random(SecureRandom random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /**
     * Opens the stored key store, or creates one with a new device identity if the storage is
     * empty.
     *
     * @throws DrmException {@code ERROR_KEY_STORE_CORRUPT}, {@code
     *     ERROR_KEY_STORE_DEVICE_MISMATCH}, {@code ERROR_KEY_STORE_APP_MISMATCH}, {@code
     *     ERROR_KEY_STORE_UNSUPPORTED_VERSION}, {@code ERROR_KEY_STORE_IO} or {@code
     *     ERROR_HARDWARE_ID_UNAVAILABLE}
     */
    public DeviceKeyStore open() throws DrmException {
      byte[] hardwareId = hardwareIdentity.hardwareId();
      try {
        byte[] blob = readBlob();
        if (blob == null) {
          return create(hardwareId);
        }
        return load(blob, hardwareId);
      } finally {
        Arrays.fill(hardwareId, (byte) 0);
      }
    }

    private byte[] readBlob() throws DrmException {
      try {
        return storage.read();
      } catch (DrmException e) {
        throw e;
      } catch (IOException e) {
        throw new DrmException(
            DrmException.ERROR_KEY_STORE_IO, "cannot read the key store from " + storage, e);
      }
    }

    private DeviceKeyStore create(byte[] hardwareId) throws DrmException {
      byte[] salt = new byte[SALT_LENGTH_BYTES];
      random.nextBytes(salt);
      DeviceKeyStore store = newStore(salt, hardwareId);
      store.identity = generateIdentity(random);
      store.persist();
      LOG.debug("Created key store for device {} in {}", store.identity.deviceId(), storage);
      return store;
    }

    private DeviceKeyStore load(byte[] blob, byte[] hardwareId) throws DrmException {
      if (blob.length < HEADER_LENGTH_BYTES + TAG_LENGTH_BYTES + DIGEST_LENGTH_BYTES) {
        throw corrupt("is truncated: " + blob.length + " bytes");
      }
      int digestOffset = blob.length - DIGEST_LENGTH_BYTES;
      byte[] digest = sha256(blob, 0, digestOffset);
      if (!MessageDigest.isEqual(digest, Arrays.copyOfRange(blob, digestOffset, blob.length))) {
        throw corrupt("fails its SHA-256 check: the file is damaged or was modified");
      }
      if (!MessageDigest.isEqual(Arrays.copyOfRange(blob, 0, 4), MAGIC)) {
        throw corrupt("does not start with the key store magic");
      }
      int version = blob[4] & 0xff;
      if (version != FORMAT_VERSION) {
        throw new DrmException(
            DrmException.ERROR_KEY_STORE_UNSUPPORTED_VERSION,
            "key store in "
                + storage
                + " has format version "
                + version
                + "; this SDK reads version "
                + FORMAT_VERSION);
      }
      int offset = 5;
      byte[] salt = Arrays.copyOfRange(blob, offset, offset + SALT_LENGTH_BYTES);
      offset += SALT_LENGTH_BYTES;
      byte[] storedHardwareCheck = Arrays.copyOfRange(blob, offset, offset + CHECK_LENGTH_BYTES);
      offset += CHECK_LENGTH_BYTES;
      byte[] storedAppCheck = Arrays.copyOfRange(blob, offset, offset + CHECK_LENGTH_BYTES);
      offset += CHECK_LENGTH_BYTES + NONCE_LENGTH_BYTES;
      long sealedLength = readUint32(blob, offset);
      if (sealedLength != digestOffset - HEADER_LENGTH_BYTES) {
        throw corrupt(
            "declares "
                + sealedLength
                + " sealed bytes but contains "
                + (digestOffset - HEADER_LENGTH_BYTES));
      }

      DeviceKeyStore store = newStore(salt, hardwareId);
      if (!MessageDigest.isEqual(storedHardwareCheck, store.hardwareCheck)) {
        store.wipeSecrets();
        throw new DrmException(
            DrmException.ERROR_KEY_STORE_DEVICE_MISMATCH,
            "key store in "
                + storage
                + " was created on another device (hardware id differs); it cannot be opened"
                + " here, so delete it and download licences again");
      }
      if (!MessageDigest.isEqual(storedAppCheck, store.appCheck)) {
        store.wipeSecrets();
        throw new DrmException(
            DrmException.ERROR_KEY_STORE_APP_MISMATCH,
            "key store in "
                + storage
                + " was created by an app with another signature; it cannot be opened by this"
                + " app");
      }
      byte[] body = store.unseal(blob, digestOffset);
      try {
        store.readBody(body);
      } finally {
        Arrays.fill(body, (byte) 0);
      }
      LOG.debug(
          "Opened key store for device {} with {} content keys",
          store.identity.deviceId(),
          store.contentKeys.size());
      return store;
    }

    private DeviceKeyStore newStore(byte[] salt, byte[] hardwareId) {
      byte[] keyMaterial = concatWithLengths(hardwareId, appSignature);
      try {
        return new DeviceKeyStore(
            storage,
            clock,
            random,
            salt,
            hkdf(hardwareId, salt, "hardware-check", CHECK_LENGTH_BYTES),
            hkdf(appSignature, salt, "app-check", CHECK_LENGTH_BYTES),
            hkdf(keyMaterial, salt, "store-key", 32));
      } finally {
        Arrays.fill(keyMaterial, (byte) 0);
      }
    }

    private DrmException corrupt(String problem) {
      return new DrmException(
          DrmException.ERROR_KEY_STORE_CORRUPT, "key store in " + storage + " " + problem);
    }
  }

  /** This device's identity. */
  public synchronized DeviceIdentity deviceIdentity() {
    checkOpen();
    return identity;
  }

  /** Stores {@code key} with its expiry, replacing a stored key with the same id. */
  public void putContentKey(ContentKey key) throws DrmException {
    putContentKeys(Collections.singletonList(key));
  }

  /**
   * Stores {@code keys} with their expiries in one write.
   *
   * @throws DrmException {@code ERROR_KEY_STORE_FULL} beyond {@link #MAX_CONTENT_KEYS} keys, {@code
   *     ERROR_KEY_STORE_IO} if the write fails; the store is unchanged then
   */
  public void putContentKeys(Collection<ContentKey> keys) throws DrmException {
    updateContentKeys(keys, Collections.<String>emptyList());
  }

  /**
   * Deletes the content keys {@code keyIds} in one write and returns how many were stored. Ids that
   * are not stored are skipped; when none is stored, nothing is written.
   *
   * @throws DrmException {@code ERROR_KEY_STORE_IO} if the write fails; the store is unchanged then
   */
  public int deleteContentKeys(Collection<String> keyIds) throws DrmException {
    return updateContentKeys(Collections.<ContentKey>emptyList(), keyIds);
  }

  /**
   * Deletes the content keys {@code deleteKeyIds}, then stores {@code putKeys}, in one atomic
   * write: after a failure or a crash the file contains either all of the changes or none. A key id
   * in both collections ends up stored. Returns how many stored keys the call deleted. When there
   * is nothing to store and none of {@code deleteKeyIds} is stored, nothing is written.
   *
   * @throws DrmException {@code ERROR_KEY_STORE_FULL} beyond {@link #MAX_CONTENT_KEYS} keys, {@code
   *     ERROR_KEY_STORE_IO} if the write fails; the store is unchanged then
   */
  public synchronized int updateContentKeys(
      Collection<ContentKey> putKeys, Collection<String> deleteKeyIds) throws DrmException {
    checkOpen();
    Objects.requireNonNull(putKeys, "putKeys");
    Objects.requireNonNull(deleteKeyIds, "deleteKeyIds");
    Map<String, StoredKey> previous = new TreeMap<>(contentKeys);
    // Values that leave the map; they are overwritten only once the write has succeeded.
    List<StoredKey> dropped = new ArrayList<>();
    List<String> deletedIds = new ArrayList<>();
    for (String keyId : deleteKeyIds) {
      StoredKey stored = contentKeys.remove(keyId);
      if (stored != null) {
        dropped.add(stored);
        deletedIds.add(keyId);
      }
    }
    if (putKeys.isEmpty() && dropped.isEmpty()) {
      return 0;
    }
    List<StoredKey> added = new ArrayList<>(putKeys.size());
    for (ContentKey key : putKeys) {
      StoredKey stored = new StoredKey(key.keyBytes(), key.expiresAtMs());
      added.add(stored);
      StoredKey replaced = contentKeys.put(key.keyId(), stored);
      if (replaced != null) {
        dropped.add(replaced);
      }
    }
    if (contentKeys.size() > MAX_CONTENT_KEYS) {
      int wouldContain = contentKeys.size();
      restoreAfterFailedUpdate(previous, added);
      throw new DrmException(
          DrmException.ERROR_KEY_STORE_FULL,
          "key store would contain "
              + wouldContain
              + " content keys, more than the limit of "
              + MAX_CONTENT_KEYS
              + "; delete expired or unused keys first");
    }
    try {
      persist();
    } catch (DrmException e) {
      restoreAfterFailedUpdate(previous, added);
      throw e;
    }
    for (StoredKey stored : dropped) {
      Arrays.fill(stored.keyBytes, (byte) 0);
    }
    int deleted = 0;
    for (String keyId : deletedIds) {
      if (!contentKeys.containsKey(keyId)) {
        deleted++;
      }
    }
    LOG.debug(
        "Stored {} and deleted {} content keys in one write; the store holds {}",
        putKeys.size(),
        deleted,
        contentKeys.size());
    return deleted;
  }

  /**
   * Returns the content key {@code keyId} if its licence is still valid by the injected clock.
   *
   * @throws DrmException {@code ERROR_KEY_NOT_FOUND} if no such key is stored, {@code
   *     ERROR_LICENCE_EXPIRED} if its licence has expired
   */
  public synchronized ContentKey contentKey(String keyId) throws DrmException {
    checkOpen();
    StoredKey stored = contentKeys.get(keyId);
    if (stored == null) {
      throw new DrmException(
          DrmException.ERROR_KEY_NOT_FOUND, "no content key " + keyId + " on this device");
    }
    long nowMs = clock.millis();
    if (nowMs >= stored.expiresAtMs) {
      throw new DrmException(
          DrmException.ERROR_LICENCE_EXPIRED,
          "licence for content key "
              + keyId
              + " expired at "
              + stored.expiresAtMs
              + " ms (now "
              + nowMs
              + " ms); renew it online to play");
    }
    return new ContentKey(keyId, stored.keyBytes, stored.expiresAtMs);
  }

  /** Returns the expiry of the content key {@code keyId}, or empty if it is not stored. */
  public synchronized OptionalLong expiresAtMs(String keyId) {
    checkOpen();
    StoredKey stored = contentKeys.get(keyId);
    return stored == null ? OptionalLong.empty() : OptionalLong.of(stored.expiresAtMs);
  }

  /** Ids of the stored content keys, expired ones included, in ascending order. */
  public synchronized List<String> contentKeyIds() {
    checkOpen();
    return Collections.unmodifiableList(new ArrayList<>(contentKeys.keySet()));
  }

  /** Deletes the content key {@code keyId}; returns whether it was stored. */
  public boolean deleteContentKey(String keyId) throws DrmException {
    return deleteContentKeys(Collections.singletonList(keyId)) == 1;
  }

  /** Deletes every content key whose licence has expired by the clock; returns how many. */
  public synchronized int deleteExpiredKeys() throws DrmException {
    checkOpen();
    long nowMs = clock.millis();
    Map<String, StoredKey> previous = new TreeMap<>(contentKeys);
    List<StoredKey> removed = new ArrayList<>();
    for (Iterator<StoredKey> it = contentKeys.values().iterator(); it.hasNext(); ) {
      StoredKey stored = it.next();
      if (nowMs >= stored.expiresAtMs) {
        removed.add(stored);
        it.remove();
      }
    }
    if (removed.isEmpty()) {
      return 0;
    }
    try {
      persist();
    } catch (DrmException e) {
      restore(previous);
      throw e;
    }
    for (StoredKey stored : removed) {
      Arrays.fill(stored.keyBytes, (byte) 0);
    }
    LOG.debug("Deleted {} expired content keys", removed.size());
    return removed.size();
  }

  /** Overwrites the keys held in memory; later calls fail with {@link IllegalStateException}. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (StoredKey stored : contentKeys.values()) {
      Arrays.fill(stored.keyBytes, (byte) 0);
    }
    contentKeys.clear();
    wipeSecrets();
  }

  @Override
  public synchronized String toString() {
    return "DeviceKeyStore{storage="
        + storage
        + ", deviceId="
        + (identity == null ? "none" : identity.deviceId())
        + ", contentKeys="
        + contentKeys.size()
        + "}";
  }

  /** Derives the store key as {@link Builder#open()} does; package-private for tests. */
  static byte[] deriveStoreKey(byte[] hardwareId, byte[] appSignature, byte[] salt) {
    byte[] keyMaterial = concatWithLengths(hardwareId, appSignature);
    try {
      return hkdf(keyMaterial, salt, "store-key", 32);
    } finally {
      Arrays.fill(keyMaterial, (byte) 0);
    }
  }

  /** Computes the trailing SHA-256 of a blob; package-private for tests that forge files. */
  static byte[] sha256(byte[] bytes, int offset, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, offset, length);
      return digest.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("key store is closed");
    }
  }

  private void restore(Map<String, StoredKey> previous) {
    contentKeys.clear();
    contentKeys.putAll(previous);
  }

  /** Puts back the keys held before a failed update and overwrites the ones it created. */
  private void restoreAfterFailedUpdate(Map<String, StoredKey> previous, List<StoredKey> added) {
    restore(previous);
    for (StoredKey stored : added) {
      Arrays.fill(stored.keyBytes, (byte) 0);
    }
  }

  private void wipeSecrets() {
    Arrays.fill(storeKeyBytes, (byte) 0);
  }

  private void persist() throws DrmException {
    WipeableOutputStream bodyBytes = new WipeableOutputStream(2048 + 96 * contentKeys.size());
    try {
      writeBody(new DataOutputStream(bodyBytes));
      byte[] header = new byte[HEADER_LENGTH_BYTES];
      System.arraycopy(MAGIC, 0, header, 0, 4);
      header[4] = FORMAT_VERSION;
      int offset = 5;
      System.arraycopy(salt, 0, header, offset, SALT_LENGTH_BYTES);
      offset += SALT_LENGTH_BYTES;
      System.arraycopy(hardwareCheck, 0, header, offset, CHECK_LENGTH_BYTES);
      offset += CHECK_LENGTH_BYTES;
      System.arraycopy(appCheck, 0, header, offset, CHECK_LENGTH_BYTES);
      offset += CHECK_LENGTH_BYTES;
      byte[] nonce = new byte[NONCE_LENGTH_BYTES];
      random.nextBytes(nonce);
      System.arraycopy(nonce, 0, header, offset, NONCE_LENGTH_BYTES);
      offset += NONCE_LENGTH_BYTES;
      long sealedLength = (long) bodyBytes.size() + TAG_LENGTH_BYTES;
      writeUint32(header, offset, sealedLength);

      byte[] blob = new byte[HEADER_LENGTH_BYTES + (int) sealedLength + DIGEST_LENGTH_BYTES];
      System.arraycopy(header, 0, blob, 0, HEADER_LENGTH_BYTES);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, storeKey, new GCMParameterSpec(TAG_LENGTH_BYTES * 8, nonce));
      cipher.updateAAD(header);
      int sealed =
          cipher.doFinal(bodyBytes.buffer(), 0, bodyBytes.size(), blob, HEADER_LENGTH_BYTES);
      if (sealed != sealedLength) {
        throw new IllegalStateException("AES-GCM produced " + sealed + " bytes");
      }
      int digestOffset = HEADER_LENGTH_BYTES + sealed;
      System.arraycopy(sha256(blob, 0, digestOffset), 0, blob, digestOffset, DIGEST_LENGTH_BYTES);
      storage.write(blob);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available", e);
    } catch (IOException e) {
      throw new DrmException(
          DrmException.ERROR_KEY_STORE_IO,
          "cannot write the key store to " + storage + ": " + e.getMessage(),
          e);
    } finally {
      bodyBytes.wipe();
    }
  }

  private byte[] unseal(byte[] blob, int digestOffset) throws DrmException {
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      int nonceOffset = HEADER_LENGTH_BYTES - 4 - NONCE_LENGTH_BYTES;
      cipher.init(
          Cipher.DECRYPT_MODE,
          storeKey,
          new GCMParameterSpec(TAG_LENGTH_BYTES * 8, blob, nonceOffset, NONCE_LENGTH_BYTES));
      cipher.updateAAD(blob, 0, HEADER_LENGTH_BYTES);
      return cipher.doFinal(blob, HEADER_LENGTH_BYTES, digestOffset - HEADER_LENGTH_BYTES);
    } catch (AEADBadTagException e) {
      wipeSecrets();
      throw new DrmException(
          DrmException.ERROR_KEY_STORE_CORRUPT,
          "key store in " + storage + " fails authentication: it was modified",
          e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256-GCM is not available", e);
    }
  }

  private void writeBody(DataOutputStream out) throws IOException {
    out.writeByte(BODY_VERSION);
    out.writeUTF(identity.deviceId());
    byte[] privateKey = identity.privateKey().getEncoded();
    try {
      out.writeInt(privateKey.length);
      out.write(privateKey);
    } finally {
      Arrays.fill(privateKey, (byte) 0);
    }
    byte[] publicKey = identity.publicKey().getEncoded();
    out.writeInt(publicKey.length);
    out.write(publicKey);
    out.writeInt(contentKeys.size());
    for (Map.Entry<String, StoredKey> entry : contentKeys.entrySet()) {
      out.writeUTF(entry.getKey());
      out.writeLong(entry.getValue().expiresAtMs);
      out.write(entry.getValue().keyBytes);
    }
    out.flush();
  }

  private void readBody(byte[] body) throws DrmException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(body));
    byte[] privateKey = null;
    try {
      int bodyVersion = in.readUnsignedByte();
      if (bodyVersion != BODY_VERSION) {
        throw new IOException("unknown body version " + bodyVersion);
      }
      String deviceId = in.readUTF();
      privateKey = readLengthPrefixed(in, body.length);
      byte[] publicKey = readLengthPrefixed(in, body.length);
      KeyFactory factory = KeyFactory.getInstance("RSA");
      PrivateKey decodedPrivate = factory.generatePrivate(new PKCS8EncodedKeySpec(privateKey));
      PublicKey decodedPublic = factory.generatePublic(new X509EncodedKeySpec(publicKey));
      identity = new DeviceIdentity(deviceId, decodedPublic, decodedPrivate);
      int count = in.readInt();
      if (count < 0 || count > MAX_CONTENT_KEYS) {
        throw new IOException("content key count out of range: " + count);
      }
      for (int i = 0; i < count; i++) {
        String keyId = in.readUTF();
        long expiresAtMs = in.readLong();
        byte[] keyBytes = new byte[ContentKey.KEY_LENGTH_BYTES];
        in.readFully(keyBytes);
        contentKeys.put(keyId, new StoredKey(keyBytes, expiresAtMs));
      }
      if (in.read() != -1) {
        throw new IOException("trailing bytes after the last content key");
      }
    } catch (IOException | GeneralSecurityException e) {
      close();
      throw new DrmException(
          DrmException.ERROR_KEY_STORE_CORRUPT,
          "key store in " + storage + " has a malformed body",
          e);
    } finally {
      if (privateKey != null) {
        Arrays.fill(privateKey, (byte) 0);
      }
    }
  }

  private static byte[] readLengthPrefixed(DataInputStream in, int maxLength) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > maxLength) {
      throw new IOException("field length out of range: " + length);
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }

  private static DeviceIdentity generateIdentity(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(DeviceIdentity.KEY_SIZE_BITS, random);
      KeyPair pair = generator.generateKeyPair();
      byte[] idBytes = new byte[16];
      random.nextBytes(idBytes);
      return new DeviceIdentity("d-" + Hex.encode(idBytes), pair.getPublic(), pair.getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA key generation is not available", e);
    }
  }

  private static byte[] hkdf(byte[] keyMaterial, byte[] salt, String purpose, int lengthBytes) {
    HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
    byte[] info = (INFO_PREFIX + purpose).getBytes(StandardCharsets.UTF_8);
    generator.init(new HKDFParameters(keyMaterial, salt, info));
    byte[] out = new byte[lengthBytes];
    generator.generateBytes(out, 0, lengthBytes);
    return out;
  }

  private static byte[] concatWithLengths(byte[] first, byte[] second) {
    byte[] out = new byte[8 + first.length + second.length];
    writeUint32(out, 0, first.length);
    System.arraycopy(first, 0, out, 4, first.length);
    writeUint32(out, 4 + first.length, second.length);
    System.arraycopy(second, 0, out, 8 + first.length, second.length);
    return out;
  }

  private static void writeUint32(byte[] out, int offset, long value) {
    out[offset] = (byte) (value >>> 24);
    out[offset + 1] = (byte) (value >>> 16);
    out[offset + 2] = (byte) (value >>> 8);
    out[offset + 3] = (byte) value;
  }

  private static long readUint32(byte[] in, int offset) {
    return ((in[offset] & 0xffL) << 24)
        | ((in[offset + 1] & 0xffL) << 16)
        | ((in[offset + 2] & 0xffL) << 8)
        | (in[offset + 3] & 0xffL);
  }

  private static final class StoredKey {
    final byte[] keyBytes;
    final long expiresAtMs;

    StoredKey(byte[] keyBytes, long expiresAtMs) {
      this.keyBytes = keyBytes;
      this.expiresAtMs = expiresAtMs;
    }
  }

  /** A byte array stream whose buffer can be overwritten after use. */
  private static final class WipeableOutputStream extends ByteArrayOutputStream {
    WipeableOutputStream(int initialCapacity) {
      super(initialCapacity);
    }

    byte[] buffer() {
      return buf;
    }

    void wipe() {
      Arrays.fill(buf, (byte) 0);
    }
  }
}
