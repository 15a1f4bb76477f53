package dev.tonearm.server.sync;

import dev.tonearm.server.OwnerOnlyFiles;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.client.SyncScheduler;
import dev.tonearm.sync.storage.RecordLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collaborative playlist sync: access control, validation, merging with the shared {@code
 * PlaylistCrdt}, storage (one {@link PlaylistFile} per playlist) and broadcast to subscribers.
 *
 * <p>Transport-neutral: {@link SyncEndpoint} connects WebSocket clients through {@link
 * #openSession}, and the rest of the server manages playlists through the public methods.
 *
 * <p><b>Soft delete.</b> A delete operation (owner only) marks the playlist deleted and records the
 * server time. For {@link SyncLimits#deletedRetention()} (30 days by default) collaborators can
 * still restore it; a batch of edits to a deleted playlist is rejected with {@code
 * PLAYLIST_DELETED} and the deletion notice, and the client can then restore the playlist or copy
 * it with its edits. {@link #purgeExpired()} deletes playlists whose retention has passed. It runs
 * in {@link Builder#open()} and, after {@link #schedulePurge}, once per interval until {@link
 * #close()}. Any access to an expired playlist purges it first, so expiry also takes effect between
 * sweeps.
 *
 * <p>Thread-safe. Each playlist has its own lock, the registry is a concurrent map, and {@code
 * scheduleLock} guards the purge schedule.
 */
public final class SyncService implements Closeable {
  private static final Logger logger = LoggerFactory.getLogger(SyncService.class);

  private final Path directory;
  private final Clock clock;
  private final SyncLimits limits;
  private final RecordLog.FsyncPolicy fsyncPolicy;
  private final Map<String, HostedPlaylist> playlists = new ConcurrentHashMap<>();
  private final Object scheduleLock = new Object();

  // Guarded by scheduleLock.
  private SyncScheduler.Cancellable scheduledPurge;
  private boolean closed;

  private SyncService(Builder builder) {
    this.directory = builder.directory;
    this.clock = builder.clock;
    this.limits = builder.limits;
    this.fsyncPolicy = builder.fsyncPolicy;
  }

  /** Returns a builder storing playlists under {@code directory}. */
  public static Builder builder(Path directory) {
    return new Builder(directory);
  }

  /** Builder of {@link SyncService}. */
  public static final class Builder {
    private final Path directory;
    private Clock clock = Clock.systemUTC();
    private SyncLimits limits = SyncLimits.defaults();
    private RecordLog.FsyncPolicy fsyncPolicy = RecordLog.FsyncPolicy.ALWAYS;

    private Builder(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
    }

    /** Clock for deletion times and presence; default the system UTC clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Limits; default {@link SyncLimits#defaults()}. */
    public Builder limits(SyncLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * When merged operations reach the disk; default {@code ALWAYS}, so an acknowledged operation
     * survives power loss.
     */
    public Builder fsyncPolicy(RecordLog.FsyncPolicy fsyncPolicy) {
      this.fsyncPolicy = Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
      return this;
    }

    /**
     * Creates the directory if needed, loads every stored playlist and purges expired ones.
     *
     * @throws SyncException {@code STORAGE_FAILED} or {@code CORRUPT_STORAGE} if a stored playlist
     *     cannot be loaded
     */
    public SyncService open() throws SyncException {
      SyncService service = new SyncService(this);
      service.loadAll();
      service.purgeExpired();
      return service;
    }
  }

  /**
   * Creates an empty playlist owned by {@code ownerUserId}.
   *
   * @throws SyncException {@code ALREADY_EXISTS}, or {@code PROTOCOL_ERROR} for an id outside
   *     {@code [A-Za-z0-9._-]{1,64}}
   */
  public void createPlaylist(String playlistId, String ownerUserId) throws SyncException {
    checkPlaylistId(playlistId);
    Optional<HostedPlaylist> existing = lookup(playlistId);
    if (existing.isPresent()) {
      throw new SyncException(
          SyncException.Reason.ALREADY_EXISTS, "playlist " + playlistId + " already exists");
    }
    synchronized (playlists) {
      if (playlists.containsKey(playlistId)) {
        throw new SyncException(
            SyncException.Reason.ALREADY_EXISTS, "playlist " + playlistId + " already exists");
      }
      HostedPlaylist created =
          HostedPlaylist.create(playlistId, ownerUserId, directory, fsyncPolicy, clock, limits);
      playlists.put(playlistId, created);
    }
    logger.debug("Created playlist {} for {}", playlistId, ownerUserId);
  }

  /** Lets {@code collaboratorUserId} edit a playlist; only the owner may do this. */
  public void addCollaborator(String playlistId, String ownerUserId, String collaboratorUserId)
      throws SyncException {
    find(playlistId).addCollaborator(ownerUserId, collaboratorUserId);
  }

  /** Revokes a collaborator, who is unsubscribed at once; only the owner may do this. */
  public void removeCollaborator(String playlistId, String ownerUserId, String collaboratorUserId)
      throws SyncException {
    find(playlistId).removeCollaborator(ownerUserId, collaboratorUserId);
  }

  /** Returns a copy of a playlist's current state, or empty if it does not exist. */
  public Optional<PlaylistView> view(String playlistId) {
    return lookup(playlistId).map(HostedPlaylist::view);
  }

  /** Deletes every playlist whose soft-delete retention has passed; returns how many. */
  public int purgeExpired() {
    long nowMs = clock.millis();
    int purged = 0;
    for (HostedPlaylist playlist : new ArrayList<>(playlists.values())) {
      if (playlist.isExpired(nowMs) && purge(playlist)) {
        purged++;
      }
    }
    return purged;
  }

  /**
   * Runs {@link #purgeExpired()} on {@code scheduler} every {@code interval} until {@link #close()}.
   * Expiry is judged by this service's clock at each run, so a test that advances a fake clock and
   * a fake scheduler triggers a sweep without waiting. A sweep that fails is logged and the next one
   * still runs.
   *
   * @throws IllegalArgumentException if {@code interval} is not positive
   * @throws IllegalStateException if a schedule is already running or the service is closed
   */
  public void schedulePurge(SyncScheduler scheduler, Duration interval) {
    Objects.requireNonNull(scheduler, "scheduler");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("purge interval must be > 0: " + interval);
    }
    synchronized (scheduleLock) {
      if (closed) {
        throw new IllegalStateException("sync service is closed");
      }
      if (scheduledPurge != null) {
        throw new IllegalStateException("purge is already scheduled");
      }
      scheduleNextPurge(scheduler, interval.toMillis());
    }
  }

  private void scheduleNextPurge(SyncScheduler scheduler, long intervalMs) {
    scheduledPurge = scheduler.schedule(() -> runScheduledPurge(scheduler, intervalMs), intervalMs);
  }

  private void runScheduledPurge(SyncScheduler scheduler, long intervalMs) {
    synchronized (scheduleLock) {
      if (closed) {
        return;
      }
    }
    try {
      int purged = purgeExpired();
      if (purged > 0) {
        logger.info("Purged {} playlists whose deletion retention has passed", purged);
      }
    } catch (RuntimeException e) {
      logger.error("Scheduled purge of expired playlists failed, next attempt in {} ms", intervalMs, e);
    }
    synchronized (scheduleLock) {
      if (!closed) {
        scheduleNextPurge(scheduler, intervalMs);
      }
    }
  }

  /**
   * Starts a session for an authenticated connection and sends it the hello message. The caller
   * passes every incoming text message to {@link SyncSession#onMessage} and calls {@link
   * SyncSession#onClose} when the connection closes.
   */
  SyncSession openSession(String userId, SyncConnection connection) {
    SyncSession session = new SyncSession(userId, connection, this);
    session.start();
    return session;
  }

  /** Cancels the purge schedule and closes every playlist file. */
  @Override
  public void close() throws IOException {
    synchronized (scheduleLock) {
      closed = true;
      if (scheduledPurge != null) {
        scheduledPurge.cancel();
        scheduledPurge = null;
      }
    }
    for (HostedPlaylist playlist : playlists.values()) {
      playlist.close();
    }
    playlists.clear();
  }

  Clock clock() {
    return clock;
  }

  SyncLimits limits() {
    return limits;
  }

  /** Returns a playlist, raising {@code NOT_FOUND} if it does not exist or has expired. */
  HostedPlaylist find(String playlistId) throws SyncException {
    return lookup(playlistId)
        .orElseThrow(
            () ->
                new SyncException(
                    SyncException.Reason.NOT_FOUND, "playlist " + playlistId + " not found"));
  }

  /** Returns the playlists that {@code userId} owns or collaborates on. */
  List<HostedPlaylist> playlistsOf(String userId) {
    List<HostedPlaylist> result = new ArrayList<>();
    for (HostedPlaylist playlist : playlists.values()) {
      if (playlist.roleOf(userId) != HostedPlaylist.Role.NONE
          && !playlist.isExpired(clock.millis())) {
        result.add(playlist);
      }
    }
    return result;
  }

  private Optional<HostedPlaylist> lookup(String playlistId) {
    HostedPlaylist playlist = playlists.get(playlistId);
    if (playlist == null) {
      return Optional.empty();
    }
    if (playlist.isExpired(clock.millis())) {
      purge(playlist);
      return Optional.empty();
    }
    return Optional.of(playlist);
  }

  private boolean purge(HostedPlaylist playlist) {
    try {
      playlist.purge();
      playlists.remove(playlist.id, playlist);
      logger.debug("Purged playlist {} after its deletion expired", playlist.id);
      return true;
    } catch (SyncException e) {
      logger.error("Failed to purge expired playlist {}", playlist.id, e);
      return false;
    }
  }

  /** Loads every playlist file; all playlists stay in memory, which suits a reference server. */
  private void loadAll() throws SyncException {
    try {
      OwnerOnlyFiles.createDirectories(directory);
      try (DirectoryStream<Path> files =
          Files.newDirectoryStream(directory, "*" + PlaylistFile.EXTENSION)) {
        for (Path file : files) {
          String name = file.getFileName().toString();
          String playlistId = name.substring(0, name.length() - PlaylistFile.EXTENSION.length());
          playlists.put(
              playlistId, HostedPlaylist.load(playlistId, file, fsyncPolicy, clock, limits));
        }
      }
    } catch (IOException e) {
      if (e instanceof SyncException) {
        throw (SyncException) e;
      }
      throw new SyncException(
          SyncException.Reason.STORAGE_FAILED, "failed to load playlists from " + directory, e);
    }
    logger.debug("Loaded {} playlists from {}", playlists.size(), directory);
  }

  private static void checkPlaylistId(String playlistId) throws SyncException {
    boolean valid = playlistId != null && !playlistId.isEmpty() && playlistId.length() <= 64;
    for (int i = 0; valid && i < playlistId.length(); i++) {
      char c = playlistId.charAt(i);
      valid =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
    }
    if (!valid) {
      throw new SyncException(
          SyncException.Reason.PROTOCOL_ERROR,
          "playlist id must be 1 to 64 characters from [A-Za-z0-9._-]: " + playlistId);
    }
  }
}
