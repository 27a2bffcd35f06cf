package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.util.function.Predicate;

/** One open watch over a WebSocket: sends ADDED/MODIFIED/DELETED events for the objects its path and selectors cover. */
final class WatchSession extends WebSocketListener {

  private final ObjectStore store;
  private final String group;
  private final String plural;
  private final String namespace;
  private final Predicate<JsonNode> filter;
  private final String resourceVersion;
  private volatile WebSocket socket;

  WatchSession(ObjectStore store, String group, String plural, String namespace, Predicate<JsonNode> filter, String resourceVersion) {
    this.store = store;
    this.group = group;
    this.plural = plural;
    this.namespace = namespace;
    this.filter = filter;
    this.resourceVersion = resourceVersion;
  }

  String resourceVersion() {
    return resourceVersion;
  }

  boolean covers(ObjectStore.Key key) {
    return key.group().equals(group) && key.plural().equals(plural) && (namespace == null || key.namespace().equals(namespace));
  }

  void deliver(ObjectStore.Change change) {
    if (!covers(change.key())) {
      return;
    }
    boolean matchedBefore = change.before() != null && filter.test(change.before());
    boolean matchesAfter = change.after() != null && filter.test(change.after());
    if (matchedBefore && matchesAfter) {
      send("MODIFIED", change.after());
    } else if (matchesAfter) {
      send("ADDED", change.after());
    } else if (matchedBefore) {
      ObjectNode last = change.after() != null ? change.after().deepCopy() : change.before().deepCopy();
      Json.metadata(last).put("resourceVersion", String.valueOf(change.resourceVersion()));
      send("DELETED", last);
    }
  }

  void expire(String message, int code, String reason) {
    ObjectNode event = Json.object();
    event.put("type", "ERROR");
    event.set("object", new ApiException(code, reason, message).toStatus());
    WebSocket ws = socket;
    if (ws != null) {
      ws.send(Json.write(event));
      ws.close(1000, message);
    }
  }

  private void send(String type, ObjectNode object) {
    ObjectNode event = Json.object();
    event.put("type", type);
    event.set("object", object);
    WebSocket ws = socket;
    if (ws != null) {
      ws.send(Json.write(event));
    }
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    this.socket = webSocket;
    store.watch(this);
  }

  @Override
  public void onClosing(WebSocket webSocket, int code, String reason) {
    store.unwatch(this);
    webSocket.close(code, reason);
  }

  @Override
  public void onClosed(WebSocket webSocket, int code, String reason) {
    store.unwatch(this);
  }

  @Override
  public void onFailure(WebSocket webSocket, Throwable error, Response response) {
    store.unwatch(this);
  }
}
