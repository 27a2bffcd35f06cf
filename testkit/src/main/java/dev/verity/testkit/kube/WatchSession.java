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
    ObjectNode event = event(change, filter);
    WebSocket ws = socket;
    if (event != null && ws != null) {
      ws.send(Json.write(event));
    }
  }

  /** The watch event a change means for a watcher with this filter (null when it does not concern it). */
  static ObjectNode event(ObjectStore.Change change, Predicate<JsonNode> filter) {
    boolean matchedBefore = change.before() != null && filter.test(change.before());
    boolean matchesAfter = change.after() != null && filter.test(change.after());
    String type;
    ObjectNode object;
    if (matchedBefore && matchesAfter) {
      type = "MODIFIED";
      object = change.after();
    } else if (matchesAfter) {
      type = "ADDED";
      object = change.after();
    } else if (matchedBefore) {
      type = "DELETED";
      object = change.after() != null ? change.after().deepCopy() : change.before().deepCopy();
      Json.metadata(object).put("resourceVersion", String.valueOf(change.resourceVersion()));
    } else {
      return null;
    }
    ObjectNode event = Json.object();
    event.put("type", type);
    event.set("object", object);
    return event;
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
