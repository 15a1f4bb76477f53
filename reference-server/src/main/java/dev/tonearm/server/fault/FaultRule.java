package dev.tonearm.server.fault;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * One fault that the edges inject into every matching request, as set through {@code POST
 * /v1/admin/faults}. Only the fields of its {@link #kind()} are set; the others are null.
 * Immutable.
 *
 * @param id identifier assigned by the server, such as {@code fault-3}
 * @param kind the fault's kind, by its API name
 * @param edge glob over edge names ({@code edge-0}); {@code *} matches every edge
 * @param object glob over {@code trackId/renditionId}; {@code *} matches every object
 * @param latencyMs {@code latency}: delay of the response head
 * @param afterBytes {@code stall}, {@code reset}, {@code truncate}: body bytes sent before the
 *     fault strikes; for {@code reset}, 0 resets before the head
 * @param durationMs {@code stall}: length of the stall, or null to stall until the client closes
 * @param offsets {@code corrupt}: body offsets of the bytes to flip
 * @param status {@code status}: 500, 502, 503 or 504
 * @param tokenSha256 {@code unauthorized}: SHA-256 (lower-case hex) of the access token to reject
 * @param bytesPerS {@code throttle}: throughput cap of the body
 * @param count number of requests the rule applies to before it is removed, or null for no limit
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "id",
  "kind",
  "edge",
  "object",
  "latencyMs",
  "afterBytes",
  "durationMs",
  "offsets",
  "status",
  "tokenSha256",
  "bytesPerS",
  "count"
})
public record FaultRule(
    String id,
    String kind,
    String edge,
    String object,
    Long latencyMs,
    Long afterBytes,
    Long durationMs,
    List<Long> offsets,
    Integer status,
    String tokenSha256,
    Long bytesPerS,
    Long count) {

  /** Longest latency or stall accepted: 10 minutes. */
  public static final long MAX_DURATION_MS = 600_000;

  /** Most corrupt offsets in one rule. */
  public static final int MAX_OFFSETS = 1024;

  /** Largest byte offset or count accepted: 1 TiB. */
  public static final long MAX_BYTES = 1L << 40;

  /** Statuses that a {@code status} fault may send. */
  public static final Set<Integer> ALLOWED_STATUSES = Set.of(500, 502, 503, 504);

  private static final Set<String> COMMON_FIELDS = Set.of("kind", "edge", "object", "count");

  /** Returns the kind as an enum constant. */
  public FaultKind faultKind() {
    return FaultKind.fromApiName(kind);
  }

  /** Returns a copy with {@code count} replaced, for the remaining uses. */
  FaultRule withCount(Long remaining) {
    return new FaultRule(
        id,
        kind,
        edge,
        object,
        latencyMs,
        afterBytes,
        durationMs,
        offsets,
        status,
        tokenSha256,
        bytesPerS,
        remaining);
  }

  /**
   * Parses and checks a rule from the admin API's JSON body.
   *
   * @throws ApiException BAD_REQUEST naming the first invalid or unknown field
   */
  static FaultRule fromJson(JsonNode body, String id) {
    String kindName = text(body, "kind", null);
    if (kindName == null) {
      throw invalid("missing field 'kind'");
    }
    FaultKind kind = FaultKind.fromApiName(kindName);
    if (kind == null) {
      throw invalid("field 'kind' must be one of " + kindNames() + ": " + kindName);
    }
    String edge = glob(body, "edge");
    String object = glob(body, "object");
    Long count = optionalLong(body, "count", 1, 1_000_000_000L);

    Set<String> allowed;
    Long latencyMs = null;
    Long afterBytes = null;
    Long durationMs = null;
    List<Long> offsets = null;
    Integer status = null;
    String tokenSha256 = null;
    Long bytesPerS = null;
    switch (kind) {
      case LATENCY:
        allowed = Set.of("latencyMs");
        latencyMs = requiredLong(body, "latencyMs", 1, MAX_DURATION_MS);
        break;
      case STALL:
        allowed = Set.of("afterBytes", "durationMs");
        afterBytes = defaultLong(body, "afterBytes", 0, MAX_BYTES, 0);
        durationMs = optionalLong(body, "durationMs", 1, MAX_DURATION_MS);
        break;
      case RESET:
        allowed = Set.of("afterBytes");
        afterBytes = defaultLong(body, "afterBytes", 0, MAX_BYTES, 0);
        break;
      case TRUNCATE:
        allowed = Set.of("afterBytes");
        afterBytes = requiredLong(body, "afterBytes", 0, MAX_BYTES);
        break;
      case CORRUPT:
        allowed = Set.of("offsets");
        offsets = offsets(body);
        break;
      case STATUS:
        allowed = Set.of("status");
        long value = requiredLong(body, "status", 500, 599);
        if (!ALLOWED_STATUSES.contains((int) value)) {
          throw invalid("field 'status' must be one of " + ALLOWED_STATUSES + ": " + value);
        }
        status = (int) value;
        break;
      case UNAUTHORIZED:
        allowed = Set.of("token");
        String token = text(body, "token", null);
        if (token == null || token.isEmpty() || token.length() > 512) {
          throw invalid("field 'token' must be an access token of 1 to 512 characters");
        }
        tokenSha256 = TokenDigests.sha256Hex(token);
        break;
      case THROTTLE:
        allowed = Set.of("bytesPerS");
        bytesPerS = requiredLong(body, "bytesPerS", 1, Integer.MAX_VALUE);
        break;
      default:
        throw new IllegalStateException("unhandled fault kind " + kind);
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!COMMON_FIELDS.contains(name) && !allowed.contains(name)) {
        throw invalid("field '" + name + "' does not apply to kind " + kindName);
      }
    }
    return new FaultRule(
        id,
        kindName,
        edge,
        object,
        latencyMs,
        afterBytes,
        durationMs,
        offsets,
        status,
        tokenSha256,
        bytesPerS,
        count);
  }

  static ApiException invalid(String message) {
    return new ApiException(ErrorCode.BAD_REQUEST, message);
  }

  static String kindNames() {
    List<String> names = new ArrayList<>();
    for (FaultKind kind : FaultKind.values()) {
      names.add(kind.apiName());
    }
    return names.toString();
  }

  static String glob(JsonNode body, String name) {
    String value = text(body, name, "*");
    try {
      Glob.of(value);
    } catch (IllegalArgumentException e) {
      throw invalid("field '" + name + "': " + e.getMessage());
    }
    return value;
  }

  static String text(JsonNode body, String name, String defaultValue) {
    JsonNode field = body.get(name);
    if (field == null || field.isNull()) {
      return defaultValue;
    }
    if (!field.isTextual()) {
      throw invalid("field '" + name + "' must be a string");
    }
    return field.textValue();
  }

  static long requiredLong(JsonNode body, String name, long min, long max) {
    Long value = optionalLong(body, name, min, max);
    if (value == null) {
      throw invalid("missing field '" + name + "'");
    }
    return value;
  }

  static long defaultLong(JsonNode body, String name, long min, long max, long defaultValue) {
    Long value = optionalLong(body, name, min, max);
    return value != null ? value : defaultValue;
  }

  static Long optionalLong(JsonNode body, String name, long min, long max) {
    JsonNode field = body.get(name);
    if (field == null || field.isNull()) {
      return null;
    }
    if (!field.isIntegralNumber() || !field.canConvertToLong()) {
      throw invalid("field '" + name + "' must be an integer");
    }
    long value = field.longValue();
    if (value < min || value > max) {
      throw invalid("field '" + name + "' must be in [" + min + ", " + max + "]: " + value);
    }
    return value;
  }

  private static List<Long> offsets(JsonNode body) {
    JsonNode field = body.get("offsets");
    if (field == null || !field.isArray() || field.isEmpty()) {
      throw invalid("field 'offsets' must be a non-empty array of byte offsets");
    }
    if (field.size() > MAX_OFFSETS) {
      throw invalid(
          "field 'offsets' may list at most " + MAX_OFFSETS + " offsets: " + field.size());
    }
    List<Long> offsets = new ArrayList<>();
    for (JsonNode element : field) {
      if (!element.isIntegralNumber()
          || !element.canConvertToLong()
          || element.longValue() < 0
          || element.longValue() > MAX_BYTES) {
        throw invalid("field 'offsets' must hold integers in [0, " + MAX_BYTES + "]: " + element);
      }
      offsets.add(element.longValue());
    }
    return List.copyOf(offsets);
  }
}
