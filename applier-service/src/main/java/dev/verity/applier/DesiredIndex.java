package dev.verity.applier;

import dev.verity.events.DesiredState;
import dev.verity.events.TargetKey;
import dev.verity.kube.OtherTargets;
import dev.verity.kube.TargetChange;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the latest desired state of every target of this cluster contains, by object identity, as read from the
 * desired-state topic: the applier's answer to {@link OtherTargets}. A target removed from Git is remembered as
 * wanting nothing, so its objects may be taken over.
 */
final class DesiredIndex implements OtherTargets {

    private final Map<TargetKey, Set<String>> wanted = new ConcurrentHashMap<>();
    private final Map<TargetKey, Source> sources = new ConcurrentHashMap<>();
    private final Map<TargetKey, Latest> latest = new ConcurrentHashMap<>();

    /** The commit and digest of a target's latest desired state. */
    record Latest(String commit, String digest) {
    }

    void onDesired(DesiredState desired) {
        wanted.put(desired.target(), OtherTargets.identities(desired.documents()));
        sources.put(desired.target(), new Source(desired.repo(), desired.commit()));
        latest.put(desired.target(), new Latest(desired.commit(), desired.digest()));
    }

    /** The commit and digest of the target's latest desired state; empty when it has none or was removed. */
    Optional<Latest> latest(TargetKey target) {
        return Optional.ofNullable(latest.get(target));
    }

    void onRemoved(TargetKey target) {
        wanted.put(target, Set.of());
        sources.remove(target);
        latest.remove(target);
    }

    @Override
    public Optional<Source> source(String target) {
        try {
            return Optional.ofNullable(sources.get(TargetKey.parse(target)));
        } catch (IllegalArgumentException notATarget) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<TargetKey> wanting(TargetKey applying, String identity) {
        return wanted.entrySet().stream()
                .filter(e -> !e.getKey().equals(applying) && e.getValue().contains(identity))
                .map(Map.Entry::getKey).sorted().findFirst();
    }

    @Override
    public List<TargetKey> inFlight(TargetChange change) {
        return change.commitTargets().stream()
                .filter(t -> !t.equals(change.target()) && t.cluster().equals(change.target().cluster()))
                .filter(t -> {
                    Source latest = sources.get(t);
                    return latest == null && !wanted.containsKey(t)
                            || latest != null && !(latest.repo().equals(change.repo()) && latest.commit().equals(change.commit()));
                })
                .toList();
    }

    /** This index, for a last try: nothing is in flight any more (the wait for it is over). */
    OtherTargets patienceOver() {
        DesiredIndex index = this;
        return new OtherTargets() {
            @Override
            public Optional<TargetKey> wanting(TargetKey applying, String identity) {
                return index.wanting(applying, identity);
            }

            @Override
            public boolean knows(String target) {
                return index.knows(target);
            }

            @Override
            public Optional<Source> source(String target) {
                return index.source(target);
            }
        };
    }

    @Override
    public boolean knows(String target) {
        try {
            return wanted.containsKey(TargetKey.parse(target));
        } catch (IllegalArgumentException notATarget) {
            return false;
        }
    }
}
