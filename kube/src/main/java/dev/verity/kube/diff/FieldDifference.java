package dev.verity.kube.diff;

import java.util.Objects;

/**
 * One field on which a live object differs from its desired document. It deliberately carries no values, so a
 * difference can be logged or published for any object, Secrets included, without leaking what the field holds.
 *
 * @param path   the field in readable form, e.g. {@code spec.template.spec.containers[name=web].image}
 * @param change how it differs
 */
public record FieldDifference(String path, Change change) implements Comparable<FieldDifference> {

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

    @Override
    public int compareTo(FieldDifference o) {
        return path.compareTo(o.path);
    }

    @Override
    public String toString() {
        return path + " (" + change.name().toLowerCase() + ")";
    }
}
