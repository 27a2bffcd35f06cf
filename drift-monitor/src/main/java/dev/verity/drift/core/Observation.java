package dev.verity.drift.core;

import java.time.Instant;
import java.util.Objects;

/** What the cluster holds for one object when it was read, or why it could not be read. */
public sealed interface Observation {

    /**
     * The object exists; {@code json} is it as the API server returns it.
     *
     * @param changedAt   the time of its latest write as {@code metadata.managedFields} records it (whole seconds),
     *                    or null when it records none; what detection latency is measured from
     * @param ownApplyAt  the time (whole seconds) of Verity's own server-side apply (field manager {@code verity},
     *                    operation {@code Apply}) when no one else wrote the object at or after it (writes to the
     *                    {@code status} subresource, by an allowed writer or by the cluster's controllers do not
     *                    count); null otherwise. A difference written by it may be the apply of a desired state the
     *                    monitor has not read yet ({@link DriftTracker})
     */
    record Present(String json, String resourceVersion, Instant changedAt, Instant ownApplyAt) implements Observation {
        public Present {
            Objects.requireNonNull(json, "json");
            resourceVersion = resourceVersion == null ? "" : resourceVersion;
        }

        public Present(String json, String resourceVersion, Instant changedAt) {
            this(json, resourceVersion, changedAt, null);
        }

        public Present(String json, String resourceVersion) {
            this(json, resourceVersion, null, null);
        }

        @Override
        public String toString() {
            return "present@" + resourceVersion; // never the content: it may be a Secret
        }
    }

    /** The object does not exist. */
    record Absent() implements Observation {
    }

    /** The cluster did not tell: {@code reason} says why (an API error, forbidden, unreachable), never content. */
    record Unreadable(String reason) implements Observation {
        public Unreadable {
            Objects.requireNonNull(reason, "reason");
        }
    }

    static Observation absent() {
        return new Absent();
    }

    static Observation present(String json, String resourceVersion) {
        return new Present(json, resourceVersion);
    }

    static Observation present(String json, String resourceVersion, Instant changedAt) {
        return new Present(json, resourceVersion, changedAt);
    }

    static Observation present(String json, String resourceVersion, Instant changedAt, Instant ownApplyAt) {
        return new Present(json, resourceVersion, changedAt, ownApplyAt);
    }

    static Observation unreadable(String reason) {
        return new Unreadable(reason);
    }
}
