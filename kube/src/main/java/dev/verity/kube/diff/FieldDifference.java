package dev.verity.kube.diff;

import java.util.Objects;

/**
 * One field on which a live object differs from its desired document, with both values as compact JSON text for a
 * person to judge. Values that may be secret never get here: the comparator masks all Secret data and env or
 * ConfigMap values whose name matches its mask pattern ({@link #MASKED}) before building a difference, and shortens
 * long values. {@link #toString()} names the path and change only.
 *
 * @param path    the field in readable form, e.g. {@code spec.template.spec.containers[name=web].image}
 * @param change  how it differs
 * @param desired the desired (or applied) value as JSON text, {@link #MASKED}, or null when not recorded
 * @param live    the live value as JSON text, {@link #MASKED}, or null when the live object lacks the field
 */
public record FieldDifference(String path, Change change, String desired, String live)
        implements Comparable<FieldDifference> {

    /** What a masked value reads as (the same text as {@code dev.verity.events.FieldChange.MASKED}). */
    public static final String MASKED = "(masked)";

    /** How a field differs. */
    public enum Change {
        /** the desired document sets the field; the live object does not have it */
        MISSING,
        /** the live object has the field with another value (or, for a list compared as a whole, other items) */
        CHANGED
    }

    public FieldDifference {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(change, "change");
    }

    /** A difference without values. */
    public FieldDifference(String path, Change change) {
        this(path, change, null, null);
    }

    @Override
    public int compareTo(FieldDifference o) {
        return path.compareTo(o.path);
    }

    @Override
    public String toString() {
        return path + " (" + change.name().toLowerCase() + ")";
    }
}
