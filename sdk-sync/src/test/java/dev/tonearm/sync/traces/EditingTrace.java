package dev.tonearm.sync.traces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A text-editing trace in the format of the josephg/editing-traces collection, parsed into
 * transactions of (position, delete count, inserted text) patches.
 *
 * <p>Positions count Unicode code points. None of the traces used here inserts a character outside
 * the Basic Multilingual Plane, so a {@code char} index equals a code-point index; {@link #load}
 * rejects a trace that breaks that assumption.
 */
public final class EditingTrace {
  /** One patch: delete {@code deleteCount} characters at {@code position}, then insert text. */
  public static final class Patch {
    public final int position;
    public final int deleteCount;
    public final String insertText;

    Patch(int position, int deleteCount, String insertText) {
      this.position = position;
      this.deleteCount = deleteCount;
      this.insertText = insertText;
    }
  }

  /** One transaction; {@code parents} and {@code agent} are only set in concurrent traces. */
  public static final class Txn {
    public final int[] parents;
    public final int agent;
    public final List<Patch> patches;

    Txn(int[] parents, int agent, List<Patch> patches) {
      this.parents = parents;
      this.agent = agent;
      this.patches = patches;
    }
  }

  public final boolean concurrent;
  public final int agentCount;
  public final String endContent;
  public final List<Txn> txns;

  private EditingTrace(boolean concurrent, int agentCount, String endContent, List<Txn> txns) {
    this.concurrent = concurrent;
    this.agentCount = agentCount;
    this.endContent = endContent;
    this.txns = txns;
  }

  /** Parses a gzipped trace file. */
  public static EditingTrace load(Path file) throws IOException {
    JsonNode root;
    try (InputStream in = new GZIPInputStream(Files.newInputStream(file), 1 << 16)) {
      root = new ObjectMapper().readTree(in);
    }
    boolean concurrent = "concurrent".equals(root.path("kind").asText());
    String startContent = root.path("startContent").asText("");
    if (!startContent.isEmpty()) {
      throw new IOException(file + ": traces with startContent are not supported");
    }
    List<Txn> txns = new ArrayList<>();
    for (JsonNode txn : root.get("txns")) {
      List<Patch> patches = new ArrayList<>();
      for (JsonNode patch : txn.get("patches")) {
        String text = patch.get(2).asText();
        if (text.codePointCount(0, text.length()) != text.length()) {
          throw new IOException(file + ": a patch inserts a character outside the BMP");
        }
        patches.add(new Patch(patch.get(0).asInt(), patch.get(1).asInt(), text));
      }
      int[] parents = new int[0];
      if (txn.has("parents")) {
        parents = new int[txn.get("parents").size()];
        for (int i = 0; i < parents.length; i++) {
          parents[i] = txn.get("parents").get(i).asInt();
        }
      }
      txns.add(new Txn(parents, txn.path("agent").asInt(0), Collections.unmodifiableList(patches)));
    }
    return new EditingTrace(
        concurrent,
        root.path("numAgents").asInt(1),
        root.get("endContent").asText(),
        Collections.unmodifiableList(txns));
  }

  /** Returns the number of patches in all transactions. */
  public int patchCount() {
    int count = 0;
    for (Txn txn : txns) {
      count += txn.patches.size();
    }
    return count;
  }
}
