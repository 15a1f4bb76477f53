package dev.tonearm.offline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;

/**
 * An {@link AuthorisationClient} over the offline routes of the Tonearm API, on OkHttp with
 * Jackson:
 *
 * <pre>
 * POST   /v1/offline/devices                        registerDevice
 * GET    /v1/offline/devices                        listDevices
 * DELETE /v1/offline/devices/{deviceId}             deauthoriseDevice
 * POST   /v1/offline/devices/{deviceId}/downloads   authorise
 * POST   /v1/offline/devices/{deviceId}/keys        requestKeys
 * POST   /v1/offline/devices/{deviceId}/refresh     refresh
 * POST   /v1/offline/devices/{deviceId}/releases    release
 * </pre>
 *
 * <p>An error response with a JSON body {@code {"error":{"code","message"}}} throws {@link
 * OfflineException} with the code's reason; codes this version does not know become {@code
 * SERVER_ERROR}, which the SDK retries. Any other error response throws {@link
 * HttpStatusException}, and a malformed success body a plain {@link IOException}.
 *
 * <p>Thread-safe, as OkHttp's client is.
 */
public final class HttpAuthorisationClient implements AuthorisationClient {
  /** Largest response body read: a refresh of 10,000 RSA-2048 keys is about 4 MB. */
  public static final long MAX_RESPONSE_BYTES = 16L * 1024 * 1024;

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final OkHttpClient client;
  private final HttpUrl devicesUrl;
  private final HttpUrl tracksUrl;
  private final String deviceId;
  private final OkHttpDownloadTransport.AccessTokenProvider tokens;
  private final ObjectMapper mapper = new ObjectMapper();

  /**
   * Creates a client for one device.
   *
   * @param apiBaseUrl the API listener, for example {@code http://127.0.0.1:8080}
   * @param deviceId this device's id, as registered with the licence service
   * @param tokens supplies the access token sent as {@code Authorization: Bearer}
   */
  public HttpAuthorisationClient(
      OkHttpClient client,
      String apiBaseUrl,
      String deviceId,
      OkHttpDownloadTransport.AccessTokenProvider tokens) {
    this(client, apiBaseUrl, deviceId, tokens, false);
  }

  /**
   * Creates a client for one device that, when {@code fetchManifests} is true, also fetches each
   * authorised track's manifest ({@code GET /v1/tracks/{id}/manifest}) during {@link #authorise},
   * so the download keeps it for playback without network ({@link OfflineCatalog#getManifest}).
   * That costs one request per authorised track.
   */
  public HttpAuthorisationClient(
      OkHttpClient client,
      String apiBaseUrl,
      String deviceId,
      OkHttpDownloadTransport.AccessTokenProvider tokens,
      boolean fetchManifests) {
    if (client == null || tokens == null) {
      throw new NullPointerException("client and tokens are required");
    }
    HttpUrl base = HttpUrl.parse(apiBaseUrl);
    if (base == null) {
      throw new IllegalArgumentException("apiBaseUrl is not an http or https URL: " + apiBaseUrl);
    }
    if (deviceId == null || deviceId.isEmpty()) {
      throw new IllegalArgumentException("deviceId is missing");
    }
    this.client = client;
    this.devicesUrl = base.newBuilder().addPathSegments("v1/offline/devices").build();
    this.tracksUrl = fetchManifests ? base.newBuilder().addPathSegments("v1/tracks").build() : null;
    this.deviceId = deviceId;
    this.tokens = tokens;
  }

  @Override
  public OfflineDevice registerDevice(String displayName) throws IOException {
    ObjectNode body = mapper.createObjectNode();
    body.put("deviceId", deviceId);
    if (displayName != null) {
      body.put("displayName", displayName);
    }
    JsonNode response = call("POST", devicesUrl, body);
    return parseDevice(response.path("device"));
  }

  @Override
  public List<OfflineDevice> listDevices() throws IOException {
    JsonNode response = call("GET", devicesUrl, null);
    List<OfflineDevice> devices = new ArrayList<>();
    for (JsonNode device : requireArray(response, "devices")) {
      devices.add(parseDevice(device));
    }
    return devices;
  }

  @Override
  public void deauthoriseDevice(String otherDeviceId) throws IOException {
    call("DELETE", devicesUrl.newBuilder().addPathSegment(otherDeviceId).build(), null);
  }

  @Override
  public DownloadGrant authorise(List<String> trackIds) throws IOException {
    JsonNode response = call("POST", deviceUrl("downloads"), trackIdsBody("trackIds", trackIds));
    List<GrantedObject> objects = new ArrayList<>();
    for (JsonNode object : requireArray(response, "objects")) {
      String trackId = requireText(object, "trackId");
      objects.add(
          GrantedObject.builder(trackId)
              .renditionId(requireText(object, "renditionId"))
              .keyId(requireText(object, "keyId"))
              .urls(textList(object, "urls"))
              .sizeBytes(requireNumber(object, "sizeBytes").asLong())
              .chunkSizeBytes(requireNumber(object, "chunkSizeBytes").asInt())
              .chunkSha256(textList(object, "chunkSha256"))
              .manifest(tracksUrl == null ? null : fetchManifest(trackId))
              .build());
    }
    return new DownloadGrant(
        objects,
        requireNumber(response, "heldTracks").asInt(),
        requireNumber(response, "maxTracks").asInt());
  }

  @Override
  public KeyGrant requestKeys(List<String> trackIds) throws IOException {
    return parseKeyGrant(call("POST", deviceUrl("keys"), trackIdsBody("trackIds", trackIds)));
  }

  @Override
  public KeyGrant refresh(List<String> heldTrackIds) throws IOException {
    return parseKeyGrant(
        call("POST", deviceUrl("refresh"), trackIdsBody("heldTrackIds", heldTrackIds)));
  }

  @Override
  public void release(List<String> trackIds) throws IOException {
    call("POST", deviceUrl("releases"), trackIdsBody("trackIds", trackIds));
  }

  private byte[] fetchManifest(String trackId) throws IOException {
    HttpUrl url = tracksUrl.newBuilder().addPathSegment(trackId).addPathSegment("manifest").build();
    return mapper.writeValueAsBytes(call("GET", url, null));
  }

  private HttpUrl deviceUrl(String action) {
    return devicesUrl.newBuilder().addPathSegment(deviceId).addPathSegment(action).build();
  }

  private ObjectNode trackIdsBody(String field, List<String> trackIds) {
    ObjectNode body = mapper.createObjectNode();
    ArrayNode ids = body.putArray(field);
    for (String trackId : trackIds) {
      ids.add(trackId);
    }
    return body;
  }

  /** Sends one request and returns the parsed body, or an empty object for 204. */
  private JsonNode call(String method, HttpUrl url, JsonNode body) throws IOException {
    Request.Builder request = new Request.Builder().url(url);
    if (body != null) {
      request.method(method, RequestBody.create(mapper.writeValueAsBytes(body), JSON));
    } else {
      request.method(method, null);
    }
    String token = tokens.accessToken();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    try (okhttp3.Response response = client.newCall(request.build()).execute()) {
      String text = readBody(response.body(), url);
      int status = response.code();
      if (status >= 200 && status < 300) {
        return text.isEmpty() ? mapper.createObjectNode() : parse(text, url);
      }
      throw errorFor(status, text, url);
    }
  }

  private static String readBody(ResponseBody body, HttpUrl url) throws IOException {
    if (body == null) {
      return "";
    }
    // Buffer at most one byte past the limit, so an endless or oversized body cannot exhaust
    // memory. A source that ends first has all its bytes in the buffer.
    okio.BufferedSource source = body.source();
    if (source.request(MAX_RESPONSE_BYTES + 1)) {
      throw new IOException(
          "response from " + url + " is larger than " + MAX_RESPONSE_BYTES + " bytes");
    }
    return source.getBuffer().readString(StandardCharsets.UTF_8);
  }

  private IOException errorFor(int status, String text, HttpUrl url) {
    try {
      JsonNode error = mapper.readTree(text).path("error");
      if (error.path("code").isTextual()) {
        String code = error.path("code").asText();
        String message = error.path("message").asText("HTTP " + status + " " + code);
        return new OfflineException(OfflineException.reasonForServerCode(code), message);
      }
    } catch (IOException e) {
      // Not a JSON error body; report the status below.
    }
    return new HttpStatusException(status, url.toString());
  }

  private JsonNode parse(String text, HttpUrl url) throws IOException {
    try {
      JsonNode node = mapper.readTree(text);
      if (node == null || !node.isObject()) {
        throw new IOException("response from " + url + " is not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new IOException("response from " + url + " is not valid JSON", e);
    }
  }

  private KeyGrant parseKeyGrant(JsonNode response) throws IOException {
    List<DeviceKey> keys = new ArrayList<>();
    Base64.Decoder base64 = Base64.getDecoder();
    for (JsonNode key : requireArray(response, "keys")) {
      byte[] wrapped;
      try {
        wrapped = base64.decode(requireText(key, "wrappedKey"));
      } catch (IllegalArgumentException e) {
        throw new IOException("wrappedKey is not base64 in the key response", e);
      }
      try {
        keys.add(new DeviceKey(requireText(key, "trackId"), requireText(key, "keyId"), wrapped));
      } catch (IllegalArgumentException e) {
        throw new IOException("invalid key in the key response: " + e.getMessage(), e);
      }
    }
    JsonNode licence = response.path("licence");
    LicenceTerms terms;
    try {
      terms =
          new LicenceTerms(
              requireNumber(licence, "checkedAtMs").asLong(),
              requireNumber(licence, "expiresAtMs").asLong());
    } catch (IllegalArgumentException e) {
      throw new IOException("invalid licence in the key response: " + e.getMessage(), e);
    }
    List<String> dropped =
        response.has("droppedTrackIds") ? textList(response, "droppedTrackIds") : new ArrayList<>();
    return new KeyGrant(keys, terms, dropped);
  }

  private static OfflineDevice parseDevice(JsonNode device) throws IOException {
    return new OfflineDevice(
        requireText(device, "deviceId"),
        requireText(device, "displayName"),
        requireNumber(device, "registeredAtMs").asLong(),
        requireNumber(device, "heldTracks").asInt());
  }

  private static JsonNode requireArray(JsonNode node, String field) throws IOException {
    JsonNode value = node.get(field);
    if (value == null || !value.isArray()) {
      throw new IOException("response field " + field + " is missing or not an array");
    }
    return value;
  }

  private static String requireText(JsonNode node, String field) throws IOException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IOException("response field " + field + " is missing or not a string");
    }
    return value.asText();
  }

  private static JsonNode requireNumber(JsonNode node, String field) throws IOException {
    JsonNode value = node.get(field);
    if (value == null || !value.isNumber()) {
      throw new IOException("response field " + field + " is missing or not a number");
    }
    return value;
  }

  private static List<String> textList(JsonNode node, String field) throws IOException {
    List<String> values = new ArrayList<>();
    for (JsonNode value : requireArray(node, field)) {
      if (!value.isTextual()) {
        throw new IOException("response field " + field + " must contain only strings");
      }
      values.add(value.asText());
    }
    return values;
  }
}
