package dev.tonearm.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.tonearm.server.http.ApiException;
import dev.tonearm.server.http.ErrorCode;
import dev.tonearm.server.search.SearchDocument;
import dev.tonearm.server.search.SearchHit;
import dev.tonearm.server.search.SearchIndex;
import dev.tonearm.server.search.SearchQuery;
import dev.tonearm.server.search.SearchResult;
import dev.tonearm.server.search.SearchType;
import dev.tonearm.server.search.Suggestion;
import dev.tonearm.server.search.TextNormalizer;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Registers the search routes {@code GET /v1/search} and {@code GET /v1/search/suggest}. Every
 * query parameter is checked before the index is asked; a missing, repeated, unknown or invalid
 * parameter gets 400 {@code BAD_REQUEST}.
 */
public final class SearchRoutes {
  /** Maximum length of {@code q} in UTF-16 code units. */
  public static final int MAX_QUERY_LENGTH = 200;

  /** Default and maximum {@code limit} of {@code /v1/search}. */
  public static final int DEFAULT_SEARCH_LIMIT = 10;

  public static final int MAX_SEARCH_LIMIT = 50;

  /** Maximum {@code offset} of {@code /v1/search}, so paging cannot walk the whole catalog. */
  public static final int MAX_OFFSET = 1000;

  /** Default and maximum {@code limit} of {@code /v1/search/suggest}. */
  public static final int DEFAULT_SUGGEST_LIMIT = 5;

  public static final int MAX_SUGGEST_LIMIT = 20;

  /**
   * One result, without the fields that do not apply to its type. Tracks have title, artist and
   * album. Artists and playlists have name and trackCount. Albums have title, artist and
   * trackCount.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"type", "id", "title", "name", "artist", "album", "trackCount", "score"})
  public record Hit(
      String type,
      String id,
      String title,
      String name,
      String artist,
      String album,
      Integer trackCount,
      double score) {}

  /** Body of {@code GET /v1/search}. */
  @JsonPropertyOrder({"query", "total", "offset", "limit", "results"})
  public record SearchResponse(String query, int total, int offset, int limit, List<Hit> results) {}

  /** One entry of {@code GET /v1/search/suggest}. */
  @JsonPropertyOrder({"text", "term"})
  public record SuggestionEntry(String text, String term) {}

  /** Body of {@code GET /v1/search/suggest}. */
  @JsonPropertyOrder({"query", "suggestions"})
  public record SuggestResponse(String query, List<SuggestionEntry> suggestions) {}

  private static final List<String> SEARCH_PARAMETERS = List.of("q", "types", "limit", "offset");
  private static final List<String> SUGGEST_PARAMETERS = List.of("q", "limit");

  private SearchRoutes() {}

  /** Adds the search routes to {@code router}; both need an access token. */
  public static void register(Router.Builder router, SearchIndex index) {
    router.authenticated(HttpMethod.GET, "/v1/search", request -> search(request, index));
    router.authenticated(
        HttpMethod.GET, "/v1/search/suggest", request -> suggest(request, index));
  }

  private static ApiResponse search(ApiRequest request, SearchIndex index) {
    Map<String, List<String>> parameters = request.http().queryParameters();
    rejectUnknown(parameters, SEARCH_PARAMETERS);
    String query = query(parameters);
    Set<SearchType> types = types(parameters);
    int limit = integer(parameters, "limit", DEFAULT_SEARCH_LIMIT, 1, MAX_SEARCH_LIMIT);
    int offset = integer(parameters, "offset", 0, 0, MAX_OFFSET);
    SearchResult result = index.search(new SearchQuery(query, types, offset, limit));
    List<Hit> hits = new ArrayList<>(result.hits().size());
    for (SearchHit hit : result.hits()) {
      hits.add(toHit(hit));
    }
    return ApiResponse.ok(new SearchResponse(query, result.total(), offset, limit, hits));
  }

  private static ApiResponse suggest(ApiRequest request, SearchIndex index) {
    Map<String, List<String>> parameters = request.http().queryParameters();
    rejectUnknown(parameters, SUGGEST_PARAMETERS);
    String query = query(parameters);
    int limit = integer(parameters, "limit", DEFAULT_SUGGEST_LIMIT, 1, MAX_SUGGEST_LIMIT);
    List<SuggestionEntry> entries = new ArrayList<>();
    for (Suggestion suggestion : index.suggest(query, limit)) {
      entries.add(new SuggestionEntry(suggestion.text(), suggestion.term()));
    }
    return ApiResponse.ok(new SuggestResponse(query, entries));
  }

  private static Hit toHit(SearchHit hit) {
    SearchDocument document = hit.document();
    String type = document.type().wireName();
    double score = Math.round(hit.score() * 1e4) / 1e4;
    return switch (document.type()) {
      case TRACK -> new Hit(
          type,
          document.id(),
          document.title(),
          null,
          document.artist(),
          document.album(),
          null,
          score);
      case ARTIST -> new Hit(
          type, document.id(), null, document.title(), null, null, document.trackCount(), score);
      case ALBUM -> new Hit(
          type,
          document.id(),
          document.title(),
          null,
          document.artist(),
          null,
          document.trackCount(),
          score);
      case PLAYLIST -> new Hit(
          type, document.id(), null, document.title(), null, null, document.trackCount(), score);
    };
  }

  private static void rejectUnknown(Map<String, List<String>> parameters, List<String> known) {
    for (String name : parameters.keySet()) {
      if (!known.contains(name)) {
        throw new ApiException(
            ErrorCode.BAD_REQUEST,
            "unknown query parameter '" + name + "'; expected " + String.join(", ", known));
      }
    }
  }

  /** Returns the single value of {@code name}, or null when the parameter is absent. */
  private static String single(Map<String, List<String>> parameters, String name) {
    List<String> values = parameters.get(name);
    if (values == null) {
      return null;
    }
    if (values.size() != 1) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST, "query parameter '" + name + "' must be given once");
    }
    return values.get(0);
  }

  private static String query(Map<String, List<String>> parameters) {
    String query = single(parameters, "q");
    if (query == null) {
      throw new ApiException(ErrorCode.BAD_REQUEST, "missing query parameter 'q'");
    }
    if (query.length() > MAX_QUERY_LENGTH) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST,
          "query parameter 'q' must be at most "
              + MAX_QUERY_LENGTH
              + " characters: "
              + query.length());
    }
    if (TextNormalizer.tokenize(query).isEmpty()) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST, "query parameter 'q' must contain a letter or digit");
    }
    return query;
  }

  private static Set<SearchType> types(Map<String, List<String>> parameters) {
    String value = single(parameters, "types");
    if (value == null) {
      return EnumSet.allOf(SearchType.class);
    }
    Set<SearchType> types = EnumSet.noneOf(SearchType.class);
    for (String name : value.split(",", -1)) {
      SearchType type =
          SearchType.fromWireName(name)
              .orElseThrow(
                  () ->
                      new ApiException(
                          ErrorCode.BAD_REQUEST,
                          "unknown type '"
                              + name
                              + "' in 'types'; expected a comma-separated list of track, artist,"
                              + " album, playlist"));
      types.add(type);
    }
    return types;
  }

  private static int integer(
      Map<String, List<String>> parameters, String name, int defaultValue, int min, int max) {
    String text = single(parameters, name);
    if (text == null) {
      return defaultValue;
    }
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST,
          "query parameter '" + name + "' must be an integer in [" + min + ", " + max + "]: "
              + text);
    }
    if (value < min || value > max) {
      throw new ApiException(
          ErrorCode.BAD_REQUEST,
          "query parameter '" + name + "' must be in [" + min + ", " + max + "]: " + value);
    }
    return value;
  }
}
