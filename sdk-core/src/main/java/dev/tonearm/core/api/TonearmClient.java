package dev.tonearm.core.api;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.core.PlaybackException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client of the Tonearm HTTP API ({@code /v1}): login and refresh, the catalog, the demo playlist,
 * track manifests, search, and recommendations with their feedback.
 *
 * <p>Every call but login and refresh sends the session's access token. A 401 response triggers
 * one silent refresh and a repeat of the request, and a second 401 fails with {@link
 * PlaybackException#ERROR_AUTH_FAILED}. {@link #httpClient()} applies the same rule to CDN edge
 * requests. All failures are {@link PlaybackException}s with a reason code: HTTP errors carry the
 * status and the server's {@code error.code}, transport failures are {@link
 * PlaybackException#ERROR_NETWORK}, and unusable JSON is {@link
 * PlaybackException#ERROR_BAD_RESPONSE}.
 *
 * <p>Threading: thread-safe. Calls block the calling thread, so call them off the UI thread.
 */
public final class TonearmClient {
  /** Maximum size of a JSON response body: 8 MiB. */
  public static final long MAX_JSON_BYTES = 8L * 1024 * 1024;

  /**
   * Session events. Callbacks run on the thread that refreshed the session, which may be an
   * OkHttp calling thread, so they must return quickly.
   */
  public interface SessionListener {
    /**
     * Called after every successful refresh of the session, including the silent one after a
     * 401, before the rejected request is repeated.
     */
    void onSessionRefreshed();
  }

  /** Builder of {@link TonearmClient}. Not thread-safe. */
  public static final class Builder {
    private HttpUrl baseUrl;
    private OkHttpClient httpClient;
    private TokenStore tokenStore;
    private Reauthenticator reauthenticator;

    /**
     * Sets the API listener's base URL, such as {@code http://127.0.0.1:8080}. Paths like {@code
     * /v1/tracks} are appended to it. Required.
     */
    public Builder setBaseUrl(String baseUrl) {
      HttpUrl parsed = HttpUrl.parse(Objects.requireNonNull(baseUrl, "baseUrl"));
      if (parsed == null) {
        throw new IllegalArgumentException("baseUrl must be an http or https URL: " + baseUrl);
      }
      this.baseUrl = parsed;
      return this;
    }

    /**
     * Sets the OkHttp client whose connection pool, dispatcher and timeouts all requests use.
     * Default: {@code new OkHttpClient()} (10 s connect, read and write timeouts).
     */
    public Builder setHttpClient(OkHttpClient httpClient) {
      this.httpClient = Objects.requireNonNull(httpClient, "httpClient");
      return this;
    }

    /** Sets where the session's tokens live. Default: a new {@link InMemoryTokenStore}. */
    public Builder setTokenStore(TokenStore tokenStore) {
      this.tokenStore = Objects.requireNonNull(tokenStore, "tokenStore");
      return this;
    }

    /**
     * Sets the hook that logs in again when the server rejects the refresh token. It runs once
     * per rejected refresh, and the refresh then returns the new session, so the request that got
     * the 401 is repeated with it. Default none: a rejected refresh fails with {@link
     * PlaybackException#ERROR_AUTH_FAILED}.
     */
    public Builder setReauthenticator(Reauthenticator reauthenticator) {
      this.reauthenticator = Objects.requireNonNull(reauthenticator, "reauthenticator");
      return this;
    }

    public TonearmClient build() {
      if (baseUrl == null) {
        throw new IllegalStateException("baseUrl is required");
      }
      return new TonearmClient(this);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(TonearmClient.class);
  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final HttpUrl baseUrl;
  private final TokenStore tokenStore;
  private final Reauthenticator reauthenticator;
  private final OkHttpClient plainClient;
  private final OkHttpClient authenticatedClient;
  private final ObjectMapper mapper;
  private final CopyOnWriteArrayList<SessionListener> sessionListeners =
      new CopyOnWriteArrayList<>();

  private TonearmClient(Builder builder) {
    this.baseUrl = builder.baseUrl;
    this.tokenStore = builder.tokenStore != null ? builder.tokenStore : new InMemoryTokenStore();
    this.reauthenticator = builder.reauthenticator;
    this.plainClient = builder.httpClient != null ? builder.httpClient : new OkHttpClient();
    this.authenticatedClient =
        plainClient.newBuilder().addInterceptor(new AuthInterceptor(tokenStore, this::refresh))
            .build();
    this.mapper =
        new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION.mappedFeature(), false);
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Logs in with {@code POST /v1/auth/login} and stores the session in the token store.
   *
   * @throws PlaybackException {@link PlaybackException#ERROR_AUTH_FAILED} when the credentials
   *     are rejected
   */
  public AuthTokens login(String username, String password) throws PlaybackException {
    ObjectNode body = mapper.createObjectNode();
    body.put("username", Objects.requireNonNull(username, "username"));
    body.put("password", Objects.requireNonNull(password, "password"));
    AuthTokens tokens = post(plainClient, "auth/login", body, AuthTokens.class);
    tokenStore.store(tokens);
    return tokens;
  }

  /**
   * Exchanges the stored refresh token for a new session with {@code POST /v1/auth/refresh} and
   * stores it. The refresh token rotates. A rejected refresh token clears the token store, and
   * then the {@link Reauthenticator}, if one is set, logs in once and its session is returned.
   *
   * @throws PlaybackException {@link PlaybackException#ERROR_AUTH_FAILED} when there is no
   *     session, or when the server rejects the refresh token and no reauthenticator is set or it
   *     stores no session. A failing reauthenticator's own exception is thrown as it is.
   */
  public AuthTokens refresh() throws PlaybackException {
    AuthTokens current = tokenStore.tokens();
    if (current == null) {
      throw new PlaybackException(
          PlaybackException.ERROR_AUTH_FAILED, "cannot refresh: no session; log in first");
    }
    ObjectNode body = mapper.createObjectNode();
    body.put("refreshToken", current.refreshToken());
    AuthTokens tokens;
    try {
      tokens = post(plainClient, "auth/refresh", body, AuthTokens.class);
    } catch (PlaybackException e) {
      if (!PlaybackException.ERROR_AUTH_FAILED.equals(e.reason())) {
        throw e;
      }
      tokenStore.clear();
      if (reauthenticator == null) {
        throw e;
      }
      tokens = reauthenticate(e);
    }
    tokenStore.store(tokens);
    for (SessionListener listener : sessionListeners) {
      listener.onSessionRefreshed();
    }
    return tokens;
  }

  /** Runs the reauthenticator after {@code rejection} and returns the session it stored. */
  private AuthTokens reauthenticate(PlaybackException rejection) throws PlaybackException {
    LOG.warn("Refresh token rejected; logging in again through the reauthenticator");
    try {
      reauthenticator.reauthenticate(this);
    } catch (PlaybackException e) {
      e.addSuppressed(rejection);
      throw e;
    }
    AuthTokens tokens = tokenStore.tokens();
    if (tokens == null) {
      PlaybackException failure =
          new PlaybackException(
              PlaybackException.ERROR_AUTH_FAILED,
              "the reauthenticator stored no session after the refresh token was rejected");
      failure.addSuppressed(rejection);
      throw failure;
    }
    return tokens;
  }

  /** Adds a session listener. Adding the same one twice has no effect. */
  public void addSessionListener(SessionListener listener) {
    sessionListeners.addIfAbsent(Objects.requireNonNull(listener, "listener"));
  }

  /** Removes a session listener. */
  public void removeSessionListener(SessionListener listener) {
    sessionListeners.remove(listener);
  }

  /** Returns the catalog from {@code GET /v1/tracks}. */
  public List<Track> tracks() throws PlaybackException {
    JsonNode root = get(url("tracks"), JsonNode.class);
    JsonNode tracks = root.path("tracks");
    if (!tracks.isArray()) {
      throw badResponse("GET /v1/tracks", "missing array field: tracks", null);
    }
    try {
      return Arrays.asList(mapper.treeToValue(tracks, Track[].class));
    } catch (IOException | IllegalArgumentException e) {
      throw badResponse("GET /v1/tracks", e.getMessage(), e);
    }
  }

  /** Returns the demo playlist from {@code GET /v1/playlists/demo}. */
  public Playlist demoPlaylist() throws PlaybackException {
    return get(url("playlists", "demo"), Playlist.class);
  }

  /**
   * Returns the manifest of {@code trackId} from {@code GET /v1/tracks/{id}/manifest}. Renditions
   * are checked for consistency only when one is chosen for streaming.
   */
  public Manifest manifest(String trackId) throws PlaybackException {
    Objects.requireNonNull(trackId, "trackId");
    return get(url("tracks", trackId, "manifest"), Manifest.class);
  }

  /**
   * Searches the catalog with {@code GET /v1/search}. The server checks each parameter. It expects
   * a {@code query} of 1 to 200 characters with a letter or digit, {@code types} from {@code
   * track}, {@code artist}, {@code album} and {@code playlist}, a {@code limit} in [1, 50] and an
   * {@code offset} in [0, 1000].
   *
   * @param types types to return, or an empty list for all of them
   * @throws PlaybackException {@link PlaybackException#ERROR_BAD_REQUEST} when the server rejects
   *     a parameter
   */
  public SearchResults search(String query, List<String> types, int limit, int offset)
      throws PlaybackException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(types, "types");
    HttpUrl.Builder url =
        url("search").newBuilder()
            .addQueryParameter("q", query)
            .addQueryParameter("limit", Integer.toString(limit))
            .addQueryParameter("offset", Integer.toString(offset));
    if (!types.isEmpty()) {
      url.addQueryParameter("types", String.join(",", types));
    }
    return get(url.build(), SearchResults.class);
  }

  /**
   * Completes the last word of {@code query} with {@code GET /v1/search/suggest}. The server
   * expects a {@code query} of 1 to 200 characters with a letter or digit and a {@code limit} in
   * [1, 20]. A query that ends with a space or punctuation gets no suggestions.
   *
   * @throws PlaybackException {@link PlaybackException#ERROR_BAD_REQUEST} when the server rejects
   *     a parameter
   */
  public SearchSuggestions suggest(String query, int limit) throws PlaybackException {
    Objects.requireNonNull(query, "query");
    HttpUrl url =
        url("search", "suggest").newBuilder()
            .addQueryParameter("q", query)
            .addQueryParameter("limit", Integer.toString(limit))
            .build();
    return get(url, SearchSuggestions.class);
  }

  /**
   * Returns up to {@code limit} recommended tracks for the logged-in account from {@code GET
   * /v1/recommendations}. The server expects a {@code limit} in [1, 100] and returns fewer items
   * when the catalog is smaller.
   *
   * @throws PlaybackException {@link PlaybackException#ERROR_BAD_REQUEST} when the server rejects
   *     {@code limit}
   */
  public Recommendations recommendations(int limit) throws PlaybackException {
    HttpUrl url =
        url("recommendations").newBuilder()
            .addQueryParameter("limit", Integer.toString(limit))
            .build();
    return get(url, Recommendations.class);
  }

  /**
   * Reports a reaction of the logged-in account to {@code trackId} with {@code POST
   * /v1/recommendations/feedback}. Later recommendations take it into account.
   *
   * @throws PlaybackException {@link PlaybackException#ERROR_NOT_FOUND} when the track is not in
   *     the catalog, {@link PlaybackException#ERROR_BAD_REQUEST} when the server rejects the body
   */
  public void sendFeedback(String trackId, FeedbackEvent event) throws PlaybackException {
    ObjectNode body = mapper.createObjectNode();
    body.put("trackId", Objects.requireNonNull(trackId, "trackId"));
    body.put("event", Objects.requireNonNull(event, "event").name());
    Request request =
        new Request.Builder()
            .url(url("recommendations", "feedback"))
            .post(RequestBody.create(toJson(body), JSON))
            .build();
    String description = HttpErrors.describe(request);
    try (Response response = authenticatedClient.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw HttpErrors.fromResponse(response);
      }
    } catch (PlaybackException e) {
      throw e;
    } catch (IOException e) {
      throw new PlaybackException(
          PlaybackException.ERROR_NETWORK, description + " failed: " + e, e);
    }
  }

  /**
   * Returns an OkHttp client that adds the bearer token and refreshes it once on 401, for
   * requests to CDN edges. It shares the connection pool of the API calls.
   */
  public OkHttpClient httpClient() {
    return authenticatedClient;
  }

  /** Returns the store that keeps this client's session. */
  public TokenStore tokenStore() {
    return tokenStore;
  }

  /** Returns the API base URL. */
  public String baseUrl() {
    return baseUrl.toString();
  }

  @Override
  public String toString() {
    return "TonearmClient{" + baseUrl + "}";
  }

  private HttpUrl url(String... segments) {
    HttpUrl.Builder url = baseUrl.newBuilder().addPathSegment("v1");
    for (String segment : segments) {
      url.addPathSegment(segment);
    }
    return url.build();
  }

  /**
   * Parses a manifest in the JSON form of {@code GET /v1/tracks/{id}/manifest}, for example one
   * stored with an offline download. Unknown fields are ignored, as in {@link #manifest}.
   *
   * @throws PlaybackException {@link PlaybackException#ERROR_MANIFEST_INVALID} when {@code json}
   *     is not such a manifest
   */
  public static Manifest parseManifest(byte[] json) throws PlaybackException {
    ObjectMapper parser =
        new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION.mappedFeature(), false);
    Manifest manifest;
    try {
      manifest = parser.readValue(json, Manifest.class);
    } catch (IOException | IllegalArgumentException e) {
      throw new PlaybackException(
          PlaybackException.ERROR_MANIFEST_INVALID, "stored manifest is not valid: " + e, e);
    }
    if (manifest == null) {
      throw new PlaybackException(
          PlaybackException.ERROR_MANIFEST_INVALID, "stored manifest is JSON null");
    }
    return manifest;
  }

  private <T> T get(HttpUrl url, Class<T> type) throws PlaybackException {
    Request request = new Request.Builder().url(url).get().build();
    return execute(authenticatedClient, request, type);
  }

  private <T> T post(OkHttpClient client, String path, JsonNode body, Class<T> type)
      throws PlaybackException {
    String[] segments = path.split("/");
    Request request =
        new Request.Builder().url(url(segments)).post(RequestBody.create(toJson(body), JSON))
            .build();
    return execute(client, request, type);
  }

  private byte[] toJson(JsonNode body) {
    try {
      return mapper.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
  }

  private <T> T execute(OkHttpClient client, Request request, Class<T> type)
      throws PlaybackException {
    String description = HttpErrors.describe(request);
    try (Response response = client.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw HttpErrors.fromResponse(response);
      }
      ResponseBody body = response.body();
      if (body == null) {
        throw badResponse(description, "empty body", null);
      }
      byte[] bytes = HttpErrors.readBounded(request, body, MAX_JSON_BYTES);
      T value;
      try {
        value = mapper.readValue(bytes, type);
      } catch (IOException | IllegalArgumentException e) {
        if (type == AuthTokens.class) {
          // Parser messages can quote field values, and these values are tokens.
          throw badResponse(description, "not a valid session object", null);
        }
        throw badResponse(description, e.getMessage(), e);
      }
      if (value == null) {
        throw badResponse(description, "body is JSON null", null);
      }
      return value;
    } catch (PlaybackException e) {
      throw e;
    } catch (IOException e) {
      throw new PlaybackException(
          PlaybackException.ERROR_NETWORK, description + " failed: " + e, e);
    }
  }

  private static PlaybackException badResponse(String description, String detail, Throwable e) {
    return new PlaybackException(
        PlaybackException.ERROR_BAD_RESPONSE,
        description + " returned an unusable body: " + firstLine(detail),
        e);
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "no detail";
    }
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }
}
