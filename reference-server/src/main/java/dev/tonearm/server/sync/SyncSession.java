package dev.tonearm.server.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tonearm.sync.Op;
import dev.tonearm.sync.ReplicaId;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.VersionVector;
import dev.tonearm.sync.protocol.OpJson;
import dev.tonearm.sync.protocol.SyncProtocol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server side of one authenticated client connection: reads its messages and sends it replies,
 * snapshots, updates and presence.
 *
 * <p>{@link #onMessage} and {@link #onClose} are called by one connection thread at a time; sends
 * may come from any thread that merges into a playlist this session subscribes to.
 */
final class SyncSession {
  private static final Logger logger = LoggerFactory.getLogger(SyncSession.class);

  final String userId;
  private final SyncConnection connection;
  private final SyncService service;
  private final Map<String, HostedPlaylist> subscriptions = new ConcurrentHashMap<>();

  /** Operations of requests still arriving, per playlist; touched by the connection thread only. */
  private final Map<String, List<Op>> heldOps = new HashMap<>();

  SyncSession(String userId, SyncConnection connection, SyncService service) {
    this.userId = userId;
    this.connection = connection;
    this.service = service;
  }

  /** Sends the hello message: the user and the version of each playlist the user can edit. */
  void start() {
    ArrayNode playlists = JsonNodeFactory.instance.arrayNode();
    for (HostedPlaylist playlist : service.playlistsOf(userId)) {
      playlists.add(playlist.summaryFor(userId));
    }
    send(SyncProtocol.hello(userId, service.clock().millis(), playlists));
  }

  /** Handles one text message and replies to a failure with an error message. */
  void onMessage(String text) {
    String playlistId = null;
    long requestId = 0;
    try {
      JsonNode message = SyncProtocol.parse(text);
      String type = message.get("type").asText();
      playlistId = SyncProtocol.text(message, "playlistId");
      if (message.has("requestId")) {
        requestId = SyncProtocol.integer(message, "requestId");
      }
      dispatch(type, playlistId, requestId, message);
    } catch (SyncException e) {
      logger.debug("Rejected a message of user {}: {}", userId, e.getMessage());
      send(SyncProtocol.error(e.reason(), e.getMessage(), playlistId, requestId, null));
    } catch (RuntimeException e) {
      logger.error("Failed to handle a message of user {} for playlist {}", userId, playlistId, e);
      send(
          SyncProtocol.error(
              SyncException.Reason.INTERNAL, "internal server error", playlistId, requestId, null));
    }
  }

  /** Unsubscribes from everything when the connection closes. */
  void onClose() {
    for (HostedPlaylist playlist : subscriptions.values()) {
      playlist.unsubscribe(this);
    }
    subscriptions.clear();
  }

  void send(JsonNode message) {
    sendText(SyncProtocol.toText(message));
  }

  void sendText(String text) {
    connection.send(text);
  }

  private void dispatch(String type, String playlistId, long requestId, JsonNode message)
      throws SyncException {
    switch (type) {
      case SyncProtocol.SUBSCRIBE:
        subscribe(playlistId, message);
        break;
      case SyncProtocol.UNSUBSCRIBE:
        HostedPlaylist unsubscribed = subscriptions.remove(playlistId);
        if (unsubscribed != null) {
          unsubscribed.unsubscribe(this);
        }
        break;
      case SyncProtocol.OPS:
        receiveOps(playlistId, requestId, message);
        break;
      case SyncProtocol.PRESENCE:
        HostedPlaylist subscribed = subscriptions.get(playlistId);
        if (subscribed == null) {
          throw new SyncException(
              SyncException.Reason.PROTOCOL_ERROR, "subscribe to " + playlistId + " first");
        }
        subscribed.setEditing(this, SyncProtocol.bool(message, "editing"));
        break;
      case SyncProtocol.CREATE:
        service.createPlaylist(playlistId, userId);
        send(SyncProtocol.created(playlistId, requestId));
        break;
      default:
        throw new SyncException(
            SyncException.Reason.PROTOCOL_ERROR, "unknown message type \"" + type + "\"");
    }
  }

  /**
   * Merges the operations of a request, or keeps them back while the message has {@code more} set,
   * so that a request spread over several messages is checked and merged as a whole.
   */
  private void receiveOps(String playlistId, long requestId, JsonNode message)
      throws SyncException {
    List<Op> ops = OpJson.decodeAll(message.get("ops"), service.limits().maxOpsPerMessage());
    List<Op> held = heldOps.remove(playlistId);
    if (held != null) {
      held.addAll(ops);
      ops = held;
    }
    if (ops.size() > service.limits().maxOpsPerRequest()) {
      throw new SyncException(
          SyncException.Reason.LIMIT_EXCEEDED,
          "a request may carry at most " + service.limits().maxOpsPerRequest() + " operations");
    }
    if (message.path("more").asBoolean(false)) {
      heldOps.put(playlistId, new ArrayList<>(ops));
      return;
    }
    service.find(playlistId).applyBatch(this, requestId, ops);
  }

  private void subscribe(String playlistId, JsonNode message) throws SyncException {
    VersionVector known = OpJson.decodeVersion(message.get("version"));
    ReplicaId replica = ReplicaId.of(userId, "unknown");
    if (message.hasNonNull("replicaId")) {
      try {
        replica = ReplicaId.parse(SyncProtocol.text(message, "replicaId"));
      } catch (IllegalArgumentException e) {
        throw new SyncException(SyncException.Reason.PROTOCOL_ERROR, e.getMessage(), e);
      }
      if (!replica.userId().equals(userId)) {
        throw new SyncException(
            SyncException.Reason.FORBIDDEN,
            "replica " + replica + " does not belong to user " + userId);
      }
    }
    HostedPlaylist playlist = service.find(playlistId);
    playlist.subscribe(this, replica, known);
    subscriptions.put(playlistId, playlist);
  }
}
