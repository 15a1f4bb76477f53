package dev.tonearm.offline;

import dev.tonearm.offline.internal.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * An in-process stand-in for the licence server's offline routes, used through the {@link
 * AuthorisationClient} interface, for one account and the current device. It keeps the rules of the
 * server's offline service: Premium, 5 devices, a track limit, keys only after a second Premium
 * check, and refreshes that drop tracks it does not count. The expiry jitter is fixed.
 *
 * <p>The server's own rules are tested against the real service in the server module, because this
 * module compiles its tests for Java 11 and cannot load the Java 17 server classes. Tests flip
 * {@link #premium} and {@link #networkDown} to simulate a lapse or an outage. Thread-safe.
 */
public final class FakeLicenceServer implements AuthorisationClient {
  public static final long LICENCE_PERIOD_MS = 30 * LicencePhase.DAY_MS;

  private final Clock clock;
  private final ObjectServer objects;
  private final Map<String, GrantedObject> catalog = new LinkedHashMap<>();
  private final Map<String, byte[]> contents = new LinkedHashMap<>();
  private final Map<String, OfflineDevice> devices = new LinkedHashMap<>();
  private final Map<String, Set<String>> held = new LinkedHashMap<>();

  public volatile boolean premium = true;
  public volatile boolean networkDown;
  public volatile int maxDevices = 5;
  public volatile int maxTracks = 10_000;
  public volatile long jitterMs;

  /** Code run before a key request is served; it may throw to simulate a failed connection. */
  public interface KeyRequestHook {
    void beforeKeys(List<String> trackIds) throws IOException;
  }

  /** Hook run before each key request is served; tests cancel the subscription here. */
  public volatile KeyRequestHook beforeKeyRequest = trackIds -> {};

  private String deviceId = "d-this";
  private final List<List<String>> authoriseCalls = new ArrayList<>();
  private final List<List<String>> keyCalls = new ArrayList<>();
  private final List<List<String>> refreshCalls = new ArrayList<>();
  private final List<List<String>> releaseCalls = new ArrayList<>();

  public FakeLicenceServer(Clock clock, ObjectServer objects) {
    this.clock = clock;
    this.objects = objects;
  }

  /**
   * Adds a track whose object has {@code sizeBytes} seeded random bytes in chunks of {@code
   * chunkSizeBytes}, served by the object server, and returns the content.
   */
  public synchronized byte[] addTrack(String trackId, int sizeBytes, int chunkSizeBytes) {
    byte[] content = new byte[sizeBytes];
    new Random(trackId.hashCode()).nextBytes(content);
    addTrack(trackId, content, chunkSizeBytes);
    return content;
  }

  public synchronized void addTrack(String trackId, byte[] content, int chunkSizeBytes) {
    String path = "/objects/" + trackId + "/vorbis-160";
    objects.put(path, content);
    catalog.put(
        trackId,
        GrantedObject.builder(trackId)
            .renditionId("vorbis-160")
            .keyId("k-" + trackId)
            .urls(Collections.singletonList(objects.url(path)))
            .sizeBytes(content.length)
            .chunkSizeBytes(chunkSizeBytes)
            .chunkSha256(chunkDigests(content, chunkSizeBytes))
            .manifest(("{\"trackId\":\"" + trackId + "\"}").getBytes(StandardCharsets.UTF_8))
            .build());
    contents.put(trackId, content.clone());
  }

  /** Replaces the catalog entry of a track, for malformed or multi-edge grants. */
  public synchronized void replaceGrant(GrantedObject object) {
    catalog.put(object.trackId(), object);
  }

  public synchronized GrantedObject grantOf(String trackId) {
    return catalog.get(trackId);
  }

  public static String pathOf(String trackId) {
    return "/objects/" + trackId + "/vorbis-160";
  }

  /** Returns the wrapped key the server delivers for a track, derived from the id. */
  public static byte[] wrappedKeyOf(String trackId) {
    return Hex.sha256().digest(("key:" + trackId).getBytes(StandardCharsets.UTF_8));
  }

  public static List<String> chunkDigests(byte[] content, int chunkSizeBytes) {
    List<String> digests = new ArrayList<>();
    MessageDigest sha256 = Hex.sha256();
    for (int start = 0; start < content.length; start += chunkSizeBytes) {
      sha256.reset();
      sha256.update(content, start, Math.min(chunkSizeBytes, content.length - start));
      digests.add(Hex.encode(sha256.digest()));
    }
    return digests;
  }

  /** Switches the current device, as after a factory reset that created a new device id. */
  public synchronized void useDevice(String newDeviceId) {
    this.deviceId = newDeviceId;
  }

  /** Registers another device of the account directly, as if from another phone. */
  public synchronized void registerOtherDevice(String otherDeviceId) throws OfflineException {
    register(otherDeviceId, otherDeviceId);
  }

  public synchronized Set<String> heldTracks() {
    Set<String> tracks = held.get(deviceId);
    return tracks == null ? Collections.<String>emptySet() : new LinkedHashSet<>(tracks);
  }

  public synchronized List<List<String>> authoriseCalls() {
    return new ArrayList<>(authoriseCalls);
  }

  public synchronized List<List<String>> keyCalls() {
    return new ArrayList<>(keyCalls);
  }

  public synchronized List<List<String>> refreshCalls() {
    return new ArrayList<>(refreshCalls);
  }

  public synchronized List<List<String>> releaseCalls() {
    return new ArrayList<>(releaseCalls);
  }

  @Override
  public synchronized OfflineDevice registerDevice(String displayName) throws IOException {
    checkNetwork();
    return register(deviceId, displayName);
  }

  @Override
  public synchronized List<OfflineDevice> listDevices() throws IOException {
    checkNetwork();
    List<OfflineDevice> list = new ArrayList<>();
    for (OfflineDevice device : devices.values()) {
      Set<String> tracks = held.get(device.deviceId());
      list.add(
          new OfflineDevice(
              device.deviceId(),
              device.displayName(),
              device.registeredAtMs(),
              tracks == null ? 0 : tracks.size()));
    }
    return list;
  }

  @Override
  public synchronized void deauthoriseDevice(String id) throws IOException {
    checkNetwork();
    if (devices.remove(id) == null) {
      throw rejection(OfflineException.Reason.DEVICE_NOT_REGISTERED, "not registered");
    }
    held.remove(id);
  }

  @Override
  public synchronized DownloadGrant authorise(List<String> trackIds) throws IOException {
    checkNetwork();
    authoriseCalls.add(new ArrayList<>(trackIds));
    requirePremium();
    Set<String> tracks = requireDevice();
    List<GrantedObject> granted = new ArrayList<>();
    for (String trackId : trackIds) {
      GrantedObject object = catalog.get(trackId);
      if (object == null) {
        throw rejection(OfflineException.Reason.TRACK_NOT_FOUND, "Unknown track " + trackId);
      }
      granted.add(object);
    }
    Set<String> after = new LinkedHashSet<>(tracks);
    after.addAll(trackIds);
    if (after.size() > maxTracks) {
      throw rejection(
          OfflineException.Reason.TRACK_LIMIT,
          "This device can hold up to " + maxTracks + " downloads.");
    }
    tracks.addAll(trackIds);
    return new DownloadGrant(granted, tracks.size(), maxTracks);
  }

  @Override
  public KeyGrant requestKeys(List<String> trackIds) throws IOException {
    beforeKeyRequest.beforeKeys(trackIds);
    synchronized (this) {
      checkNetwork();
      keyCalls.add(new ArrayList<>(trackIds));
      Set<String> tracks = requireDevice();
      if (!premium) {
        tracks.removeAll(trackIds);
        throw premiumRequired();
      }
      for (String trackId : trackIds) {
        if (!tracks.contains(trackId)) {
          throw rejection(
              OfflineException.Reason.TRACK_NOT_AUTHORISED, "Not authorised: " + trackId);
        }
      }
      return grantKeys(trackIds, Collections.<String>emptyList());
    }
  }

  @Override
  public synchronized KeyGrant refresh(List<String> heldTrackIds) throws IOException {
    checkNetwork();
    refreshCalls.add(new ArrayList<>(heldTrackIds));
    requirePremium();
    Set<String> tracks = requireDevice();
    List<String> kept = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (String trackId : heldTrackIds) {
      if (tracks.contains(trackId)) {
        kept.add(trackId);
      } else {
        dropped.add(trackId);
      }
    }
    tracks.retainAll(kept);
    return grantKeys(kept, dropped);
  }

  @Override
  public synchronized void release(List<String> trackIds) throws IOException {
    checkNetwork();
    releaseCalls.add(new ArrayList<>(trackIds));
    requireDevice().removeAll(trackIds);
  }

  /** Returns the content of a track as served. */
  public synchronized byte[] contentOf(String trackId) {
    return contents.get(trackId).clone();
  }

  private KeyGrant grantKeys(List<String> trackIds, List<String> dropped) {
    long now = clock.millis();
    List<DeviceKey> keys = new ArrayList<>();
    for (String trackId : trackIds) {
      keys.add(new DeviceKey(trackId, "k-" + trackId, wrappedKeyOf(trackId)));
    }
    return new KeyGrant(keys, new LicenceTerms(now, now + LICENCE_PERIOD_MS + jitterMs), dropped);
  }

  private OfflineDevice register(String id, String displayName) throws OfflineException {
    requirePremium();
    OfflineDevice existing = devices.get(id);
    if (existing != null) {
      return existing;
    }
    if (devices.size() >= maxDevices) {
      throw rejection(
          OfflineException.Reason.DEVICE_LIMIT,
          "You can download on up to " + maxDevices + " devices.");
    }
    OfflineDevice device = new OfflineDevice(id, displayName, clock.millis(), 0);
    devices.put(id, device);
    held.put(id, new LinkedHashSet<String>());
    return device;
  }

  private Set<String> requireDevice() throws OfflineException {
    Set<String> tracks = held.get(deviceId);
    if (tracks == null) {
      throw rejection(OfflineException.Reason.DEVICE_NOT_REGISTERED, "Device not registered.");
    }
    return tracks;
  }

  private void requirePremium() throws OfflineException {
    if (!premium) {
      throw premiumRequired();
    }
  }

  private static OfflineException premiumRequired() {
    return rejection(
        OfflineException.Reason.PREMIUM_REQUIRED,
        "Offline listening needs an active Premium subscription.");
  }

  private void checkNetwork() throws IOException {
    if (networkDown) {
      throw new IOException("network is down (simulated)");
    }
  }

  private static OfflineException rejection(OfflineException.Reason reason, String message) {
    return new OfflineException(reason, message);
  }
}
