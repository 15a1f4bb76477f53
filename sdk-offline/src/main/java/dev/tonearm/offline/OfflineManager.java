package dev.tonearm.offline;

import dev.tonearm.offline.internal.DownloadIndex;
import dev.tonearm.offline.internal.OfflineContext;
import dev.tonearm.offline.internal.Recovery;
import dev.tonearm.offline.internal.TrackFiles;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of offline playback: opens the offline folder, recovers its index after a crash, and
 * gives access to the {@link DownloadManager}, the {@link LicenceManager} and the {@link
 * OfflineCatalog}.
 *
 * <p>The offline folder holds only offline files: the index and the encrypted objects. It must not
 * be the streaming cache's folder, and the cache must not write into it, because recovery deletes
 * files it does not know.
 *
 * <p>Thread-safe. {@link Builder#build()} and {@link #close()} do file I/O and wait for threads,
 * and the device methods call the server; call them off the main thread.
 */
public final class OfflineManager implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(OfflineManager.class);

  private final OfflineContext context;
  private final DownloadManager downloads;
  private final LicenceManager licences;
  private final OfflineCatalog catalog;

  private OfflineManager(
      OfflineContext context,
      List<DownloadListener> downloadListeners,
      List<LicenceListener> licenceListeners) {
    this.context = context;
    this.downloads = new DownloadManager(context, downloadListeners);
    this.licences = new LicenceManager(context, downloads, licenceListeners);
    this.downloads.setLicenceManager(licences);
    this.catalog = new IndexCatalog(context);
  }

  /** Starts a builder for the offline folder {@code rootDirectory}, which is created if needed. */
  public static Builder builder(Path rootDirectory) {
    return new Builder(rootDirectory);
  }

  public DownloadManager downloads() {
    return downloads;
  }

  public LicenceManager licences() {
    return licences;
  }

  public OfflineCatalog catalog() {
    return catalog;
  }

  /**
   * Registers this device for offline use; fails with DEVICE_LIMIT when the account is full. Calls
   * the server on the caller's thread.
   */
  public OfflineDevice registerDevice(String displayName) throws IOException {
    return context.client.registerDevice(displayName);
  }

  /** Lists the account's offline devices, for a settings screen. Calls the server. */
  public List<OfflineDevice> listDevices() throws IOException {
    return context.client.listDevices();
  }

  /** Deauthorises another device of the account to free its slot. Calls the server. */
  public void deauthoriseDevice(String deviceId) throws IOException {
    context.client.deauthoriseDevice(deviceId);
  }

  /** Stops downloads and background work. Partial files are kept and resumed at the next open. */
  @Override
  public void close() throws IOException {
    if (context.isClosed()) {
      return;
    }
    context.markClosed();
    try {
      licences.close();
      downloads.close();
      context.events.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      context.lock.lock();
      try {
        context.index.close();
      } finally {
        context.lock.unlock();
      }
    }
  }

  /** Builder for {@link OfflineManager}. */
  public static final class Builder {
    /** Default parallel downloads. */
    public static final int DEFAULT_MAX_PARALLEL_DOWNLOADS = 2;

    /** Default consecutive failed attempts before a download or request gives up. */
    public static final int DEFAULT_MAX_ATTEMPTS = 6;

    /** Default ceiling of the first retry delay; it doubles per attempt. */
    public static final long DEFAULT_BACKOFF_BASE_MS = 1_000;

    /** Default maximum retry delay. */
    public static final long DEFAULT_BACKOFF_MAX_MS = 60_000;

    /** Default time before expiry from which a background refresh is due: 7 days. */
    public static final long DEFAULT_REFRESH_LEAD_MS = 7 * LicencePhase.DAY_MS;

    /** Default ceiling of the first delay after a failed refresh. */
    public static final long DEFAULT_REFRESH_RETRY_BASE_MS = 60_000;

    /** Default maximum delay between refresh attempts: 6 hours. */
    public static final long DEFAULT_REFRESH_RETRY_MAX_MS = 6 * 60 * 60 * 1000L;

    /** Default disk space left free for the rest of the device: 16 MB. */
    public static final long DEFAULT_MIN_FREE_SPACE_BYTES = 16L * 1024 * 1024;

    /** Default interval of background licence ticks: 15 minutes. */
    public static final long DEFAULT_TICK_INTERVAL_MS = 15 * 60 * 1000L;

    private final Path rootDirectory;
    private AuthorisationClient client;
    private DownloadTransport transport;
    private OfflineKeyStore keyStore;
    private Clock clock = Clock.systemUTC();
    private DiskSpace diskSpace = DiskSpace.fileStore();
    private long defaultQuotaBytes = StorageQuota.DEFAULT_BYTES;
    private int maxParallelDownloads = DEFAULT_MAX_PARALLEL_DOWNLOADS;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private long backoffBaseMs = DEFAULT_BACKOFF_BASE_MS;
    private long backoffMaxMs = DEFAULT_BACKOFF_MAX_MS;
    private long refreshLeadMs = DEFAULT_REFRESH_LEAD_MS;
    private long refreshRetryBaseMs = DEFAULT_REFRESH_RETRY_BASE_MS;
    private long refreshRetryMaxMs = DEFAULT_REFRESH_RETRY_MAX_MS;
    private long minFreeSpaceBytes = DEFAULT_MIN_FREE_SPACE_BYTES;
    private long tickIntervalMs = DEFAULT_TICK_INTERVAL_MS;
    private Random random = new Random();
    private RetrySleeper sleeper = RetrySleeper.THREAD_SLEEP;
    private CheckpointObserver checkpoints = CheckpointObserver.NONE;
    private final List<DownloadListener> downloadListeners = new ArrayList<>();
    private final List<LicenceListener> licenceListeners = new ArrayList<>();

    private Builder(Path rootDirectory) {
      this.rootDirectory = requireNonNull(rootDirectory, "rootDirectory");
    }

    /** Sets the licence server client. Required. */
    public Builder setAuthorisationClient(AuthorisationClient value) {
      this.client = requireNonNull(value, "authorisationClient");
      return this;
    }

    /** Sets the object transport. Required. */
    public Builder setDownloadTransport(DownloadTransport value) {
      this.transport = requireNonNull(value, "downloadTransport");
      return this;
    }

    /** Sets the device key store. Required. */
    public Builder setKeyStore(OfflineKeyStore value) {
      this.keyStore = requireNonNull(value, "keyStore");
      return this;
    }

    /** Sets the clock behind licence days and expiry. Default the UTC system clock. */
    public Builder setClock(Clock value) {
      this.clock = requireNonNull(value, "clock");
      return this;
    }

    /** Sets the free-space source. Default {@link DiskSpace#fileStore()}. */
    public Builder setDiskSpace(DiskSpace value) {
      this.diskSpace = requireNonNull(value, "diskSpace");
      return this;
    }

    /**
     * Sets the quota used until the user sets one with {@link
     * DownloadManager#setStorageQuotaBytes}. Default {@link StorageQuota#DEFAULT_BYTES}.
     *
     * @throws OfflineException with INVALID_QUOTA outside 50 MB to 10 GB
     */
    public Builder setDefaultStorageQuotaBytes(long value) throws OfflineException {
      this.defaultQuotaBytes = StorageQuota.requireValid(value);
      return this;
    }

    /** Sets the number of downloads that run at once, 1 to 8. Default 2. */
    public Builder setMaxParallelDownloads(int value) {
      this.maxParallelDownloads = requireRange("maxParallelDownloads", value, 1, 8);
      return this;
    }

    /** Sets the consecutive failed attempts before giving up, 1 to 20. Default 6. */
    public Builder setMaxAttempts(int value) {
      this.maxAttempts = requireRange("maxAttempts", value, 1, 20);
      return this;
    }

    /**
     * Sets the retry backoff of downloads and requests: the delay before retry {@code n} is uniform
     * in {@code [0, min(maxMs, baseMs * 2^(n-1)))}. Defaults 1 s and 60 s.
     */
    public Builder setBackoff(long baseMs, long maxMs) {
      requireBackoff(baseMs, maxMs);
      this.backoffBaseMs = baseMs;
      this.backoffMaxMs = maxMs;
      return this;
    }

    /** Sets the backoff between failed background refreshes. Defaults 60 s and 6 hours. */
    public Builder setRefreshBackoff(long baseMs, long maxMs) {
      requireBackoff(baseMs, maxMs);
      this.refreshRetryBaseMs = baseMs;
      this.refreshRetryMaxMs = maxMs;
      return this;
    }

    /** Sets how long before expiry a background refresh becomes due. Default 7 days. */
    public Builder setRefreshLeadMs(long value) {
      if (value < 0 || value > 30 * LicencePhase.DAY_MS) {
        throw new IllegalArgumentException("refreshLeadMs must be 0 to 30 days: " + value);
      }
      this.refreshLeadMs = value;
      return this;
    }

    /** Sets the disk space always left free. Default 16 MB. */
    public Builder setMinFreeSpaceBytes(long value) {
      if (value < 0) {
        throw new IllegalArgumentException("minFreeSpaceBytes must be >= 0: " + value);
      }
      this.minFreeSpaceBytes = value;
      return this;
    }

    /**
     * Sets the interval of the manager's own licence ticks; 0 disables them, and the app (or a
     * test) calls {@link LicenceManager#tick()}. Default 15 minutes.
     */
    public Builder setTickIntervalMs(long value) {
      if (value < 0) {
        throw new IllegalArgumentException("tickIntervalMs must be >= 0: " + value);
      }
      this.tickIntervalMs = value;
      return this;
    }

    /** Sets the random source of backoff jitter. Default a new {@link Random}. */
    public Builder setRandom(Random value) {
      this.random = requireNonNull(value, "random");
      return this;
    }

    /** Sets how backoff delays are waited out. Default {@link Thread#sleep(long)}. */
    public Builder setRetrySleeper(RetrySleeper value) {
      this.sleeper = requireNonNull(value, "retrySleeper");
      return this;
    }

    /**
     * Adds a download listener before the manager starts, so it also receives the events of
     * downloads that resume at open.
     */
    public Builder addDownloadListener(DownloadListener listener) {
      downloadListeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Adds a licence listener before the manager starts, so it also receives the phase found at
     * open, for example WARNING after a long time offline.
     */
    public Builder addLicenceListener(LicenceListener listener) {
      licenceListeners.add(requireNonNull(listener, "listener"));
      return this;
    }

    /** Sets an observer of durable steps, for diagnostics and fault injection. Default none. */
    public Builder setCheckpointObserver(CheckpointObserver value) {
      this.checkpoints = requireNonNull(value, "checkpointObserver");
      return this;
    }

    /**
     * Opens the offline folder, replays and reconciles the index, and starts background work:
     * queued downloads resume and pending key requests are sent.
     *
     * @throws OfflineException with INDEX_CORRUPT when the index cannot be read
     * @throws IOException when the folder cannot be created or read
     */
    public OfflineManager build() throws IOException {
      requireNonNull(client, "authorisationClient");
      requireNonNull(transport, "downloadTransport");
      requireNonNull(keyStore, "keyStore");
      TrackFiles files = new TrackFiles(rootDirectory.toAbsolutePath());
      files.createDirectories();
      OfflineContext.Settings settings =
          new OfflineContext.Settings(
              files.root(),
              defaultQuotaBytes,
              maxParallelDownloads,
              maxAttempts,
              backoffBaseMs,
              backoffMaxMs,
              refreshLeadMs,
              refreshRetryBaseMs,
              refreshRetryMaxMs,
              minFreeSpaceBytes,
              tickIntervalMs);
      DownloadIndex index = DownloadIndex.open(files.indexDirectory(), checkpoints);
      OfflineContext context =
          new OfflineContext(
              settings,
              index,
              files,
              keyStore,
              client,
              transport,
              diskSpace,
              clock,
              sleeper,
              checkpoints,
              random);
      try {
        Recovery.run(context);
      } catch (IOException | RuntimeException e) {
        index.close();
        throw e;
      }
      OfflineManager manager = new OfflineManager(context, downloadListeners, licenceListeners);
      manager.licences.start();
      manager.downloads.start();
      log.debug("Offline manager opened at {}", files.root());
      return manager;
    }

    private static <T> T requireNonNull(T value, String name) {
      if (value == null) {
        throw new NullPointerException(name + " is required");
      }
      return value;
    }

    private static int requireRange(String name, int value, int min, int max) {
      if (value < min || value > max) {
        throw new IllegalArgumentException(name + " must be " + min + " to " + max + ": " + value);
      }
      return value;
    }

    private static void requireBackoff(long baseMs, long maxMs) {
      if (baseMs <= 0 || maxMs < baseMs) {
        throw new IllegalArgumentException(
            "backoff needs 0 < baseMs <= maxMs: " + baseMs + ", " + maxMs);
      }
    }
  }
}
