package dev.tonearm.server.api;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.recommend.DiversityRule;
import dev.tonearm.server.recommend.FeedbackEvent;
import dev.tonearm.server.recommend.Recommendation;
import dev.tonearm.server.recommend.RecommendationException;
import dev.tonearm.server.recommend.Recommender;
import io.netty.handler.codec.http.HttpMethod;
import java.util.List;
import java.util.function.Supplier;

/**
 * Registers the recommendation routes: {@code GET /v1/recommendations?limit=N} and {@code POST
 * /v1/recommendations/feedback}. Both need a bearer token, and the state they read and write
 * belongs to the caller's account. Stateless; the {@link Recommender} is thread-safe.
 */
public final class RecommendationRoutes {
  /** One entry of {@code GET /v1/recommendations}. */
  @JsonPropertyOrder({
    "trackId",
    "title",
    "artist",
    "genre",
    "source",
    "explanation",
    "score",
    "discovery"
  })
  public record RecommendedTrack(
      String trackId,
      String title,
      String artist,
      String genre,
      String source,
      String explanation,
      double score,
      boolean discovery) {}

  /** Body of {@code GET /v1/recommendations}. */
  @JsonPropertyOrder({"items", "relaxed"})
  public record RecommendationList(List<RecommendedTrack> items, List<String> relaxed) {}

  private RecommendationRoutes() {}

  /** Adds the routes to {@code router}. */
  public static void register(Router.Builder router, Recommender recommender) {
    router.authenticated(
        HttpMethod.GET,
        "/v1/recommendations",
        request -> {
          int limit = limit(request);
          Recommendation recommendation =
              call(() -> recommender.recommend(request.principal().accountId(), limit));
          return ApiResponse.ok(toBody(recommendation));
        });
    router.authenticated(
        HttpMethod.POST,
        "/v1/recommendations/feedback",
        request -> {
          JsonNode body = request.jsonObjectBody();
          String trackId = ApiRequest.requiredString(body, "trackId");
          FeedbackEvent event = event(ApiRequest.requiredString(body, "event"));
          call(
              () -> {
                recommender.feedback(request.principal().accountId(), trackId, event);
                return null;
              });
          return ApiResponse.noContent();
        });
  }

  private static int limit(ApiRequest request) {
    List<String> values = request.http().queryParameters().get("limit");
    if (values == null || values.isEmpty()) {
      return Recommender.DEFAULT_LIMIT;
    }
    if (values.size() > 1) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "query parameter 'limit' must appear once");
    }
    String value = values.get(0);
    int limit;
    try {
      limit = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST, "query parameter 'limit' must be an integer: " + quote(value));
    }
    if (limit < 1 || limit > Recommender.MAX_LIMIT) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST,
          "query parameter 'limit' must be in [1, " + Recommender.MAX_LIMIT + "]: " + limit);
    }
    return limit;
  }

  private static FeedbackEvent event(String value) {
    for (FeedbackEvent event : FeedbackEvent.values()) {
      if (event.name().equals(value)) {
        return event;
      }
    }
    throw new ApiException(
        ErrorCode.BAD_REQUEST, "field 'event' must be PLAY, SKIP or SAVE: " + quote(value));
  }

  /** Quotes client text for an error message, cut to 64 characters. */
  private static String quote(String value) {
    String shown = value.length() > 64 ? value.substring(0, 64) + "..." : value;
    return "\"" + shown + "\"";
  }

  private static <T> T call(Supplier<T> action) {
    try {
      return action.get();
    } catch (RecommendationException e) {
      ErrorCode code =
          switch (e.reason()) {
            case UNKNOWN_TRACK -> ErrorCode.NOT_FOUND;
            case INVALID_LIMIT -> ErrorCode.BAD_REQUEST;
          };
      throw new ApiException(code, e.getMessage(), e);
    }
  }

  private static RecommendationList toBody(Recommendation recommendation) {
    List<RecommendedTrack> items =
        recommendation.items().stream()
            .map(
                item ->
                    new RecommendedTrack(
                        item.trackId(),
                        item.title(),
                        item.artist(),
                        item.genre(),
                        item.source().name(),
                        item.explanation(),
                        item.score(),
                        item.discovery()))
            .toList();
    List<String> relaxed = recommendation.relaxed().stream().map(DiversityRule::name).toList();
    return new RecommendationList(items, relaxed);
  }
}
