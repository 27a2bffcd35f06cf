package dev.verity.events;

import java.util.List;

/**
 * The set of drifted fields of an open divergence ({@link DriftDetected}, kind {@code MODIFIED}) changed: another
 * field drifted too, or one of several was put back. Carries every field drifted now.
 *
 * @param fields          every differing field path now
 * @param changes         those fields with desired and live values, masked where they may be secret
 * @param resourceVersion the live object's resourceVersion when the change was seen
 * @param selfHeal        the target's {@code selfHeal} policy
 * @param latencyMillis   how long after the write that caused it the change was detected; null when unknown
 */
public record DriftUpdated(TargetKey target, String repo, String commit, ObjectRef object, List<String> fields,
        List<FieldChange> changes, String resourceVersion, boolean selfHeal, Long latencyMillis) implements TargetEvent {

    public DriftUpdated {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonNull("object", object);
        fields = fields == null ? List.of() : List.copyOf(fields);
        changes = changes == null ? List.of() : List.copyOf(changes);
        resourceVersion = resourceVersion == null ? "" : resourceVersion;
    }
}
