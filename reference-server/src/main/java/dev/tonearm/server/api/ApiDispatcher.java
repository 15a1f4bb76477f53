package dev.tonearm.server.api;

import dev.tonearm.server.auth.AuthService;
import dev.tonearm.server.auth.Principal;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.http.HttpRequestData;
import dev.tonearm.server.http.HttpResponses;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one API request into one response: routes it (404, 405), checks the bearer token on
 * authenticated routes (401), runs the handler and maps every exception to the error shape, so it
 * returns a response for every request. A {@code HEAD} request runs the {@code GET} route and gets
 * its status and headers without the body.
 *
 * <p>Thread-safe; runs on the API handler pool.
 */
public final class ApiDispatcher {
  private static final Logger log = LoggerFactory.getLogger(ApiDispatcher.class);

  private final Router router;
  private final AuthService auth;

  public ApiDispatcher(Router router, AuthService auth) {
    this.router = router;
    this.auth = auth;
  }

  /** Serves {@code request} and returns the response, which the caller must write or release. */
  public FullHttpResponse dispatch(HttpRequestData request) {
    long startNanos = System.nanoTime();
    FullHttpResponse response = dispatchUnlogged(request);
    if (request.method().equals(HttpMethod.HEAD)) {
      response = withoutBody(response);
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "{} {} -> {} in {} us",
          request.method(),
          request.path(),
          response.status().code(),
          (System.nanoTime() - startNanos) / 1_000);
    }
    return response;
  }

  /**
   * Returns {@code response} with an empty body and its headers unchanged, so {@code
   * Content-Length} still gives the length that a GET would receive. Releases {@code response}.
   */
  private static FullHttpResponse withoutBody(FullHttpResponse response) {
    FullHttpResponse head =
        new DefaultFullHttpResponse(
            response.protocolVersion(), response.status(), Unpooled.EMPTY_BUFFER);
    head.headers().set(response.headers());
    response.release();
    return head;
  }

  private FullHttpResponse dispatchUnlogged(HttpRequestData request) {
    try {
      Router.Match match = router.match(request.method(), request.path());
      Principal principal = null;
      if (match.route().access() == Router.Access.AUTHENTICATED) {
        principal = auth.authenticate(request.header(HttpHeaderNames.AUTHORIZATION));
      }
      ApiResponse response =
          match.route().handler().handle(new ApiRequest(request, match.pathParameters(), principal));
      if (response.body() == null) {
        return HttpResponses.empty(response.status());
      }
      return HttpResponses.json(response.status(), response.body());
    } catch (Router.MethodNotAllowedException e) {
      FullHttpResponse response = HttpResponses.error(e);
      String allow =
          e.allowed().stream().map(HttpMethod::name).collect(Collectors.joining(", "));
      response.headers().set(HttpHeaderNames.ALLOW, allow);
      return response;
    } catch (ApiException e) {
      return HttpResponses.error(e);
    } catch (Exception e) {
      log.error("request {} {} failed", request.method(), request.path(), e);
      return HttpResponses.error(ErrorCode.INTERNAL, "internal server error");
    }
  }
}
