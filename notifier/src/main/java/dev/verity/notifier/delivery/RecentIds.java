package dev.verity.notifier.delivery;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The most recent keys seen, at most {@code capacity}, oldest forgotten first. In memory only: after a restart
 * the notifier does not remember what it already delivered, so an event redelivered across a restart may be
 * alerted again (at-least-once).
 */
public final class RecentIds {

    private final Map<String, Boolean> keys;

    public RecentIds(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        this.keys = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > capacity;
            }
        };
    }

    /** Records the key and returns true, or returns false when it is already recorded. */
    public synchronized boolean add(String key) {
        return keys.putIfAbsent(key, Boolean.TRUE) == null;
    }

    /** Forgets a key, so that it counts as new again. */
    public synchronized void remove(String key) {
        keys.remove(key);
    }

    public synchronized boolean contains(String key) {
        return keys.containsKey(key);
    }

    public synchronized int size() {
        return keys.size();
    }
}
