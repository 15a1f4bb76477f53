package dev.tonearm.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import io.netty.handler.codec.http.HttpMethod;
import org.junit.jupiter.api.Test;

class RouterTest {
  private static final RouteHandler OK = request -> ApiResponse.ok("ok");

  private final Router router =
      Router.builder()
          .authenticated(HttpMethod.GET, "/v1/tracks", OK)
          .authenticated(HttpMethod.GET, "/v1/tracks/{id}/manifest", OK)
          .open(HttpMethod.POST, "/v1/auth/login", OK)
          .build();

  @Test
  void placeholder_capturesSegment() {
    Router.Match match = router.match(HttpMethod.GET, "/v1/tracks/t-1/manifest");

    assertThat(match.pathParameters()).containsEntry("id", "t-1");
    assertThat(match.route().access()).isEqualTo(Router.Access.AUTHENTICATED);
  }

  @Test
  void unknownPath_isNotFound() {
    for (String path : new String[] {"/v1/track", "/v1/tracks/", "/v1/tracks//manifest", "/"}) {
      assertThatThrownBy(() -> router.match(HttpMethod.GET, path))
          .as(path)
          .isInstanceOfSatisfying(
              ApiException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }
  }

  @Test
  void otherMethod_isMethodNotAllowedWithAllowedList() {
    assertThatThrownBy(() -> router.match(HttpMethod.PUT, "/v1/auth/login"))
        .isInstanceOfSatisfying(
            Router.MethodNotAllowedException.class,
            e -> assertThat(e.allowed()).containsExactly(HttpMethod.POST));
  }
}
