package dev.tonearm.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.http.Json;
import dev.tonearm.server.offline.OfflineHttpApi;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Registers the offline routes of {@link OfflineHttpApi}: {@code POST} and {@code GET
 * /v1/offline/devices}, {@code DELETE /v1/offline/devices/{deviceId}} and {@code POST
 * /v1/offline/devices/{deviceId}/downloads}, {@code .../keys}, {@code .../refresh} and {@code
 * .../releases}. Every route needs a bearer token; the account comes from it and the device from
 * the path. The status and JSON body, errors included, are those of {@link OfflineHttpApi}, so the
 * offline reason codes ({@code PREMIUM_REQUIRED}, {@code TRACK_LIMIT} and the others) reach the
 * client unchanged. Stateless.
 *
 * <p>The API listener rejects bodies over {@code maxRequestBodyBytes} (2 MiB by default) before
 * these routes run, so a server configured with a lower limit rejects refreshes that list many
 * held tracks before {@link OfflineHttpApi#MAX_BODY_BYTES} (2 MiB) is checked.
 */
public final class OfflineRoutes {
  private OfflineRoutes() {}

  /** Adds the routes to {@code router}. */
  public static void register(Router.Builder router, OfflineHttpApi api) {
    router.authenticated(
        HttpMethod.POST,
        "/v1/offline/devices",
        request -> toApiResponse(api.registerDevice(accountOf(request), request.http().body())));
    router.authenticated(
        HttpMethod.GET,
        "/v1/offline/devices",
        request -> toApiResponse(api.listDevices(accountOf(request))));
    router.authenticated(
        HttpMethod.DELETE,
        "/v1/offline/devices/{deviceId}",
        request -> toApiResponse(api.deauthoriseDevice(accountOf(request), deviceOf(request))));
    router.authenticated(
        HttpMethod.POST,
        "/v1/offline/devices/{deviceId}/downloads",
        request ->
            toApiResponse(
                api.authoriseDownloads(
                    accountOf(request), deviceOf(request), request.http().body())));
    router.authenticated(
        HttpMethod.POST,
        "/v1/offline/devices/{deviceId}/keys",
        request ->
            toApiResponse(
                api.issueKeys(accountOf(request), deviceOf(request), request.http().body())));
    router.authenticated(
        HttpMethod.POST,
        "/v1/offline/devices/{deviceId}/refresh",
        request ->
            toApiResponse(
                api.refreshLicences(accountOf(request), deviceOf(request), request.http().body())));
    router.authenticated(
        HttpMethod.POST,
        "/v1/offline/devices/{deviceId}/releases",
        request ->
            toApiResponse(
                api.releaseTracks(accountOf(request), deviceOf(request), request.http().body())));
  }

  private static String accountOf(ApiRequest request) {
    return request.principal().accountId();
  }

  private static String deviceOf(ApiRequest request) {
    return request.pathParameter("deviceId");
  }

  private static ApiResponse toApiResponse(OfflineHttpApi.Response response) {
    HttpResponseStatus status = HttpResponseStatus.valueOf(response.status());
    if (status.equals(HttpResponseStatus.NO_CONTENT)) {
      return ApiResponse.noContent();
    }
    try {
      JsonNode body = Json.MAPPER.readTree(response.body());
      return new ApiResponse(status, body);
    } catch (IOException e) {
      throw new UncheckedIOException("offline response body is not JSON", e);
    }
  }
}
