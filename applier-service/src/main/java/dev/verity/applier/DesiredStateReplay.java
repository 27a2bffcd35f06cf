package dev.verity.applier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds every target's desired state from the start of the compacted topic before acting: records that were
 * already on a partition when it was assigned (its backlog) are only remembered, the latest per target; when the
 * last of them arrives, the latest desired state of each target on that partition is released for applying.
 * After that, each desired state is released as it arrives. A target removed in the backlog (tombstone or
 * {@code TargetRemoved}) releases its removal instead, so that a target removed while the applier was down still
 * has its objects taken out of Verity's hands.
 *
 * @param <W> what is released: a desired state, or a target's removal
 *
 * <p>Keys of one target always land on one partition, so each partition catches up on its own.
 */
final class DesiredStateReplay<W> {

    /** Per assigned partition: the end offset at assignment while catching up, or -1 once live. */
    private final Map<Integer, Long> backlogEnd = new HashMap<>();
    /** Per partition catching up: the latest desired state per target key, in order of arrival. */
    private final Map<Integer, LinkedHashMap<String, W>> latest = new HashMap<>();

    /** Partitions were (re)assigned and will be read from the beginning; {@code endOffsets} per partition. */
    synchronized void assigned(Map<Integer, Long> endOffsets) {
        endOffsets.forEach((partition, end) -> {
            latest.remove(partition);
            backlogEnd.put(partition, end <= 0 ? -1L : end);
        });
    }

    /**
     * Whether the record at {@code offset} is a replay: on a partition still catching up, before the end it had when
     * assigned (its work happens because the applier started, so its span only links to the event's trace).
     */
    synchronized boolean replayed(int partition, long offset) {
        Long end = backlogEnd.get(partition);
        return end != null && end >= 0 && offset < end;
    }

    /** True while some assigned partition has not reached the end it had when assigned. */
    synchronized boolean catchingUp() {
        return backlogEnd.values().stream().anyMatch(end -> end >= 0);
    }

    /** A desired state arrived; returns what to apply now, in order. */
    synchronized List<W> onDesired(int partition, long offset, String key, W desired) {
        return onLatest(partition, offset, key, desired);
    }

    /** A tombstone or {@code TargetRemoved} arrived for {@code key}; returns what to do now, in order. */
    synchronized List<W> onRemoved(int partition, long offset, String key, W removal) {
        return onLatest(partition, offset, key, removal);
    }

    private List<W> onLatest(int partition, long offset, String key, W work) {
        if (!inBacklog(partition)) return List.of(work);
        LinkedHashMap<String, W> states = latest.computeIfAbsent(partition, p -> new LinkedHashMap<>());
        states.remove(key);
        states.put(key, work);
        return releaseIfCaughtUp(partition, offset);
    }

    /** A record that is not a desired state (it goes to the dead-letter topic); returns what to apply now. */
    synchronized List<W> onOther(int partition, long offset) {
        if (!inBacklog(partition)) return List.of();
        return releaseIfCaughtUp(partition, offset);
    }

    private boolean inBacklog(int partition) {
        Long end = backlogEnd.get(partition);
        return end != null && end >= 0;
    }

    private List<W> releaseIfCaughtUp(int partition, long offset) {
        if (offset + 1 < backlogEnd.get(partition)) return List.of();
        backlogEnd.put(partition, -1L);
        LinkedHashMap<String, W> states = latest.remove(partition);
        return states == null ? List.of() : new ArrayList<>(states.values());
    }
}
