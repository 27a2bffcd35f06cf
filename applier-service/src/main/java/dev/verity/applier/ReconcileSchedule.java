package dev.verity.applier;

import dev.verity.events.DesiredState;
import dev.verity.events.TargetKey;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When each target is applied again without a new desired state: a failed digest after its policy's
 * {@code retryInterval} (until it succeeds or a newer digest arrives), an applied one after its policy's
 * {@code interval} (periodic reconcile, which restores what was changed or deleted in the cluster). Holds the latest
 * desired state reconciled per target for that. The periodic reconcile comes up to {@value #JITTER_PERCENT}% of the
 * interval later, at random (as Flux's {@code --interval-jitter-percentage}), so that targets applied together (after
 * a restart, or by one commit) do not all reconcile in the same second ever after. Plain bookkeeping: it applies
 * nothing and reads no clock; not thread-safe (the {@link TargetReconciler} calls it under its lock).
 */
final class ReconcileSchedule {

    /** A target's latest desired state, whether its last apply succeeded, and when it is applied again. */
    record Entry(DesiredState desired, boolean applied, Instant due) {
        Trigger trigger() {
            return applied ? Trigger.INTERVAL : Trigger.RETRY;
        }
    }

    /** At most this share of the interval is added to each periodic reconcile's due time. */
    static final int JITTER_PERCENT = 5;

    private final Map<TargetKey, Entry> entries = new HashMap<>();
    private final RandomGenerator random;

    ReconcileSchedule(RandomGenerator random) {
        this.random = random;
    }

    /** {@code desired} was applied at {@code now}: again after its {@code interval} (plus jitter). */
    void applied(DesiredState desired, Instant now) {
        Duration interval = desired.policy().interval();
        long jitterMillis = (long) (interval.toMillis() * JITTER_PERCENT / 100.0 * random.nextDouble());
        entries.put(desired.target(), new Entry(desired, true, now.plus(interval).plusMillis(jitterMillis)));
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
