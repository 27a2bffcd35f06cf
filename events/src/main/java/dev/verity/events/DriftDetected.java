package dev.verity.events;

import java.util.List;

/**
 * A live object differs from the target's desired state on fields Verity applied: published once per divergence
 * (the object starts to differ, or differs in another kind: modified, then deleted); a change of the set of drifted
 * fields of an open divergence is {@link DriftUpdated}, its end {@link DriftResolved}.
 *
 * <p>Fields added after version 1 (older records decode with their defaults): {@code changes} (empty),
 * {@code selfHeal} (false), {@code latencyMillis} (null).
 *
 * @param fields          every differing field path, e.g. {@code spec.replicas}; never their Secret values
 * @param resourceVersion the live object's resourceVersion when the drift was seen ("" when deleted), so
 *                        that one observation has one event id and a new one a new id
 * @param changes         the differing fields with desired and live values, masked where they may be secret
 *                        ({@link FieldChange}); empty for {@code DELETED} and {@code UNEXPECTED}
 * @param selfHeal        the target's {@code selfHeal} policy when the drift was seen: true means the applier
 *                        re-applies the target on this event
 * @param latencyMillis   how long after the write that caused it the drift was detected (from the write's time in
 *                        {@code managedFields}, or the object's deletion or creation time), in milliseconds; null when
 *                        the monitor cannot tell (no such time, or the drift predates the monitor's start)
 */
public record DriftDetected(TargetKey target, String repo, String commit, ObjectRef object, DriftKind kind,
        List<String> fields, String resourceVersion, List<FieldChange> changes, boolean selfHeal, Long latencyMillis)
        implements TargetEvent {

    public DriftDetected {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonNull("object", object);
        Require.nonNull("kind", kind);
        fields = fields == null ? List.of() : List.copyOf(fields);
        resourceVersion = resourceVersion == null ? "" : resourceVersion;
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    /** A version 1 event: no values, self-heal off, latency unknown. */
    public DriftDetected(TargetKey target, String repo, String commit, ObjectRef object, DriftKind kind,
            List<String> fields, String resourceVersion) {
        this(target, repo, commit, object, kind, fields, resourceVersion, List.of(), false, null);
    }
}
