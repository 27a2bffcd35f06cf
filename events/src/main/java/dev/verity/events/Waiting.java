package dev.verity.events;

import java.util.List;

/**
 * The applier holds this desired state of a target, unapplied, until the targets it depends on ({@code dependsOn}:
 * apps of the same environment and cluster) are {@link Healthy} at their latest desired state; it is applied as soon
 * as they are. Published when the hold begins and again when the reason changes (e.g. a dependency became
 * {@link Degraded}).
 *
 * @param waitingFor the dependencies that are not healthy yet
 * @param reason     why, per dependency (not applied yet, progressing, degraded), naming them
 */
public record Waiting(TargetKey target, String repo, String commit, String digest, List<TargetKey> waitingFor,
        String reason) implements TargetEvent {

    public Waiting {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("digest", digest);
        Require.nonBlank("reason", reason);
        waitingFor = waitingFor == null ? List.of() : List.copyOf(waitingFor);
    }
}
