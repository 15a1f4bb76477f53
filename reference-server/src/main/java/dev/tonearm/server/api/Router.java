package dev.tonearm.server.api;

import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The API's route table. A pattern is a path of literal segments and {@code {name}} placeholders,
 * each placeholder matching one non-empty segment: {@code /v1/tracks/{id}/manifest}. Routes are
 * tried in the order they were added; the first whose method and pattern match wins. A {@code
 * HEAD} request without a {@code HEAD} route of its own matches the path's {@code GET} route, as
 * RFC 9110 section 9.3.2 asks; the caller then sends the response without its body.
 *
 * <p>Immutable once built and thread-safe.
 */
public final class Router {
  /** Returns whether a route needs a bearer token. */
  public enum Access {
    /** No token needed (login and refresh). */
    PUBLIC,
    /** A valid access token is required; the handler gets the caller as a principal. */
    AUTHENTICATED
  }

  /** One entry of the table. */
  public record Route(HttpMethod method, String pattern, Access access, RouteHandler handler) {
    public Route {
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(access, "access");
      Objects.requireNonNull(handler, "handler");
      if (!pattern.startsWith("/")) {
        throw new IllegalArgumentException("pattern must start with '/': " + pattern);
      }
    }
  }

  /** A matched route with the values of its placeholders. */
  public record Match(Route route, Map<String, String> pathParameters) {}

  private final List<Route> routes;

  private Router(List<Route> routes) {
    this.routes = List.copyOf(routes);
  }

  /** Creates an empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The routes in matching order. */
  public List<Route> routes() {
    return routes;
  }

  /**
   * Finds the route for {@code method} and {@code path}.
   *
   * @throws ApiException NOT_FOUND when no pattern matches the path
   * @throws MethodNotAllowedException when patterns match but none for this method (nor, for
   *     {@code HEAD}, for {@code GET})
   */
  public Match match(HttpMethod method, String path) {
    Set<HttpMethod> allowed = new LinkedHashSet<>();
    Match getMatch = null;
    for (Route route : routes) {
      Map<String, String> parameters = matchPattern(route.pattern(), path);
      if (parameters == null) {
        continue;
      }
      if (route.method().equals(method)) {
        return new Match(route, parameters);
      }
      allowed.add(route.method());
      if (route.method().equals(HttpMethod.GET)) {
        allowed.add(HttpMethod.HEAD);
        if (getMatch == null) {
          getMatch = new Match(route, parameters);
        }
      }
    }
    if (method.equals(HttpMethod.HEAD) && getMatch != null) {
      return getMatch;
    }
    if (allowed.isEmpty()) {
      throw new ApiException(ErrorCode.NOT_FOUND, "no route for path " + path);
    }
    throw new MethodNotAllowedException(method, path, allowed);
  }

  private static Map<String, String> matchPattern(String pattern, String path) {
    String[] patternSegments = pattern.substring(1).split("/", -1);
    if (!path.startsWith("/")) {
      return null;
    }
    String[] pathSegments = path.substring(1).split("/", -1);
    if (patternSegments.length != pathSegments.length) {
      return null;
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 0; i < patternSegments.length; i++) {
      String expected = patternSegments[i];
      String actual = pathSegments[i];
      if (expected.startsWith("{") && expected.endsWith("}")) {
        if (actual.isEmpty()) {
          return null;
        }
        parameters.put(expected.substring(1, expected.length() - 1), actual);
      } else if (!expected.equals(actual)) {
        return null;
      }
    }
    return Collections.unmodifiableMap(parameters);
  }

  /** Collects routes; not thread-safe. */
  public static final class Builder {
    private final List<Route> routes = new ArrayList<>();

    private Builder() {}

    /** Adds a route that needs a bearer token. */
    public Builder authenticated(HttpMethod method, String pattern, RouteHandler handler) {
      routes.add(new Route(method, pattern, Access.AUTHENTICATED, handler));
      return this;
    }

    /** Adds a route that needs no token. */
    public Builder open(HttpMethod method, String pattern, RouteHandler handler) {
      routes.add(new Route(method, pattern, Access.PUBLIC, handler));
      return this;
    }

    /** Adds a prepared route. */
    public Builder add(Route route) {
      routes.add(Objects.requireNonNull(route, "route"));
      return this;
    }

    public Router build() {
      return new Router(routes);
    }
  }

  /** A 405 failure that carries the methods the path does accept, for the {@code Allow} header. */
  public static final class MethodNotAllowedException extends ApiException {
    private static final long serialVersionUID = 1L;

    private final transient Set<HttpMethod> allowed;

    MethodNotAllowedException(HttpMethod method, String path, Set<HttpMethod> allowed) {
      super(ErrorCode.METHOD_NOT_ALLOWED, "method " + method + " is not allowed on " + path);
      this.allowed = Collections.unmodifiableSet(new LinkedHashSet<>(allowed));
    }

    /** Methods that the path accepts. */
    public Set<HttpMethod> allowed() {
      return allowed;
    }
  }
}
