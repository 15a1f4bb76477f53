package dev.tonearm.server.offline;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Offline rules of the server: offline device registration, download authorisation, key delivery
 * and batch licence refresh.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>Registering a device, authorising a download, delivering keys and refreshing licences need
 *       a Premium account. Deauthorising a device, listing devices and releasing tracks do not.
 *   <li>An account has at most {@link OfflineLimits#maxDevicesPerAccount()} offline devices.
 *       Registering one more fails with {@link OfflineReason#DEVICE_LIMIT}; deauthorising a device
 *       frees its slot and drops its tracks.
 *   <li>A device stores at most {@link OfflineLimits#maxTracksPerDevice()} tracks. A track counts
 *       from its authorisation until it is released or dropped by a refresh. Authorisation is all
 *       or nothing: a request that would go over the limit reserves nothing.
 *   <li>Keys are delivered only after the download, by {@link #issueKeys}, which checks Premium
 *       again. A subscription cancelled while a download runs therefore gets no key, and the tracks
 *       of the rejected request are released.
 *   <li>Every key delivery is an online check: the device's licence then expires after the licence
 *       period plus the device's jitter (see {@link LicenceExpiryPolicy}).
 *   <li>{@link #refreshLicences} delivers all of a device's keys in one call. The device reports
 *       the tracks it holds; tracks the server does not count for the device are dropped, and
 *       tracks the device no longer has are released, so a wiped device starts again from zero.
 * </ul>
 *
 * <p>Rejections throw {@link OfflineException} with a reason code and a message for the end user.
 *
 * <p>Thread-safe. Calls for one account are serialised by a striped lock, so two devices of one
 * account cannot both take the last slot; calls for accounts on different stripes run in parallel.
 */
public final class OfflineService {
  private static final Logger log = LoggerFactory.getLogger(OfflineService.class);

  /** Maximum length of account, device and track ids. */
  public static final int MAX_ID_LENGTH = RequestChecks.MAX_ID_LENGTH;

  /** Maximum length of a device's display name. */
  public static final int MAX_DISPLAY_NAME_LENGTH = RequestChecks.MAX_DISPLAY_NAME_LENGTH;

  private static final int LOCK_STRIPES = 256;

  private final AccountDirectory accounts;
  private final DeviceDirectory devices;
  private final OfflineObjectLocator objects;
  private final KeyIssuer keyIssuer;
  private final OfflineStore store;
  private final LicenceExpiryPolicy expiryPolicy;
  private final OfflineLimits limits;
  private final Clock clock;
  private final ReentrantLock[] stripes;

  private OfflineService(Builder builder) {
    this.accounts = Objects.requireNonNull(builder.accounts, "accountDirectory");
    this.devices = Objects.requireNonNull(builder.devices, "deviceDirectory");
    this.objects = Objects.requireNonNull(builder.objects, "objectLocator");
    this.keyIssuer = Objects.requireNonNull(builder.keyIssuer, "keyIssuer");
    this.store = Objects.requireNonNull(builder.store, "store");
    this.limits = builder.limits;
    this.expiryPolicy =
        new LicenceExpiryPolicy(
            Objects.requireNonNull(builder.expirySecret, "expirySecret"), limits);
    this.clock = builder.clock;
    this.stripes = new ReentrantLock[LOCK_STRIPES];
    for (int i = 0; i < stripes.length; i++) {
      stripes[i] = new ReentrantLock();
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public OfflineLimits limits() {
    return limits;
  }

  public LicenceExpiryPolicy expiryPolicy() {
    return expiryPolicy;
  }

  /**
   * Registers a device for offline use. Registering a device that is already registered returns it
   * unchanged, with its display name updated.
   *
   * @param displayName the name shown in the device list; null uses the device id
   * @throws OfflineException with PREMIUM_REQUIRED, DEVICE_UNKNOWN, DEVICE_LIMIT or BAD_REQUEST
   */
  public OfflineDevice registerDevice(String accountId, String deviceId, String displayName) {
    RequestChecks.requireId("accountId", accountId);
    RequestChecks.requireId("deviceId", deviceId);
    String name = displayName == null ? deviceId : RequestChecks.requireDisplayName(displayName);
    return withAccountLock(
        accountId,
        () -> {
          requirePremium(accountId);
          if (!devices.deviceIdsOf(accountId).contains(deviceId)) {
            throw new OfflineException(
                OfflineReason.DEVICE_UNKNOWN,
                "This device has no registered device key. Sign in again on the device, then add"
                    + " it for downloads.");
          }
          AccountRecord account = load(accountId);
          DeviceRecord existing = account.device(deviceId).orElse(null);
          if (existing != null) {
            DeviceRecord renamed =
                new DeviceRecord(
                    deviceId,
                    name,
                    existing.registeredAt(),
                    existing.lastOnlineCheck(),
                    existing.heldTrackIds());
            save(account.withDevice(renamed));
            return view(renamed);
          }
          int max = limits.maxDevicesPerAccount();
          if (account.devices().size() >= max) {
            throw new OfflineException(
                OfflineReason.DEVICE_LIMIT,
                "You can download on up to "
                    + max
                    + " devices, and this account already has "
                    + account.devices().size()
                    + ". Remove one under Offline devices in Settings to add this one.");
          }
          DeviceRecord device = DeviceRecord.registered(deviceId, name, clock.instant());
          save(account.withDevice(device));
          log.info("Registered offline device {} for account {}", deviceId, accountId);
          return view(device);
        });
  }

  /**
   * Deauthorises a device: frees its slot and drops its tracks. Its keys stop being refreshed, so
   * the device deletes its downloads at its next refresh, or at the latest when its licence
   * expires.
   *
   * @return whether the device was registered
   */
  public boolean deauthoriseDevice(String accountId, String deviceId) {
    RequestChecks.requireId("accountId", accountId);
    RequestChecks.requireId("deviceId", deviceId);
    return withAccountLock(
        accountId,
        () -> {
          AccountRecord account = load(accountId);
          if (account.device(deviceId).isEmpty()) {
            return false;
          }
          save(account.withoutDevice(deviceId));
          log.info("Deauthorised offline device {} of account {}", deviceId, accountId);
          return true;
        });
  }

  /** Lists the account's offline devices in registration order. */
  public List<OfflineDevice> listDevices(String accountId) {
    RequestChecks.requireId("accountId", accountId);
    return withAccountLock(
        accountId,
        () -> {
          List<OfflineDevice> views = new ArrayList<>();
          for (DeviceRecord device : load(accountId).devices()) {
            views.add(view(device));
          }
          return views;
        });
  }

  /**
   * Authorises the download of tracks to a device and reserves them against its track limit. Tracks
   * the device already holds are authorised again without counting twice.
   *
   * @throws OfflineException with PREMIUM_REQUIRED, DEVICE_NOT_REGISTERED, TRACK_NOT_FOUND,
   *     TRACK_LIMIT, PAYLOAD_TOO_LARGE or BAD_REQUEST
   */
  public DownloadAuthorisation authoriseDownloads(
      String accountId, String deviceId, List<String> trackIds) {
    RequestChecks.requireId("accountId", accountId);
    RequestChecks.requireId("deviceId", deviceId);
    List<String> requested =
        RequestChecks.requireTrackIds(trackIds, false, limits.maxTracksPerDevice());
    return withAccountLock(
        accountId,
        () -> {
          requirePremium(accountId);
          AccountRecord account = load(accountId);
          DeviceRecord device = requireDevice(account, deviceId);

          List<OfflineObject> located = new ArrayList<>(requested.size());
          List<String> missing = new ArrayList<>();
          for (String trackId : requested) {
            objects.locate(trackId).ifPresentOrElse(located::add, () -> missing.add(trackId));
          }
          if (!missing.isEmpty()) {
            throw new OfflineException(
                OfflineReason.TRACK_NOT_FOUND,
                "These tracks cannot be downloaded: " + RequestChecks.summarise(missing) + ".");
          }

          Set<String> held = new LinkedHashSet<>(device.heldTrackIds());
          int alreadyHeld = held.size();
          held.addAll(requested);
          int max = limits.maxTracksPerDevice();
          if (held.size() > max) {
            throw new OfflineException(
                OfflineReason.TRACK_LIMIT,
                "This device can hold up to "
                    + max
                    + " downloads. It holds "
                    + alreadyHeld
                    + ", and this request adds "
                    + (held.size() - alreadyHeld)
                    + ". Remove downloads to make room.");
          }
          save(account.withDevice(device.withHeldTrackIds(held)));
          return new DownloadAuthorisation(deviceId, located, held.size(), max);
        });
  }

  /**
   * Delivers device-bound keys for downloaded tracks, after checking the subscription again. When
   * the account is no longer Premium, the tracks of this request are released and the request fails
   * with PREMIUM_REQUIRED; the device then deletes the downloaded files.
   *
   * @throws OfflineException with PREMIUM_REQUIRED, DEVICE_NOT_REGISTERED, TRACK_NOT_AUTHORISED,
   *     KEY_UNAVAILABLE, PAYLOAD_TOO_LARGE or BAD_REQUEST
   */
  public KeyDelivery issueKeys(String accountId, String deviceId, List<String> trackIds) {
    RequestChecks.requireId("accountId", accountId);
    RequestChecks.requireId("deviceId", deviceId);
    List<String> requested =
        RequestChecks.requireTrackIds(trackIds, false, limits.maxTracksPerDevice());
    return withAccountLock(
        accountId,
        () -> {
          AccountRecord account = load(accountId);
          DeviceRecord device = requireDevice(account, deviceId);
          if (!isPremium(accountId)) {
            Set<String> held = new LinkedHashSet<>(device.heldTrackIds());
            held.removeAll(requested);
            save(account.withDevice(device.withHeldTrackIds(held)));
            log.info(
                "Rejected keys for {} tracks on device {}: account {} is not Premium",
                requested.size(),
                deviceId,
                accountId);
            throw premiumRequired();
          }
          List<String> notAuthorised = new ArrayList<>();
          for (String trackId : requested) {
            if (!device.heldTrackIds().contains(trackId)) {
              notAuthorised.add(trackId);
            }
          }
          if (!notAuthorised.isEmpty()) {
            throw new OfflineException(
                OfflineReason.TRACK_NOT_AUTHORISED,
                "These tracks are not authorised for download on this device: "
                    + RequestChecks.summarise(notAuthorised)
                    + ". Download them again.");
          }
          List<WrappedKey> keys = wrapKeys(accountId, deviceId, requested);
          Instant now = clock.instant();
          save(account.withDevice(device.withLastOnlineCheck(now)));
          return new KeyDelivery(
              deviceId, keys, now, expiryPolicy.expiresAt(deviceId, now), List.of());
        });
  }

  /**
   * Refreshes all of a device's keys in one call and renews its licence.
   *
   * <p>The device reports every track it stores. Keys come back for the tracks that the server also
   * counts for the device; the others are listed in {@link KeyDelivery#droppedTrackIds()}. Tracks
   * the server counted but the device no longer reports are released.
   *
   * @throws OfflineException with PREMIUM_REQUIRED (the device locks its downloads),
   *     DEVICE_NOT_REGISTERED (the device deletes them), KEY_UNAVAILABLE, PAYLOAD_TOO_LARGE or
   *     BAD_REQUEST
   */
  public KeyDelivery refreshLicences(String accountId, String deviceId, List<String> heldTrackIds) {
    RequestChecks.requireId("accountId", accountId);
    RequestChecks.requireId("deviceId", deviceId);
    List<String> reported =
        RequestChecks.requireTrackIds(heldTrackIds, true, limits.maxTracksPerDevice());
    return withAccountLock(
        accountId,
        () -> {
          requirePremium(accountId);
          AccountRecord account = load(accountId);
          DeviceRecord device = requireDevice(account, deviceId);
          List<String> kept = new ArrayList<>(reported.size());
          List<String> dropped = new ArrayList<>();
          for (String trackId : reported) {
            if (device.heldTrackIds().contains(trackId)) {
              kept.add(trackId);
            } else {
              dropped.add(trackId);
            }
          }
          List<WrappedKey> keys = kept.isEmpty() ? List.of() : wrapKeys(accountId, deviceId, kept);
          Instant now = clock.instant();
          int released = device.heldTrackIds().size() - kept.size();
          save(account.withDevice(device.withHeldTrackIds(kept).withLastOnlineCheck(now)));
          log.debug(
              "Refreshed {} keys for device {} of account {}; released {}, dropped {}",
              keys.size(),
              deviceId,
              accountId,
              released,
              dropped.size());
          return new KeyDelivery(
              deviceId, keys, now, expiryPolicy.expiresAt(deviceId, now), dropped);
        });
  }

  /**
   * Releases tracks the device deleted, so they no longer count against its track limit. Tracks the
   * device does not hold are ignored.
   *
   * @return the number of tracks still reserved on the device
   * @throws OfflineException with DEVICE_NOT_REGISTERED, PAYLOAD_TOO_LARGE or BAD_REQUEST
   */
  public int releaseTracks(String accountId, String deviceId, List<String> trackIds) {
    RequestChecks.requireId("accountId", accountId);
    RequestChecks.requireId("deviceId", deviceId);
    List<String> released =
        RequestChecks.requireTrackIds(trackIds, false, limits.maxTracksPerDevice());
    return withAccountLock(
        accountId,
        () -> {
          AccountRecord account = load(accountId);
          DeviceRecord device = requireDevice(account, deviceId);
          Set<String> held = new LinkedHashSet<>(device.heldTrackIds());
          if (held.removeAll(released)) {
            save(account.withDevice(device.withHeldTrackIds(held)));
          }
          return held.size();
        });
  }

  private <T> T withAccountLock(String accountId, Supplier<T> action) {
    ReentrantLock lock = stripes[Math.floorMod(accountId.hashCode(), stripes.length)];
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  private boolean isPremium(String accountId) {
    AccountDirectory.Tier tier =
        accounts
            .tierOf(accountId)
            .orElseThrow(
                () ->
                    new OfflineException(
                        OfflineReason.ACCOUNT_NOT_FOUND, "Account not found: " + accountId));
    return tier == AccountDirectory.Tier.PREMIUM;
  }

  private void requirePremium(String accountId) {
    if (!isPremium(accountId)) {
      throw premiumRequired();
    }
  }

  private static OfflineException premiumRequired() {
    return new OfflineException(
        OfflineReason.PREMIUM_REQUIRED,
        "Offline listening needs an active Premium subscription. Renew Premium and go online to"
            + " unlock your downloads.");
  }

  private static DeviceRecord requireDevice(AccountRecord account, String deviceId) {
    return account
        .device(deviceId)
        .orElseThrow(
            () ->
                new OfflineException(
                    OfflineReason.DEVICE_NOT_REGISTERED,
                    "This device is not set up for downloads. Add it under Offline devices in"
                        + " Settings."));
  }

  private List<WrappedKey> wrapKeys(String accountId, String deviceId, List<String> trackIds) {
    List<WrappedKey> keys;
    try {
      keys = keyIssuer.wrapKeys(accountId, deviceId, trackIds);
    } catch (KeyIssuer.KeyIssueException e) {
      log.warn(
          "Key issuer failed for {} tracks on device {} of account {}",
          trackIds.size(),
          deviceId,
          accountId,
          e);
      throw new OfflineException(
          OfflineReason.KEY_UNAVAILABLE, "Keys could not be issued right now. Try again later.", e);
    }
    if (keys.size() != trackIds.size()) {
      throw new IllegalStateException(
          "key issuer returned " + keys.size() + " keys for " + trackIds.size() + " tracks");
    }
    return keys;
  }

  private AccountRecord load(String accountId) {
    try {
      return store.load(accountId).orElseGet(() -> AccountRecord.empty(accountId));
    } catch (IOException e) {
      log.error("Cannot load offline state of account {}", accountId, e);
      throw new OfflineException(
          OfflineReason.INTERNAL, "Offline state could not be read. Try again later.", e);
    }
  }

  private void save(AccountRecord record) {
    try {
      store.save(record);
    } catch (IOException e) {
      log.error("Cannot save offline state of account {}", record.accountId(), e);
      throw new OfflineException(
          OfflineReason.INTERNAL, "Offline state could not be saved. Try again later.", e);
    }
  }

  private OfflineDevice view(DeviceRecord device) {
    Instant checked = device.lastOnlineCheck();
    return new OfflineDevice(
        device.deviceId(),
        device.displayName(),
        device.registeredAt(),
        checked,
        checked == null ? null : expiryPolicy.expiresAt(device.deviceId(), checked),
        device.heldTrackIds().size());
  }

  /** Builder for {@link OfflineService}. Every collaborator is required. */
  public static final class Builder {
    private AccountDirectory accounts;
    private DeviceDirectory devices;
    private OfflineObjectLocator objects;
    private KeyIssuer keyIssuer;
    private OfflineStore store;
    private byte[] expirySecret;
    private OfflineLimits limits = OfflineLimits.defaults();
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder accountDirectory(AccountDirectory value) {
      this.accounts = value;
      return this;
    }

    public Builder deviceDirectory(DeviceDirectory value) {
      this.devices = value;
      return this;
    }

    public Builder objectLocator(OfflineObjectLocator value) {
      this.objects = value;
      return this;
    }

    public Builder keyIssuer(KeyIssuer value) {
      this.keyIssuer = value;
      return this;
    }

    public Builder store(OfflineStore value) {
      this.store = value;
      return this;
    }

    /**
     * Sets the secret behind the per-device expiry jitter, at least {@link
     * LicenceExpiryPolicy#MIN_SECRET_BYTES} bytes. Keep it stable across restarts ({@link
     * LicenceExpiryPolicy#loadOrCreateSecret}) so that expiries do not move.
     */
    public Builder expirySecret(byte[] value) {
      this.expirySecret = value.clone();
      return this;
    }

    /** Sets the limits. Default {@link OfflineLimits#defaults()}. */
    public Builder limits(OfflineLimits value) {
      this.limits = Objects.requireNonNull(value, "limits");
      return this;
    }

    /** Sets the clock for registration times and licence expiry. Default the UTC system clock. */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    public OfflineService build() {
      return new OfflineService(this);
    }
  }
}
