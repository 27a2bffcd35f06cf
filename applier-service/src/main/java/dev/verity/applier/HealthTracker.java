package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.Degraded;
import dev.verity.events.Healthy;
import dev.verity.events.ObjectReason;
import dev.verity.events.ObjectRef;
import dev.verity.events.Progressing;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.kube.Health;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Follows each target from its {@code Applied} until its objects are ready, by {@link Health} (kstatus rules), and
 * says what to report: {@link Progressing} once, when the first check finds objects not ready; {@link Healthy} when
 * every object is ready; {@link Degraded} when one failed, or when some are still not ready after the policy's
 * {@code healthTimeout}. Objects of kinds that are ready once stored ({@link Health#needsCheck}) are never read, so
 * a target of ConfigMaps and Namespaces is Healthy at once. An object found ready is not read again for that apply.
 * A newer apply of a target replaces its tracking; a target that is Healthy or Degraded is no longer read.
 *
 * <p>Keeps each target's latest {@link TargetHealth} (for {@code dependsOn}) in memory. It reads the cluster only
 * through the {@link Reader} it is given, publishes nothing and does not schedule: its adapter ({@link HealthWatch})
 * calls {@link #check} periodically and publishes what it returns.
 */
final class HealthTracker {

    /** Reads a live object as maps and lists; null when it does not exist. Throws when it cannot be read. */
    @FunctionalInterface
    interface Reader {
        Map<String, Object> read(ObjectRef object);
    }

    /** Where a target stands: its latest applied (or failed) commit and digest, and how that went. */
    enum State { APPLY_FAILED, PROGRESSING, HEALTHY, DEGRADED }

    /** A target's health at one commit; {@code detail} says why when it is not healthy. */
    record TargetHealth(String commit, String digest, State state, String detail) {
    }

    /** An event to publish and, for Healthy and Degraded, how long after the apply it came. */
    record Transition(TargetEvent event, Duration sinceApplied) {
    }

    private record Tracking(Applied applied, Instant appliedAt, Instant deadline, Duration timeout,
            Set<ObjectRef> pending, Map<ObjectRef, String> notReady, boolean progressingSent) {
    }

    private final InstantSource clock;
    private final Map<TargetKey, Tracking> tracking = new LinkedHashMap<>();
    private final Map<TargetKey, TargetHealth> health = new ConcurrentHashMap<>();

    HealthTracker(InstantSource clock) {
        this.clock = clock;
    }

    /**
     * {@code applied} was published: its objects are followed from now until they are ready or {@code healthTimeout}
     * has passed. Returns the {@code Healthy} to publish at once when no object needs to be read, else nothing.
     */
    synchronized List<Transition> applied(Applied applied, Duration healthTimeout) {
        Instant now = clock.instant();
        Set<ObjectRef> pending = applied.objects().stream()
                .filter(o -> Health.needsCheck(o.apiVersion(), o.kind()))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        tracking.remove(applied.target());
        if (pending.isEmpty()) {
            health.put(applied.target(), new TargetHealth(applied.commit(), applied.digest(), State.HEALTHY, ""));
            return List.of(new Transition(new Healthy(applied.target(), applied.repo(), applied.commit(),
                    applied.digest(), List.of(), now), Duration.ZERO));
        }
        tracking.put(applied.target(), new Tracking(applied, now, now.plus(healthTimeout), healthTimeout,
                pending, new LinkedHashMap<>(), false));
        health.put(applied.target(), new TargetHealth(applied.commit(), applied.digest(), State.PROGRESSING,
                "its objects are being checked"));
        return List.of();
    }

    /** The apply of a newer digest failed: the target is no longer followed, and is not healthy. */
    synchronized void applyFailed(ApplyFailed failed) {
        tracking.remove(failed.target());
        health.put(failed.target(), new TargetHealth(failed.commit(), failed.digest(), State.APPLY_FAILED,
                failed.error()));
    }

    /** The target left Git, or its state is unknown from now on: no longer followed or remembered. */
    synchronized void forget(TargetKey target) {
        tracking.remove(target);
        health.remove(target);
    }

    /**
     * This applier stopped leading: follows no target any more, and forgets the health of those it was following
     * (their outcome is unknown); a Healthy, Degraded or failed verdict is kept, since {@code dependsOn} compares it
     * with the commit of each target's latest desired state anyway.
     */
    synchronized void stopTracking() {
        tracking.keySet().forEach(health::remove);
        tracking.clear();
    }

    /** The target's latest health, if it was applied (or failed) since this applier leads. */
    Optional<TargetHealth> health(TargetKey target) {
        return Optional.ofNullable(health.get(target));
    }

    /** The targets being followed now. */
    synchronized List<TargetKey> tracked() {
        return List.copyOf(tracking.keySet());
    }

    /**
     * Reads the objects not found ready yet of every followed target and returns what to publish. The reads happen
     * outside this tracker's lock; a target applied again meanwhile keeps its new tracking.
     */
    List<Transition> check(Reader reader) {
        Map<TargetKey, Tracking> snapshot;
        Map<TargetKey, List<ObjectRef>> toRead = new LinkedHashMap<>();
        synchronized (this) {
            snapshot = new LinkedHashMap<>(tracking);
            snapshot.forEach((target, t) -> toRead.put(target, List.copyOf(t.pending())));
        }
        List<Transition> transitions = new ArrayList<>();
        for (Map.Entry<TargetKey, Tracking> e : snapshot.entrySet()) {
            Tracking t = e.getValue();
            Map<ObjectRef, Health.Result> results = new LinkedHashMap<>();
            for (ObjectRef object : toRead.get(e.getKey())) {
                results.put(object, read(reader, object));
            }
            synchronized (this) {
                if (tracking.get(e.getKey()) != t) continue;
                Transition transition = decide(t, results);
                if (transition != null) transitions.add(transition);
            }
        }
        return transitions;
    }

    private static Health.Result read(Reader reader, ObjectRef object) {
        try {
            Map<String, Object> live = reader.read(object);
            return live == null ? new Health.Result(Health.Status.IN_PROGRESS, "not found in the cluster")
                    : Health.of(live);
        } catch (RuntimeException e) {
            return new Health.Result(Health.Status.IN_PROGRESS, "could not be read (" + e.getMessage() + ")");
        }
    }

    private Transition decide(Tracking t, Map<ObjectRef, Health.Result> results) {
        Applied a = t.applied();
        TargetKey target = a.target();
        Instant now = clock.instant();
        Duration since = Duration.between(t.appliedAt(), now);
        List<ObjectReason> failed = new ArrayList<>();
        for (Map.Entry<ObjectRef, Health.Result> r : results.entrySet()) {
            switch (r.getValue().status()) {
                case CURRENT -> {
                    t.pending().remove(r.getKey());
                    t.notReady().remove(r.getKey());
                }
                case FAILED -> failed.add(new ObjectReason(r.getKey(), r.getValue().message()));
                case IN_PROGRESS -> t.notReady().put(r.getKey(), r.getValue().message());
            }
        }
        if (!failed.isEmpty()) {
            tracking.remove(target);
            String error = a.target().at(a.commit()) + ": " + failed.size() + " object(s) failed after the apply: "
                    + failed.stream().map(ObjectReason::toString).collect(Collectors.joining("; "))
                    + " (see the objects' events, e.g. kubectl describe)";
            health.put(target, new TargetHealth(a.commit(), a.digest(), State.DEGRADED, error));
            return new Transition(new Degraded(target, a.repo(), a.commit(), a.digest(), error, failed, false), since);
        }
        if (t.pending().isEmpty()) {
            tracking.remove(target);
            health.put(target, new TargetHealth(a.commit(), a.digest(), State.HEALTHY, ""));
            List<ObjectRef> checked = a.objects().stream().filter(o -> Health.needsCheck(o.apiVersion(), o.kind()))
                    .toList();
            return new Transition(new Healthy(target, a.repo(), a.commit(), a.digest(), checked, t.appliedAt()), since);
        }
        List<ObjectReason> notReady = t.notReady().entrySet().stream()
                .map(n -> new ObjectReason(n.getKey(), n.getValue())).toList();
        if (!now.isBefore(t.deadline())) {
            tracking.remove(target);
            String error = a.target().at(a.commit()) + ": not ready after " + human(t.timeout()) + " (healthTimeout): "
                    + notReady.stream().map(ObjectReason::toString).collect(Collectors.joining("; "))
                    + " (raise healthTimeout in verity.yaml if the rollout is slow)";
            health.put(target, new TargetHealth(a.commit(), a.digest(), State.DEGRADED, error));
            return new Transition(new Degraded(target, a.repo(), a.commit(), a.digest(), error, notReady, true), since);
        }
        health.put(target, new TargetHealth(a.commit(), a.digest(), State.PROGRESSING,
                notReady.stream().map(ObjectReason::toString).collect(Collectors.joining("; "))));
        if (t.progressingSent()) return null;
        tracking.put(target, new Tracking(a, t.appliedAt(), t.deadline(), t.timeout(), t.pending(), t.notReady(), true));
        return new Transition(new Progressing(target, a.repo(), a.commit(), a.digest(), notReady, t.appliedAt(),
                t.deadline()), null);
    }

    /** {@code 5m}, {@code 90s}, {@code 1h30m}: as users write durations in {@code verity.yaml}. */
    static String human(Duration d) {
        if (d.toMillis() < 1000) return d.toMillis() + "ms";
        StringBuilder text = new StringBuilder();
        if (d.toHours() > 0) text.append(d.toHours()).append('h');
        if (d.toMinutesPart() > 0) text.append(d.toMinutesPart()).append('m');
        if (d.toSecondsPart() > 0 || text.isEmpty()) text.append(d.toSecondsPart()).append('s');
        return text.toString();
    }
}
