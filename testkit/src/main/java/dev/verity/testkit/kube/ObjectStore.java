package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The sandbox's etcd: every object by group, plural, namespace and name; one resourceVersion counter; a bounded
 * history of changes so that a watch from a resourceVersion resumes exactly after it; and the open watches, told
 * of every change in order. Callers run whole read-modify-write requests inside {@link #locked}.
 */
final class ObjectStore {

  /** Identity of a stored object; versions of the same group share storage, as they do on a real server. */
  record Key(String group, String plural, String namespace, String name) implements Comparable<Key> {
    private static final Comparator<Key> ORDER = Comparator.comparing(Key::group).thenComparing(Key::plural)
        .thenComparing(Key::namespace).thenComparing(Key::name);

    @Override
    public int compareTo(Key other) {
      return ORDER.compare(this, other);
    }
  }

  /** One committed change: before is null for a creation, after is null for a deletion. */
  record Change(long resourceVersion, Key key, ObjectNode before, ObjectNode after) {
  }

  private static final int HISTORY = 2_000;

  private final ReentrantLock lock = new ReentrantLock();
  private final TreeMap<Key, ObjectNode> objects = new TreeMap<>();
  private final Deque<Change> history = new ArrayDeque<>();
  private final List<WatchSession> watches = new ArrayList<>();
  private long resourceVersion = 1000;
  private long oldestReplayable = 1000;

  <T> T locked(Supplier<T> action) {
    lock.lock();
    try {
      return action.get();
    } finally {
      lock.unlock();
    }
  }

  ObjectNode get(Key key) {
    ObjectNode object = objects.get(key);
    return object == null ? null : object.deepCopy();
  }

  /** Objects of one resource, in one namespace or (namespace null) in all, ordered by namespace and name. */
  List<ObjectNode> list(String group, String plural, String namespace) {
    List<ObjectNode> result = new ArrayList<>();
    for (Map.Entry<Key, ObjectNode> entry : objects.entrySet()) {
      Key key = entry.getKey();
      if (key.group().equals(group) && key.plural().equals(plural) && (namespace == null || key.namespace().equals(namespace))) {
        result.add(entry.getValue().deepCopy());
      }
    }
    return result;
  }

  long resourceVersion() {
    return resourceVersion;
  }

  /** Stores the object with a new resourceVersion and tells the watches; returns the stored copy. */
  ObjectNode put(Key key, ObjectNode object) {
    requireLocked();
    ObjectNode stored = object.deepCopy();
    Json.metadata(stored).put("resourceVersion", String.valueOf(++resourceVersion));
    ObjectNode before = objects.put(key, stored);
    record(new Change(resourceVersion, key, before, stored));
    return stored.deepCopy();
  }

  ObjectNode remove(Key key) {
    requireLocked();
    ObjectNode before = objects.remove(key);
    if (before == null) {
      return null;
    }
    ObjectNode gone = before.deepCopy();
    Json.metadata(gone).put("resourceVersion", String.valueOf(++resourceVersion));
    record(new Change(resourceVersion, key, before, null));
    return gone;
  }

  private void record(Change change) {
    history.addLast(change);
    while (history.size() > HISTORY) {
      oldestReplayable = history.removeFirst().resourceVersion();
    }
    for (WatchSession watch : List.copyOf(watches)) {
      watch.deliver(change);
    }
  }

  /** Opens a watch: replays from its resourceVersion (or lists the current objects as ADDED), then follows every change. */
  void watch(WatchSession watch) {
    locked(() -> {
      List<Change> backlog;
      try {
        backlog = replay(watch.resourceVersion(), watch::covers);
      } catch (ApiException e) {
        watch.expire(e.getMessage(), e.code(), e.reason());
        return null;
      }
      backlog.forEach(watch::deliver);
      watches.add(watch);
      return null;
    });
  }

  /**
   * The changes a watch from {@code from} starts with: every current object as a creation when {@code from} is
   * empty or "0", else the recorded changes after it.
   *
   * @throws ApiException 410 Expired when {@code from} is older than the recorded history, 400 when it is not a number
   */
  List<Change> replay(String from, java.util.function.Predicate<Key> covers) {
    return locked(() -> {
      List<Change> changes = new ArrayList<>();
      if (from == null || from.isEmpty() || from.equals("0")) {
        for (Map.Entry<Key, ObjectNode> entry : objects.entrySet()) {
          if (covers.test(entry.getKey())) {
            changes.add(new Change(resourceVersion, entry.getKey(), null, entry.getValue()));
          }
        }
        return changes;
      }
      long since;
      try {
        since = Long.parseLong(from);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("invalid resource version \"" + from + "\"");
      }
      if (since < oldestReplayable) {
        throw new ApiException(410, "Expired", "too old resource version: " + since + " (" + oldestReplayable + ")");
      }
      for (Change change : history) {
        if (change.resourceVersion() > since && covers.test(change.key())) {
          changes.add(change);
        }
      }
      return changes;
    });
  }

  void unwatch(WatchSession watch) {
    locked(() -> watches.remove(watch));
  }

  int openWatches() {
    return locked(watches::size);
  }

  private void requireLocked() {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("ObjectStore writes must run inside locked()");
    }
  }
}
