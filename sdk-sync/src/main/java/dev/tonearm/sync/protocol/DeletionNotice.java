package dev.tonearm.sync.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.sync.SyncException;
import java.util.Objects;

/**
 * Soft-deletion details of a playlist: the deleting user, the time, and the purge time.
 *
 * <p>JSON: {@code {"deletedBy":"alice","deletedAtMs":1718000000000,"purgeAtMs":1720592000000}}.
 * Until {@code purgeAtMs} the owner or a collaborator can restore the playlist, or copy it.
 * Instances are immutable.
 */
public final class DeletionNotice {
  private final String deletedBy;
  private final long deletedAtMs;
  private final long purgeAtMs;

  public DeletionNotice(String deletedBy, long deletedAtMs, long purgeAtMs) {
    this.deletedBy = Objects.requireNonNull(deletedBy, "deletedBy");
    this.deletedAtMs = deletedAtMs;
    this.purgeAtMs = purgeAtMs;
  }

  /** Returns the id of the user who deleted the playlist. */
  public String deletedBy() {
    return deletedBy;
  }

  /** Returns the server time of the deletion, in milliseconds since the epoch. */
  public long deletedAtMs() {
    return deletedAtMs;
  }

  /** Returns the server time after which the playlist is purged, in ms since the epoch. */
  public long purgeAtMs() {
    return purgeAtMs;
  }

  public ObjectNode toJson() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("deletedBy", deletedBy);
    node.put("deletedAtMs", deletedAtMs);
    node.put("purgeAtMs", purgeAtMs);
    return node;
  }

  /** Decodes the JSON form; null or a missing node gives null. */
  public static DeletionNotice fromJson(JsonNode node) throws SyncException {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    return new DeletionNotice(
        SyncProtocol.text(node, "deletedBy"),
        SyncProtocol.integer(node, "deletedAtMs"),
        SyncProtocol.integer(node, "purgeAtMs"));
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof DeletionNotice)) {
      return false;
    }
    DeletionNotice other = (DeletionNotice) o;
    return deletedBy.equals(other.deletedBy)
        && deletedAtMs == other.deletedAtMs
        && purgeAtMs == other.purgeAtMs;
  }

  @Override
  public int hashCode() {
    return Objects.hash(deletedBy, deletedAtMs, purgeAtMs);
  }

  @Override
  public String toString() {
    return "DeletionNotice{by="
        + deletedBy
        + ", atMs="
        + deletedAtMs
        + ", purgeAtMs="
        + purgeAtMs
        + "}";
  }
}
