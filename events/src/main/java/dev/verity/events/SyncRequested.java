package dev.verity.events;

/**
 * Someone asked Verity to converge a target now ({@code ./verity sync <target>}), as Flux's
 * {@code flux reconcile} or Argo CD's sync button do. Published on {@code verity.requests} keyed by the target; the
 * active applier of the target's cluster applies the target's latest desired state at once — a failed one too,
 * without waiting for its {@code retryInterval}, and an applied one again, restoring whatever drifted — and
 * answers on {@code verity.rollout} as for any rollout ({@code ApplyStarted}, then {@code Applied} or
 * {@code ApplyFailed}; {@code Waiting} while a dependency holds it; {@code ApplySuspended} when its policy suspends
 * it). Nothing else changes: the desired state still comes only from Git.
 *
 * @param target      the target to converge
 * @param repo        its repository, as its latest desired state names it
 * @param commit      the commit of the latest desired state the requester saw
 * @param requestedBy who asked (user and host of the CLI)
 */
public record SyncRequested(TargetKey target, String repo, String commit, String requestedBy) implements TargetEvent {

    public SyncRequested {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("requestedBy", requestedBy);
    }
}
