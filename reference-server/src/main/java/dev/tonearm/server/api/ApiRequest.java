package dev.tonearm.server.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.auth.Principal;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.http.HttpRequestData;
import dev.tonearm.server.http.Json;
import java.io.IOException;
import java.util.Map;

/**
 * A routed API request: the HTTP request, the values of the route's path placeholders and, for
 * authenticated routes, the caller. Immutable.
 *
 * @param principal the caller, or null on routes that need no token
 */
public record ApiRequest(
    HttpRequestData http, Map<String, String> pathParameters, Principal principal) {

  /** Returns the value of path placeholder {@code {name}}. */
  public String pathParameter(String name) {
    String value = pathParameters.get(name);
    if (value == null) {
      throw new IllegalArgumentException("route has no placeholder {" + name + "}");
    }
    return value;
  }

  /**
   * Parses the body as a JSON object.
   *
   * @throws ApiException INVALID_JSON when the body is not JSON, BAD_REQUEST when it is JSON but
   *     not an object
   */
  public JsonNode jsonObjectBody() {
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(http.body());
    } catch (JacksonException e) {
      throw new ApiException(
          ErrorCode.INVALID_JSON, "request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ApiException(ErrorCode.INVALID_JSON, "request body is not readable JSON");
    }
    if (node == null || node.isMissingNode()) {
      throw new ApiException(ErrorCode.INVALID_JSON, "request body is empty; expected JSON");
    }
    if (!node.isObject()) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "request body must be a JSON object");
    }
    return node;
  }

  /**
   * Returns the string field {@code name} of a JSON object body.
   *
   * @throws ApiException BAD_REQUEST when the field is missing, empty or not a string
   */
  public static String requiredString(JsonNode body, String name) {
    JsonNode field = body.get(name);
    if (field == null || field.isNull()) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "missing field '" + name + "'");
    }
    if (!field.isTextual() || field.textValue().isEmpty()) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST, "field '" + name + "' must be a non-empty string");
    }
    return field.textValue();
  }
}
