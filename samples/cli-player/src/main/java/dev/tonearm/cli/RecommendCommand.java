package dev.tonearm.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.core.PlaybackException;
import dev.tonearm.core.api.Recommendation;
import dev.tonearm.core.api.Recommendations;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Prints the logged-in account's recommended tracks. */
@Command(
    name = "recommend",
    mixinStandardHelpOptions = true,
    description = {
      "List tracks that the server recommends for the account, each with the reason.",
      "Tracks played to the end with 'play' or 'demo' count as plays for later lists."
    })
final class RecommendCommand implements Callable<Integer> {
  /** Maximum list length that the server accepts. */
  static final int MAX_LIMIT = 100;

  @Spec CommandSpec spec;

  @Mixin ServerOptions server;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description =
          "Maximum number of tracks, 1 to 100; the list is shorter when the catalog is."
              + " Default: ${DEFAULT-VALUE}.",
      defaultValue = "10")
  int limit;

  @Option(names = "--json", description = "Print the list as one JSON object, for scripts.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ParameterException(
          spec.commandLine(), "--limit must be in [1, " + MAX_LIMIT + "]: " + limit);
    }
    PrintWriter out = spec.commandLine().getOut();
    try {
      Recommendations list = server.login(spec).recommendations(limit);
      if (json) {
        out.println(toJson(list));
      } else {
        printTable(list, out);
      }
      out.flush();
      return 0;
    } catch (PlaybackException e) {
      spec.commandLine().getErr().println("error: " + e.reason() + ": " + e.getMessage());
      return TonearmCli.EXIT_FAILURE;
    }
  }

  private static void printTable(Recommendations list, PrintWriter out) {
    if (list.items().isEmpty()) {
      out.println("no recommendations: the catalog is empty");
      return;
    }
    TextTable table = new TextTable("#", "TRACK", "TITLE", "ARTIST", "GENRE", "WHY");
    int rank = 1;
    for (Recommendation item : list.items()) {
      table.addRow(
          Integer.toString(rank++),
          item.trackId(),
          item.title(),
          item.artist(),
          item.genre(),
          item.explanation());
    }
    table.print(out);
    if (!list.relaxed().isEmpty()) {
      out.println(
          "the catalog is too small for every diversity rule; relaxed: "
              + String.join(", ", list.relaxed()));
    }
  }

  private static String toJson(Recommendations list) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = mapper.createObjectNode();
    ArrayNode items = root.putArray("items");
    for (Recommendation item : list.items()) {
      ObjectNode node = items.addObject();
      node.put("trackId", item.trackId());
      node.put("title", item.title());
      node.put("artist", item.artist());
      node.put("genre", item.genre());
      node.put("source", item.source());
      node.put("explanation", item.explanation());
      node.put("score", item.score());
      node.put("discovery", item.discovery());
    }
    ArrayNode relaxed = root.putArray("relaxed");
    for (String rule : list.relaxed()) {
      relaxed.add(rule);
    }
    return root.toString();
  }
}
