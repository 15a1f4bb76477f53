package dev.tonearm.server.fault;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A seeded random fault schedule, as set through {@code PUT /v1/admin/faults/schedule}: for each
 * matching request, each fault kind strikes with its own probability. Immutable.
 *
 * <p>Determinism. The draws for a request depend only on the seed, the edge, the object, the {@code
 * Range} header and how many requests with the same edge, object and range came before, so a client
 * that sends the same requests in the same order per range meets the same faults, however its
 * requests interleave in time.
 *
 * <p>Parameters drawn per request: {@code stall}, {@code reset} and {@code truncate} strike after a
 * uniformly drawn number of body bytes in {@code [0, body length)}, and {@code corrupt} flips one
 * uniformly drawn body byte. A {@code reset} drawn at 0 resets before the head. The other
 * parameters are fixed by the schedule.
 *
 * <p>A scheduled {@code unauthorized} fault rejects the request's access token with 401
 * TOKEN_EXPIRED, but only a token that an edge already served a request for without an injected
 * 401. A freshly refreshed token is therefore never rejected on its first request, and a client
 * that refreshes once after a 401 always gets past it.
 *
 * @param seed seed of the draws
 * @param edge glob over edge names
 * @param object glob over {@code trackId/renditionId}
 * @param probabilities probability in [0, 1] per fault kind, by API name; missing kinds never
 *     strike
 * @param latencyMs delay of a {@code latency} fault
 * @param stallMs length of a {@code stall} fault, or null to stall until the client closes
 * @param status status of a {@code status} fault
 * @param bytesPerS throughput cap of a {@code throttle} fault
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "seed",
  "edge",
  "object",
  "probabilities",
  "latencyMs",
  "stallMs",
  "status",
  "bytesPerS"
})
public record FaultSchedule(
    long seed,
    String edge,
    String object,
    Map<String, Double> probabilities,
    long latencyMs,
    Long stallMs,
    int status,
    long bytesPerS) {

  /** Default delay of a scheduled {@code latency} fault: 500 ms. */
  public static final long DEFAULT_LATENCY_MS = 500;

  /** Default status of a scheduled {@code status} fault: 503. */
  public static final int DEFAULT_STATUS = 503;

  /** Default throughput cap of a scheduled {@code throttle} fault: 64 KiB/s. */
  public static final long DEFAULT_BYTES_PER_S = 64 * 1024;

  private static final Set<String> FIELDS =
      Set.of(
          "seed", "edge", "object", "probabilities", "latencyMs", "stallMs", "status", "bytesPerS");

  /** Returns the probability of {@code kind}, 0 when the schedule does not name it. */
  public double probability(FaultKind kind) {
    Double value = probabilities.get(kind.apiName());
    return value != null ? value : 0;
  }

  /**
   * Parses and checks a schedule from the admin API's JSON body.
   *
   * @throws dev.tonearm.server.http.ApiException BAD_REQUEST naming the first invalid field
   */
  static FaultSchedule fromJson(JsonNode body) {
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw FaultRule.invalid("unknown field '" + name + "'");
      }
    }
    JsonNode seedField = body.get("seed");
    if (seedField == null || !seedField.isIntegralNumber() || !seedField.canConvertToLong()) {
      throw FaultRule.invalid("field 'seed' must be an integer");
    }
    JsonNode probabilityField = body.get("probabilities");
    if (probabilityField == null || !probabilityField.isObject()) {
      throw FaultRule.invalid(
          "field 'probabilities' must be an object of probabilities per fault kind");
    }
    Map<String, Double> probabilities = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = probabilityField.fields();
        fields.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = fields.next();
      if (FaultKind.fromApiName(entry.getKey()) == null) {
        throw FaultRule.invalid(
            "probabilities: unknown fault kind '"
                + entry.getKey()
                + "'; kinds are "
                + FaultRule.kindNames());
      }
      JsonNode value = entry.getValue();
      if (!value.isNumber() || !(value.doubleValue() >= 0 && value.doubleValue() <= 1)) {
        throw FaultRule.invalid(
            "probabilities." + entry.getKey() + " must be a number in [0, 1]: " + value);
      }
      probabilities.put(entry.getKey(), value.doubleValue());
    }
    long status = FaultRule.defaultLong(body, "status", 500, 599, DEFAULT_STATUS);
    if (!FaultRule.ALLOWED_STATUSES.contains((int) status)) {
      throw FaultRule.invalid(
          "field 'status' must be one of " + FaultRule.ALLOWED_STATUSES + ": " + status);
    }
    return new FaultSchedule(
        seedField.longValue(),
        FaultRule.glob(body, "edge"),
        FaultRule.glob(body, "object"),
        Collections.unmodifiableMap(probabilities),
        FaultRule.defaultLong(body, "latencyMs", 1, FaultRule.MAX_DURATION_MS, DEFAULT_LATENCY_MS),
        FaultRule.optionalLong(body, "stallMs", 1, FaultRule.MAX_DURATION_MS),
        (int) status,
        FaultRule.defaultLong(body, "bytesPerS", 1, Integer.MAX_VALUE, DEFAULT_BYTES_PER_S));
  }
}
