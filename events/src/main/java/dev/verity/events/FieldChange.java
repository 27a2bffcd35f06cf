package dev.verity.events;

/**
 * One drifted field with the values a person needs to judge it: what Verity applied and what the cluster holds now,
 * as compact JSON text. Values that may be secret are never carried: all Secret data, and env or ConfigMap values
 * whose name matches the drift monitor's mask pattern, travel as {@link #MASKED}.
 *
 * @param path    the field, e.g. {@code spec.template.spec.containers[name=web].image}
 * @param desired what Verity applied (JSON text, possibly shortened, or {@link #MASKED}); null when unknown
 * @param live    what the cluster holds (JSON text, possibly shortened, or {@link #MASKED}); null when the field is gone
 */
public record FieldChange(String path, String desired, String live) {

    /** What a masked value reads as. */
    public static final String MASKED = "(masked)";

    public FieldChange {
        Require.nonBlank("path", path);
    }
}
