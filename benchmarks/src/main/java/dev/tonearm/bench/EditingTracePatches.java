package dev.tonearm.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tonearm.sync.PlaylistCrdt;
import dev.tonearm.testing.Corpus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A sequential editing trace (josephg/editing-traces format) flattened into arrays of patches, so
 * replaying it measures the CRDT and not JSON or object traversal.
 */
final class EditingTracePatches {
  final int[] positions;
  final int[] deleteCounts;
  final String[] insertTexts;
  final String endContent;
  private final String[] characterStrings = new String[Character.MAX_VALUE + 1];

  private EditingTracePatches(
      int[] positions, int[] deleteCounts, String[] insertTexts, String endContent) {
    this.positions = positions;
    this.deleteCounts = deleteCounts;
    this.insertTexts = insertTexts;
    this.endContent = endContent;
  }

  /** Loads {@code editing-traces/sequential_traces/<name>.json.gz} from the test corpus. */
  static EditingTracePatches load(String name) throws IOException {
    Path file = Corpus.root().resolve("editing-traces/sequential_traces/" + name + ".json.gz");
    if (!Files.exists(file)) {
      throw new IOException(
          "trace not found: " + file + " (set -Dtonearm.corpus=DIR or TONEARM_CORPUS)");
    }
    JsonNode root;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      root = new ObjectMapper().readTree(in);
    }
    List<int[]> numbers = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    for (JsonNode txn : root.get("txns")) {
      for (JsonNode patch : txn.get("patches")) {
        numbers.add(new int[] {patch.get(0).asInt(), patch.get(1).asInt()});
        texts.add(patch.get(2).asText());
      }
    }
    int count = numbers.size();
    int[] positions = new int[count];
    int[] deleteCounts = new int[count];
    for (int i = 0; i < count; i++) {
      positions[i] = numbers.get(i)[0];
      deleteCounts[i] = numbers.get(i)[1];
    }
    return new EditingTracePatches(
        positions, deleteCounts, texts.toArray(new String[0]), root.get("endContent").asText());
  }

  int patchCount() {
    return positions.length;
  }

  /** Applies every patch as local edits, one entry per character. */
  void replay(PlaylistCrdt document) {
    for (int i = 0; i < positions.length; i++) {
      int position = positions[i];
      for (int k = 0; k < deleteCounts[i]; k++) {
        document.remove(position);
      }
      String text = insertTexts[i];
      for (int k = 0; k < text.length(); k++) {
        document.add(position + k, characterString(text.charAt(k)));
      }
    }
  }

  /** Returns whether {@code document} reads as the trace's end content. */
  boolean matchesEndContent(PlaylistCrdt document) {
    StringBuilder text = new StringBuilder(document.size());
    for (String entry : document.trackIds()) {
      text.append(entry);
    }
    return text.toString().equals(endContent);
  }

  private String characterString(char c) {
    String text = characterStrings[c];
    if (text == null) {
      text = String.valueOf(c);
      characterStrings[c] = text;
    }
    return text;
  }
}
