package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.Policy;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Remembers (in memory) what was last published per target, so unchanged output is not published again: a
 * {@code DesiredState} whose digest and policy equal the target's last published ones (a policy changed in
 * {@code verity.yaml} alone is published, since the applier acts on it), or the same {@code RenderFailed}
 * (same target or path, commit and error) again. After a restart everything is published once more, which
 * consumers absorb since they are idempotent. Shared by every repository, it also knows which repository
 * publishes each target.
 */
public final class PublishLedger {

    /** What a published desired state told consumers, without its documents. */
    private record Published(String digest, Policy policy) {
    }

    private final Map<TargetKey, Published> digests = new HashMap<>();
    private final Map<TargetKey, String> owners = new HashMap<>();
    private final Map<String, String> failures = new HashMap<>();

    /** Whether publishing {@code event} would tell consumers something they do not know yet. */
    public synchronized boolean isNew(VerityEvent event) {
        if (event instanceof DesiredState d) return !new Published(d.digest(), d.policy()).equals(digests.get(d.target()));
        if (event instanceof RenderFailed f) return !EventCodec.idOf(f).equals(failures.get(failureKey(f)));
        return true;
    }

    /**
     * The other repository that already publishes this target, if any: two repositories defining the same
     * {@code cluster/app/env} would overwrite each other's desired state.
     */
    public synchronized Optional<String> otherOwner(TargetKey target, String repo) {
        String owner = owners.get(target);
        return owner == null || owner.equals(repo) ? Optional.empty() : Optional.of(owner);
    }

    /** Records that {@code event} was published. */
    public synchronized void published(VerityEvent event) {
        if (event instanceof DesiredState d) {
            owners.put(d.target(), d.repo());
            digests.put(d.target(), new Published(d.digest(), d.policy()));
            failures.remove(d.target().toString());
        } else if (event instanceof RenderFailed f) {
            failures.put(failureKey(f), EventCodec.idOf(f));
        }
    }

    /** Forgets a target that left Git, so it is published again if it comes back. */
    public synchronized void removed(TargetKey target) {
        owners.remove(target);
        digests.remove(target);
        failures.remove(target.toString());
    }

    /**
     * Forgets everything about the targets {@code repo} publishes and its failures, before its state is read again
     * from the desired-state topics (another renderer replica may have published for it meanwhile).
     */
    public synchronized void forgetRepository(String repo) {
        owners.entrySet().removeIf(e -> {
            if (!e.getValue().equals(repo)) return false;
            digests.remove(e.getKey());
            failures.remove(e.getKey().toString());
            return true;
        });
        failures.keySet().removeIf(k -> k.startsWith(repo + " "));
    }

    /** Forgets failures of the whole repository (its fetch or verity.yaml) once it renders again. */
    public synchronized void repositoryRecovered(String repo) {
        failures.keySet().removeIf(k -> k.startsWith(repo + " "));
    }

    private static String failureKey(RenderFailed f) {
        return f.target() != null ? f.target().toString() : f.repo() + " " + f.path();
    }
}
