package dev.tonearm.sync.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.protocol.DeletionNotice;
import dev.tonearm.sync.protocol.OpJson;
import dev.tonearm.sync.protocol.PresenceInfo;
import dev.tonearm.sync.protocol.SyncProtocol;
import dev.tonearm.sync.storage.RecordLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps collaborative playlists in sync with the server over one WebSocket (OkHttp).
 *
 * <p><b>Connection.</b> {@link #connect()} opens the socket with {@code Authorization: Bearer} and
 * the token from the supplier; the server replies with a hello listing the user's playlists and
 * their version vectors ({@link SyncListener#onConnected}). Each open playlist then subscribes with
 * its local version vector and receives a delta, or a snapshot when it has no state. When the
 * connection fails or closes, the client reconnects after an exponential backoff with full jitter
 * (initial {@value #DEFAULT_RECONNECT_INITIAL_DELAY_MS} ms, max {@value
 * #DEFAULT_RECONNECT_MAX_DELAY_MS} ms by default), asking the supplier for a fresh token each time,
 * until {@link #disconnect()} or {@link #close()}.
 *
 * <p><b>Offline first.</b> {@link #open} loads a playlist from local storage, so it works without a
 * connection; edits are applied at once and kept in a crash-safe queue until the server
 * acknowledges them (see {@link SyncedPlaylist}). {@link #status()} is {@link SyncStatus#OFFLINE},
 * {@link SyncStatus#SYNCING} or {@link SyncStatus#SYNCED}.
 *
 * <p><b>Threads.</b> Every public method is thread-safe. State is guarded by one lock; OkHttp
 * delivers socket events on its own threads, which take the lock too. Delayed work (batching,
 * reconnects) and listener calls run on the {@link SyncScheduler}, by default one daemon thread
 * owned by the client. Listener calls never hold the lock.
 */
public final class SyncClient implements Closeable {
  /** Default delay that collects rapid edits into one message. */
  public static final long DEFAULT_BATCH_DELAY_MS = 50;

  /** Default upper bound of the first reconnect delay. */
  public static final long DEFAULT_RECONNECT_INITIAL_DELAY_MS = 500;

  /** Default upper bound of every reconnect delay. */
  public static final long DEFAULT_RECONNECT_MAX_DELAY_MS = 30_000;

  private static final Logger logger = LoggerFactory.getLogger(SyncClient.class);

  /** Bytes of a rejected upgrade's response body that are read to find its error code. */
  private static final long MAX_ERROR_BODY_BYTES = 4096;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private enum Connection {
    DISCONNECTED,
    CONNECTING,
    OPEN
  }

  /** Guards every mutable field here and in the {@link SyncedPlaylist}s. */
  final Object lock = new Object();

  private final String url;
  private final ReplicaId replica;
  private final Path storageDirectory;
  private final OkHttpClient okHttpClient;
  private final boolean ownsOkHttpClient;
  private final Supplier<String> accessToken;
  private final SyncScheduler scheduler;
  private final ScheduledExecutorService ownedExecutor;
  private final Backoff backoff;
  private final long batchDelayMs;
  private final int maxOpsPerMessage;
  private final RecordLog.FsyncPolicy fsyncPolicy;
  private final SyncListener listener;

  private final EventQueue events;

  // Guarded by lock.
  private final Map<String, SyncedPlaylist> playlists = new LinkedHashMap<>();
  private WebSocket socket;
  private Connection connection = Connection.DISCONNECTED;
  private boolean wantOnline;
  private boolean closed;
  private int attempt;
  private SyncScheduler.Cancellable reconnectTask;
  private SyncStatus status = SyncStatus.OFFLINE;
  private List<PlaylistSummary> serverPlaylists = Collections.emptyList();
  private long lastRequestId;

  private SyncClient(Builder builder) {
    this.url = builder.url;
    this.replica = builder.replica;
    this.storageDirectory = builder.storageDirectory;
    this.ownsOkHttpClient = builder.okHttpClient == null;
    this.okHttpClient =
        ownsOkHttpClient
            ? new OkHttpClient.Builder().pingInterval(20, TimeUnit.SECONDS).build()
            : builder.okHttpClient;
    this.accessToken = builder.accessToken;
    if (builder.scheduler == null) {
      this.ownedExecutor =
          Executors.newSingleThreadScheduledExecutor(
              runnable -> {
                Thread thread = new Thread(runnable, "tonearm-sync");
                thread.setDaemon(true);
                return thread;
              });
      this.scheduler = SyncScheduler.of(ownedExecutor);
    } else {
      this.ownedExecutor = null;
      this.scheduler = builder.scheduler;
    }
    this.backoff =
        new Backoff(builder.reconnectInitialDelayMs, builder.reconnectMaxDelayMs, builder.random);
    this.batchDelayMs = builder.batchDelayMs;
    this.maxOpsPerMessage = builder.maxOpsPerMessage;
    this.fsyncPolicy = builder.fsyncPolicy;
    this.listener = builder.listener;
    this.events = new EventQueue(scheduler);
  }

  /**
   * Returns a builder for a client of the endpoint {@code url} (for example {@code
   * ws://127.0.0.1:8080/v1/sync}) that edits as {@code replica} and stores playlists in {@code
   * storageDirectory}. The replica id must be unique per device and stay the same across restarts,
   * or stored pending edits would be sent under another id.
   */
  public static Builder builder(String url, ReplicaId replica, Path storageDirectory) {
    return new Builder(url, replica, storageDirectory);
  }

  /** Builder of {@link SyncClient}; every setter documents its default. */
  public static final class Builder {
    private final String url;
    private final ReplicaId replica;
    private final Path storageDirectory;
    private OkHttpClient okHttpClient;
    private Supplier<String> accessToken = () -> "";
    private SyncScheduler scheduler;
    private Random random = new SecureRandom();
    private long batchDelayMs = DEFAULT_BATCH_DELAY_MS;
    private long reconnectInitialDelayMs = DEFAULT_RECONNECT_INITIAL_DELAY_MS;
    private long reconnectMaxDelayMs = DEFAULT_RECONNECT_MAX_DELAY_MS;
    private int maxOpsPerMessage = SyncProtocol.DEFAULT_MAX_OPS_PER_MESSAGE;
    private RecordLog.FsyncPolicy fsyncPolicy = RecordLog.FsyncPolicy.ALWAYS;
    private SyncListener listener = new SyncListener() {};

    private Builder(String url, ReplicaId replica, Path storageDirectory) {
      this.url = Objects.requireNonNull(url, "url");
      this.replica = Objects.requireNonNull(replica, "replica");
      this.storageDirectory = Objects.requireNonNull(storageDirectory, "storageDirectory");
    }

    /** HTTP client; default a new one with a 20 s WebSocket ping interval, closed with us. */
    public Builder okHttpClient(OkHttpClient okHttpClient) {
      this.okHttpClient = Objects.requireNonNull(okHttpClient, "okHttpClient");
      return this;
    }

    /** Source of the access token, called on every connect; default an empty token. */
    public Builder accessToken(Supplier<String> accessToken) {
      this.accessToken = Objects.requireNonNull(accessToken, "accessToken");
      return this;
    }

    /** Scheduler for delays and listener calls; default one daemon thread owned by the client. */
    public Builder scheduler(SyncScheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Source of reconnect jitter; default a {@link SecureRandom}. */
    public Builder random(Random random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** Delay that collects rapid edits into one message; default 50 ms. */
    public Builder batchDelayMs(long batchDelayMs) {
      if (batchDelayMs < 0) {
        throw new IllegalArgumentException("batchDelayMs must be >= 0: " + batchDelayMs);
      }
      this.batchDelayMs = batchDelayMs;
      return this;
    }

    /** Bounds of the reconnect backoff; default 500 ms initial, 30,000 ms maximum. */
    public Builder reconnectDelays(long initialDelayMs, long maxDelayMs) {
      if (initialDelayMs <= 0 || maxDelayMs < initialDelayMs) {
        throw new IllegalArgumentException(
            "need 0 < initialDelayMs <= maxDelayMs: " + initialDelayMs + ", " + maxDelayMs);
      }
      this.reconnectInitialDelayMs = initialDelayMs;
      this.reconnectMaxDelayMs = maxDelayMs;
      return this;
    }

    /**
     * Operations per message, at most the server's limit; default {@value
     * SyncProtocol#DEFAULT_MAX_OPS_PER_MESSAGE}.
     */
    public Builder maxOpsPerMessage(int maxOpsPerMessage) {
      if (maxOpsPerMessage <= 0) {
        throw new IllegalArgumentException("maxOpsPerMessage must be > 0: " + maxOpsPerMessage);
      }
      this.maxOpsPerMessage = maxOpsPerMessage;
      return this;
    }

    /** When stored edits reach the device; default {@code ALWAYS}. */
    public Builder fsyncPolicy(RecordLog.FsyncPolicy fsyncPolicy) {
      this.fsyncPolicy = Objects.requireNonNull(fsyncPolicy, "fsyncPolicy");
      return this;
    }

    /** Event listener; default none. */
    public Builder listener(SyncListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    public SyncClient build() {
      return new SyncClient(this);
    }
  }

  /** Goes online: opens the connection now and reopens it after failures. */
  public void connect() {
    synchronized (lock) {
      checkNotClosed();
      wantOnline = true;
      if (connection == Connection.DISCONNECTED && reconnectTask == null) {
        openSocket();
      }
    }
  }

  /** Goes offline: closes the connection and stops reconnecting. Edits keep working locally. */
  public void disconnect() {
    synchronized (lock) {
      wantOnline = false;
      cancelReconnect();
      if (socket != null) {
        socket.close(1000, "client went offline");
        connectionLost(null);
      }
    }
  }

  /**
   * Opens a playlist from local storage and syncs it while connected. Opening an open playlist
   * returns the same instance.
   *
   * @throws SyncException {@code STORAGE_FAILED} or {@code CORRUPT_STORAGE} if its files fail
   */
  public SyncedPlaylist open(String playlistId) throws SyncException {
    synchronized (lock) {
      checkNotClosed();
      SyncedPlaylist playlist = playlists.get(playlistId);
      if (playlist == null) {
        playlist = load(playlistId, false);
        if (connection == Connection.OPEN) {
          playlist.onConnected();
        }
        updateStatus();
      }
      return playlist;
    }
  }

  /**
   * Creates a playlist owned by this user, named {@code name}; it exists locally at once and on the
   * server as soon as the client is connected.
   *
   * @throws SyncException {@code ALREADY_EXISTS} if a playlist with that id is open
   */
  public SyncedPlaylist createPlaylist(String playlistId, String name) throws SyncException {
    synchronized (lock) {
      checkNotClosed();
      if (playlists.containsKey(playlistId)) {
        throw new SyncException(
            SyncException.Reason.ALREADY_EXISTS, "playlist " + playlistId + " is already open");
      }
      SyncedPlaylist playlist = load(playlistId, true);
      playlist.rename(name);
      if (connection == Connection.OPEN) {
        playlist.onConnected();
      }
      updateStatus();
      return playlist;
    }
  }

  public SyncStatus status() {
    synchronized (lock) {
      return status;
    }
  }

  /** Returns the user's playlists as listed by the server at the last connect. */
  public List<PlaylistSummary> serverPlaylists() {
    synchronized (lock) {
      return serverPlaylists;
    }
  }

  public ReplicaId replica() {
    return replica;
  }

  /** Closes the connection and every open playlist; pending edits stay stored. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      for (SyncedPlaylist playlist : new ArrayList<>(playlists.values())) {
        playlist.close();
      }
      wantOnline = false;
      cancelReconnect();
      if (socket != null) {
        socket.close(1000, "client closed");
        connectionLost(null);
      }
      closed = true;
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    if (ownsOkHttpClient) {
      okHttpClient.dispatcher().executorService().shutdown();
      okHttpClient.connectionPool().evictAll();
    }
  }

  // Used by SyncedPlaylist under the lock.

  int maxOpsPerMessage() {
    return maxOpsPerMessage;
  }

  boolean isOpen() {
    return connection == Connection.OPEN;
  }

  long nextRequestId() {
    return ++lastRequestId;
  }

  void send(JsonNode message) {
    if (connection != Connection.OPEN || socket == null) {
      return;
    }
    if (!socket.send(SyncProtocol.toText(message))) {
      logger.debug(
          "Failed to queue a message on the WebSocket (closing, or 16 MiB queued); reconnecting");
      socket.cancel();
    }
  }

  SyncScheduler.Cancellable scheduleFlush(SyncedPlaylist playlist) {
    return scheduler.schedule(
        () -> {
          synchronized (lock) {
            playlist.flush();
            updateStatus();
          }
        },
        batchDelayMs);
  }

  void forget(SyncedPlaylist playlist) {
    playlists.remove(playlist.id());
    updateStatus();
  }

  void emitChanged(String playlistId) {
    emit(() -> listener.onPlaylistChanged(playlistId));
  }

  void emitPresence(String playlistId, List<PresenceInfo> editors) {
    emit(() -> listener.onPresenceChanged(playlistId, editors));
  }

  void emitDeleted(String playlistId, DeletionNotice notice) {
    emit(() -> listener.onPlaylistDeleted(playlistId, notice));
  }

  void emitError(SyncException error) {
    logger.debug("Sync error: {}", error.getMessage());
    emit(() -> listener.onError(error));
  }

  void updateStatus() {
    SyncStatus next;
    if (connection != Connection.OPEN) {
      next = SyncStatus.OFFLINE;
    } else {
      next = SyncStatus.SYNCED;
      for (SyncedPlaylist playlist : playlists.values()) {
        if (!playlist.isSynced()) {
          next = SyncStatus.SYNCING;
        }
      }
    }
    if (next != status) {
      SyncStatus changed = next;
      status = changed;
      emit(() -> listener.onStatusChanged(changed));
    }
  }

  void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      logger.warn("Failed to close playlist storage", e);
    }
  }

  // Connection handling, under the lock.

  private SyncedPlaylist load(String playlistId, boolean createOnServer) throws SyncException {
    PlaylistStore store = PlaylistStore.open(storageDirectory, playlistId, fsyncPolicy);
    try {
      SyncedPlaylist playlist = new SyncedPlaylist(this, playlistId, store, createOnServer);
      playlists.put(playlistId, playlist);
      return playlist;
    } catch (SyncException | RuntimeException e) {
      closeQuietly(store);
      throw e;
    }
  }

  private void openSocket() {
    reconnectTask = null;
    Request request;
    try {
      request =
          new Request.Builder()
              .url(url)
              .header("Authorization", "Bearer " + accessToken.get())
              .build();
    } catch (IllegalArgumentException e) {
      emitError(new SyncException(SyncException.Reason.CONNECTION_FAILED, "bad url " + url, e));
      return;
    }
    connection = Connection.CONNECTING;
    socket = okHttpClient.newWebSocket(request, new SocketListener());
  }

  private void connectionLost(Throwable cause) {
    socket = null;
    connection = Connection.DISCONNECTED;
    for (SyncedPlaylist playlist : playlists.values()) {
      playlist.onDisconnected();
    }
    updateStatus();
    if (wantOnline && !closed && reconnectTask == null) {
      long delayMs = backoff.delayMs(attempt);
      logger.debug(
          "Reconnecting in {} ms (attempt {}) after: {}",
          delayMs,
          attempt + 1,
          cause == null ? "close" : cause.toString());
      attempt++;
      reconnectTask =
          scheduler.schedule(
              () -> {
                synchronized (lock) {
                  if (wantOnline && !closed && connection == Connection.DISCONNECTED) {
                    openSocket();
                  } else {
                    reconnectTask = null;
                  }
                }
              },
              delayMs);
    }
  }

  private void cancelReconnect() {
    if (reconnectTask != null) {
      reconnectTask.cancel();
      reconnectTask = null;
    }
  }

  private void handleMessage(String text) throws SyncException {
    JsonNode message = SyncProtocol.parse(text);
    String type = message.get("type").asText();
    if (SyncProtocol.HELLO.equals(type)) {
      onHello(message);
      return;
    }
    String playlistId = message.path("playlistId").asText(null);
    SyncedPlaylist playlist = playlistId == null ? null : playlists.get(playlistId);
    switch (type) {
      case SyncProtocol.SNAPSHOT:
      case SyncProtocol.DELTA:
      case SyncProtocol.UPDATE:
        if (playlist != null) {
          playlist.onOps(type, message);
        }
        break;
      case SyncProtocol.ACK:
        if (playlist != null) {
          playlist.onAck(message);
        }
        break;
      case SyncProtocol.PRESENCE:
        if (playlist != null) {
          List<PresenceInfo> editors = new ArrayList<>();
          for (JsonNode editor : message.path("editors")) {
            editors.add(PresenceInfo.fromJson(editor));
          }
          List<String> left = new ArrayList<>();
          for (JsonNode replicaId : message.path("left")) {
            left.add(replicaId.asText());
          }
          playlist.onPresence(message.path("full").asBoolean(false), editors, left);
        }
        break;
      case SyncProtocol.CREATED:
        if (playlist != null) {
          playlist.onCreated();
        }
        break;
      case SyncProtocol.ERROR:
        onErrorMessage(message, playlist);
        break;
      default:
        logger.debug("Ignoring sync message of unknown type {}", type);
    }
  }

  private void onHello(JsonNode message) throws SyncException {
    List<PlaylistSummary> summaries = new ArrayList<>();
    for (JsonNode summary : message.path("playlists")) {
      summaries.add(
          new PlaylistSummary(
              SyncProtocol.text(summary, "playlistId"),
              OpJson.decodeVersion(summary.get("version")),
              summary.path("deleted").asBoolean(false),
              summary.path("role").asText("")));
    }
    serverPlaylists = Collections.unmodifiableList(summaries);
    connection = Connection.OPEN;
    attempt = 0;
    logger.debug("Connected to {} as {}", url, replica);
    List<PlaylistSummary> connected = serverPlaylists;
    emit(() -> listener.onConnected(connected));
    for (SyncedPlaylist playlist : playlists.values()) {
      playlist.onConnected();
    }
  }

  private void onErrorMessage(JsonNode message, SyncedPlaylist playlist) throws SyncException {
    SyncException.Reason code;
    try {
      code = SyncException.Reason.valueOf(message.path("code").asText());
    } catch (IllegalArgumentException e) {
      code = SyncException.Reason.INTERNAL;
    }
    String text = message.path("message").asText("");
    if (playlist == null) {
      emitError(new SyncException(code, text));
      return;
    }
    playlist.onError(
        code,
        text,
        message.path("requestId").asLong(0),
        DeletionNotice.fromJson(message.get("deletion")));
  }

  private void emit(Runnable event) {
    events.post(event);
  }

  private void checkNotClosed() {
    if (closed) {
      throw new IllegalStateException("sync client is closed");
    }
  }

  /** OkHttp callbacks for one socket; events of a replaced socket are ignored. */
  private final class SocketListener extends WebSocketListener {
    @Override
    public void onMessage(WebSocket webSocket, String text) {
      synchronized (lock) {
        if (webSocket != socket) {
          return;
        }
        try {
          handleMessage(text);
        } catch (SyncException e) {
          emitError(e);
        }
        updateStatus();
      }
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(1000, null);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      synchronized (lock) {
        if (webSocket == socket) {
          connectionLost(null);
        }
      }
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable failure, Response response) {
      synchronized (lock) {
        if (webSocket != socket) {
          return;
        }
        if (response != null && response.code() == 401) {
          emitError(rejectedToken(response));
        } else {
          emitError(
              new SyncException(
                  SyncException.Reason.CONNECTION_FAILED,
                  "sync connection failed: " + failure,
                  failure));
        }
        connectionLost(failure);
      }
    }

    /**
     * Maps a 401 upgrade response to {@code TOKEN_EXPIRED} when its error body contains that
     * code, and to {@code UNAUTHORIZED} otherwise.
     */
    private SyncException rejectedToken(Response response) {
      String code = null;
      try {
        JsonNode body = MAPPER.readTree(response.peekBody(MAX_ERROR_BODY_BYTES).string());
        code = body == null ? null : body.path("error").path("code").asText(null);
      } catch (IOException | RuntimeException e) {
        logger.debug("401 upgrade response has no readable JSON error body", e);
      }
      if ("TOKEN_EXPIRED".equals(code)) {
        return new SyncException(
            SyncException.Reason.TOKEN_EXPIRED, "access token has expired; refresh it");
      }
      return new SyncException(
          SyncException.Reason.UNAUTHORIZED, "server rejected the access token");
    }
  }
}
