package dev.verity.drift.core;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Knows when the monitor has read its input topics up to where they ended when it started, so that it acts on
 * rebuilt state rather than on the first half of a replay (an old desired state and its old {@code Applied}
 * must not be compared with a cluster that already runs a newer one). Latches: once caught up, always caught up.
 */
public final class CatchUp {

    private final Set<String> topics;
    private final Set<String> assignedTopics = new HashSet<>();
    private final Map<String, Long> end = new HashMap<>();
    private final Map<String, Long> next = new HashMap<>();
    private boolean latched;

    /** @param topics every topic that must be read to its end before the monitor acts */
    public CatchUp(Set<String> topics) {
        this.topics = Set.copyOf(topics);
    }

    /**
     * A partition was assigned and will be read from {@code beginning}; it ended at {@code endOffset} (exclusive).
     *
     * @return true when this made the monitor caught up
     */
    public synchronized boolean assigned(String topic, int partition, long beginning, long endOffset) {
        assignedTopics.add(topic);
        String tp = topic + "-" + partition;
        end.putIfAbsent(tp, endOffset);
        next.merge(tp, beginning, Math::max);
        return check();
    }

    /** A record was read (whether or not it could be decoded). @return true when this made the monitor caught up */
    public synchronized boolean consumed(String topic, int partition, long offset) {
        next.merge(topic + "-" + partition, offset + 1, Math::max);
        return check();
    }

    /**
     * Whether the record at {@code offset} is a replay: before the end its partition had when this process was first
     * assigned it (read because the monitor started, not because it was just published).
     */
    public synchronized boolean replayed(String topic, int partition, long offset) {
        Long e = end.get(topic + "-" + partition);
        return e != null && offset < e;
    }

    /** The next offset to read in a partition, as far as this knows (assigned or read before); null if never. */
    public synchronized Long position(String topic, int partition) {
        return next.get(topic + "-" + partition);
    }

    public synchronized boolean caughtUp() {
        return latched;
    }

    /**
     * Whether every partition of {@code topic} was read up to the given end offsets (exclusive), e.g. the drift
     * history up to where it ended when this monitor was elected. Partitions not named are not checked.
     */
    public synchronized boolean readTo(String topic, Map<Integer, Long> ends) {
        for (Map.Entry<Integer, Long> e : ends.entrySet()) {
            if (e.getValue() > 0 && next.getOrDefault(topic + "-" + e.getKey(), 0L) < e.getValue()) return false;
        }
        return true;
    }

    /** What is still to be read, for logs and the readiness check. */
    public synchronized String describe() {
        if (latched) return "caught up";
        StringBuilder sb = new StringBuilder("reading");
        for (String topic : topics) {
            if (!assignedTopics.contains(topic)) sb.append(' ').append(topic).append(" (no partition assigned yet)");
        }
        end.forEach((tp, e) -> {
            long n = next.getOrDefault(tp, 0L);
            if (n < e) sb.append(' ').append(tp).append(" (at ").append(n).append(" of ").append(e).append(')');
        });
        return sb.toString();
    }

    private boolean check() {
        if (latched) return false;
        if (!assignedTopics.containsAll(topics)) return false;
        for (Map.Entry<String, Long> e : end.entrySet()) {
            if (next.getOrDefault(e.getKey(), 0L) < e.getValue()) return false;
        }
        latched = true;
        return true;
    }
}
