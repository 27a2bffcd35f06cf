package dev.verity.events;

import java.util.List;

/**
 * A live object differs from the target's desired state on fields Verity applied.
 *
 * @param fields          the differing field paths, e.g. {@code spec.replicas}; never their Secret values
 * @param resourceVersion the live object's resourceVersion when the drift was seen ("" when deleted), so
 *                        that one observation has one event id and a new one a new id
 */
public record DriftDetected(TargetKey target, String repo, String commit, ObjectRef object, DriftKind kind,
        List<String> fields, String resourceVersion) implements TargetEvent {

    public DriftDetected {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonNull("object", object);
        Require.nonNull("kind", kind);
        fields = fields == null ? List.of() : List.copyOf(fields);
        resourceVersion = resourceVersion == null ? "" : resourceVersion;
    }
}
