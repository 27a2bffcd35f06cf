package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;

import java.util.HashMap;
import java.util.Map;

/**
 * Remembers (in memory) what was last published per target, so unchanged output is not published again: a
 * {@code DesiredState} whose digest equals the target's last published digest, or the same {@code RenderFailed}
 * (same target or path, commit and error) again. After a restart everything is published once more, which
 * consumers absorb since they are idempotent.
 */
public final class PublishLedger {

    private final Map<TargetKey, String> digests = new HashMap<>();
    private final Map<String, String> failures = new HashMap<>();

    /** Whether publishing {@code event} would tell consumers something they do not know yet. */
    public synchronized boolean isNew(VerityEvent event) {
        if (event instanceof DesiredState d) return !d.digest().equals(digests.get(d.target()));
        if (event instanceof RenderFailed f) return !EventCodec.idOf(f).equals(failures.get(failureKey(f)));
        return true;
    }

    /** Records that {@code event} was published. */
    public synchronized void published(VerityEvent event) {
        if (event instanceof DesiredState d) {
            digests.put(d.target(), d.digest());
            failures.remove(d.target().toString());
        } else if (event instanceof RenderFailed f) {
            failures.put(failureKey(f), EventCodec.idOf(f));
        }
    }

    /** Forgets failures of the whole repository (its fetch or verity.yaml) once it renders again. */
    public synchronized void repositoryRecovered(String repo) {
        failures.keySet().removeIf(k -> k.startsWith(repo + " "));
    }

    private static String failureKey(RenderFailed f) {
        return f.target() != null ? f.target().toString() : f.repo() + " " + f.path();
    }
}
