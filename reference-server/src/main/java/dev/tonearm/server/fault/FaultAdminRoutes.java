package dev.tonearm.server.fault;

import dev.tonearm.server.api.ApiRequest;
import dev.tonearm.server.api.ApiResponse;
import dev.tonearm.server.api.RouteHandler;
import dev.tonearm.server.api.Router;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers the fault injection admin API under {@code /v1/admin/faults}. Every route requires
 * {@code Authorization: Bearer <admin token>}, the separate token given to {@code
 * ReferenceServer.Builder.faultInjection}; user access tokens get 401 there. Stateless.
 */
public final class FaultAdminRoutes {
  /** Shortest admin token accepted: 16 characters. */
  public static final int MIN_ADMIN_TOKEN_LENGTH = 16;

  private static final String BEARER_PREFIX = "Bearer ";

  private FaultAdminRoutes() {}

  /** Adds the admin routes to {@code router}, guarded by {@code adminToken}. */
  public static void register(Router.Builder router, FaultInjector injector, String adminToken) {
    if (adminToken.length() < MIN_ADMIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          "admin token must have at least " + MIN_ADMIN_TOKEN_LENGTH + " characters");
    }
    router.open(
        HttpMethod.PUT,
        "/v1/admin/faults/schedule",
        admin(
            adminToken, request -> ApiResponse.ok(injector.setSchedule(request.jsonObjectBody()))));
    router.open(
        HttpMethod.DELETE,
        "/v1/admin/faults/schedule",
        admin(adminToken, request -> ApiResponse.ok(Map.of("removed", injector.clearSchedule()))));
    router.open(
        HttpMethod.GET,
        "/v1/admin/faults",
        admin(adminToken, request -> ApiResponse.ok(state(injector))));
    router.open(
        HttpMethod.POST,
        "/v1/admin/faults",
        admin(
            adminToken,
            request ->
                new ApiResponse(
                    HttpResponseStatus.CREATED, injector.addRule(request.jsonObjectBody()))));
    router.open(
        HttpMethod.DELETE,
        "/v1/admin/faults",
        admin(adminToken, request -> ApiResponse.ok(Map.of("removedRules", injector.clear()))));
    router.open(
        HttpMethod.DELETE,
        "/v1/admin/faults/{id}",
        admin(
            adminToken,
            request -> {
              String id = request.pathParameter("id");
              return ApiResponse.ok(
                  injector
                      .removeRule(id)
                      .orElseThrow(
                          () -> new ApiException(ErrorCode.NOT_FOUND, "no fault rule " + id)));
            }));
  }

  private static Map<String, Object> state(FaultInjector injector) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("faults", injector.rules());
    body.put("schedule", injector.schedule().orElse(null));
    body.put("injected", injector.injectedCounts());
    return body;
  }

  /** Wraps {@code handler} so that it runs only for a request that carries the admin token. */
  public static RouteHandler admin(String adminToken, RouteHandler handler) {
    return request -> {
      requireAdmin(request, adminToken);
      return handler.handle(request);
    };
  }

  private static void requireAdmin(ApiRequest request, String adminToken) {
    String authorization = request.http().header(HttpHeaderNames.AUTHORIZATION);
    if (authorization == null || !authorization.startsWith(BEARER_PREFIX)) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "the admin API needs the admin token");
    }
    String presented = authorization.substring(BEARER_PREFIX.length()).trim();
    if (!TokenDigests.constantTimeEquals(presented, adminToken)) {
      throw new ApiException(ErrorCode.UNAUTHORIZED, "admin token is not valid");
    }
  }
}
