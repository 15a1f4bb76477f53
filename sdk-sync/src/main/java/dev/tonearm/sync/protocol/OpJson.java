package dev.tonearm.sync.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.sync.Op;
import dev.tonearm.sync.OpId;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.VersionVector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON form of operations and version vectors, shared by the sync client, the server and local
 * storage.
 *
 * <pre>
 * {"kind":"add","id":["alice/phone",12],"lamport":40,"deps":{"bob/laptop":7},
 *  "left":["alice/phone",11],"right":null,"track":"t-1a2b"}
 * {"kind":"remove","id":[..],"lamport":..,"deps":{..},"entry":["alice/phone",3]}
 * {"kind":"move","id":[..],"lamport":..,"deps":{..},"entry":[..],"left":[..],"right":[..]}
 * {"kind":"rename","id":[..],"lamport":..,"deps":{..},"name":"Road trip"}
 * {"kind":"delete","id":[..],"lamport":..,"deps":{..}}
 * {"kind":"restore","id":[..],"lamport":..,"deps":{..}}
 * </pre>
 *
 * <p>A version vector is an object from replica id to counter. Decoding checks the shape and the
 * ranges of every field and raises {@link SyncException.Reason#PROTOCOL_ERROR} naming the field;
 * whether an operation fits the playlist is checked later, when it is applied.
 *
 * <p>Stateless and thread-safe.
 */
public final class OpJson {
  /** Largest Lamport timestamp accepted: the largest integer a JSON double represents exactly. */
  public static final long MAX_LAMPORT = (1L << 53) - 1;

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private OpJson() {}

  public static ObjectNode encode(Op op) {
    ObjectNode node = NODES.objectNode();
    node.put("kind", op.kind().wireName());
    node.set("id", encodeId(op.id()));
    node.put("lamport", op.lamport());
    node.set("deps", encodeVersion(op.deps()));
    switch (op.kind()) {
      case ADD:
        Op.Add add = (Op.Add) op;
        node.set("left", encodeId(add.left()));
        node.set("right", encodeId(add.right()));
        node.put("track", add.trackId());
        break;
      case REMOVE:
        node.set("entry", encodeId(((Op.Remove) op).entry()));
        break;
      case MOVE:
        Op.Move move = (Op.Move) op;
        node.set("entry", encodeId(move.entry()));
        node.set("left", encodeId(move.left()));
        node.set("right", encodeId(move.right()));
        break;
      case RENAME:
        node.put("name", ((Op.Rename) op).name());
        break;
      case DELETE:
      case RESTORE:
        break;
    }
    return node;
  }

  public static ArrayNode encodeAll(List<? extends Op> ops) {
    ArrayNode array = NODES.arrayNode(ops.size());
    for (Op op : ops) {
      array.add(encode(op));
    }
    return array;
  }

  /** Decodes one operation, raising {@code PROTOCOL_ERROR} on a malformed one. */
  public static Op decode(JsonNode node) throws SyncException {
    if (node == null || !node.isObject()) {
      throw malformed("operation must be a JSON object");
    }
    String kindName = text(node, "kind");
    Op.Kind kind = Op.Kind.fromWireName(kindName);
    if (kind == null) {
      throw malformed("unknown operation kind \"" + kindName + "\"");
    }
    OpId id = decodeId(node.get("id"), "id");
    if (id == null) {
      throw malformed("operation id must not be null");
    }
    long lamport = integer(node, "lamport", 1, MAX_LAMPORT);
    VersionVector deps = decodeVersion(node.get("deps"));
    switch (kind) {
      case ADD:
        return new Op.Add(
            id,
            lamport,
            deps,
            decodeId(node.get("left"), "left"),
            decodeId(node.get("right"), "right"),
            text(node, "track"));
      case REMOVE:
        return new Op.Remove(id, lamport, deps, requiredId(node, "entry"));
      case MOVE:
        return new Op.Move(
            id,
            lamport,
            deps,
            requiredId(node, "entry"),
            decodeId(node.get("left"), "left"),
            decodeId(node.get("right"), "right"));
      case RENAME:
        return new Op.Rename(id, lamport, deps, text(node, "name"));
      case DELETE:
        return new Op.Delete(id, lamport, deps);
      case RESTORE:
        return new Op.Restore(id, lamport, deps);
      default:
        throw new AssertionError(kind);
    }
  }

  /**
   * Decodes an array of operations.
   *
   * @throws SyncException {@code PROTOCOL_ERROR} if it is not an array or an element is malformed,
   *     {@code LIMIT_EXCEEDED} if it has more than {@code maxOps} elements
   */
  public static List<Op> decodeAll(JsonNode array, int maxOps) throws SyncException {
    if (array == null || !array.isArray()) {
      throw malformed("\"ops\" must be an array");
    }
    if (array.size() > maxOps) {
      throw new SyncException(
          SyncException.Reason.LIMIT_EXCEEDED,
          "a message may carry at most " + maxOps + " operations, got " + array.size());
    }
    List<Op> ops = new ArrayList<>(array.size());
    for (JsonNode element : array) {
      ops.add(decode(element));
    }
    return ops;
  }

  public static ObjectNode encodeVersion(VersionVector version) {
    ObjectNode node = NODES.objectNode();
    for (int i = 0; i < version.size(); i++) {
      node.put(version.replicaAt(i).toString(), version.counterAt(i));
    }
    return node;
  }

  /** Decodes a version vector; null or a missing field is the empty vector. */
  public static VersionVector decodeVersion(JsonNode node) throws SyncException {
    if (node == null || node.isNull()) {
      return VersionVector.EMPTY;
    }
    if (!node.isObject()) {
      throw malformed("version vector must be a JSON object");
    }
    Map<ReplicaId, Long> counters = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      ReplicaId replica = replica(field.getKey());
      JsonNode value = field.getValue();
      if (!value.canConvertToLong() || !value.isIntegralNumber()) {
        throw malformed("counter of " + replica + " must be an integer");
      }
      long counter = value.asLong();
      if (counter < 0 || counter > OpId.MAX_COUNTER) {
        throw malformed("counter of " + replica + " must be in 0.." + OpId.MAX_COUNTER);
      }
      counters.put(replica, counter);
    }
    return VersionVector.of(counters);
  }

  /** Returns {@code ["userId/deviceId", counter]}, or JSON null for a null id. */
  public static JsonNode encodeId(OpId id) {
    if (id == null) {
      return NODES.nullNode();
    }
    ArrayNode array = NODES.arrayNode(2);
    array.add(id.replica().toString());
    array.add(id.counter());
    return array;
  }

  /** Decodes an id written by {@link #encodeId}; null or missing gives null. */
  public static OpId decodeId(JsonNode node, String field) throws SyncException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isArray() || node.size() != 2 || !node.get(0).isTextual()) {
      throw malformed("\"" + field + "\" must be [replicaId, counter]");
    }
    JsonNode counter = node.get(1);
    if (!counter.isIntegralNumber() || !counter.canConvertToLong()) {
      throw malformed("counter of \"" + field + "\" must be an integer");
    }
    long value = counter.asLong();
    if (value < 1 || value > OpId.MAX_COUNTER) {
      throw malformed("counter of \"" + field + "\" must be in 1.." + OpId.MAX_COUNTER);
    }
    return new OpId(replica(node.get(0).asText()), value);
  }

  private static OpId requiredId(JsonNode node, String field) throws SyncException {
    OpId id = decodeId(node.get(field), field);
    if (id == null) {
      throw malformed("\"" + field + "\" must not be null");
    }
    return id;
  }

  private static ReplicaId replica(String text) throws SyncException {
    try {
      return ReplicaId.parse(text);
    } catch (IllegalArgumentException e) {
      throw new SyncException(SyncException.Reason.PROTOCOL_ERROR, e.getMessage(), e);
    }
  }

  private static String text(JsonNode node, String field) throws SyncException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw malformed("\"" + field + "\" must be a string");
    }
    return value.asText();
  }

  private static long integer(JsonNode node, String field, long min, long max)
      throws SyncException {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw malformed("\"" + field + "\" must be an integer");
    }
    long result = value.asLong();
    if (result < min || result > max) {
      throw malformed("\"" + field + "\" must be in " + min + ".." + max + ": " + result);
    }
    return result;
  }

  static SyncException malformed(String message) {
    return new SyncException(SyncException.Reason.PROTOCOL_ERROR, message);
  }
}
