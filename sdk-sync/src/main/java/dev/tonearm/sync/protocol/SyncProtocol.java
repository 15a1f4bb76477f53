package dev.tonearm.sync.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tonearm.sync.Op;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.VersionVector;
import java.util.List;

/**
 * Messages of the sync WebSocket protocol: JSON text frames, one object per frame, with a {@code
 * "type"} field. The full description with examples is in {@code docs/sync.md}.
 *
 * <p>Client to server: {@link #SUBSCRIBE}, {@link #UNSUBSCRIBE}, {@link #OPS}, {@link #PRESENCE},
 * {@link #CREATE}. Server to client: {@link #HELLO}, {@link #SNAPSHOT}, {@link #DELTA}, {@link
 * #ACK}, {@link #UPDATE}, {@link #PRESENCE}, {@link #CREATED}, {@link #ERROR}.
 *
 * <p>The builders return Jackson trees; the readers raise {@link
 * SyncException.Reason#PROTOCOL_ERROR} naming the missing or mistyped field. Stateless and
 * thread-safe.
 */
public final class SyncProtocol {
  /** Default path of the sync WebSocket endpoint. */
  public static final String DEFAULT_PATH = "/v1/sync";

  /** Default maximum number of operations in one message. */
  public static final int DEFAULT_MAX_OPS_PER_MESSAGE = 500;

  /** Default maximum number of operations in one request spread over several messages. */
  public static final int DEFAULT_MAX_OPS_PER_REQUEST = 10_000;

  /** Default maximum size of one message, in bytes. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

  public static final String HELLO = "hello";
  public static final String SUBSCRIBE = "subscribe";
  public static final String UNSUBSCRIBE = "unsubscribe";
  public static final String SNAPSHOT = "snapshot";
  public static final String DELTA = "delta";
  public static final String OPS = "ops";
  public static final String ACK = "ack";
  public static final String UPDATE = "update";
  public static final String PRESENCE = "presence";
  public static final String CREATE = "create";
  public static final String CREATED = "created";
  public static final String ERROR = "error";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SyncProtocol() {}

  // Client to server.

  /**
   * Asks for a playlist's operations that {@code version} lacks, and for its updates; {@code
   * replica} names the sender in presence lists.
   */
  public static ObjectNode subscribe(String playlistId, ReplicaId replica, VersionVector version) {
    ObjectNode message = message(SUBSCRIBE, playlistId);
    message.put("replicaId", replica.toString());
    message.set("version", OpJson.encodeVersion(version));
    return message;
  }

  public static ObjectNode unsubscribe(String playlistId) {
    return message(UNSUBSCRIBE, playlistId);
  }

  /**
   * Sends local operations; the server replies with {@link #ACK} or {@link #ERROR}. With {@code
   * more} true the server holds the operations back until a message without it arrives and then
   * checks and merges all of them as one request, replying to that last request id only.
   */
  public static ObjectNode ops(
      String playlistId, long requestId, List<? extends Op> ops, boolean more) {
    ObjectNode message = message(OPS, playlistId);
    message.put("requestId", requestId);
    message.put("more", more);
    message.set("ops", OpJson.encodeAll(ops));
    return message;
  }

  /**
   * Sends local operations as one complete request; see {@link #ops(String, long, List, boolean)}.
   */
  public static ObjectNode ops(String playlistId, long requestId, List<? extends Op> ops) {
    return ops(playlistId, requestId, ops, false);
  }

  /** Tells the other subscribers whether this user is editing. */
  public static ObjectNode presence(String playlistId, boolean editing) {
    ObjectNode message = message(PRESENCE, playlistId);
    message.put("editing", editing);
    return message;
  }

  /** Creates an empty playlist owned by the sender. */
  public static ObjectNode create(String playlistId, long requestId) {
    ObjectNode message = message(CREATE, playlistId);
    message.put("requestId", requestId);
    return message;
  }

  // Server to client.

  /** Greets a connection: the user id and the version of each playlist the user can edit. */
  public static ObjectNode hello(String userId, long serverTimeMs, ArrayNode playlists) {
    ObjectNode message = NODES.objectNode();
    message.put("type", HELLO);
    message.put("userId", userId);
    message.put("serverTimeMs", serverTimeMs);
    message.set("playlists", playlists);
    return message;
  }

  /** Returns one element of {@link #hello}'s {@code playlists} array. */
  public static ObjectNode playlistSummary(
      String playlistId, VersionVector version, boolean deleted, String role) {
    ObjectNode summary = NODES.objectNode();
    summary.put("playlistId", playlistId);
    summary.set("version", OpJson.encodeVersion(version));
    summary.put("deleted", deleted);
    summary.put("role", role);
    return summary;
  }

  /**
   * Replies to {@link #SUBSCRIBE} with {@code type} {@link #SNAPSHOT} (replace local state with
   * these operations) or {@link #DELTA} (add them), or broadcasts {@link #UPDATE}.
   */
  public static ObjectNode opsMessage(
      String type,
      String playlistId,
      VersionVector version,
      List<? extends Op> ops,
      DeletionNotice deletion) {
    ObjectNode message = message(type, playlistId);
    message.set("version", OpJson.encodeVersion(version));
    message.set("ops", OpJson.encodeAll(ops));
    message.set("deletion", deletion == null ? NODES.nullNode() : deletion.toJson());
    return message;
  }

  /** Confirms that the operations of request {@code requestId} are merged and stored. */
  public static ObjectNode ack(String playlistId, long requestId, VersionVector version) {
    ObjectNode message = message(ACK, playlistId);
    message.put("requestId", requestId);
    message.set("version", OpJson.encodeVersion(version));
    return message;
  }

  /**
   * Describes who is subscribed: with {@code full} true, {@code editors} is the whole list;
   * otherwise it lists subscribers that joined or changed, and {@code left} the replica ids of
   * those that left. Sending changes keeps a mass join or leave linear in the number of subscribers
   * instead of quadratic.
   */
  public static ObjectNode presence(
      String playlistId, List<PresenceInfo> editors, boolean full, List<String> left) {
    ObjectNode message = message(PRESENCE, playlistId);
    message.put("full", full);
    ArrayNode array = message.putArray("editors");
    for (PresenceInfo editor : editors) {
      array.add(editor.toJson());
    }
    ArrayNode leftArray = message.putArray("left");
    for (String replicaId : left) {
      leftArray.add(replicaId);
    }
    return message;
  }

  public static ObjectNode created(String playlistId, long requestId) {
    ObjectNode message = message(CREATED, playlistId);
    message.put("requestId", requestId);
    return message;
  }

  /**
   * Reports a failure; {@code playlistId}, {@code requestId} (when positive) and {@code deletion}
   * are included when not null.
   */
  public static ObjectNode error(
      SyncException.Reason code,
      String text,
      String playlistId,
      long requestId,
      DeletionNotice deletion) {
    ObjectNode message = NODES.objectNode();
    message.put("type", ERROR);
    message.put("code", code.name());
    message.put("message", text);
    if (playlistId != null) {
      message.put("playlistId", playlistId);
    }
    if (requestId > 0) {
      message.put("requestId", requestId);
    }
    if (deletion != null) {
      message.set("deletion", deletion.toJson());
    }
    return message;
  }

  // Reading.

  /** Serializes a message to the text of one WebSocket frame. */
  public static String toText(JsonNode message) {
    try {
      return JSON.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
  }

  /** Parses one frame: a JSON object with a string {@code "type"}. */
  public static JsonNode parse(String text) throws SyncException {
    JsonNode message;
    try {
      message = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw OpJson.malformed("message is not valid JSON: " + e.getOriginalMessage());
    }
    if (message == null || !message.isObject()) {
      throw OpJson.malformed("message must be a JSON object");
    }
    text(message, "type");
    return message;
  }

  /** Returns the string field {@code field}. */
  public static String text(JsonNode message, String field) throws SyncException {
    JsonNode value = message.get(field);
    if (value == null || !value.isTextual()) {
      throw OpJson.malformed("\"" + field + "\" must be a string");
    }
    return value.asText();
  }

  /** Returns the integer field {@code field}. */
  public static long integer(JsonNode message, String field) throws SyncException {
    JsonNode value = message.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw OpJson.malformed("\"" + field + "\" must be an integer");
    }
    return value.asLong();
  }

  /** Returns the boolean field {@code field}. */
  public static boolean bool(JsonNode message, String field) throws SyncException {
    JsonNode value = message.get(field);
    if (value == null || !value.isBoolean()) {
      throw OpJson.malformed("\"" + field + "\" must be a boolean");
    }
    return value.asBoolean();
  }

  private static ObjectNode message(String type, String playlistId) {
    ObjectNode message = NODES.objectNode();
    message.put("type", type);
    message.put("playlistId", playlistId);
    return message;
  }
}
