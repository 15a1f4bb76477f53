package dev.tonearm.drm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.core.api.AuthTokens;
import dev.tonearm.core.api.TonearmClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * {@link LicenceClient} over HTTP with OkHttp. Routes, relative to the base URL:
 *
 * <ul>
 *   <li>{@code POST /v1/devices} {@code {"deviceId","publicKey","name"}} returns the device;
 *   <li>{@code GET /v1/devices} returns {@code {"devices":[...]}};
 *   <li>{@code DELETE /v1/devices/{deviceId}} returns 204;
 *   <li>{@code POST /v1/licences} {@code {"deviceId","keyIds":[...],"purpose"}} returns {@code
 *       {"licence","signature","signingKeyId"}};
 *   <li>{@code GET /v1/licences/signing-keys} returns {@code {"keys":[{"keyId","algorithm",
 *       "publicKey"}]}}.
 * </ul>
 *
 * <p>Each request carries {@code Authorization: Bearer} with a token from the {@link
 * AccessTokenProvider}. Error bodies {@code {"error":{"code","message"}}} become {@link
 * DrmException}s with the matching reason. Response bodies larger than the limit are rejected.
 * Calls block the calling thread; thread-safe.
 */
public final class OkHttpLicenceClient implements LicenceClient {
  /** Default limit on a response body. */
  public static final int DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

  private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Supplies the current access token, refreshing it if needed. */
  public interface AccessTokenProvider {
    /** Returns the access token for the {@code Authorization: Bearer} header. */
    String accessToken() throws IOException;
  }

  private final HttpUrl baseUrl;
  private final OkHttpClient httpClient;
  private final AccessTokenProvider tokens;
  private final int maxResponseBytes;

  private OkHttpLicenceClient(Builder builder) {
    this.baseUrl = Objects.requireNonNull(builder.baseUrl, "baseUrl");
    this.httpClient = builder.httpClient == null ? new OkHttpClient() : builder.httpClient;
    this.tokens = Objects.requireNonNull(builder.tokens, "accessTokenProvider");
    this.maxResponseBytes = builder.maxResponseBytes;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builder for {@link OkHttpLicenceClient}; the base URL and token provider are required. */
  public static final class Builder {
    private HttpUrl baseUrl;
    private OkHttpClient httpClient;
    private AccessTokenProvider tokens;
    private int maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES;

    /** API base URL, such as {@code http://127.0.0.1:41000}; routes start with {@code /v1}. */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = HttpUrl.get(baseUrl);
      return this;
    }

    /** HTTP client to share connection pools with; default a new {@link OkHttpClient}. */
    public Builder httpClient(OkHttpClient httpClient) {
      this.httpClient = httpClient;
      return this;
    }

    public Builder accessTokenProvider(AccessTokenProvider tokens) {
      this.tokens = tokens;
      return this;
    }

    /**
     * Uses the session of {@code client}: its base URL and its HTTP client, which sends the
     * current access token and refreshes the session once on HTTP 401. Replaces {@link
     * #baseUrl}, {@link #httpClient} and {@link #accessTokenProvider}.
     */
    public Builder session(TonearmClient client) {
      baseUrl(client.baseUrl());
      httpClient(client.httpClient());
      accessTokenProvider(
          () -> {
            AuthTokens tokens = client.tokenStore().tokens();
            if (tokens == null) {
              throw new IOException("no session; log in with the TonearmClient first");
            }
            return tokens.accessToken();
          });
      return this;
    }

    /** Limit on a response body; default {@link #DEFAULT_MAX_RESPONSE_BYTES}. */
    public Builder maxResponseBytes(int maxResponseBytes) {
      if (maxResponseBytes <= 0) {
        throw new IllegalArgumentException("maxResponseBytes must be > 0: " + maxResponseBytes);
      }
      this.maxResponseBytes = maxResponseBytes;
      return this;
    }

    public OkHttpLicenceClient build() {
      return new OkHttpLicenceClient(this);
    }
  }

  @Override
  public RegisteredDevice registerDevice(String deviceId, String publicKeyBase64, String name)
      throws DrmException {
    ObjectNode body = JSON.createObjectNode();
    body.put("deviceId", deviceId);
    body.put("publicKey", publicKeyBase64);
    body.put("name", name == null ? "" : name);
    JsonNode response = call("POST", "v1/devices", body);
    return parseDevice(response);
  }

  @Override
  public List<RegisteredDevice> listDevices() throws DrmException {
    JsonNode response = call("GET", "v1/devices", null);
    JsonNode devices = response.get("devices");
    if (devices == null || !devices.isArray()) {
      throw malformed("device list has no \"devices\" array");
    }
    List<RegisteredDevice> result = new ArrayList<>();
    for (JsonNode device : devices) {
      result.add(parseDevice(device));
    }
    return Collections.unmodifiableList(result);
  }

  @Override
  public void deauthoriseDevice(String deviceId) throws DrmException {
    HttpUrl url =
        baseUrl.newBuilder().addPathSegments("v1/devices").addPathSegment(deviceId).build();
    execute("DELETE", url, null);
  }

  @Override
  public SignedLicence requestLicence(String deviceId, List<String> keyIds, LicencePurpose purpose)
      throws DrmException {
    ObjectNode body = JSON.createObjectNode();
    body.put("deviceId", deviceId);
    ArrayNode ids = body.putArray("keyIds");
    for (String keyId : keyIds) {
      ids.add(keyId);
    }
    body.put("purpose", purpose.jsonName());
    JsonNode response = call("POST", "v1/licences", body);
    return new SignedLicence(
        requireText(response, "licence"),
        requireText(response, "signature"),
        requireText(response, "signingKeyId"));
  }

  @Override
  public List<SigningKey> fetchSigningKeys() throws DrmException {
    JsonNode response = call("GET", "v1/licences/signing-keys", null);
    JsonNode keys = response.get("keys");
    if (keys == null || !keys.isArray()) {
      throw malformed("signing key list has no \"keys\" array");
    }
    List<SigningKey> result = new ArrayList<>();
    for (JsonNode key : keys) {
      if (!"Ed25519".equals(requireText(key, "algorithm"))) {
        continue;
      }
      try {
        result.add(SigningKey.fromBase64(requireText(key, "keyId"), requireText(key, "publicKey")));
      } catch (IllegalArgumentException e) {
        throw new DrmException(
            DrmException.ERROR_MALFORMED_RESPONSE, "signing key is not a 32-byte base64 key", e);
      }
    }
    return Collections.unmodifiableList(result);
  }

  private JsonNode call(String method, String path, JsonNode body) throws DrmException {
    HttpUrl url = baseUrl.newBuilder().addPathSegments(path).build();
    byte[] bytes = execute(method, url, body);
    try {
      JsonNode parsed = JSON.readTree(bytes);
      if (parsed == null || !parsed.isObject()) {
        throw malformed(method + " " + url.encodedPath() + " did not return a JSON object");
      }
      return parsed;
    } catch (IOException e) {
      throw new DrmException(
          DrmException.ERROR_MALFORMED_RESPONSE,
          method + " " + url.encodedPath() + " returned invalid JSON",
          e);
    }
  }

  private byte[] execute(String method, HttpUrl url, JsonNode body) throws DrmException {
    String token;
    try {
      token = tokens.accessToken();
    } catch (IOException e) {
      throw new DrmException(DrmException.ERROR_UNAUTHORIZED, "no access token available", e);
    }
    RequestBody requestBody = null;
    if (body != null) {
      try {
        requestBody = RequestBody.create(JSON.writeValueAsBytes(body), JSON_TYPE);
      } catch (IOException e) {
        throw new IllegalStateException("cannot serialize request body", e);
      }
    }
    Request request =
        new Request.Builder()
            .url(url)
            .method(method, requestBody)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json")
            .build();
    try (Response response = httpClient.newCall(request).execute()) {
      byte[] bytes = readLimited(response.body(), method, url);
      if (!response.isSuccessful()) {
        throw errorFor(response.code(), bytes, method, url);
      }
      return bytes;
    } catch (DrmException e) {
      throw e;
    } catch (IOException e) {
      throw new DrmException(
          DrmException.ERROR_NETWORK, method + " " + url.encodedPath() + " failed", e);
    }
  }

  private byte[] readLimited(ResponseBody body, String method, HttpUrl url) throws IOException {
    if (body == null) {
      return new byte[0];
    }
    if (body.contentLength() > maxResponseBytes) {
      throw tooLarge(body.contentLength(), method, url);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (InputStream in = body.byteStream()) {
      int read;
      while ((read = in.read(buffer)) != -1) {
        out.write(buffer, 0, read);
        if (out.size() > maxResponseBytes) {
          throw tooLarge(out.size(), method, url);
        }
      }
    }
    return out.toByteArray();
  }

  private DrmException tooLarge(long sizeBytes, String method, HttpUrl url) {
    return new DrmException(
        DrmException.ERROR_MALFORMED_RESPONSE,
        method
            + " "
            + url.encodedPath()
            + " returned more than "
            + maxResponseBytes
            + " bytes ("
            + sizeBytes
            + " so far)");
  }

  private static DrmException errorFor(int status, byte[] body, String method, HttpUrl url) {
    String code = null;
    String message = "";
    try {
      JsonNode error = JSON.readTree(body).get("error");
      if (error != null) {
        code = error.path("code").asText(null);
        message = error.path("message").asText("");
      }
    } catch (IOException | RuntimeException e) {
      // The status alone decides the reason below.
    }
    int reason;
    if (status == 401) {
      reason = DrmException.ERROR_UNAUTHORIZED;
    } else if ("DEVICE_NOT_FOUND".equals(code)) {
      reason = DrmException.ERROR_DEVICE_NOT_REGISTERED;
    } else if ("DEVICE_NOT_OWNED".equals(code)) {
      reason = DrmException.ERROR_DEVICE_NOT_OWNED;
    } else if ("DEVICE_LIMIT_REACHED".equals(code)) {
      reason = DrmException.ERROR_DEVICE_LIMIT_REACHED;
    } else if ("SUBSCRIPTION_REQUIRED".equals(code) || "PREMIUM_REQUIRED".equals(code)) {
      reason = DrmException.ERROR_SUBSCRIPTION_REQUIRED;
    } else if ("UNKNOWN_KEY".equals(code)) {
      reason = DrmException.ERROR_UNKNOWN_KEY;
    } else {
      reason = DrmException.ERROR_SERVER;
    }
    return new DrmException(
        reason,
        method + " " + url.encodedPath() + " failed with HTTP " + status + ": " + message,
        code,
        null);
  }

  private static RegisteredDevice parseDevice(JsonNode device) throws DrmException {
    JsonNode registeredAt = device.get("registeredAtMs");
    if (registeredAt == null || !registeredAt.canConvertToLong()) {
      throw malformed("device has no numeric \"registeredAtMs\"");
    }
    return new RegisteredDevice(
        requireText(device, "deviceId"),
        device.path("name").asText(""),
        requireText(device, "publicKeySha256"),
        registeredAt.asLong());
  }

  private static String requireText(JsonNode node, String field) throws DrmException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw malformed("response has no text field \"" + field + "\"");
    }
    return value.asText();
  }

  private static DrmException malformed(String message) {
    return new DrmException(DrmException.ERROR_MALFORMED_RESPONSE, message);
  }

  @Override
  public String toString() {
    return "OkHttpLicenceClient{" + baseUrl + "}";
  }
}
