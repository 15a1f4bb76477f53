package dev.tonearm.server.sync;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tonearm.sync.SyncException;
import dev.tonearm.sync.protocol.SyncProtocol;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link SyncConnection} that keeps every message sent to it, for tests of {@link SyncService}
 * without a network; the WebSocket path is covered by the endpoint and end-to-end tests.
 */
final class RecordingConnection implements SyncConnection {
  private final List<JsonNode> messages = new ArrayList<>();
  private int closeStatus;

  @Override
  public synchronized void send(String text) {
    try {
      messages.add(SyncProtocol.parse(text));
    } catch (SyncException e) {
      throw new AssertionError("server sent invalid JSON: " + text, e);
    }
  }

  @Override
  public synchronized void close(int statusCode, String reason) {
    closeStatus = statusCode;
  }

  synchronized List<JsonNode> messages() {
    return new ArrayList<>(messages);
  }

  /** Returns the messages received so far and clears the list. */
  synchronized List<JsonNode> take() {
    List<JsonNode> taken = new ArrayList<>(messages);
    messages.clear();
    return taken;
  }

  /** Returns the only message of {@code type} received so far, failing if there is not one. */
  synchronized JsonNode only(String type) {
    JsonNode found = null;
    for (JsonNode message : messages) {
      if (type.equals(message.get("type").asText())) {
        if (found != null) {
          throw new AssertionError("more than one " + type + " message: " + messages);
        }
        found = message;
      }
    }
    if (found == null) {
      throw new AssertionError("no " + type + " message in " + messages);
    }
    return found;
  }

  synchronized int closeStatus() {
    return closeStatus;
  }
}
