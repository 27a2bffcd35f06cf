package dev.verity.notifier.incident;

import java.util.Objects;

/**
 * Which incident: the subject it is about — a target {@code cluster/app/env}, or a repository URL for a failure of a
 * whole repository — and its kind. The key of {@code verity.incidents}: {@code <subject>#<kind>}.
 */
public record IncidentKey(String subject, IncidentKind kind) {

    public IncidentKey {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(kind, "kind");
    }

    /** The record key on {@code verity.incidents}. */
    public String recordKey() {
        return subject + "#" + kind;
    }

    /** The key a record key names; the inverse of {@link #recordKey()}. */
    public static IncidentKey parse(String recordKey) {
        int hash = recordKey.lastIndexOf('#');
        if (hash <= 0) throw new IllegalArgumentException("'" + recordKey + "' is not an incident key (subject#KIND)");
        return new IncidentKey(recordKey.substring(0, hash), IncidentKind.valueOf(recordKey.substring(hash + 1)));
    }

    @Override
    public String toString() {
        return recordKey();
    }
}
