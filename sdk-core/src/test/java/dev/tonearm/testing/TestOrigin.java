package dev.tonearm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.tonearm.core.source.ChunkDigest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small Tonearm server for tests on loopback, built on the JDK's HTTP server: the API listener
 * (login, refresh, manifests) and one listener per CDN edge that serves objects with single
 * {@code Range} support, as the API contract describes. Every endpoint except login and refresh
 * requires the current bearer token.
 *
 * <p>Tests can corrupt a chunk as served, invalidate the access token after some object
 * requests, and switch an edge into misbehaving modes. The origin records every object request.
 *
 * <p>Threading: thread-safe; configure it before the requests that should see the change.
 */
public final class TestOrigin implements AutoCloseable {
  public static final String USERNAME = "premium@demo.tonearm.dev";
  public static final String PASSWORD = "demo-premium";

  /** Behaviour of an edge for object requests. */
  public enum EdgeMode {
    /** As the API contract specifies. */
    NORMAL,
    /** Ignores {@code Range} and returns the whole object with 200. */
    IGNORE_RANGE,
    /** Returns 206 with a {@code Content-Range} for a different range. */
    WRONG_CONTENT_RANGE,
    /** Declares the full length but closes the connection after half the body. */
    TRUNCATE_BODY
  }

  /** One served rendition. */
  public static final class Rendition {
    public final String id;
    public final String codec;
    public final int bitrateKbps;
    public final byte[] bytes;
    public final int chunkSizeBytes;
    public final long sampleRateHz;
    public final int channels;
    public final long totalFrames;
    public final List<long[]> seekIndex;
    /** Manifest {@code encryption} as {scheme, keyId, iv}, or null for plain bytes. */
    public final String[] encryption;

    public Rendition(
        String id,
        String codec,
        int bitrateKbps,
        byte[] bytes,
        int chunkSizeBytes,
        long sampleRateHz,
        int channels,
        long totalFrames,
        List<long[]> seekIndex) {
      this(
          id,
          codec,
          bitrateKbps,
          bytes,
          chunkSizeBytes,
          sampleRateHz,
          channels,
          totalFrames,
          seekIndex,
          null);
    }

    private Rendition(
        String id,
        String codec,
        int bitrateKbps,
        byte[] bytes,
        int chunkSizeBytes,
        long sampleRateHz,
        int channels,
        long totalFrames,
        List<long[]> seekIndex,
        String[] encryption) {
      this.id = id;
      this.codec = codec;
      this.bitrateKbps = bitrateKbps;
      this.bytes = bytes;
      this.chunkSizeBytes = chunkSizeBytes;
      this.sampleRateHz = sampleRateHz;
      this.channels = channels;
      this.totalFrames = totalFrames;
      this.seekIndex = seekIndex;
      this.encryption = encryption;
    }

    /**
     * Returns this rendition served as {@code ciphertext}, with a manifest {@code encryption}
     * field of {@code scheme}, {@code keyId} and {@code iv}. The digests cover the ciphertext.
     */
    public Rendition encrypted(String scheme, String keyId, String iv, byte[] ciphertext) {
      return new Rendition(
          id,
          codec,
          bitrateKbps,
          ciphertext,
          chunkSizeBytes,
          sampleRateHz,
          channels,
          totalFrames,
          seekIndex,
          new String[] {scheme, keyId, iv});
    }

    /** Returns a rendition of a generated WAV track with a seek point every 10 s. */
    public static Rendition ofWav(String id, int bitrateKbps, WavTrack track, int chunkSizeBytes) {
      List<long[]> seekIndex = new ArrayList<>();
      for (long frame = 0; frame < track.frames(); frame += 10L * track.sampleRateHz()) {
        seekIndex.add(new long[] {frame, track.byteOffsetOf(frame)});
      }
      return new Rendition(
          id,
          "vorbis",
          bitrateKbps,
          track.bytes(),
          chunkSizeBytes,
          track.sampleRateHz(),
          track.channels(),
          track.frames(),
          seekIndex);
    }
  }

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpServer api;
  private final List<HttpServer> edges = new ArrayList<>();
  private final ExecutorService executor = Executors.newFixedThreadPool(8);

  private final Map<String, Long> durationsMs = new ConcurrentHashMap<>();
  private final Map<String, List<Rendition>> renditions = new ConcurrentHashMap<>();
  private final Map<String, Integer> corruptChunks = new ConcurrentHashMap<>();
  private final List<String> objectRequests = new ArrayList<>();
  private final List<String> manifestRequests = new ArrayList<>();
  private final AtomicInteger refreshCount = new AtomicInteger();
  private final AtomicInteger tokenCounter = new AtomicInteger();

  private volatile String accessToken;
  private volatile String refreshToken;
  private volatile boolean rejectRefresh;
  private volatile int expireAfterObjectRequests = -1;
  private volatile EdgeMode edgeMode = EdgeMode.NORMAL;

  private TestOrigin(int edgeCount) throws IOException {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    api = HttpServer.create(loopback, 0);
    api.createContext("/v1/", this::handleApi);
    api.setExecutor(executor);
    api.start();
    for (int i = 0; i < edgeCount; i++) {
      HttpServer edge = HttpServer.create(loopback, 0);
      String edgeName = "edge-" + i;
      edge.createContext("/objects/", exchange -> handleObject(exchange, edgeName));
      edge.setExecutor(executor);
      edge.start();
      edges.add(edge);
    }
  }

  /** Starts an origin with {@code edgeCount} edge listeners on loopback. */
  public static TestOrigin start(int edgeCount) throws IOException {
    return new TestOrigin(edgeCount);
  }

  /** Adds a track with its renditions. */
  public void addTrack(String trackId, long durationMs, Rendition... trackRenditions) {
    durationsMs.put(trackId, durationMs);
    renditions.put(trackId, Arrays.asList(trackRenditions));
  }

  public String apiBaseUrl() {
    return "http://127.0.0.1:" + api.getAddress().getPort();
  }

  public List<String> edgeBaseUrls() {
    List<String> urls = new ArrayList<>();
    for (HttpServer edge : edges) {
      urls.add("http://127.0.0.1:" + edge.getAddress().getPort());
    }
    return urls;
  }

  /** Serves chunk {@code chunkIndex} of the rendition with one byte flipped. */
  public void corruptChunk(String trackId, String renditionId, int chunkIndex) {
    corruptChunks.put(trackId + "/" + renditionId, chunkIndex);
  }

  /** Rotates the access token after {@code count} more object requests, as if it expired. */
  public synchronized void expireAccessTokenAfterObjectRequests(int count) {
    expireAfterObjectRequests = objectRequests.size() + count;
  }

  /** Makes the current access token invalid now. */
  public void expireAccessToken() {
    accessToken = "expired-" + tokenCounter.incrementAndGet();
  }

  /** Makes refresh requests fail with 401. */
  public void rejectRefresh(boolean reject) {
    rejectRefresh = reject;
  }

  public void setEdgeMode(EdgeMode mode) {
    edgeMode = mode;
  }

  public int refreshCount() {
    return refreshCount.get();
  }

  /** Object requests so far, each as {@code "edge-0 /objects/t/r bytes=a-b"}. */
  public synchronized List<String> objectRequests() {
    return new ArrayList<>(objectRequests);
  }

  public synchronized int objectRequestCount() {
    return objectRequests.size();
  }

  /** Track ids of manifest requests so far. */
  public synchronized List<String> manifestRequests() {
    return new ArrayList<>(manifestRequests);
  }

  /** Returns the manifest JSON of {@code trackId} as the API serves it. */
  public ObjectNode manifestJson(String trackId) {
    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("trackId", trackId);
    manifest.put("title", "Title " + trackId);
    manifest.put("artist", "Test Artist");
    manifest.put("album", "Test Album");
    manifest.put("genre", "Test");
    manifest.put("durationMs", durationsMs.get(trackId));

    ObjectNode loudness = manifest.putObject("loudness");
    loudness.put("integratedLufs", -9.8);
    loudness.put("truePeakDbtp", -0.4);

    ArrayNode edgeArray = manifest.putArray("edges");
    for (String url : edgeBaseUrls()) {
      edgeArray.add(url);
    }

    ArrayNode renditionArray = manifest.putArray("renditions");
    for (Rendition rendition : renditions.get(trackId)) {
      ObjectNode node = renditionArray.addObject();
      node.put("id", rendition.id);
      node.put("codec", rendition.codec);
      node.put("bitrateKbps", rendition.bitrateKbps);
      node.put("container", "wav");
      node.put("sampleRateHz", rendition.sampleRateHz);
      node.put("channels", rendition.channels);
      node.put("totalFrames", rendition.totalFrames);
      node.put("sizeBytes", rendition.bytes.length);
      node.put("chunkSizeBytes", rendition.chunkSizeBytes);

      ArrayNode digests = node.putArray("chunkSha256");
      for (int start = 0; start < rendition.bytes.length; start += rendition.chunkSizeBytes) {
        int length = Math.min(rendition.chunkSizeBytes, rendition.bytes.length - start);
        digests.add(ChunkDigest.sha256Hex(rendition.bytes, start, length));
      }

      if (rendition.encryption == null) {
        node.putNull("encryption");
      } else {
        node.putObject("encryption")
            .put("scheme", rendition.encryption[0])
            .put("keyId", rendition.encryption[1])
            .put("iv", rendition.encryption[2]);
      }
      node.put("objectPath", "/objects/" + trackId + "/" + rendition.id);
      ArrayNode seekIndex = node.putArray("seekIndex");
      for (long[] point : rendition.seekIndex) {
        seekIndex.addObject().put("frame", point[0]).put("byteOffset", point[1]);
      }
    }
    return manifest;
  }

  @Override
  public void close() {
    api.stop(0);
    for (HttpServer edge : edges) {
      edge.stop(0);
    }
    executor.shutdownNow();
  }

  private void handleApi(HttpExchange exchange) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/v1/auth/login") && method.equals("POST")) {
        JsonNode body = JSON.readTree(readBody(exchange));
        if (!USERNAME.equals(body.path("username").asText())
            || !PASSWORD.equals(body.path("password").asText())) {
          sendError(exchange, 401, "UNAUTHORIZED", "invalid username or password");
          return;
        }
        sendJson(exchange, 200, issueTokens());
        return;
      }
      if (path.equals("/v1/auth/refresh") && method.equals("POST")) {
        JsonNode body = JSON.readTree(readBody(exchange));
        refreshCount.incrementAndGet();
        if (rejectRefresh || !body.path("refreshToken").asText().equals(refreshToken)) {
          sendError(exchange, 401, "UNAUTHORIZED", "invalid refresh token");
          return;
        }
        sendJson(exchange, 200, issueTokens());
        return;
      }
      if (!authorized(exchange)) {
        sendError(exchange, 401, "TOKEN_EXPIRED", "access token expired");
        return;
      }
      Matcher manifest = Pattern.compile("/v1/tracks/([^/]+)/manifest").matcher(path);
      if (manifest.matches() && method.equals("GET")) {
        String trackId = manifest.group(1);
        synchronized (this) {
          manifestRequests.add(trackId);
        }
        if (!renditions.containsKey(trackId)) {
          sendError(exchange, 404, "NOT_FOUND", "no track " + trackId);
          return;
        }
        sendJson(exchange, 200, manifestJson(trackId));
        return;
      }
      sendError(exchange, 404, "NOT_FOUND", "no route " + path);
    } finally {
      exchange.close();
    }
  }

  private void handleObject(HttpExchange exchange, String edgeName) throws IOException {
    try {
      String path = exchange.getRequestURI().getPath();
      String range = exchange.getRequestHeaders().getFirst("Range");
      boolean authorized = authorized(exchange);
      synchronized (this) {
        objectRequests.add(edgeName + " " + path + " " + range);
        if (expireAfterObjectRequests >= 0 && objectRequests.size() > expireAfterObjectRequests) {
          expireAfterObjectRequests = -1;
          expireAccessToken();
          authorized = false;
        }
      }
      if (!authorized) {
        sendError(exchange, 401, "TOKEN_EXPIRED", "access token expired");
        return;
      }
      String[] parts = path.split("/");
      Rendition rendition = parts.length == 4 ? find(parts[2], parts[3]) : null;
      if (rendition == null) {
        sendError(exchange, 404, "NOT_FOUND", "no object " + path);
        return;
      }
      byte[] object = served(parts[2], rendition);
      exchange.getResponseHeaders().add("Accept-Ranges", "bytes");
      exchange.getResponseHeaders().add("X-Tonearm-Edge", edgeName);
      long size = object.length;
      if (range == null || edgeMode == EdgeMode.IGNORE_RANGE) {
        send(exchange, 200, object, 0, object.length);
        return;
      }
      Matcher matcher = RANGE.matcher(range);
      if (!matcher.matches() || (matcher.group(1).isEmpty() && matcher.group(2).isEmpty())) {
        exchange.getResponseHeaders().add("Content-Range", "bytes */" + size);
        sendError(exchange, 416, "RANGE_NOT_SATISFIABLE", "bad range " + range);
        return;
      }
      long start;
      long end;
      if (matcher.group(1).isEmpty()) {
        long suffix = Long.parseLong(matcher.group(2));
        start = Math.max(0, size - suffix);
        end = size - 1;
      } else {
        start = Long.parseLong(matcher.group(1));
        end = matcher.group(2).isEmpty() ? size - 1 : Math.min(Long.parseLong(matcher.group(2)), size - 1);
      }
      if (start >= size || start > end) {
        exchange.getResponseHeaders().add("Content-Range", "bytes */" + size);
        sendError(exchange, 416, "RANGE_NOT_SATISFIABLE", "range outside object: " + range);
        return;
      }
      long shownStart = edgeMode == EdgeMode.WRONG_CONTENT_RANGE ? start + 1 : start;
      exchange.getResponseHeaders().add(
          "Content-Range", "bytes " + shownStart + "-" + end + "/" + size);
      int length = (int) (end - start + 1);
      if (edgeMode == EdgeMode.TRUNCATE_BODY) {
        exchange.sendResponseHeaders(206, length);
        OutputStream body = exchange.getResponseBody();
        body.write(object, (int) start, length / 2);
        body.flush();
        // Closing the exchange before the declared length ends the connection mid-body.
        return;
      }
      send(exchange, 206, object, (int) start, length);
    } finally {
      exchange.close();
    }
  }

  private Rendition find(String trackId, String renditionId) {
    List<Rendition> list = renditions.get(trackId);
    if (list == null) {
      return null;
    }
    for (Rendition rendition : list) {
      if (rendition.id.equals(renditionId)) {
        return rendition;
      }
    }
    return null;
  }

  private byte[] served(String trackId, Rendition rendition) {
    Integer corrupt = corruptChunks.get(trackId + "/" + rendition.id);
    if (corrupt == null) {
      return rendition.bytes;
    }
    byte[] copy = rendition.bytes.clone();
    int offset = corrupt * rendition.chunkSizeBytes + 100;
    copy[offset] ^= 0x5A;
    return copy;
  }

  private boolean authorized(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    String token = accessToken;
    return token != null && header != null && header.equals("Bearer " + token);
  }

  private ObjectNode issueTokens() {
    int number = tokenCounter.incrementAndGet();
    accessToken = "access-" + number;
    refreshToken = "refresh-" + number;
    ObjectNode tokens = JSON.createObjectNode();
    tokens.put("accessToken", accessToken);
    tokens.put("refreshToken", refreshToken);
    tokens.put("expiresInS", 900);
    tokens.put("userId", "u-premium");
    tokens.put("tier", "premium");
    return tokens;
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      return in.readAllBytes();
    }
  }

  private static void sendJson(HttpExchange exchange, int status, JsonNode json)
      throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    byte[] body = JSON.writeValueAsBytes(json);
    send(exchange, status, body, 0, body.length);
  }

  private static void sendError(HttpExchange exchange, int status, String code, String message)
      throws IOException {
    ObjectNode error = JSON.createObjectNode();
    error.putObject("error").put("code", code).put("message", message);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    byte[] body = JSON.writeValueAsString(error).getBytes(StandardCharsets.UTF_8);
    send(exchange, status, body, 0, body.length);
  }

  private static void send(HttpExchange exchange, int status, byte[] body, int offset, int length)
      throws IOException {
    exchange.sendResponseHeaders(status, length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body, offset, length);
    }
  }
}
