package dev.tonearm.core.session;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.Scheduler;
import dev.tonearm.core.api.HttpErrors;
import dev.tonearm.core.api.TonearmClient;
import dev.tonearm.core.source.ExponentialBackoff;
import java.io.Closeable;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds this device's playback session on a Tonearm server, which allows one active stream per
 * account: {@code POST /v1/sessions} starts or takes over the session, heartbeats keep it alive,
 * and the session events WebSocket reports at once when another device of the account takes it
 * over.
 *
 * <p>Rules:
 *
 * <ul>
 *   <li>{@link #start()} claims the session and then heartbeats every third of the server's
 *       timeout, so that two lost heartbeats still leave the session alive.
 *   <li>A {@code superseded} message on the socket, or a heartbeat that gets 409 {@code
 *       SESSION_SUPERSEDED} when the socket is down, stops the heartbeats and calls {@link
 *       Listener#onSuperseded} once. Calling {@link #start()} again takes the session back.
 *   <li>A heartbeat that gets 409 {@code SESSION_EXPIRED} or 404 {@code SESSION_NOT_FOUND} (the
 *       server restarted) starts a new session at once, because this device is still playing.
 *   <li>A closed or failed socket is reopened after a delay drawn from the {@link
 *       ExponentialBackoff}; the delay resets once a socket opens. Each opened socket is
 *       followed by a heartbeat, which catches a takeover that happened while no socket was
 *       registered. An invalid message from the
 *       server closes the socket with status 1008 and reports {@link
 *       PlaybackException#ERROR_SESSION_PROTOCOL}.
 * </ul>
 *
 * <p>Threading: all methods may be called from any thread; {@link #start()}, {@link #heartbeat()},
 * {@link #end()} and {@link #current()} block on HTTP. Heartbeats and asynchronous starts run on
 * OkHttp's dispatcher threads, timed by the {@link Scheduler}. {@link Listener} callbacks run on
 * OkHttp or dispatcher threads and must not block. Mutable state is guarded by {@code this}.
 */
public final class PlaybackSessionClient implements Closeable {
  /** Heartbeats sent per server timeout. */
  public static final int HEARTBEATS_PER_TIMEOUT = 3;

  /** Interval of WebSocket pings that detect a dead socket: 15000 ms. */
  public static final long SOCKET_PING_INTERVAL_MS = 15_000;

  /** Server messages longer than this many characters are rejected as invalid. */
  public static final int MAX_MESSAGE_CHARS = 4096;

  /** WebSocket close status for an invalid message (RFC 6455 section 7.4.1: policy violation). */
  static final int CLOSE_POLICY_VIOLATION = 1008;

  /** Maximum size of a session response body. */
  private static final long MAX_RESPONSE_BYTES = 64 * 1024;

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
  private static final Logger LOG = LoggerFactory.getLogger(PlaybackSessionClient.class);

  /** Session events. Callbacks run on OkHttp or dispatcher threads and must not block. */
  public interface Listener {
    /** The session was started or taken back. */
    default void onSessionStarted(SessionInfo session) {}

    /**
     * Another device took over session {@code sessionId}; {@code reason} has the code {@link
     * PlaybackException#ERROR_SESSION_SUPERSEDED}. {@code byDeviceId} is null when only a
     * heartbeat reported it, because the socket was down.
     */
    default void onSuperseded(String sessionId, String byDeviceId, PlaybackException reason) {}

    /** A start, heartbeat or socket message failed; the client keeps its session if it can. */
    default void onSessionError(PlaybackException error) {}
  }

  /** Builder of {@link PlaybackSessionClient}. Not thread-safe. */
  public static final class Builder {
    private TonearmClient client;
    private String deviceId;
    private String eventsUrl;
    private Scheduler scheduler = Scheduler.system();
    private ExponentialBackoff backoff = new ExponentialBackoff();

    private Builder() {}

    /** Sets the API client whose base URL and tokens the session uses. Required. */
    public Builder setClient(TonearmClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Sets the id of this device, registered with {@code POST /v1/devices}. Required. */
    public Builder setDeviceId(String deviceId) {
      this.deviceId = Objects.requireNonNull(deviceId, "deviceId");
      return this;
    }

    /**
     * Sets the {@code ws://} URL of the session events endpoint, such as {@code
     * ws://127.0.0.1:8083/v1/sessions/events}. Default null: no socket, and a takeover is noticed
     * only by the next heartbeat.
     */
    public Builder setEventsUrl(String eventsUrl) {
      this.eventsUrl = eventsUrl;
      return this;
    }

    /** Sets the timer of heartbeats and reconnects. Default {@link Scheduler#system()}. */
    public Builder setScheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** Sets the delays between socket reconnects. Default {@link ExponentialBackoff#ExponentialBackoff()}. */
    public Builder setBackoff(ExponentialBackoff backoff) {
      this.backoff = Objects.requireNonNull(backoff, "backoff");
      return this;
    }

    /** Builds the client. It has no session until {@link #start()}. */
    public PlaybackSessionClient build() {
      if (client == null || deviceId == null) {
        throw new IllegalStateException("client and deviceId are required");
      }
      if (deviceId.isEmpty()) {
        throw new IllegalStateException("deviceId must not be empty");
      }
      return new PlaybackSessionClient(this);
    }
  }

  private final OkHttpClient http;
  private final OkHttpClient socketClient;
  private final HttpUrl sessionsUrl;
  private final HttpUrl eventsUrl;
  private final String deviceId;
  private final Scheduler scheduler;
  private final ExponentialBackoff backoff;
  private final ObjectMapper mapper =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();

  // Guarded by this.
  private SessionInfo session;
  private boolean superseded;
  private boolean closed;
  private Scheduler.Cancellable heartbeatTask;
  private Scheduler.Cancellable reconnectTask;
  private WebSocket socket;
  private boolean socketOpen;
  private int reconnectAttempt;

  private PlaybackSessionClient(Builder builder) {
    this.http = builder.client.httpClient();
    this.socketClient =
        http.newBuilder().pingInterval(SOCKET_PING_INTERVAL_MS, TimeUnit.MILLISECONDS).build();
    this.sessionsUrl = HttpUrl.get(builder.client.baseUrl()).newBuilder()
        .addPathSegments("v1/sessions").build();
    this.eventsUrl = builder.eventsUrl == null ? null : toHttpUrl(builder.eventsUrl)
        .newBuilder().addQueryParameter("deviceId", builder.deviceId).build();
    this.deviceId = builder.deviceId;
    this.scheduler = builder.scheduler;
    this.backoff = builder.backoff;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Adds a listener. Adding the same one twice has no effect. */
  public void addListener(Listener listener) {
    listeners.addIfAbsent(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a listener. */
  public void removeListener(Listener listener) {
    listeners.remove(listener);
  }

  /** Returns the device id that this client starts sessions for. */
  public String deviceId() {
    return deviceId;
  }

  /** Returns this device's session, or null when it has none or was superseded. */
  public synchronized SessionInfo session() {
    return superseded ? null : session;
  }

  /**
   * Starts the account's playback session on this device, taking it over from any other device,
   * then schedules heartbeats and opens the events socket.
   *
   * @throws PlaybackException {@code ERROR_NOT_FOUND} (server code {@code DEVICE_NOT_FOUND}) or
   *     {@code ERROR_FORBIDDEN} ({@code DEVICE_NOT_OWNED}) for a device that is not the account's,
   *     {@code ERROR_NETWORK} when the server cannot be reached, {@code ERROR_CANCELLED} after
   *     {@link #close()}
   */
  public SessionInfo start() throws PlaybackException {
    requireOpen();
    JsonNode body = mapper.createObjectNode().put("deviceId", deviceId);
    Request request =
        new Request.Builder().url(sessionsUrl).post(RequestBody.create(body.toString(), JSON))
            .build();
    SessionInfo started = execute(request);
    synchronized (this) {
      if (closed) {
        throw cancelled();
      }
      session = started;
      superseded = false;
      scheduleHeartbeat(started);
      openSocket();
    }
    LOG.debug("playback session {} started on device {}", started.sessionId(), deviceId);
    for (Listener listener : listeners) {
      listener.onSessionStarted(started);
    }
    return started;
  }

  /**
   * Runs {@link #start()} on an OkHttp dispatcher thread; failures go to {@link
   * Listener#onSessionError}.
   */
  public void startAsync() {
    runAsync(
        () -> {
          try {
            start();
          } catch (PlaybackException e) {
            reportError(e);
          }
        });
  }

  /**
   * Sends a heartbeat now and schedules the next one. A 409 {@code SESSION_SUPERSEDED} reports the
   * takeover to the listeners; a 409 {@code SESSION_EXPIRED} or 404 {@code SESSION_NOT_FOUND}
   * starts a new session.
   *
   * @return the renewed or restarted session, or null when this device has no session
   * @throws PlaybackException the failed response, also for {@code SESSION_SUPERSEDED}
   */
  public SessionInfo heartbeat() throws PlaybackException {
    SessionInfo held = session();
    if (held == null) {
      return null;
    }
    HttpUrl url = sessionsUrl.newBuilder().addPathSegment(held.sessionId())
        .addPathSegment("heartbeat").build();
    Request request =
        new Request.Builder().url(url).post(RequestBody.create(new byte[0], JSON)).build();
    SessionInfo renewed;
    try {
      renewed = execute(request);
    } catch (PlaybackException e) {
      String code = e.serverCode();
      if ("SESSION_SUPERSEDED".equals(code)) {
        markSuperseded(held.sessionId(), null);
        throw e;
      }
      if ("SESSION_EXPIRED".equals(code) || "SESSION_NOT_FOUND".equals(code)) {
        LOG.debug("playback session {} is gone ({}); starting a new one", held.sessionId(), code);
        return start();
      }
      synchronized (this) {
        if (!closed && !superseded && session == held) {
          scheduleHeartbeat(held);
        }
      }
      throw e;
    }
    synchronized (this) {
      if (closed || superseded || session == null
          || !session.sessionId().equals(renewed.sessionId())) {
        return renewed;
      }
      session = renewed;
      scheduleHeartbeat(renewed);
    }
    return renewed;
  }

  /**
   * Ends the session on the server, stops heartbeats and closes the socket. Does nothing when
   * this device holds no session.
   *
   * @throws PlaybackException the failed response; the local session is dropped anyway
   */
  public void end() throws PlaybackException {
    SessionInfo held;
    synchronized (this) {
      held = superseded ? null : session;
      session = null;
      superseded = false;
      stopTimersAndSocket();
    }
    if (held == null) {
      return;
    }
    HttpUrl url = sessionsUrl.newBuilder().addPathSegment(held.sessionId()).build();
    Request request = new Request.Builder().url(url).delete().build();
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw HttpErrors.fromResponse(response);
      }
    } catch (PlaybackException e) {
      throw e;
    } catch (IOException e) {
      throw new PlaybackException(
          PlaybackException.ERROR_NETWORK, HttpErrors.describe(request) + " failed: " + e, e);
    }
  }

  /**
   * Returns the account's active session from {@code GET /v1/sessions/current}, whichever device
   * holds it.
   *
   * @throws PlaybackException {@code ERROR_NOT_FOUND} (server code {@code SESSION_NOT_FOUND}) when
   *     the account has none
   */
  public SessionInfo current() throws PlaybackException {
    HttpUrl url = sessionsUrl.newBuilder().addPathSegment("current").build();
    return execute(new Request.Builder().url(url).get().build());
  }

  /**
   * Stops heartbeats and reconnects and closes the socket. The server keeps the session until it
   * expires; call {@link #end()} first to end it at once. Later calls to {@link #start()} fail.
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      stopTimersAndSocket();
    }
  }

  /** Returns whether the events socket is open, so that a takeover reaches this device at once. */
  public synchronized boolean isEventsSocketOpen() {
    return socketOpen;
  }

  private void markSuperseded(String sessionId, String byDeviceId) {
    synchronized (this) {
      if (superseded || session == null || !session.sessionId().equals(sessionId)) {
        return;
      }
      superseded = true;
      stopTimersAndSocket();
    }
    LOG.debug("playback session {} was taken over by device {}", sessionId, byDeviceId);
    PlaybackException reason =
        new PlaybackException(
            PlaybackException.ERROR_SESSION_SUPERSEDED,
            "playback session "
                + sessionId
                + " was taken over by "
                + (byDeviceId == null ? "another device" : "device " + byDeviceId));
    for (Listener listener : listeners) {
      listener.onSuperseded(sessionId, byDeviceId, reason);
    }
  }

  private void scheduleHeartbeat(SessionInfo held) {
    if (heartbeatTask != null) {
      heartbeatTask.cancel();
    }
    long delayMs = Math.max(1, held.timeoutMs() / HEARTBEATS_PER_TIMEOUT);
    heartbeatTask = scheduler.schedule(() -> runAsync(this::heartbeatQuietly), delayMs);
  }

  private void heartbeatQuietly() {
    try {
      heartbeat();
    } catch (PlaybackException e) {
      if (!PlaybackException.ERROR_SESSION_SUPERSEDED.equals(e.reason())
          && !"SESSION_SUPERSEDED".equals(e.serverCode())) {
        reportError(e);
      }
    }
  }

  private void openSocket() {
    if (eventsUrl == null || socket != null || closed) {
      return;
    }
    Request request = new Request.Builder().url(eventsUrl).build();
    socket = socketClient.newWebSocket(request, new EventsListener());
  }

  private void scheduleReconnect() {
    if (closed || superseded || session == null || reconnectTask != null) {
      return;
    }
    long delayMs = backoff.delayMs(Math.min(reconnectAttempt, 30));
    reconnectAttempt++;
    LOG.debug("reopening the session events socket in {} ms (attempt {})", delayMs, reconnectAttempt);
    reconnectTask =
        scheduler.schedule(
            () -> {
              synchronized (PlaybackSessionClient.this) {
                reconnectTask = null;
                if (!superseded && session != null) {
                  openSocket();
                }
              }
            },
            delayMs);
  }

  private void stopTimersAndSocket() {
    if (heartbeatTask != null) {
      heartbeatTask.cancel();
      heartbeatTask = null;
    }
    if (reconnectTask != null) {
      reconnectTask.cancel();
      reconnectTask = null;
    }
    if (socket != null) {
      socket.close(1000, null);
      socket = null;
      socketOpen = false;
    }
  }

  private void handleMessage(WebSocket webSocket, String text) {
    JsonNode message = null;
    if (text.length() <= MAX_MESSAGE_CHARS) {
      try {
        message = mapper.readTree(text);
      } catch (IOException e) {
        message = null;
      }
    }
    String type = message != null && message.path("type").isTextual()
        ? message.path("type").textValue() : null;
    if ("superseded".equals(type)
        && message.path("sessionId").isTextual()
        && message.path("byDeviceId").isTextual()) {
      markSuperseded(message.path("sessionId").textValue(), message.path("byDeviceId").textValue());
      return;
    }
    if ("pong".equals(type)) {
      return;
    }
    if ("error".equals(type)) {
      LOG.warn("session events socket reported {}: {}", message.path("code").asText(),
          message.path("message").asText());
      return;
    }
    rejectMessage(webSocket, "an invalid text message of " + text.length() + " characters");
  }

  private void rejectMessage(WebSocket webSocket, String description) {
    reportError(
        new PlaybackException(
            PlaybackException.ERROR_SESSION_PROTOCOL,
            "session events socket sent " + description + "; reopening it"));
    webSocket.close(CLOSE_POLICY_VIOLATION, "invalid message");
  }

  private void socketEnded(WebSocket webSocket) {
    synchronized (this) {
      if (socket != webSocket) {
        return;
      }
      socket = null;
      socketOpen = false;
      scheduleReconnect();
    }
  }

  private SessionInfo execute(Request request) throws PlaybackException {
    String description = HttpErrors.describe(request);
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw HttpErrors.fromResponse(response);
      }
      ResponseBody body = response.body();
      if (body == null) {
        throw badResponse(description, "empty body", null);
      }
      byte[] bytes = HttpErrors.readBounded(request, body, MAX_RESPONSE_BYTES);
      SessionInfo info;
      try {
        info = mapper.readValue(bytes, SessionInfo.class);
      } catch (IOException | IllegalArgumentException e) {
        throw badResponse(description, "not a session object", e);
      }
      if (info == null) {
        throw badResponse(description, "body is JSON null", null);
      }
      return info;
    } catch (PlaybackException e) {
      throw e;
    } catch (IOException e) {
      throw new PlaybackException(
          PlaybackException.ERROR_NETWORK, description + " failed: " + e, e);
    }
  }

  private void runAsync(Runnable task) {
    try {
      http.dispatcher().executorService().execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("OkHttp dispatcher rejected a session task after shutdown", e);
    }
  }

  private void reportError(PlaybackException error) {
    LOG.warn("playback session of device {}: {}", deviceId, error.getMessage());
    for (Listener listener : listeners) {
      listener.onSessionError(error);
    }
  }

  private synchronized void requireOpen() throws PlaybackException {
    if (closed) {
      throw cancelled();
    }
  }

  private static PlaybackException cancelled() {
    return new PlaybackException(
        PlaybackException.ERROR_CANCELLED, "playback session client is closed");
  }

  private static PlaybackException badResponse(String description, String detail, Throwable e) {
    return new PlaybackException(
        PlaybackException.ERROR_BAD_RESPONSE,
        description + " returned an unusable body: " + detail,
        e);
  }

  private static HttpUrl toHttpUrl(String webSocketUrl) {
    String url = webSocketUrl;
    if (url.regionMatches(true, 0, "ws:", 0, 3)) {
      url = "http:" + url.substring(3);
    } else if (url.regionMatches(true, 0, "wss:", 0, 4)) {
      url = "https:" + url.substring(4);
    }
    HttpUrl parsed = HttpUrl.parse(url);
    if (parsed == null) {
      throw new IllegalArgumentException("eventsUrl is not a ws:// or wss:// URL: " + webSocketUrl);
    }
    return parsed;
  }

  /** Receives the events socket's callbacks on OkHttp's reader thread. */
  private final class EventsListener extends WebSocketListener {
    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      synchronized (PlaybackSessionClient.this) {
        if (socket != webSocket) {
          return;
        }
        socketOpen = true;
        reconnectAttempt = 0;
      }
      LOG.debug("session events socket of device {} open", deviceId);
      // The heartbeat renews the session at once and, if it expired or was taken over while no
      // socket was open, restarts it or reports the takeover without waiting for the timer.
      runAsync(PlaybackSessionClient.this::heartbeatQuietly);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      handleMessage(webSocket, text);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      rejectMessage(webSocket, "a binary message of " + bytes.size() + " bytes");
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      webSocket.close(1000, null);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      socketEnded(webSocket);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      LOG.debug("session events socket of device {} failed: {}", deviceId, error.toString());
      socketEnded(webSocket);
    }
  }
}
