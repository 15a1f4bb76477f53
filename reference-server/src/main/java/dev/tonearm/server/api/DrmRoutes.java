package dev.tonearm.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.drm.DeviceList;
import dev.tonearm.server.drm.DeviceRegistry;
import dev.tonearm.server.drm.DrmServiceException;
import dev.tonearm.server.drm.LicenceRequest;
import dev.tonearm.server.drm.LicenceService;
import dev.tonearm.server.drm.RegisterDeviceRequest;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.http.Json;
import io.netty.handler.codec.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the device and licence routes: {@code POST /v1/devices}, {@code GET /v1/devices},
 * {@code DELETE /v1/devices/{deviceId}}, {@code POST /v1/licences} and {@code GET
 * /v1/licences/signing-keys}. Every route needs a bearer token, and the caller's account comes from
 * it: a caller lists and deauthorises only its own devices and gets licences only for them.
 *
 * <p>{@link DrmServiceException} reasons become error codes of the same name, except {@code
 * INVALID_REQUEST}, which is {@code BAD_REQUEST}, and the storage and key file reasons, which are
 * {@code INTERNAL} with the cause in the server log. Stateless.
 */
public final class DrmRoutes {
  private static final Logger log = LoggerFactory.getLogger(DrmRoutes.class);

  private DrmRoutes() {}

  /** Adds the routes to {@code router}. */
  public static void register(
      Router.Builder router, DeviceRegistry devices, LicenceService licences) {
    router.authenticated(
        HttpMethod.POST,
        "/v1/devices",
        request -> {
          RegisterDeviceRequest body = parse(request, RegisterDeviceRequest.class);
          return ApiResponse.created(
              call(() -> devices.register(request.principal().accountId(), body)));
        });
    router.authenticated(
        HttpMethod.GET,
        "/v1/devices",
        request -> ApiResponse.ok(new DeviceList(devices.list(request.principal().accountId()))));
    router.authenticated(
        HttpMethod.DELETE,
        "/v1/devices/{deviceId}",
        request -> {
          String deviceId = request.pathParameter("deviceId");
          call(
              () -> {
                devices.deauthorise(request.principal().accountId(), deviceId);
                return deviceId;
              });
          return ApiResponse.noContent();
        });
    router.authenticated(
        HttpMethod.POST,
        "/v1/licences",
        request -> {
          LicenceRequest body = parse(request, LicenceRequest.class);
          return ApiResponse.ok(call(() -> licences.issue(request.principal().accountId(), body)));
        });
    router.authenticated(
        HttpMethod.GET,
        "/v1/licences/signing-keys",
        request -> ApiResponse.ok(licences.signingKeys()));
  }

  /** A DRM service call. */
  @FunctionalInterface
  private interface DrmCall<T> {
    T run() throws DrmServiceException;
  }

  private static <T> T call(DrmCall<T> call) {
    try {
      return call.run();
    } catch (DrmServiceException e) {
      throw toApiException(e);
    }
  }

  /** Maps a DRM service failure to the API error with the same code, see the class docs. */
  static ApiException toApiException(DrmServiceException e) {
    switch (e.reason()) {
      case INVALID_REQUEST:
        return new ApiException(ErrorCode.BAD_REQUEST, e.getMessage());
      case INVALID_PUBLIC_KEY:
        return new ApiException(ErrorCode.INVALID_PUBLIC_KEY, e.getMessage());
      case DEVICE_NOT_FOUND:
        return new ApiException(ErrorCode.DEVICE_NOT_FOUND, e.getMessage());
      case DEVICE_NOT_OWNED:
        return new ApiException(ErrorCode.DEVICE_NOT_OWNED, e.getMessage());
      case DEVICE_LIMIT_REACHED:
        return new ApiException(ErrorCode.DEVICE_LIMIT_REACHED, e.getMessage());
      case SUBSCRIPTION_REQUIRED:
        return new ApiException(ErrorCode.SUBSCRIPTION_REQUIRED, e.getMessage());
      case UNKNOWN_KEY:
        return new ApiException(ErrorCode.UNKNOWN_KEY, e.getMessage());
      default:
        log.error("DRM service failed", e);
        return new ApiException(ErrorCode.INTERNAL, "internal server error");
    }
  }

  private static <T> T parse(ApiRequest request, Class<T> type) {
    JsonNode body = request.jsonObjectBody();
    try {
      return Json.MAPPER.treeToValue(body, type);
    } catch (JsonProcessingException e) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST,
          "request body does not match the expected fields: " + Json.describeParseFailure(e));
    }
  }
}
