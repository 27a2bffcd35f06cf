package dev.verity.drift.core;

import dev.verity.events.ObjectRef;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps an informer's cache from taking the monitor back in time. When a new desired or applied state arrives, the
 * objects it names are read from the API server, because the cache may not have seen the apply yet; until the cache
 * catches up, an informer event can still bring an older version of the object, which compared with the new state
 * would be reported as drift for a moment (and resolved by the next event). This remembers the resourceVersion each
 * such live read saw and tells a cached version older than it as stale, until the cache holds that version or newer.
 *
 * <p>Kubernetes asks clients to treat resourceVersions as opaque; they are compared here only when both are decimal
 * integers (as etcd's revisions are, and kube-apiserver's), otherwise nothing is taken as stale. Not thread-safe:
 * used from the monitor's one thread.
 */
public final class LiveReads {

    private final Map<ObjectRef, Long> seen = new HashMap<>();

    /** A live read of {@code ref} saw {@code observation}. */
    public void read(ObjectRef ref, Observation observation) {
        Long version = observation instanceof Observation.Present p ? number(p.resourceVersion()) : null;
        if (version == null) seen.remove(ref);
        else seen.put(ref, version);
    }

    /** Whether a cached observation of {@code ref} is older than what a live read saw (then it is not compared). */
    public boolean stale(ObjectRef ref, Observation cached) {
        Long live = seen.get(ref);
        if (live == null) return false;
        Long version = cached instanceof Observation.Present p ? number(p.resourceVersion()) : null;
        if (version == null || version >= live) {
            seen.remove(ref); // the cache caught up (or cannot be told): trust it again
            return false;
        }
        return true;
    }

    /** How many objects wait for their informer to catch up, for tests and logs. */
    public int waiting() {
        return seen.size();
    }

    private static Long number(String resourceVersion) {
        if (resourceVersion == null || resourceVersion.isEmpty() || resourceVersion.length() > 18) return null;
        for (int i = 0; i < resourceVersion.length(); i++) {
            if (!Character.isDigit(resourceVersion.charAt(i))) return null;
        }
        return Long.parseLong(resourceVersion);
    }
}
