package dev.tonearm.server.session;

import dev.tonearm.server.drm.Device;
import dev.tonearm.server.drm.DeviceRegistry;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps at most one active playback session per account. Rules:
 *
 * <ul>
 *   <li>{@link #start} by a registered device of the account makes it the holder. A session of
 *       another device of the same account is superseded, and the {@link SupersededListener}s
 *       hear about it. A start by the device that already holds the session returns that
 *       session with a fresh heartbeat.
 *   <li>A session that receives no heartbeat for the timeout expires. Expiry is checked against
 *       the injected clock whenever the account's session is read or changed, so no timer thread
 *       is needed.
 *   <li>A start by another device also supersedes the account's most recent session when that
 *       session expired and no session started since. Otherwise the expired device's next
 *       heartbeat would get {@code SESSION_EXPIRED}, start a new session and take playback back
 *       from the device the user chose last.
 *   <li>A heartbeat of a session whose device is no longer registered to the account ends the
 *       session with {@code DEVICE_NOT_FOUND} or {@code DEVICE_NOT_OWNED}.
 *   <li>Superseded and expired sessions are remembered, up to {@value #MAX_REMEMBERED_ENDINGS}
 *       of them and {@value #MAX_REMEMBERED_ENDINGS_PER_ACCOUNT} per account, with the oldest
 *       dropped first, so that a late heartbeat learns why its session
 *       ended, and {@link #supersededEnding} can tell a device that connects late that it lost
 *       the session. Sessions ended by {@link #end} are forgotten at once.
 * </ul>
 *
 * <p>State lives in memory only: a restarted server has no sessions, and clients start new ones
 * when their heartbeat gets {@code SESSION_NOT_FOUND}.
 *
 * <p>Thread-safe: all state is guarded by {@code this}. Listeners run on the calling thread after
 * the lock is released.
 */
public final class SessionService {
  /** Default time without a heartbeat after which a session expires: 30 s. */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(30);

  /** Maximum number of superseded or expired sessions whose ending is remembered. */
  public static final int MAX_REMEMBERED_ENDINGS = 10_000;

  /**
   * Maximum number of remembered endings per account, so that an account that starts sessions in
   * a loop drops its own oldest endings instead of every other account's.
   */
  public static final int MAX_REMEMBERED_ENDINGS_PER_ACCOUNT = 64;

  private static final Logger log = LoggerFactory.getLogger(SessionService.class);

  /** Receives the sessions that another device took over. */
  @FunctionalInterface
  public interface SupersededListener {
    /** {@code replacement} superseded {@code superseded}; both belong to one account. */
    void onSuperseded(PlaybackSession superseded, PlaybackSession replacement);
  }

  /**
   * Record of a session that is no longer active: its ids and the reason it ended.
   *
   * @param byDeviceId the device that took over, for {@code SESSION_SUPERSEDED}; otherwise null
   */
  record Ending(
      String sessionId,
      String accountId,
      String deviceId,
      SessionException.Reason reason,
      String byDeviceId) {}

  private final DeviceRegistry devices;
  private final Clock clock;
  private final long timeoutMs;
  private final SecureRandom random;
  private final List<SupersededListener> listeners = new CopyOnWriteArrayList<>();

  // Guarded by this.
  private final Map<String, PlaybackSession> activeByAccount = new HashMap<>();
  private final Map<String, PlaybackSession> activeById = new HashMap<>();
  private final Map<String, Ending> endings =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Ending> eldest) {
          if (size() <= MAX_REMEMBERED_ENDINGS) {
            return false;
          }
          forgetIndexes(eldest.getValue());
          removeFromAccountEndings(eldest.getValue());
          return true;
        }
      };

  /** Ids of each account's sessions in {@link #endings}, oldest first. */
  private final Map<String, Deque<String>> endingIdsByAccount = new HashMap<>();

  /**
   * Session id of each device's most recent session while that session is in {@link #endings}.
   * Every entry points into {@code endings}, so the map is no larger.
   */
  private final Map<String, String> latestEndingByDevice = new HashMap<>();

  /**
   * Each account's most recent session when it expired and no session started since. Every entry
   * has its ending in {@code endings}, so the map is no larger.
   */
  private final Map<String, PlaybackSession> expiredByAccount = new HashMap<>();

  /**
   * Creates a service.
   *
   * @param devices the registry that maps a device to its account
   * @param clock source of heartbeat times and expiry
   * @param timeout time without a heartbeat after which a session expires; positive
   */
  public SessionService(
      DeviceRegistry devices, Clock clock, Duration timeout, SecureRandom random) {
    this.devices = Objects.requireNonNull(devices, "devices");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be > 0: " + timeout);
    }
    this.timeoutMs = timeout.toMillis();
  }

  /** Adds a listener for superseded sessions. */
  public void addSupersededListener(SupersededListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** Returns the session timeout in milliseconds. */
  public long timeoutMs() {
    return timeoutMs;
  }

  /**
   * Starts or takes over the playback session of {@code accountId} on {@code deviceId}.
   *
   * @throws SessionException {@code DEVICE_NOT_FOUND} or {@code DEVICE_NOT_OWNED}
   */
  public PlaybackSession start(String accountId, String deviceId) throws SessionException {
    requireOwnedDevice(accountId, deviceId);
    PlaybackSession superseded = null;
    PlaybackSession started;
    synchronized (this) {
      // Read inside the lock, so that sessions started one after another get ordered times.
      long nowMs = clock.millis();
      PlaybackSession active = activeSession(accountId, nowMs);
      if (active != null && active.deviceId().equals(deviceId)) {
        started = active.withHeartbeatAt(nowMs);
      } else {
        started = new PlaybackSession(newSessionId(), accountId, deviceId, nowMs, nowMs, timeoutMs);
        superseded = active != null ? active : expiredSessionOfOtherDevice(accountId, deviceId);
        if (active != null) {
          activeById.remove(active.sessionId());
        }
        if (superseded != null) {
          remember(
              new Ending(
                  superseded.sessionId(),
                  accountId,
                  superseded.deviceId(),
                  SessionException.Reason.SESSION_SUPERSEDED,
                  deviceId));
        }
      }
      expiredByAccount.remove(accountId);
      latestEndingByDevice.remove(deviceId);
      activate(started);
    }
    if (superseded != null) {
      log.debug(
          "session {} of device {} superseded by device {}",
          superseded.sessionId(),
          superseded.deviceId(),
          deviceId);
      notifySuperseded(superseded, started);
    }
    return started;
  }

  /**
   * Records a heartbeat of session {@code sessionId}.
   *
   * @throws SessionException {@code SESSION_NOT_FOUND}, {@code SESSION_NOT_OWNED}, {@code
   *     SESSION_SUPERSEDED} or {@code SESSION_EXPIRED}; {@code DEVICE_NOT_FOUND} or {@code
   *     DEVICE_NOT_OWNED}, which also end the session, when its device was deauthorised
   */
  public synchronized PlaybackSession heartbeat(String accountId, String sessionId)
      throws SessionException {
    long nowMs = clock.millis();
    PlaybackSession active = requireActive(accountId, sessionId, nowMs);
    try {
      requireOwnedDevice(accountId, active.deviceId());
    } catch (SessionException e) {
      activeByAccount.remove(accountId);
      activeById.remove(sessionId);
      log.debug("session {} ended because its device left the account: {}", sessionId, e.reason());
      throw e;
    }
    PlaybackSession renewed = active.withHeartbeatAt(nowMs);
    activate(renewed);
    return renewed;
  }

  /**
   * Ends session {@code sessionId} and removes it.
   *
   * @throws SessionException as {@link #heartbeat}
   */
  public synchronized void end(String accountId, String sessionId) throws SessionException {
    requireActive(accountId, sessionId, clock.millis());
    activeByAccount.remove(accountId);
    activeById.remove(sessionId);
  }

  /** Returns the active session of {@code accountId}, if any. */
  public synchronized Optional<PlaybackSession> current(String accountId) {
    return Optional.ofNullable(activeSession(accountId, clock.millis()));
  }

  /**
   * Returns how the most recent session of {@code deviceId} in {@code accountId} was superseded,
   * if it was and the device does not hold the account's session now. Empty when the device
   * holds the session, its last session expired or was ended, or its ending is no longer
   * remembered.
   */
  synchronized Optional<Ending> supersededEnding(String accountId, String deviceId) {
    String sessionId = latestEndingByDevice.get(deviceId);
    Ending ending = sessionId == null ? null : endings.get(sessionId);
    if (ending == null
        || ending.reason() != SessionException.Reason.SESSION_SUPERSEDED
        || !ending.accountId().equals(accountId)) {
      return Optional.empty();
    }
    PlaybackSession active = activeSession(accountId, clock.millis());
    if (active != null && active.deviceId().equals(deviceId)) {
      return Optional.empty();
    }
    return Optional.of(ending);
  }

  private void requireOwnedDevice(String accountId, String deviceId) throws SessionException {
    Optional<Device> device = devices.find(deviceId);
    if (device.isEmpty()) {
      throw new SessionException(
          SessionException.Reason.DEVICE_NOT_FOUND, "device " + deviceId + " is not registered");
    }
    if (!device.get().accountId().equals(accountId)) {
      throw new SessionException(
          SessionException.Reason.DEVICE_NOT_OWNED,
          "device " + deviceId + " is registered to another account");
    }
  }

  /** Returns the caller's active session {@code sessionId} or throws why it is not active. */
  private PlaybackSession requireActive(String accountId, String sessionId, long nowMs)
      throws SessionException {
    PlaybackSession active = activeSession(accountId, nowMs);
    if (active != null && active.sessionId().equals(sessionId)) {
      return active;
    }
    PlaybackSession other = activeById.get(sessionId);
    if (other != null && activeSession(other.accountId(), nowMs) != null) {
      throw new SessionException(
          SessionException.Reason.SESSION_NOT_OWNED,
          "session " + sessionId + " belongs to another account");
    }
    Ending ending = endings.get(sessionId);
    if (ending == null) {
      throw new SessionException(
          SessionException.Reason.SESSION_NOT_FOUND, "no session " + sessionId);
    }
    if (!ending.accountId().equals(accountId)) {
      throw new SessionException(
          SessionException.Reason.SESSION_NOT_OWNED,
          "session " + sessionId + " belongs to another account");
    }
    if (ending.reason() == SessionException.Reason.SESSION_SUPERSEDED) {
      throw new SessionException(
          ending.reason(),
          "session " + sessionId + " was taken over by device " + ending.byDeviceId(),
          ending.byDeviceId());
    }
    throw new SessionException(
        ending.reason(), "session " + sessionId + " expired without a heartbeat");
  }

  /**
   * Removes and returns the account's most recent session if it expired with no session started
   * since and belongs to another device than {@code deviceId}; otherwise returns null.
   */
  private PlaybackSession expiredSessionOfOtherDevice(String accountId, String deviceId) {
    PlaybackSession expired = expiredByAccount.remove(accountId);
    if (expired == null || expired.deviceId().equals(deviceId)) {
      return null;
    }
    Ending ending = endings.get(expired.sessionId());
    if (ending == null || ending.reason() != SessionException.Reason.SESSION_EXPIRED) {
      return null;
    }
    return expired;
  }

  /**
   * Stores {@code ending}, replacing an earlier one of the same session, and drops the account's
   * oldest ending above {@link #MAX_REMEMBERED_ENDINGS_PER_ACCOUNT}.
   */
  private void remember(Ending ending) {
    Ending previous = endings.remove(ending.sessionId());
    if (previous != null) {
      removeFromAccountEndings(previous);
    }
    // May drop the oldest ending of all accounts, through removeEldestEntry.
    endings.put(ending.sessionId(), ending);
    Deque<String> accountEndingIds =
        endingIdsByAccount.computeIfAbsent(ending.accountId(), id -> new ArrayDeque<>());
    accountEndingIds.addLast(ending.sessionId());
    latestEndingByDevice.put(ending.deviceId(), ending.sessionId());
    if (accountEndingIds.size() > MAX_REMEMBERED_ENDINGS_PER_ACCOUNT) {
      Ending dropped = endings.remove(accountEndingIds.removeFirst());
      forgetIndexes(dropped);
    }
  }

  /** Removes the device and expiry index entries that point to {@code dropped}. */
  private void forgetIndexes(Ending dropped) {
    latestEndingByDevice.remove(dropped.deviceId(), dropped.sessionId());
    PlaybackSession expired = expiredByAccount.get(dropped.accountId());
    if (expired != null && expired.sessionId().equals(dropped.sessionId())) {
      expiredByAccount.remove(dropped.accountId());
    }
  }

  private void removeFromAccountEndings(Ending ending) {
    Deque<String> accountEndingIds = endingIdsByAccount.get(ending.accountId());
    if (accountEndingIds == null) {
      return;
    }
    accountEndingIds.remove(ending.sessionId());
    if (accountEndingIds.isEmpty()) {
      endingIdsByAccount.remove(ending.accountId());
    }
  }

  /** Returns the number of remembered endings of {@code accountId}. */
  synchronized int rememberedEndingCount(String accountId) {
    Deque<String> accountEndingIds = endingIdsByAccount.get(accountId);
    return accountEndingIds == null ? 0 : accountEndingIds.size();
  }

  private void activate(PlaybackSession session) {
    activeByAccount.put(session.accountId(), session);
    activeById.put(session.sessionId(), session);
  }

  /** Returns the account's session, first moving it to the endings if it has expired. */
  private PlaybackSession activeSession(String accountId, long nowMs) {
    PlaybackSession active = activeByAccount.get(accountId);
    if (active != null && nowMs >= active.expiresAtMs()) {
      activeByAccount.remove(accountId);
      activeById.remove(active.sessionId());
      remember(
          new Ending(
              active.sessionId(),
              accountId,
              active.deviceId(),
              SessionException.Reason.SESSION_EXPIRED,
              null));
      expiredByAccount.put(accountId, active);
      log.debug("session {} of device {} expired", active.sessionId(), active.deviceId());
      return null;
    }
    return active;
  }

  private void notifySuperseded(PlaybackSession superseded, PlaybackSession replacement) {
    for (SupersededListener listener : listeners) {
      try {
        listener.onSuperseded(superseded, replacement);
      } catch (RuntimeException e) {
        log.warn("superseded listener failed for session {}", superseded.sessionId(), e);
      }
    }
  }

  private String newSessionId() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    StringBuilder id = new StringBuilder("s-");
    for (byte b : bytes) {
      id.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return id.toString();
  }
}
