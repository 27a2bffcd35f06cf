package dev.verity.events;

import java.util.Optional;

/**
 * Rendering failed, so nothing was published for the target and its cluster keeps what it has.
 *
 * @param target the target, or null when the failure concerns the whole repository (fetch, verity.yaml)
 * @param path   the path in the repository that failed (an overlay folder, or verity.yaml)
 * @param error  what failed, on what input, and what to do
 */
public record RenderFailed(TargetKey target, String repo, String commit, String path, String error)
        implements VerityEvent {

    public RenderFailed {
        Require.nonBlank("repo", repo);
        Require.nonBlank("error", error);
    }

    @Override
    public Optional<TargetKey> targetKey() {
        return Optional.ofNullable(target);
    }
}
