package dev.tonearm.server.offline;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/**
 * Collaborators of {@link OfflineService} for tests: accounts and devices in maps, a catalog of
 * generated tracks, and a key issuer that really wraps content keys with RSA-OAEP (SHA-256) for
 * each device's public key, as the licence service does.
 */
final class OfflineFixture {
  static final Instant START = Instant.parse("2025-03-01T10:00:00Z");
  static final byte[] SECRET =
      "0123456789abcdef0123456789abcdef-test-secret".getBytes(StandardCharsets.US_ASCII);

  final MutableClock clock = new MutableClock(START);
  final Map<String, AccountDirectory.Tier> tiers = new ConcurrentHashMap<>();
  final Map<String, Set<String>> deviceKeys = new ConcurrentHashMap<>();
  final RsaKeyIssuer keyIssuer = new RsaKeyIssuer();
  final Set<String> catalog = ConcurrentHashMap.newKeySet();

  OfflineService service(OfflineStore store, OfflineLimits limits) {
    return OfflineService.builder()
        .accountDirectory(accountId -> Optional.ofNullable(tiers.get(accountId)))
        .deviceDirectory(accountId -> deviceKeys.getOrDefault(accountId, Set.of()))
        .objectLocator(this::locate)
        .keyIssuer(keyIssuer)
        .store(store)
        .expirySecret(SECRET)
        .limits(limits)
        .clock(clock)
        .build();
  }

  OfflineService service() {
    return service(new InMemoryOfflineStore(), OfflineLimits.defaults());
  }

  /** Adds a Premium account with devices whose key pairs are registered. */
  void premiumAccount(String accountId, String... deviceIds) {
    tiers.put(accountId, AccountDirectory.Tier.PREMIUM);
    Set<String> devices = deviceKeys.computeIfAbsent(accountId, k -> ConcurrentHashMap.newKeySet());
    for (String deviceId : deviceIds) {
      devices.add(deviceId);
      keyIssuer.addDevice(deviceId);
    }
  }

  /** Adds tracks {@code t-0 .. t-(count-1)} to the catalog and returns their ids. */
  List<String> tracks(int count) {
    return tracks("t-", count);
  }

  List<String> tracks(String prefix, int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add(prefix + i);
    }
    catalog.addAll(ids);
    return ids;
  }

  private Optional<OfflineObject> locate(String trackId) {
    if (!catalog.contains(trackId)) {
      return Optional.empty();
    }
    long sizeBytes = 600_000;
    int chunkSizeBytes = 262_144;
    List<String> digests = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      digests.add(sha256Hex(trackId + "#" + i));
    }
    return Optional.of(
        new OfflineObject(
            trackId,
            "vorbis-160",
            "k-" + trackId,
            List.of(
                "http://127.0.0.1:41001/objects/" + trackId + "/vorbis-160",
                "http://127.0.0.1:41002/objects/" + trackId + "/vorbis-160"),
            sizeBytes,
            chunkSizeBytes,
            digests));
  }

  static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  /** Wraps a random per-track content key with RSA-OAEP for the device's public key. */
  static final class RsaKeyIssuer implements KeyIssuer {
    private static final OAEPParameterSpec OAEP =
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);

    /** RSA key generation takes about 0.1 s, so key pairs are shared by device id across tests. */
    private static final Map<String, KeyPair> GENERATED_KEY_PAIRS = new ConcurrentHashMap<>();

    final Map<String, KeyPair> deviceKeyPairs = new ConcurrentHashMap<>();
    final Map<String, byte[]> contentKeys = new ConcurrentHashMap<>();
    final AtomicInteger calls = new AtomicInteger();
    final List<Integer> batchSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile boolean failing;
    private final SecureRandom random = new SecureRandom();

    void addDevice(String deviceId) {
      deviceKeyPairs.computeIfAbsent(
          deviceId, id -> GENERATED_KEY_PAIRS.computeIfAbsent(id, unused -> generateKeyPair()));
    }

    byte[] contentKey(String trackId) {
      return contentKeys.computeIfAbsent(
          trackId,
          id -> {
            byte[] key = new byte[32];
            random.nextBytes(key);
            return key;
          });
    }

    byte[] unwrap(String deviceId, byte[] wrapped) throws GeneralSecurityException {
      PrivateKey privateKey = deviceKeyPairs.get(deviceId).getPrivate();
      Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
      cipher.init(Cipher.DECRYPT_MODE, privateKey, OAEP);
      return cipher.doFinal(wrapped);
    }

    @Override
    public List<WrappedKey> wrapKeys(String accountId, String deviceId, List<String> trackIds)
        throws KeyIssueException {
      calls.incrementAndGet();
      batchSizes.add(trackIds.size());
      if (failing) {
        throw new KeyIssueException("KMS unavailable (simulated)");
      }
      KeyPair pair = deviceKeyPairs.get(deviceId);
      if (pair == null) {
        throw new KeyIssueException("no public key for device " + deviceId);
      }
      try {
        PublicKey publicKey = pair.getPublic();
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
        List<WrappedKey> keys = new ArrayList<>(trackIds.size());
        for (String trackId : trackIds) {
          cipher.init(Cipher.ENCRYPT_MODE, publicKey, OAEP);
          keys.add(new WrappedKey(trackId, "k-" + trackId, cipher.doFinal(contentKey(trackId))));
        }
        return keys;
      } catch (GeneralSecurityException e) {
        throw new KeyIssueException("wrapping failed", e);
      }
    }

    private static KeyPair generateKeyPair() {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new AssertionError(e);
      }
    }
  }
}
