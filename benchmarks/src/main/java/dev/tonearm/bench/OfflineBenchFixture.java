package dev.tonearm.bench;

import dev.tonearm.server.offline.AccountDirectory;
import dev.tonearm.server.offline.InMemoryOfflineStore;
import dev.tonearm.server.offline.KeyIssuer;
import dev.tonearm.server.offline.OfflineLimits;
import dev.tonearm.server.offline.OfflineObject;
import dev.tonearm.server.offline.OfflineService;
import dev.tonearm.server.offline.OfflineStore;
import dev.tonearm.server.offline.WrappedKey;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;

/** Accounts, devices, a synthetic catalog and key issuers for the offline benchmarks. */
final class OfflineBenchFixture {
  static final byte[] EXPIRY_SECRET =
      "offline benchmark expiry secret, 32+ bytes long".getBytes(StandardCharsets.US_ASCII);

  final Map<String, AccountDirectory.Tier> tiers = new ConcurrentHashMap<>();
  final Map<String, Set<String>> devicesByAccount = new ConcurrentHashMap<>();

  /** How keys are wrapped. */
  enum Issuer {
    /** RSA-OAEP with SHA-256 under a 2048-bit public key, as the licence service does. */
    RSA,
    /** Returns precomputed bytes: isolates the offline service from the wrapping cost. */
    FIXED
  }

  OfflineService service(OfflineStore store, Issuer issuer) {
    return OfflineService.builder()
        .accountDirectory(accountId -> Optional.ofNullable(tiers.get(accountId)))
        .deviceDirectory(accountId -> devicesByAccount.getOrDefault(accountId, Set.of()))
        .objectLocator(OfflineBenchFixture::locate)
        .keyIssuer(issuer == Issuer.RSA ? new RsaKeyIssuer() : new FixedKeyIssuer())
        .store(store == null ? new InMemoryOfflineStore() : store)
        .expirySecret(EXPIRY_SECRET)
        .limits(OfflineLimits.defaults())
        .build();
  }

  void addPremiumAccount(String accountId, List<String> deviceIds) {
    tiers.put(accountId, AccountDirectory.Tier.PREMIUM);
    devicesByAccount.put(accountId, Set.copyOf(deviceIds));
  }

  static List<String> trackIds(int count) {
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      ids.add("t-" + i);
    }
    return ids;
  }

  private static Optional<OfflineObject> locate(String trackId) {
    return Optional.of(
        new OfflineObject(
            trackId,
            "vorbis-160",
            "k-" + trackId,
            List.of("http://127.0.0.1:41001/objects/" + trackId + "/vorbis-160"),
            4_000_000,
            4_000_000,
            List.of("0".repeat(64))));
  }

  static final class FixedKeyIssuer implements KeyIssuer {
    private final byte[] wrapped = new byte[256];

    @Override
    public List<WrappedKey> wrapKeys(String accountId, String deviceId, List<String> trackIds) {
      List<WrappedKey> keys = new ArrayList<>(trackIds.size());
      for (String trackId : trackIds) {
        keys.add(new WrappedKey(trackId, "k-" + trackId, wrapped));
      }
      return keys;
    }
  }

  /**
   * Wraps a random 32-byte content key per track with RSA-OAEP (SHA-256, MGF1-SHA-256). Every
   * device shares one 2048-bit key pair, because generating thousands of pairs would dominate the
   * setup; the cost per wrap is the same.
   */
  static final class RsaKeyIssuer implements KeyIssuer {
    private static final OAEPParameterSpec OAEP =
        new OAEPParameterSpec(
            "SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
    private static final PublicKey DEVICE_KEY = generate().getPublic();
    private final byte[] contentKey = new byte[32];

    RsaKeyIssuer() {
      new SecureRandom().nextBytes(contentKey);
    }

    @Override
    public List<WrappedKey> wrapKeys(String accountId, String deviceId, List<String> trackIds)
        throws KeyIssueException {
      try {
        Cipher cipher = Cipher.getInstance("RSA/ECB/OAEPPadding");
        List<WrappedKey> keys = new ArrayList<>(trackIds.size());
        for (String trackId : trackIds) {
          cipher.init(Cipher.ENCRYPT_MODE, DEVICE_KEY, OAEP);
          byte[] key = Arrays.copyOf(contentKey, contentKey.length);
          key[0] ^= (byte) trackId.hashCode();
          keys.add(new WrappedKey(trackId, "k-" + trackId, cipher.doFinal(key)));
        }
        return keys;
      } catch (GeneralSecurityException e) {
        throw new KeyIssueException("RSA wrap failed", e);
      }
    }

    private static KeyPair generate() {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
