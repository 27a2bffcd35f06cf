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
      String from = watch.resourceVersion();
      if (from == null || from.isEmpty() || from.equals("0")) {
        for (Map.Entry<Key, ObjectNode> entry : objects.entrySet()) {
          if (watch.covers(entry.getKey())) {
            watch.deliver(new Change(resourceVersion, entry.getKey(), null, entry.getValue()));
          }
        }
      } else {
        long since;
        try {
          since = Long.parseLong(from);
        } catch (NumberFormatException e) {
          watch.expire("invalid resource version \"" + from + "\"", 400, "BadRequest");
          return null;
        }
        if (since < oldestReplayable) {
          watch.expire("too old resource version: " + since + " (" + oldestReplayable + ")", 410, "Expired");
          return null;
        }
        for (Change change : history) {
          if (change.resourceVersion() > since) {
            watch.deliver(change);
          }
        }
      }
      watches.add(watch);
      return null;
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
