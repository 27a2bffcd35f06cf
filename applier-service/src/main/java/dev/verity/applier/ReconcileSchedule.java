package dev.verity.applier;

import dev.verity.events.DesiredState;
import dev.verity.events.TargetKey;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * When each target is applied again without a new desired state: a failed digest after its policy's
 * {@code retryInterval} (until it succeeds or a newer digest arrives), an applied one after its policy's
 * {@code interval} (periodic reconcile, which restores what was changed or deleted in the cluster). Holds the latest
 * desired state reconciled per target for that. Plain bookkeeping: it applies nothing and reads no clock; not
 * thread-safe (the {@link TargetReconciler} calls it under its lock).
 */
final class ReconcileSchedule {

    /** A target's latest desired state, whether its last apply succeeded, and when it is applied again. */
    record Entry(DesiredState desired, boolean applied, Instant due) {
        Trigger trigger() {
            return applied ? Trigger.INTERVAL : Trigger.RETRY;
        }
    }

    private final Map<TargetKey, Entry> entries = new HashMap<>();

    /** {@code desired} was applied at {@code now}: again after its {@code interval}. */
    void applied(DesiredState desired, Instant now) {
        entries.put(desired.target(), new Entry(desired, true, now.plus(desired.policy().interval())));
    }

    /** {@code desired} failed at {@code now}: again after its {@code retryInterval}. */
    void failed(DesiredState desired, Instant now) {
        entries.put(desired.target(), new Entry(desired, false, now.plus(desired.policy().retryInterval())));
    }

    /** The target is not to be applied again by this schedule (removed, suspended, held for another target). */
    void forget(TargetKey target) {
        entries.remove(target);
    }

    Optional<Entry> get(TargetKey target) {
        return Optional.ofNullable(entries.get(target));
    }

    /** The entries due at {@code now}, earliest first. */
    List<Entry> due(Instant now) {
        List<Entry> due = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (!now.isBefore(e.due())) due.add(e);
        }
        due.sort(Comparator.comparing(Entry::due));
        return due;
    }
}
