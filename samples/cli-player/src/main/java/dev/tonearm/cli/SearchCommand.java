package dev.tonearm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.SearchResultItem;
import dev.tonearm.core.api.SearchResults;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Searches the catalog of a running Tonearm server. */
@Command(
    name = "search",
    mixinStandardHelpOptions = true,
    description = {
      "Search a server's catalog for tracks, artists, albums and playlists.",
      "Matching ignores case and accents and accepts small typos, so 'maxstak' finds Maxstack."
    })
final class SearchCommand implements Callable<Integer> {
  /** Result types that the server accepts in {@code types}. */
  static final List<String> TYPES = Arrays.asList("track", "artist", "album", "playlist");

  /** Maximum {@code limit} that the server accepts for one page. */
  static final int MAX_LIMIT = 50;

  /** Maximum query length in characters that the server accepts. */
  static final int MAX_QUERY_CHARS = 200;

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Parameters(
      arity = "1..*",
      paramLabel = "QUERY",
      description = "Words to search for. Several arguments are joined with spaces.")
  List<String> queryWords;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      split = ",",
      description =
          "Result types to return: track, artist, album or playlist. Repeat the option or"
              + " separate types with commas. Default: all four.")
  List<String> types = new ArrayList<>();

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "Maximum number of results, 1 to 50. Default: ${DEFAULT-VALUE}.",
      defaultValue = "10")
  int limit;

  @Option(names = "--json", description = "Print the results as one JSON object, for scripts.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    String query = String.join(" ", queryWords);
    validate(query);
    PrintWriter out = spec.commandLine().getOut();
    try {
      SearchResults results = server.login(spec).search(query, types, limit, 0);
      if (json) {
        out.println(toJson(results));
      } else {
        printTable(results, out);
      }
      out.flush();
      return 0;
    } catch (PlaybackException e) {
      spec.commandLine().getErr().println("error: " + e.reason() + ": " + e.getMessage());
      return TonearmCli.EXIT_FAILURE;
    }
  }

  private void validate(String query) {
    if (query.length() > MAX_QUERY_CHARS) {
      throw new ParameterException(
          spec.commandLine(),
          "QUERY must be at most " + MAX_QUERY_CHARS + " characters: " + query.length());
    }
    if (query.codePoints().noneMatch(Character::isLetterOrDigit)) {
      throw new ParameterException(
          spec.commandLine(), "QUERY must contain a letter or digit: '" + query + "'");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ParameterException(
          spec.commandLine(), "--limit must be in [1, " + MAX_LIMIT + "]: " + limit);
    }
    List<String> normalised = new ArrayList<>();
    for (String type : types) {
      String lower = type.trim().toLowerCase(Locale.ROOT);
      if (!TYPES.contains(lower)) {
        throw new ParameterException(
            spec.commandLine(),
            "--type must be one of " + String.join(", ", TYPES) + ": '" + type + "'");
      }
      normalised.add(lower);
    }
    types = normalised;
  }

  private static void printTable(SearchResults results, PrintWriter out) {
    if (results.results().isEmpty()) {
      out.println("no results for '" + results.query() + "'");
      return;
    }
    TextTable table = new TextTable("TYPE", "ID", "NAME", "ARTIST", "ALBUM", "TRACKS");
    for (SearchResultItem item : results.results()) {
      table.addRow(
          item.type(),
          item.id(),
          item.title() != null ? item.title() : item.name(),
          item.artist(),
          item.album(),
          item.trackCount() == null ? null : item.trackCount().toString());
    }
    table.print(out);
    out.println(
        results.results().size() + " of " + results.total() + " result(s) for '"
            + results.query() + "'");
  }

  private static String toJson(SearchResults results) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    root.put("query", results.query());
    root.put("total", results.total());
    root.put("offset", results.offset());
    root.put("limit", results.limit());
    ArrayNode array = root.putArray("results");
    for (SearchResultItem item : results.results()) {
      ObjectNode node = array.addObject();
      node.put("type", item.type());
      node.put("id", item.id());
      putIfPresent(node, "title", item.title());
      putIfPresent(node, "name", item.name());
      putIfPresent(node, "artist", item.artist());
      putIfPresent(node, "album", item.album());
      if (item.trackCount() != null) {
        node.put("trackCount", item.trackCount());
      }
      node.put("score", item.score());
    }
    return root.toString();
  }

  private static void putIfPresent(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
