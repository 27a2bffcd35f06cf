package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The sandbox's etcd and watch cache: every object by group, plural, namespace and name, ordered as etcd orders its
 * keys ({@code namespace/name}, byte-wise); one resourceVersion counter; per resource a bounded history of changes
 * (the watch cache's window) from which a watch resumes exactly after its resourceVersion and a paginated list reads
 * the snapshot of its first page; and the open watches of each resource, told of every change in order. Callers run
 * whole read-modify-write requests inside {@link #locked}.
 */
final class ObjectStore {

  /** Identity of a stored object; versions of the same group share storage, as they do on a real server. */
  record Key(String group, String plural, String namespace, String name) implements Comparable<Key> {

    /** The etcd key below the resource's prefix: {@code namespace/name}, or {@code name} when cluster-scoped. */
    String path() {
      return namespace.isEmpty() ? name : namespace + "/" + name;
    }

    String resource() {
      return group + "/" + plural;
    }

    @Override
    public int compareTo(Key other) {
      int byGroup = group.compareTo(other.group);
      if (byGroup != 0) {
        return byGroup;
      }
      int byPlural = plural.compareTo(other.plural);
      return byPlural != 0 ? byPlural : comparePaths(this, other);
    }

    /** Compares {@link #path()}s character by character without building them. */
    private static int comparePaths(Key a, Key b) {
      int lengthA = a.namespace.isEmpty() ? a.name.length() : a.namespace.length() + 1 + a.name.length();
      int lengthB = b.namespace.isEmpty() ? b.name.length() : b.namespace.length() + 1 + b.name.length();
      int common = Math.min(lengthA, lengthB);
      for (int i = 0; i < common; i++) {
        char x = a.charAt(i);
        char y = b.charAt(i);
        if (x != y) {
          return x - y;
        }
      }
      return lengthA - lengthB;
    }

    private char charAt(int i) {
      if (namespace.isEmpty()) {
        return name.charAt(i);
      }
      if (i < namespace.length()) {
        return namespace.charAt(i);
      }
      return i == namespace.length() ? '/' : name.charAt(i - namespace.length() - 1);
    }
  }

  /** One committed change: before is null for a creation, after is null for a deletion. */
  record Change(long resourceVersion, Key key, ObjectNode before, ObjectNode after) {
  }

  /**
   * One page of a list read at {@code resourceVersion}: the items, the key of the last object examined (null when
   * none was), whether more objects follow it, and how many (counted only when asked for).
   */
  record Page(List<ObjectNode> items, long resourceVersion, Key last, boolean more, long remaining) {
  }

  /** Changes kept per resource unless {@link #historyLimit(int)} says otherwise (the apiserver's watch cache keeps a comparable window). */
  static final int DEFAULT_HISTORY = 1_000;
  static final long INITIAL_RESOURCE_VERSION = 1000;

  /** The recorded changes of one resource and the resourceVersion from which they are complete. */
  private static final class History {
    final Deque<Change> changes = new ArrayDeque<>();
    long oldestReplayable;

    History(long oldestReplayable) {
      this.oldestReplayable = oldestReplayable;
    }
  }

  private final ReentrantLock lock = new ReentrantLock();
  private final TreeMap<Key, ObjectNode> objects = new TreeMap<>();
  private final Map<String, History> histories = new HashMap<>();
  private final Map<String, List<WatchSession>> watches = new HashMap<>();
  private long resourceVersion = INITIAL_RESOURCE_VERSION;
  private long compactedAt = INITIAL_RESOURCE_VERSION;
  private int historyLimit = DEFAULT_HISTORY;
  private final LinkedBlockingQueue<Runnable> fanOut = new LinkedBlockingQueue<>();
  private final Thread fanOutThread;

  ObjectStore() {
    fanOutThread = new Thread(this::fanOut, "kube-sandbox-watch-fan-out");
    fanOutThread.setDaemon(true);
    fanOutThread.start();
  }

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

  /** Objects of one resource, in one namespace or (namespace null) in all, in key order. */
  List<ObjectNode> list(String group, String plural, String namespace) {
    return locked(() -> {
      List<ObjectNode> result = new ArrayList<>();
      Iterator<Map.Entry<Key, ObjectNode>> range = current(group, plural, namespace, null);
      while (range.hasNext()) {
        result.add(range.next().getValue().deepCopy());
      }
      return result;
    });
  }

  long resourceVersion() {
    return locked(() -> resourceVersion);
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
    History history = histories.computeIfAbsent(change.key().resource(), r -> new History(compactedAt));
    history.changes.addLast(change);
    while (history.changes.size() > historyLimit) {
      history.oldestReplayable = history.changes.removeFirst().resourceVersion();
    }
    List<WatchSession> open = watches.get(change.key().resource());
    if (open != null && !open.isEmpty()) {
      Delivery delivery = new Delivery(change, open);
      fanOut.add(() -> {
        WatchSession.Encoded encoded = new WatchSession.Encoded(delivery.change());
        for (WatchSession watch : delivery.watches()) {
          watch.deliver(delivery.change(), encoded);
        }
      });
    }
  }

  /** A change on its way to the watches of its resource that were open when it was committed. */
  private record Delivery(Change change, List<WatchSession> watches) {
  }

  /**
   * Sends committed changes to the watches in commit order, off the store lock and off the request that made the
   * change (as the API server's watch cache dispatches events): a write's answer never waits for its watchers.
   */
  private void fanOut() {
    try {
      while (true) {
        Runnable task = fanOut.take();
        try {
          task.run();
        } catch (RuntimeException e) {
          // one watcher's failure (a closed socket, say) must not stop the others' events
          java.util.logging.Logger.getLogger(ObjectStore.class.getName()).log(java.util.logging.Level.WARNING,
              "KubeSandbox watch fan-out: " + e, e);
        }
      }
    } catch (InterruptedException stopped) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the fan-out thread; open watches get no more events. */
  void close() {
    fanOutThread.interrupt();
  }

  // ---- watches ----------------------------------------------------------------------------------------------------

  /**
   * Opens a watch at once: under the lock, its starting point is fixed (the replay from its resourceVersion, or the
   * current objects as ADDED) and it joins the resource's watches, so that no change committed after it was opened is
   * missed; the replay itself is sent from the fan-out thread, after the handshake's callback has returned and ahead
   * of every later change (a too-old resourceVersion is sent as a 410 ERROR event the same way).
   */
  void watchSoon(WatchSession watch) {
    locked(() -> {
      List<Change> backlog;
      try {
        backlog = replay(watch.group(), watch.plural(), watch.namespace(), watch.resourceVersion());
      } catch (ApiException e) {
        fanOut.add(() -> watch.expire(e.getMessage(), e.code(), e.reason()));
        return null;
      }
      // changes up to now come only from the backlog, even those whose deliveries are still queued
      watch.deliveredUpTo(resourceVersion);
      fanOut.add(() -> {
        for (Change change : backlog) {
          watch.replayed(change, new WatchSession.Encoded(change));
        }
      });
      watches.computeIfAbsent(watch.group() + "/" + watch.plural(), r -> new CopyOnWriteArrayList<>()).add(watch);
      return null;
    });
  }

  /**
   * The changes a watch from {@code from} starts with: every current object as a creation when {@code from} is
   * empty or "0", else the recorded changes after it.
   *
   * @throws ApiException 410 Expired "too old resource version" when {@code from} is older than the resource's
   *     recorded history (as the watch cache answers), 400 when it is not a number
   */
  List<Change> replay(String group, String plural, String namespace, String from) {
    return locked(() -> {
      List<Change> changes = new ArrayList<>();
      if (from == null || from.isEmpty() || from.equals("0")) {
        Iterator<Map.Entry<Key, ObjectNode>> range = current(group, plural, namespace, null);
        while (range.hasNext()) {
          Map.Entry<Key, ObjectNode> entry = range.next();
          changes.add(new Change(resourceVersion, entry.getKey(), null, entry.getValue()));
        }
        return changes;
      }
      long since;
      try {
        since = Long.parseLong(from);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("invalid resource version \"" + from + "\": resourceVersion must be a number");
      }
      long oldest = oldestReplayable(group, plural);
      if (since < oldest) {
        throw new ApiException(410, "Expired", "too old resource version: " + since + " (" + oldest + ")");
      }
      History history = histories.get(group + "/" + plural);
      if (history != null) {
        for (Change change : history.changes) {
          if (change.resourceVersion() > since && (namespace == null || change.key().namespace().equals(namespace))) {
            changes.add(change);
          }
        }
      }
      return changes;
    });
  }

  /**
   * Queues a BOOKMARK for the watch at the current resourceVersion, behind every change committed so far: when it is
   * sent, every change up to it that concerns the watch has been sent.
   */
  void bookmarkSoon(WatchSession watch) {
    locked(() -> {
      long at = resourceVersion;
      fanOut.add(() -> watch.bookmark(at));
      return null;
    });
  }

  void unwatch(WatchSession watch) {
    locked(() -> {
      List<WatchSession> open = watches.get(watch.group() + "/" + watch.plural());
      return open != null && open.remove(watch);
    });
  }

  int openWatches() {
    return locked(() -> watches.values().stream().mapToInt(List::size).sum());
  }

  /** Closes every open watch from the server side, as an API server does when a watch times out; returns how many. */
  int closeWatches() {
    List<WatchSession> closing = locked(() -> {
      List<WatchSession> all = new ArrayList<>();
      watches.values().forEach(all::addAll);
      watches.clear();
      return all;
    });
    closing.forEach(WatchSession::closeFromServer);
    return closing.size();
  }

  // ---- history ----------------------------------------------------------------------------------------------------

  /** The oldest resourceVersion a watch or a list snapshot of the resource can start from. */
  long oldestReplayable(String group, String plural) {
    return locked(() -> {
      History history = histories.get(group + "/" + plural);
      return history == null ? compactedAt : history.oldestReplayable;
    });
  }

  /** How many changes per resource the history keeps (at least 1). */
  void historyLimit(int changesPerResource) {
    if (changesPerResource < 1) {
      throw new IllegalArgumentException("the watch history must keep at least 1 change per resource, got " + changesPerResource);
    }
    locked(() -> {
      historyLimit = changesPerResource;
      for (History history : histories.values()) {
        while (history.changes.size() > historyLimit) {
          history.oldestReplayable = history.changes.removeFirst().resourceVersion();
        }
      }
      return null;
    });
  }

  int historyLimit() {
    return locked(() -> historyLimit);
  }

  /**
   * Forgets every recorded change, as an etcd compaction followed by a watch cache re-initialisation would: a watch
   * or a paginated list from any earlier resourceVersion is answered 410 Gone. Returns the current resourceVersion.
   */
  long compact() {
    return locked(() -> {
      compactedAt = resourceVersion;
      for (History history : histories.values()) {
        history.changes.clear();
        history.oldestReplayable = resourceVersion;
      }
      return resourceVersion;
    });
  }

  // ---- paginated reads --------------------------------------------------------------------------------------------

  /**
   * Reads one page of a resource as it was at {@code at} (0: now), from key {@code from} (inclusive; null: the
   * beginning), taking up to {@code limit} objects that pass {@code filter} (0: no limit), as etcd's range read with
   * a limit does: the page ends at the object that fills it, and {@code more} says whether any key follows.
   * Callers check {@link #oldestReplayable} first: an {@code at} older than the history cannot be read.
   */
  Page page(String group, String plural, String namespace, long at, Key from, Predicate<? super ObjectNode> filter,
      long limit, boolean countRemaining) {
    return locked(() -> {
      long rv = at <= 0 ? resourceVersion : at;
      if (rv < oldestReplayable(group, plural)) {
        throw new IllegalStateException("resourceVersion " + rv + " of " + group + "/" + plural + " is compacted");
      }
      Iterator<Map.Entry<Key, ObjectNode>> entries = rv >= resourceVersion
          ? current(group, plural, namespace, from)
          : new Merged(current(group, plural, namespace, from), undone(group, plural, namespace, rv, from));
      List<ObjectNode> items = new ArrayList<>();
      Key last = null;
      while (entries.hasNext() && (limit <= 0 || items.size() < limit)) {
        Map.Entry<Key, ObjectNode> entry = entries.next();
        last = entry.getKey();
        if (filter.test(entry.getValue())) {
          items.add(entry.getValue().deepCopy());
        }
      }
      boolean more = entries.hasNext();
      long remaining = 0;
      if (more && countRemaining) {
        while (entries.hasNext()) {
          entries.next();
          remaining++;
        }
      }
      return new Page(items, rv, last, more, remaining);
    });
  }

  /** The current objects of a resource (in one namespace, or all when null) from {@code from} on, in key order. */
  private Iterator<Map.Entry<Key, ObjectNode>> current(String group, String plural, String namespace, Key from) {
    Key start = new Key(group, plural, namespace == null ? "" : namespace, "");
    if (from != null && from.compareTo(start) > 0) {
      start = from;
    }
    Iterator<Map.Entry<Key, ObjectNode>> tail = objects.tailMap(start, true).entrySet().iterator();
    return new Iterator<>() {
      private Map.Entry<Key, ObjectNode> next = advance();

      private Map.Entry<Key, ObjectNode> advance() {
        if (!tail.hasNext()) {
          return null;
        }
        Map.Entry<Key, ObjectNode> entry = tail.next();
        Key key = entry.getKey();
        boolean inRange = key.group().equals(group) && key.plural().equals(plural)
            && (namespace == null || key.namespace().equals(namespace));
        return inRange ? entry : null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Map.Entry<Key, ObjectNode> next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        Map.Entry<Key, ObjectNode> result = next;
        next = advance();
        return result;
      }
    };
  }

  /** For every key of the range changed after {@code at}: its object at {@code at} (null when it did not exist then). */
  private NavigableMap<Key, ObjectNode> undone(String group, String plural, String namespace, long at, Key from) {
    TreeMap<Key, ObjectNode> then = new TreeMap<>();
    History history = histories.get(group + "/" + plural);
    if (history == null) {
      return then;
    }
    Iterator<Change> newestFirst = history.changes.descendingIterator();
    while (newestFirst.hasNext()) {
      Change change = newestFirst.next();
      if (change.resourceVersion() <= at) {
        break;
      }
      Key key = change.key();
      if ((namespace == null || key.namespace().equals(namespace)) && (from == null || key.compareTo(from) >= 0)) {
        then.put(key, change.before());
      }
    }
    return then;
  }

  /** The current range with the keys changed since the snapshot replaced by their earlier state (absent ones skipped). */
  private static final class Merged implements Iterator<Map.Entry<Key, ObjectNode>> {
    private final Iterator<Map.Entry<Key, ObjectNode>> current;
    private final Iterator<Map.Entry<Key, ObjectNode>> then;
    private Map.Entry<Key, ObjectNode> nextCurrent;
    private Map.Entry<Key, ObjectNode> nextThen;
    private Map.Entry<Key, ObjectNode> next;

    Merged(Iterator<Map.Entry<Key, ObjectNode>> current, NavigableMap<Key, ObjectNode> then) {
      this.current = current;
      this.then = then.entrySet().iterator();
      this.nextCurrent = current.hasNext() ? current.next() : null;
      this.nextThen = this.then.hasNext() ? this.then.next() : null;
      this.next = advance();
    }

    private Map.Entry<Key, ObjectNode> advance() {
      while (nextCurrent != null || nextThen != null) {
        Map.Entry<Key, ObjectNode> candidate;
        int order = nextCurrent == null ? 1 : nextThen == null ? -1 : nextCurrent.getKey().compareTo(nextThen.getKey());
        if (order < 0) {
          candidate = nextCurrent;
          nextCurrent = current.hasNext() ? current.next() : null;
        } else {
          candidate = nextThen;
          if (order == 0) {
            nextCurrent = current.hasNext() ? current.next() : null;
          }
          nextThen = then.hasNext() ? then.next() : null;
        }
        if (candidate.getValue() != null) {
          return candidate;
        }
      }
      return null;
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Map.Entry<Key, ObjectNode> next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      Map.Entry<Key, ObjectNode> result = next;
      next = advance();
      return result;
    }
  }

  private void requireLocked() {
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalStateException("ObjectStore writes must run inside locked()");
    }
  }

  /** For tests: the keys of the store in order (never a copy of objects). */
  List<Key> keys() {
    return locked(() -> Collections.unmodifiableList(new ArrayList<>(objects.keySet())));
  }
}
