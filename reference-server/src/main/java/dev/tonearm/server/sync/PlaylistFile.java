package dev.tonearm.server.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.sync.Op;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.protocol.DeletionNotice;
import dev.tonearm.sync.protocol.OpJson;
import dev.tonearm.sync.storage.RecordLog;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The file of one playlist: a {@link RecordLog} of JSON records, so a crash loses at most a torn
 * last record.
 *
 * <ul>
 *   <li>{@code {"type":"meta","owner":"alice","collaborators":["bob"],"deletion":null}}: access
 *       list and soft-delete state; the last one wins.
 *   <li>{@code {"type":"ops","ops":[...]}}: operations merged by one request, in causal order.
 * </ul>
 *
 * <p>Compaction rewrites the file as one meta record and one ops record holding the full state (the
 * snapshot). Not thread-safe: {@link HostedPlaylist} serializes access.
 */
final class PlaylistFile implements Closeable {
  static final String EXTENSION = ".playlist";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Access list and deletion state of a playlist. Immutable. */
  static final class Meta {
    final String owner;
    final Set<String> collaborators;
    final DeletionNotice deletion;

    Meta(String owner, Set<String> collaborators, DeletionNotice deletion) {
      this.owner = owner;
      this.collaborators = Collections.unmodifiableSet(new LinkedHashSet<>(collaborators));
      this.deletion = deletion;
    }

    Meta withCollaborators(Set<String> newCollaborators) {
      return new Meta(owner, newCollaborators, deletion);
    }

    Meta withDeletion(DeletionNotice newDeletion) {
      return new Meta(owner, collaborators, newDeletion);
    }
  }

  /** Content read back from a file. */
  static final class Loaded {
    final Meta meta;
    final List<Op> ops;

    Loaded(Meta meta, List<Op> ops) {
      this.meta = meta;
      this.ops = ops;
    }
  }

  private final RecordLog log;

  private PlaylistFile(RecordLog log) {
    this.log = log;
  }

  static Path pathFor(Path directory, String playlistId) {
    return directory.resolve(playlistId + EXTENSION);
  }

  /** Creates the file of a new playlist with its first meta record. */
  static PlaylistFile create(Path file, RecordLog.FsyncPolicy fsyncPolicy, Meta meta)
      throws SyncException {
    if (Files.exists(file)) {
      throw new SyncException(SyncException.Reason.ALREADY_EXISTS, file + " already exists");
    }
    PlaylistFile created = new PlaylistFile(openLog(file, fsyncPolicy));
    created.appendMeta(meta);
    return created;
  }

  /** Opens an existing file and reads its content. */
  static PlaylistFile open(Path file, RecordLog.FsyncPolicy fsyncPolicy) throws SyncException {
    return new PlaylistFile(openLog(file, fsyncPolicy));
  }

  Loaded load() throws SyncException {
    Meta meta = null;
    List<Op> ops = new ArrayList<>();
    for (byte[] record : log.recoveredRecords()) {
      JsonNode node = parse(record);
      String type = node.path("type").asText();
      if ("meta".equals(type)) {
        meta = decodeMeta(node);
      } else if ("ops".equals(type)) {
        ops.addAll(OpJson.decodeAll(node.get("ops"), Integer.MAX_VALUE));
      } else {
        throw corrupt("unknown record type \"" + type + "\"");
      }
    }
    if (meta == null) {
      throw corrupt("no meta record");
    }
    return new Loaded(meta, ops);
  }

  void appendOps(List<Op> ops) throws SyncException {
    log.append(encode(opsRecord(ops)));
  }

  void appendMeta(Meta meta) throws SyncException {
    log.append(encode(metaRecord(meta)));
  }

  /** Rewrites the file as the given meta and full state. */
  void compact(Meta meta, List<Op> state) throws SyncException {
    log.rewrite(Arrays.asList(encode(metaRecord(meta)), encode(opsRecord(state))));
  }

  int recordCount() {
    return log.recordCount();
  }

  /** Closes and deletes the file. */
  void delete() throws SyncException {
    try {
      log.close();
      Files.deleteIfExists(log.file());
    } catch (IOException e) {
      throw new SyncException(
          SyncException.Reason.STORAGE_FAILED, "failed to delete " + log.file() + ": " + e, e);
    }
  }

  @Override
  public void close() throws IOException {
    log.close();
  }

  private static RecordLog openLog(Path file, RecordLog.FsyncPolicy fsyncPolicy)
      throws SyncException {
    return RecordLog.openOwnerOnly(file, fsyncPolicy, RecordLog.DEFAULT_MAX_RECORD_BYTES * 4);
  }

  private static ObjectNode metaRecord(Meta meta) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", "meta");
    node.put("owner", meta.owner);
    ArrayNode collaborators = node.putArray("collaborators");
    meta.collaborators.forEach(collaborators::add);
    node.set(
        "deletion",
        meta.deletion == null ? JsonNodeFactory.instance.nullNode() : meta.deletion.toJson());
    return node;
  }

  private static ObjectNode opsRecord(List<Op> ops) {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("type", "ops");
    node.set("ops", OpJson.encodeAll(ops));
    return node;
  }

  private Meta decodeMeta(JsonNode node) throws SyncException {
    JsonNode owner = node.get("owner");
    JsonNode collaborators = node.get("collaborators");
    if (owner == null || !owner.isTextual() || collaborators == null || !collaborators.isArray()) {
      throw corrupt("meta record lacks owner or collaborators");
    }
    Set<String> users = new LinkedHashSet<>();
    for (JsonNode user : collaborators) {
      users.add(user.asText());
    }
    return new Meta(owner.asText(), users, DeletionNotice.fromJson(node.get("deletion")));
  }

  private JsonNode parse(byte[] record) throws SyncException {
    try {
      return JSON.readTree(record);
    } catch (IOException e) {
      throw corrupt("a record is not JSON: " + e.getMessage());
    }
  }

  private static byte[] encode(ObjectNode record) {
    return record.toString().getBytes(StandardCharsets.UTF_8);
  }

  private SyncException corrupt(String problem) {
    return new SyncException(SyncException.Reason.CORRUPT_STORAGE, log.file() + ": " + problem);
  }
}
