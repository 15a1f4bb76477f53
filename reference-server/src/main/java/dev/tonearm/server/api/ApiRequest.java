package dev.tonearm.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.auth.Principal;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.http.HttpRequestData;
import dev.tonearm.server.http.Json;
import java.nio.charset.CharacterCodingException;
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
   * Parses the body, which must be UTF-8, as a JSON object.
   *
   * @throws ApiException INVALID_JSON when the body is not UTF-8 or not JSON, BAD_REQUEST when it
   *     is JSON but not an object
   */
  public JsonNode jsonObjectBody() {
    String text;
    try {
      text = Json.decodeUtf8(http.body());
    } catch (CharacterCodingException e) {
      throw new ApiException(ErrorCode.INVALID_JSON, "request body is not valid UTF-8");
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new ApiException(
          ErrorCode.INVALID_JSON,
          "request body is not valid JSON: " + Json.describeParseFailure(e));
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
