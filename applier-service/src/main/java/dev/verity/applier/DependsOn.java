package dev.verity.applier;

import dev.verity.events.DesiredState;
import dev.verity.events.TargetKey;
import dev.verity.events.Waiting;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Holds a target's desired state while the apps its policy's {@code dependsOn} names (same cluster and environment)
 * are not {@link HealthTracker.State#HEALTHY} at their latest desired state's digest. Remembers the latest held desired
 * state per target, so that its adapter can reconcile it again when a dependency changes ({@link #dependentsOf}); says
 * why it holds as a {@link Waiting} event, once per target, digest and reason.
 *
 * <p>It decides only; it does not apply, publish or read the cluster. A dependency whose latest desired state is
 * suspended, or that is never applied, holds its dependents until it is.
 */
final class DependsOn {

    /** The decision for one desired state: apply it, or hold it ({@code reason}, and the event to publish if new). */
    record Hold(String reason, Optional<Waiting> event) {
    }

    private final Function<TargetKey, Optional<DesiredIndex.Latest>> latestDesired;
    private final Function<TargetKey, Optional<HealthTracker.TargetHealth>> health;
    /** The latest desired state held per target, in the order they were held. */
    private final Map<TargetKey, DesiredState> waiting = new LinkedHashMap<>();
    /** The last Waiting published per target: the same again is not published. */
    private final Map<TargetKey, Waiting> said = new LinkedHashMap<>();

    /**
     * @param latestDesired the commit and digest of each target's latest desired state, as read from the
     *                      desired-state topic
     * @param health        each target's health as the tracker knows it
     */
    DependsOn(Function<TargetKey, Optional<DesiredIndex.Latest>> latestDesired,
            Function<TargetKey, Optional<HealthTracker.TargetHealth>> health) {
        this.latestDesired = latestDesired;
        this.health = health;
    }

    /** Whether to hold {@code desired}; a desired state that may be applied is no longer held. */
    synchronized Optional<Hold> check(DesiredState desired) {
        TargetKey target = desired.target();
        List<TargetKey> blocking = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        for (String app : desired.policy().dependsOn()) {
            TargetKey dependency = new TargetKey(target.cluster(), app, target.env());
            why(dependency).ifPresent(reason -> {
                blocking.add(dependency);
                reasons.add(reason);
            });
        }
        if (blocking.isEmpty()) {
            waiting.remove(target);
            said.remove(target);
            return Optional.empty();
        }
        waiting.remove(target);
        waiting.put(target, desired);
        String reason = "waits for " + String.join("; ", reasons) + " (dependsOn); it is applied as soon as "
                + (blocking.size() == 1 ? "it is" : "they are") + " Healthy";
        Waiting event = new Waiting(target, desired.repo(), desired.commit(), desired.digest(), blocking, reason);
        boolean isNew = !event.equals(said.get(target));
        said.put(target, event);
        return Optional.of(new Hold(reason, isNew ? Optional.of(event) : Optional.empty()));
    }

    /**
     * Why {@code dependency} is not ready to be depended on, or empty when it is Healthy at the digest of its latest
     * desired state (the digest, not the commit: a desired state republished at a newer commit with the same digest is
     * not applied again).
     */
    private Optional<String> why(TargetKey dependency) {
        Optional<DesiredIndex.Latest> latest = latestDesired.apply(dependency);
        if (latest.isEmpty()) return Optional.of(dependency + ", which has no desired state yet");
        Optional<HealthTracker.TargetHealth> h = health.apply(dependency)
                .filter(x -> x.digest().equals(latest.get().digest()));
        if (h.isEmpty()) {
            return Optional.of(dependency + ", not applied yet at " + TargetKey.shortSha(latest.get().commit()));
        }
        return switch (h.get().state()) {
            case HEALTHY -> Optional.empty();
            case PROGRESSING -> Optional.of(dependency + ", which is Progressing");
            case DEGRADED -> Optional.of(dependency + ", which is Degraded: " + h.get().detail());
            case APPLY_FAILED -> Optional.of(dependency + ", whose apply failed: " + h.get().detail());
        };
    }

    /** Takes out the held desired states that depend on {@code dependency}, to be checked and reconciled again. */
    synchronized List<DesiredState> dependentsOf(TargetKey dependency) {
        List<DesiredState> dependents = new ArrayList<>();
        for (DesiredState d : List.copyOf(waiting.values())) {
            if (d.target().cluster().equals(dependency.cluster()) && d.target().env().equals(dependency.env())
                    && d.policy().dependsOn().contains(dependency.app())) {
                waiting.remove(d.target());
                dependents.add(d);
            }
        }
        return dependents;
    }

    /** Takes out every held desired state (this applier stopped leading) and forgets what it said. */
    synchronized List<DesiredState> drain() {
        List<DesiredState> all = List.copyOf(waiting.values());
        waiting.clear();
        said.clear();
        return all;
    }

    /** The target left Git: it is no longer held. */
    synchronized void forget(TargetKey target) {
        waiting.remove(target);
        said.remove(target);
    }

    /** The targets held now. */
    synchronized List<TargetKey> held() {
        return List.copyOf(waiting.keySet());
    }
}
