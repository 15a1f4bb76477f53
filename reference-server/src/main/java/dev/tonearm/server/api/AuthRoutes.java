package dev.tonearm.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.auth.AuthService;
import io.netty.handler.codec.http.HttpMethod;

/** Registers {@code POST /v1/auth/login} and {@code POST /v1/auth/refresh}. Stateless. */
public final class AuthRoutes {
  private AuthRoutes() {}

  /** Adds the auth routes to {@code router}; both need no bearer token. */
  public static void register(Router.Builder router, AuthService auth) {
    router.open(
        HttpMethod.POST,
        "/v1/auth/login",
        request -> {
          JsonNode body = request.jsonObjectBody();
          String username = ApiRequest.requiredString(body, "username");
          String password = ApiRequest.requiredString(body, "password");
          return ApiResponse.ok(auth.login(username, password));
        });
    router.open(
        HttpMethod.POST,
        "/v1/auth/refresh",
        request -> {
          JsonNode body = request.jsonObjectBody();
          return ApiResponse.ok(auth.refresh(ApiRequest.requiredString(body, "refreshToken")));
        });
  }
}
