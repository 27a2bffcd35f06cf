package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

import java.util.function.Predicate;

/**
 * One open watch, over a WebSocket (as fabric8 opens them) or a chunked HTTP response (as kubectl and client-go open
 * them, see {@link SandboxServer}): sends ADDED/MODIFIED/DELETED events for the objects its path and selectors cover,
 * {@code BOOKMARK} events when asked for, and an {@code ERROR} event with a 410 Status when it starts from a
 * resourceVersion older than the history.
 */
final class WatchSession extends WebSocketListener {

  /** Where the events go: a WebSocket's text frames or an HTTP response's chunks, one JSON object per line. */
  interface Sink {
    void send(String event);

    /** Ends the watch from the server side (a normal closure). */
    void close(String reason);
  }

  /**
   * How a watch was asked for: its server-side timeout (null: none), bookmarks (of objects of {@code type}), and Table
   * objects for kubectl get ({@code tableOf}, null for the objects themselves).
   */
  record Options(java.time.Duration timeout, boolean bookmarks, ResourceType type, ResourceType tableOf) {
    static Options none() {
      return new Options(null, false, null, null);
    }
  }

  /**
   * A change serialised at most once however many watches it goes to: the object as it is after the change (for
   * ADDED and MODIFIED), and as it was before it with the deletion's resourceVersion (for DELETED).
   */
  static final class Encoded {
    private final ObjectStore.Change change;
    private String after;
    private String deleted;

    Encoded(ObjectStore.Change change) {
      this.change = change;
    }

    private final java.util.Map<String, String> events = new java.util.HashMap<>(4);

    String event(String type) {
      return events.computeIfAbsent(type, t -> "{\"type\":\"" + t + "\",\"object\":" + (t.equals("DELETED") ? deleted() : after()) + "}");
    }

    private String after() {
      if (after == null) {
        after = Json.write(change.after());
      }
      return after;
    }

    private String deleted() {
      if (deleted == null) {
        deleted = Json.write(deletedObject(change));
      }
      return deleted;
    }
  }

  private final ObjectStore store;
  private final String group;
  private final String plural;
  private final String namespace;
  private final Predicate<JsonNode> filter;
  private final String resourceVersion;
  private final Options options;
  private volatile Sink sink;
  private volatile long delivered;

  WatchSession(ObjectStore store, String group, String plural, String namespace, Predicate<JsonNode> filter, String resourceVersion) {
    this(store, group, plural, namespace, filter, resourceVersion, Options.none());
  }

  WatchSession(ObjectStore store, String group, String plural, String namespace, Predicate<JsonNode> filter,
      String resourceVersion, Options options) {
    this.store = store;
    this.group = group;
    this.plural = plural;
    this.namespace = namespace;
    this.filter = filter;
    this.resourceVersion = resourceVersion;
    this.options = options;
  }

  Options options() {
    return options;
  }

  /** Starts the watch on a sink (an HTTP stream): replays from its resourceVersion, then follows every change. */
  void open(Sink target) {
    this.sink = target;
    store.watchSoon(this);
  }

  /**
   * Sends a BOOKMARK at {@code resourceVersion}: every change up to it that concerns this watch has been sent (the
   * store queues it behind those changes).
   */
  void bookmark(long resourceVersion) {
    Sink target = sink;
    if (target == null || !options.bookmarks()) {
      return;
    }
    ObjectNode object = Json.object();
    if (options.tableOf() != null) {
      object.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    } else if (options.type() != null) {
      object.put("kind", options.type().kind()).put("apiVersion", options.type().apiVersion());
    }
    object.putObject("metadata").put("resourceVersion", String.valueOf(Math.max(resourceVersion, delivered)))
        .putNull("creationTimestamp");
    ObjectNode event = Json.object();
    event.put("type", "BOOKMARK");
    event.set("object", object);
    target.send(Json.write(event));
  }

  String group() {
    return group;
  }

  String plural() {
    return plural;
  }

  /** The watched namespace, null for all. */
  String namespace() {
    return namespace;
  }

  String resourceVersion() {
    return resourceVersion;
  }

  boolean covers(ObjectStore.Key key) {
    return key.group().equals(group) && key.plural().equals(plural) && (namespace == null || key.namespace().equals(namespace));
  }

  /** Marks every change up to this resourceVersion as sent (by the replay the watch starts with). */
  void deliveredUpTo(long resourceVersion) {
    this.delivered = resourceVersion;
  }

  /** Sends a change committed after the watch was opened (those up to it come from its replay). */
  void deliver(ObjectStore.Change change, Encoded encoded) {
    if (change.resourceVersion() > delivered) {
      send(change, encoded);
    }
  }

  /** Sends a change of the replay the watch starts with. */
  void replayed(ObjectStore.Change change, Encoded encoded) {
    send(change, encoded);
  }

  private void send(ObjectStore.Change change, Encoded encoded) {
    if (!covers(change.key())) {
      return;
    }
    String type = type(change, filter);
    Sink target = sink;
    if (type == null || target == null) {
      return;
    }
    if (options.tableOf() == null) {
      target.send(encoded.event(type));
      return;
    }
    ObjectNode object = type.equals("DELETED") ? deletedObject(change) : change.after().deepCopy();
    ObjectNode event = Json.object();
    event.put("type", type);
    event.set("object", Tables.table(options.tableOf(), object));
    target.send(Json.write(event));
  }

  /** The type of event a change means for a watcher with this filter (null when it does not concern it). */
  private static String type(ObjectStore.Change change, Predicate<JsonNode> filter) {
    boolean matchedBefore = change.before() != null && filter.test(change.before());
    boolean matchesAfter = change.after() != null && filter.test(change.after());
    if (matchedBefore && matchesAfter) {
      return "MODIFIED";
    }
    if (matchesAfter) {
      return "ADDED";
    }
    return matchedBefore ? "DELETED" : null;
  }

  private static ObjectNode deletedObject(ObjectStore.Change change) {
    ObjectNode object = change.after() != null ? change.after().deepCopy() : change.before().deepCopy();
    Json.metadata(object).put("resourceVersion", String.valueOf(change.resourceVersion()));
    return object;
  }

  void expire(String message, int code, String reason) {
    ObjectNode event = Json.object();
    event.put("type", "ERROR");
    event.set("object", new ApiException(code, reason, message).toStatus());
    Sink target = sink;
    if (target != null) {
      target.send(Json.write(event));
      target.close(message);
    }
  }

  /** Ends the watch from the server side with a normal closure, as an API server ends a watch that timed out. */
  void closeFromServer() {
    Sink target = sink;
    if (target != null) {
      target.close("watch closed by the server");
    }
  }

  @Override
  public void onOpen(WebSocket webSocket, Response response) {
    this.sink = new Sink() {
      @Override
      public void send(String event) {
        webSocket.send(event);
      }

      @Override
      public void close(String reason) {
        webSocket.close(1000, reason);
      }
    };
    store.watchSoon(this);
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
