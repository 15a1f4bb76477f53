package dev.tonearm.server.fault;

import dev.tonearm.server.cdn.ByteRange;
import dev.tonearm.server.cdn.EdgeRequest;
import dev.tonearm.server.cdn.EdgeRequestHook;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects faults into edge responses, by rules ({@link FaultRule}) and by a seeded random schedule
 * ({@link FaultSchedule}). As an {@link EdgeRequestHook} it decides each request's faults after the
 * token, object and tier checks: it throws for a 5xx or 401 fault and adds a {@link
 * FaultShapingHandler} to the connection for the faults that shape the response bytes.
 *
 * <p>Every matching rule applies, and a rule with a {@code count} is removed after that many
 * requests. Faults of one request combine: the longest latency, the earliest stall, reset and
 * truncation, every corrupt offset and the lowest throughput cap.
 *
 * <p>Memory is bounded: at most {@link #MAX_RULES} rules, and the per-range request counters and
 * accepted-token digests of the schedule are cleared when they reach {@link #MAX_TRACKED_KEYS}
 * entries, which restarts the count of every range.
 *
 * <p>Threading: thread-safe. {@link #beforeServe} runs on event loops and only takes the injector's
 * lock for map updates; the admin methods run on the API handler pool.
 */
public final class FaultInjector implements EdgeRequestHook {
  /** Most rules held at once. */
  public static final int MAX_RULES = 256;

  /** Most schedule counters and token digests held before they are cleared. */
  public static final int MAX_TRACKED_KEYS = 65_536;

  private static final Logger log = LoggerFactory.getLogger(FaultInjector.class);
  private static final String CODEC_HANDLER = "codec";
  private static final String BEARER_PREFIX = "Bearer ";

  private final Object lock = new Object();

  // Guarded by lock.
  private final List<FaultRule> rules = new ArrayList<>();
  private FaultSchedule schedule;
  private final Map<String, Long> requestsPerRange = new HashMap<>();
  private final Set<String> acceptedTokens = new HashSet<>();
  private final Map<String, long[]> injectedPerEdge = new TreeMap<>();
  private long nextRuleNumber = 1;

  /** Creates an injector whose counters list {@code edgeNames} from the start. */
  public FaultInjector(List<String> edgeNames) {
    for (String edgeName : edgeNames) {
      injectedPerEdge.put(edgeName, new long[FaultKind.values().length]);
    }
  }

  /**
   * Adds a rule parsed from an admin request body and returns it with its assigned id.
   *
   * @throws ApiException BAD_REQUEST for an invalid rule or when {@link #MAX_RULES} are set
   */
  public FaultRule addRule(com.fasterxml.jackson.databind.JsonNode body) {
    synchronized (lock) {
      if (rules.size() >= MAX_RULES) {
        throw FaultRule.invalid("at most " + MAX_RULES + " fault rules may be set; delete some");
      }
      FaultRule rule = FaultRule.fromJson(body, "fault-" + nextRuleNumber);
      nextRuleNumber++;
      rules.add(rule);
      log.info(
          "fault rule {} added: {} on edge {} object {}",
          rule.id(),
          rule.kind(),
          rule.edge(),
          rule.object());
      return rule;
    }
  }

  /** Returns the rules, oldest first, with their remaining counts. */
  public List<FaultRule> rules() {
    synchronized (lock) {
      return List.copyOf(rules);
    }
  }

  /** Removes the rule with {@code id} and returns it, or empty when there is none. */
  public Optional<FaultRule> removeRule(String id) {
    synchronized (lock) {
      for (Iterator<FaultRule> it = rules.iterator(); it.hasNext(); ) {
        FaultRule rule = it.next();
        if (rule.id().equals(id)) {
          it.remove();
          log.info("fault rule {} removed", id);
          return Optional.of(rule);
        }
      }
      return Optional.empty();
    }
  }

  /** Sets the random schedule from an admin request body, replacing any earlier one. */
  public FaultSchedule setSchedule(com.fasterxml.jackson.databind.JsonNode body) {
    FaultSchedule parsed = FaultSchedule.fromJson(body);
    synchronized (lock) {
      schedule = parsed;
      requestsPerRange.clear();
      log.info(
          "fault schedule set: seed {}, edge {}, object {}, probabilities {}",
          parsed.seed(),
          parsed.edge(),
          parsed.object(),
          parsed.probabilities());
      return parsed;
    }
  }

  /** Returns the random schedule, or empty when none is set. */
  public Optional<FaultSchedule> schedule() {
    synchronized (lock) {
      return Optional.ofNullable(schedule);
    }
  }

  /** Removes the random schedule; returns whether one was set. */
  public boolean clearSchedule() {
    synchronized (lock) {
      boolean had = schedule != null;
      schedule = null;
      requestsPerRange.clear();
      if (had) {
        log.info("fault schedule removed");
      }
      return had;
    }
  }

  /** Removes every rule and the schedule and zeroes the counters; returns the rules removed. */
  public int clear() {
    synchronized (lock) {
      int removed = rules.size();
      rules.clear();
      schedule = null;
      requestsPerRange.clear();
      acceptedTokens.clear();
      for (long[] counts : injectedPerEdge.values()) {
        Arrays.fill(counts, 0);
      }
      log.info("all faults cleared ({} rules)", removed);
      return removed;
    }
  }

  /**
   * Returns, per edge name, how many requests got each fault kind (by API name) since the start or
   * the last {@link #clear()}. Every edge and kind is listed, with 0 when nothing was injected.
   */
  public Map<String, Map<String, Long>> injectedCounts() {
    synchronized (lock) {
      Map<String, Map<String, Long>> result = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> entry : injectedPerEdge.entrySet()) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (FaultKind kind : FaultKind.values()) {
          counts.put(kind.apiName(), entry.getValue()[kind.ordinal()]);
        }
        result.put(entry.getKey(), counts);
      }
      return result;
    }
  }

  @Override
  public void beforeServe(EdgeRequest request) {
    String objectKey = request.object().trackId() + "/" + request.object().renditionId();
    String tokenDigest = tokenDigest(request.http().header(HttpHeaderNames.AUTHORIZATION));
    String range = request.http().header(HttpHeaderNames.RANGE);
    long bodyLength = bodyLength(request, range);

    FaultPlan.Builder plan = new FaultPlan.Builder();
    boolean[] applied = new boolean[FaultKind.values().length];
    int status = 0;
    synchronized (lock) {
      for (Iterator<FaultRule> it = rules.iterator(); it.hasNext(); ) {
        FaultRule rule = it.next();
        if (!Glob.of(rule.edge()).matches(request.edgeName())
            || !Glob.of(rule.object()).matches(objectKey)) {
          continue;
        }
        FaultKind kind = rule.faultKind();
        if (kind == FaultKind.UNAUTHORIZED && !rule.tokenSha256().equals(tokenDigest)) {
          continue;
        }
        status = applyRule(rule, plan, status);
        applied[kind.ordinal()] = true;
        if (rule.count() != null) {
          long remaining = rule.count() - 1;
          if (remaining == 0) {
            it.remove();
          } else {
            rules.set(rules.indexOf(rule), rule.withCount(remaining));
          }
        }
      }
      if (schedule != null
          && Glob.of(schedule.edge()).matches(request.edgeName())
          && Glob.of(schedule.object()).matches(objectKey)) {
        status =
            drawScheduled(
                request, objectKey, range, bodyLength, tokenDigest, plan, applied, status);
      }
      if (!applied[FaultKind.UNAUTHORIZED.ordinal()] && tokenDigest != null) {
        if (acceptedTokens.size() >= MAX_TRACKED_KEYS) {
          acceptedTokens.clear();
        }
        acceptedTokens.add(tokenDigest);
      }
      count(request.edgeName(), applied);
    }

    FaultPlan built = plan.build();
    if (!built.isEmpty()) {
      install(request.channel().pipeline(), built);
    }
    if (applied[FaultKind.UNAUTHORIZED.ordinal()]) {
      log.debug("{}: injected 401 for {}", request.edgeName(), objectKey);
      throw new ApiException(ErrorCode.TOKEN_EXPIRED, "access token has expired (injected fault)");
    }
    if (status != 0) {
      log.debug("{}: injected HTTP {} for {}", request.edgeName(), status, objectKey);
      throw new ApiException(errorCodeFor(status), "HTTP " + status + " (injected fault)");
    }
  }

  /** Adds {@code rule}'s fault to {@code plan}; returns the status to send, 0 for none. */
  private static int applyRule(FaultRule rule, FaultPlan.Builder plan, int status) {
    switch (rule.faultKind()) {
      case LATENCY -> plan.addLatency(rule.latencyMs());
      case STALL ->
          plan.addStall(rule.afterBytes(), rule.durationMs() != null ? rule.durationMs() : -1);
      case RESET -> plan.addReset(rule.afterBytes());
      case CORRUPT -> plan.addCorrupt(rule.offsets().stream().mapToLong(Long::longValue).toArray());
      case TRUNCATE -> plan.addTruncate(rule.afterBytes());
      case THROTTLE -> plan.addThrottle(rule.bytesPerS());
      case STATUS -> {
        return status != 0 ? status : rule.status();
      }
      case UNAUTHORIZED -> {
        // Decided by the caller, which throws after installing the other faults.
      }
    }
    return status;
  }

  /** Draws the schedule's faults for one request; returns the status to send, 0 for none. */
  private int drawScheduled(
      EdgeRequest request,
      String objectKey,
      String range,
      long bodyLength,
      String tokenDigest,
      FaultPlan.Builder plan,
      boolean[] applied,
      int status) {
    String rangeKey = request.edgeName() + '\n' + objectKey + '\n' + range;
    if (requestsPerRange.size() >= MAX_TRACKED_KEYS) {
      requestsPerRange.clear();
    }
    long previousRequests = requestsPerRange.merge(rangeKey, 1L, Long::sum) - 1;
    SplittableRandom random =
        new SplittableRandom(mix(schedule.seed(), fnv1a64(rangeKey), previousRequests));
    int result = status;
    for (FaultKind kind : FaultKind.values()) {
      // Both values are drawn for every kind, so one kind's outcome never shifts another's.
      boolean strikes = random.nextDouble() < schedule.probability(kind);
      long position = bodyLength > 0 ? random.nextLong(bodyLength) : 0;
      if (!strikes) {
        continue;
      }
      switch (kind) {
        case LATENCY -> plan.addLatency(schedule.latencyMs());
        case STALL -> plan.addStall(position, schedule.stallMs() != null ? schedule.stallMs() : -1);
        case RESET -> plan.addReset(position);
        case CORRUPT -> plan.addCorrupt(position);
        case TRUNCATE -> plan.addTruncate(position);
        case THROTTLE -> plan.addThrottle(schedule.bytesPerS());
        case STATUS -> result = result != 0 ? result : schedule.status();
        case UNAUTHORIZED -> {
          if (tokenDigest == null || !acceptedTokens.contains(tokenDigest)) {
            continue;
          }
        }
      }
      applied[kind.ordinal()] = true;
    }
    return result;
  }

  private void count(String edgeName, boolean[] applied) {
    long[] counts =
        injectedPerEdge.computeIfAbsent(edgeName, name -> new long[FaultKind.values().length]);
    for (int i = 0; i < applied.length; i++) {
      if (applied[i]) {
        counts[i]++;
      }
    }
  }

  private static void install(ChannelPipeline pipeline, FaultPlan plan) {
    FaultShapingHandler handler = new FaultShapingHandler(plan);
    if (pipeline.get(CODEC_HANDLER) != null) {
      pipeline.addAfter(CODEC_HANDLER, null, handler);
    } else {
      pipeline.addFirst(handler);
    }
  }

  private static long bodyLength(EdgeRequest request, String range) {
    if (request.http().method().equals(HttpMethod.HEAD)) {
      return 0;
    }
    ByteRange evaluated =
        ByteRange.evaluate(
            range,
            request.http().header(HttpHeaderNames.IF_RANGE),
            request.object().sizeBytes(),
            request.object().etag());
    return evaluated.length();
  }

  private static String tokenDigest(String authorization) {
    if (authorization == null || !authorization.startsWith(BEARER_PREFIX)) {
      return null;
    }
    return TokenDigests.sha256Hex(authorization.substring(BEARER_PREFIX.length()).trim());
  }

  private static ErrorCode errorCodeFor(int status) {
    return switch (status) {
      case 502 -> ErrorCode.BAD_GATEWAY;
      case 503 -> ErrorCode.SERVICE_UNAVAILABLE;
      case 504 -> ErrorCode.GATEWAY_TIMEOUT;
      default -> ErrorCode.INTERNAL;
    };
  }

  /** FNV-1a, 64 bits, over the UTF-8 bytes of {@code text}: stable across JVMs, unlike hashCode. */
  private static long fnv1a64(String text) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xFF;
      hash *= 0x100000001b3L;
    }
    return hash;
  }

  /** Combines three values into one seed with the SplitMix64 finaliser. */
  private static long mix(long seed, long key, long count) {
    long z = seed + 0x9E3779B97F4A7C15L * (key ^ (count * 0xBF58476D1CE4E5B9L + 1));
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
