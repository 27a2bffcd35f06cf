package dev.verity.applier;

import dev.verity.events.DriftDetected;
import dev.verity.events.TargetKey;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rate limit of self-heal per target: at most one heal per {@code minInterval}. A drift reported sooner is not
 * dropped but deferred: the latest such report per target is kept and handed back by {@link #due()} once the
 * target's interval is over, so a heal that fights another writer slows down without ever giving up. Plain
 * bookkeeping: it heals nothing and logs nothing; thread-safe.
 */
final class SelfHealLimit {

    private final Duration minInterval;
    private final InstantSource clock;
    private final Map<TargetKey, Instant> lastHeal = new HashMap<>();
    private final Map<TargetKey, DriftDetected> deferred = new LinkedHashMap<>();

    SelfHealLimit(Duration minInterval, InstantSource clock) {
        this.minInterval = minInterval;
        this.clock = clock;
    }

    /**
     * True when the target may be healed now (the heal is recorded as done now); false when its last heal was less
     * than the interval ago, in which case {@code drift} is deferred.
     */
    synchronized boolean tryNow(DriftDetected drift) {
        Instant now = clock.instant();
        Instant last = lastHeal.get(drift.target());
        if (last != null && now.isBefore(last.plus(minInterval))) {
            deferred.put(drift.target(), drift);
            return false;
        }
        lastHeal.put(drift.target(), now);
        deferred.remove(drift.target());
        return true;
    }

    /** The deferred drifts whose target may be healed now, each recorded as healed now. */
    synchronized List<DriftDetected> due() {
        Instant now = clock.instant();
        List<DriftDetected> due = new ArrayList<>();
        for (DriftDetected drift : List.copyOf(deferred.values())) {
            Instant last = lastHeal.get(drift.target());
            if (last == null || !now.isBefore(last.plus(minInterval))) {
                deferred.remove(drift.target());
                lastHeal.put(drift.target(), now);
                due.add(drift);
            }
        }
        return due;
    }

    Duration minInterval() {
        return minInterval;
    }
}
