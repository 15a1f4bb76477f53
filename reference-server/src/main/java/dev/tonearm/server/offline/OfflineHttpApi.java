package dev.tonearm.server.offline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.server.http.Json;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON bodies of the offline routes, independent of the HTTP server. The router authenticates the
 * request, takes the account id from the access token and the device id from the path, and passes
 * the raw body here; it sends back {@link Response#status()} and {@link Response#body()} as {@code
 * application/json} (no body for 204).
 *
 * <p>Routes (base path {@code /v1}, all with {@code Authorization: Bearer}):
 *
 * <pre>
 * POST   /offline/devices                          registerDevice     201
 * GET    /offline/devices                          listDevices        200
 * DELETE /offline/devices/{deviceId}               deauthoriseDevice  204, or 404
 * POST   /offline/devices/{deviceId}/downloads     authoriseDownloads 200
 * POST   /offline/devices/{deviceId}/keys          issueKeys          200
 * POST   /offline/devices/{deviceId}/refresh       refreshLicences    200
 * POST   /offline/devices/{deviceId}/releases      releaseTracks      200
 * </pre>
 *
 * <p>Errors use the API's shape {@code {"error":{"code":"TRACK_LIMIT","message":"..."}}} with the
 * status of {@link OfflineReason#httpStatus()}. Times are epoch milliseconds, keys are base64.
 *
 * <p>Thread-safe.
 */
public final class OfflineHttpApi {
  private static final Logger log = LoggerFactory.getLogger(OfflineHttpApi.class);

  /** Maximum request body: 10,000 ids of 128 characters with JSON quoting fit well below it. */
  public static final int MAX_BODY_BYTES = 2 * 1024 * 1024;

  private final OfflineService service;
  private final ObjectMapper mapper = new ObjectMapper();

  public OfflineHttpApi(OfflineService service) {
    this.service = Objects.requireNonNull(service, "service");
  }

  /** A status code with a JSON body, empty for 204. */
  public record Response(int status, byte[] body) {}

  /** {@code POST /v1/offline/devices} with {@code {"deviceId":"..","displayName":".."}}. */
  public Response registerDevice(String accountId, byte[] body) {
    return handle(
        201,
        () -> {
          JsonNode request = parse(body);
          OfflineDevice device =
              service.registerDevice(
                  accountId, textOrNull(request, "deviceId"), textOrNull(request, "displayName"));
          ObjectNode response = mapper.createObjectNode();
          writeDevice(response.putObject("device"), device);
          response.put("maxDevices", service.limits().maxDevicesPerAccount());
          return response;
        });
  }

  /** {@code GET /v1/offline/devices}. */
  public Response listDevices(String accountId) {
    return handle(
        200,
        () -> {
          ObjectNode response = mapper.createObjectNode();
          ArrayNode devices = response.putArray("devices");
          for (OfflineDevice device : service.listDevices(accountId)) {
            writeDevice(devices.addObject(), device);
          }
          response.put("maxDevices", service.limits().maxDevicesPerAccount());
          return response;
        });
  }

  /** {@code DELETE /v1/offline/devices/{deviceId}}. */
  public Response deauthoriseDevice(String accountId, String deviceId) {
    try {
      if (service.deauthoriseDevice(accountId, deviceId)) {
        return new Response(204, new byte[0]);
      }
      return error(
          new OfflineException(
              OfflineReason.DEVICE_NOT_REGISTERED,
              "This device is not registered for downloads on this account."));
    } catch (OfflineException e) {
      return error(e);
    }
  }

  /**
   * {@code POST /v1/offline/devices/{deviceId}/downloads} with {@code {"trackIds":[..]}}; returns
   * {@code {"objects":[{"trackId","renditionId","keyId","urls","sizeBytes","chunkSizeBytes",
   * "chunkSha256"}],"heldTracks":n,"maxTracks":n}}.
   */
  public Response authoriseDownloads(String accountId, String deviceId, byte[] body) {
    return handle(
        200,
        () -> {
          List<String> trackIds = stringList(parse(body), "trackIds");
          DownloadAuthorisation authorisation =
              service.authoriseDownloads(accountId, deviceId, trackIds);
          ObjectNode response = mapper.createObjectNode();
          ArrayNode objects = response.putArray("objects");
          for (OfflineObject object : authorisation.objects()) {
            ObjectNode node = objects.addObject();
            node.put("trackId", object.trackId());
            node.put("renditionId", object.renditionId());
            node.put("keyId", object.keyId());
            ArrayNode urls = node.putArray("urls");
            object.urls().forEach(urls::add);
            node.put("sizeBytes", object.sizeBytes());
            node.put("chunkSizeBytes", object.chunkSizeBytes());
            ArrayNode digests = node.putArray("chunkSha256");
            object.chunkSha256().forEach(digests::add);
          }
          response.put("heldTracks", authorisation.heldTracks());
          response.put("maxTracks", authorisation.maxTracks());
          return response;
        });
  }

  /**
   * {@code POST /v1/offline/devices/{deviceId}/keys} with {@code {"trackIds":[..]}}; returns {@code
   * {"keys":[{"trackId","keyId","wrappedKey"}],"licence":{"checkedAtMs","expiresAtMs"},
   * "droppedTrackIds":[]}}.
   */
  public Response issueKeys(String accountId, String deviceId, byte[] body) {
    return handle(
        200,
        () -> {
          List<String> trackIds = stringList(parse(body), "trackIds");
          return keyDelivery(service.issueKeys(accountId, deviceId, trackIds));
        });
  }

  /**
   * {@code POST /v1/offline/devices/{deviceId}/refresh} with {@code {"heldTrackIds":[..]}}; returns
   * the same shape as {@link #issueKeys}.
   */
  public Response refreshLicences(String accountId, String deviceId, byte[] body) {
    return handle(
        200,
        () -> {
          List<String> held = stringList(parse(body), "heldTrackIds");
          return keyDelivery(service.refreshLicences(accountId, deviceId, held));
        });
  }

  /**
   * {@code POST /v1/offline/devices/{deviceId}/releases} with {@code {"trackIds":[..]}}; returns
   * {@code {"heldTracks":n}}.
   */
  public Response releaseTracks(String accountId, String deviceId, byte[] body) {
    return handle(
        200,
        () -> {
          List<String> trackIds = stringList(parse(body), "trackIds");
          int held = service.releaseTracks(accountId, deviceId, trackIds);
          ObjectNode response = mapper.createObjectNode();
          response.put("heldTracks", held);
          return response;
        });
  }

  private ObjectNode keyDelivery(KeyDelivery delivery) {
    ObjectNode response = mapper.createObjectNode();
    ArrayNode keys = response.putArray("keys");
    Base64.Encoder base64 = Base64.getEncoder();
    for (WrappedKey key : delivery.keys()) {
      ObjectNode node = keys.addObject();
      node.put("trackId", key.trackId());
      node.put("keyId", key.keyId());
      node.put("wrappedKey", base64.encodeToString(key.wrappedKey()));
    }
    ObjectNode licence = response.putObject("licence");
    licence.put("checkedAtMs", delivery.checkedAt().toEpochMilli());
    licence.put("expiresAtMs", delivery.expiresAt().toEpochMilli());
    ArrayNode dropped = response.putArray("droppedTrackIds");
    delivery.droppedTrackIds().forEach(dropped::add);
    return response;
  }

  private void writeDevice(ObjectNode node, OfflineDevice device) {
    node.put("deviceId", device.deviceId());
    node.put("displayName", device.displayName());
    node.put("registeredAtMs", device.registeredAt().toEpochMilli());
    putInstant(node, "lastOnlineCheckMs", device.lastOnlineCheck());
    putInstant(node, "licenceExpiresAtMs", device.licenceExpiresAt());
    node.put("heldTracks", device.heldTracks());
  }

  private static void putInstant(ObjectNode node, String field, Instant value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value.toEpochMilli());
    }
  }

  private Response handle(int successStatus, Supplier<JsonNode> action) {
    try {
      return new Response(successStatus, mapper.writeValueAsBytes(action.get()));
    } catch (OfflineException e) {
      return error(e);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot serialise an offline response", e);
    }
  }

  private JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      throw new OfflineException(OfflineReason.INVALID_JSON, "The request body is empty.");
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new OfflineException(
          OfflineReason.PAYLOAD_TOO_LARGE,
          "The request body has " + body.length + " bytes; the maximum is " + MAX_BODY_BYTES + ".");
    }
    String text;
    try {
      text = Json.decodeUtf8(body);
    } catch (CharacterCodingException e) {
      throw new OfflineException(OfflineReason.INVALID_JSON, "The request body is not valid UTF-8.");
    }
    try {
      JsonNode node = mapper.readTree(text);
      if (node == null || !node.isObject()) {
        throw new OfflineException(
            OfflineReason.INVALID_JSON, "The request body must be a JSON object.");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new OfflineException(
          OfflineReason.INVALID_JSON,
          "The request body is not valid JSON: " + Json.describeParseFailure(e));
    }
  }

  private static String textOrNull(JsonNode request, String field) {
    JsonNode value = request.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new OfflineException(OfflineReason.BAD_REQUEST, field + " must be a string");
    }
    return value.asText();
  }

  private static List<String> stringList(JsonNode request, String field) {
    JsonNode array = request.get(field);
    if (array == null || !array.isArray()) {
      throw new OfflineException(
          OfflineReason.BAD_REQUEST, field + " must be an array of track ids");
    }
    List<String> values = new ArrayList<>(array.size());
    for (JsonNode element : array) {
      if (!element.isTextual()) {
        throw new OfflineException(
            OfflineReason.BAD_REQUEST, field + " must contain only strings: " + element);
      }
      values.add(element.asText());
    }
    return values;
  }

  private Response error(OfflineException e) {
    OfflineReason reason = e.reason();
    if (reason == OfflineReason.INTERNAL || reason == OfflineReason.KEY_UNAVAILABLE) {
      log.warn("Offline request failed with {}: {}", reason, e.getMessage());
    }
    ObjectNode root = mapper.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", reason.name());
    error.put("message", e.getMessage());
    try {
      return new Response(reason.httpStatus(), mapper.writeValueAsBytes(root));
    } catch (JsonProcessingException serialisationFailure) {
      throw new UncheckedIOException("cannot serialise an offline error", serialisationFailure);
    }
  }
}
