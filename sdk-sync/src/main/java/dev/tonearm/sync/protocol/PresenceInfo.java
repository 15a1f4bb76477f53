package dev.tonearm.sync.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.sync.SyncException;
import java.util.Objects;

/**
 * One connected replica subscribed to a playlist, and whether its user is editing right now.
 *
 * <p>JSON: {@code {"userId":"bob","replicaId":"bob/laptop","editing":true,"sinceMs":...}}, where
 * {@code sinceMs} is the server time of the last change of {@code editing}. Instances are
 * immutable.
 */
public final class PresenceInfo {
  private final String userId;
  private final String replicaId;
  private final boolean editing;
  private final long sinceMs;

  public PresenceInfo(String userId, String replicaId, boolean editing, long sinceMs) {
    this.userId = Objects.requireNonNull(userId, "userId");
    this.replicaId = Objects.requireNonNull(replicaId, "replicaId");
    this.editing = editing;
    this.sinceMs = sinceMs;
  }

  public String userId() {
    return userId;
  }

  public String replicaId() {
    return replicaId;
  }

  public boolean editing() {
    return editing;
  }

  public long sinceMs() {
    return sinceMs;
  }

  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("userId", userId);
    node.put("replicaId", replicaId);
    node.put("editing", editing);
    node.put("sinceMs", sinceMs);
    return node;
  }

  public static PresenceInfo fromJson(JsonNode node) throws SyncException {
    JsonNode editing = node.get("editing");
    if (editing == null || !editing.isBoolean()) {
      throw OpJson.malformed("\"editing\" must be a boolean");
    }
    return new PresenceInfo(
        SyncProtocol.text(node, "userId"),
        SyncProtocol.text(node, "replicaId"),
        editing.asBoolean(),
        SyncProtocol.integer(node, "sinceMs"));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof PresenceInfo)) {
      return false;
    }
    PresenceInfo other = (PresenceInfo) o;
    return userId.equals(other.userId)
        && replicaId.equals(other.replicaId)
        && editing == other.editing
        && sinceMs == other.sinceMs;
  }

  @Override
  public int hashCode() {
    return Objects.hash(userId, replicaId, editing, sinceMs);
  }

  @Override
  public String toString() {
    return replicaId + (editing ? " editing" : " viewing");
  }
}
