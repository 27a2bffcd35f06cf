package dev.verity.drift.core;

import java.util.Objects;

/** What the cluster holds for one object when it was read. */
public sealed interface Observation {

    /** The object exists; {@code json} is it as the API server returns it. */
    record Present(String json, String resourceVersion) implements Observation {
        public Present {
            Objects.requireNonNull(json, "json");
            resourceVersion = resourceVersion == null ? "" : resourceVersion;
        }

        @Override
        public String toString() {
            return "present@" + resourceVersion; // never the content: it may be a Secret
        }
    }

    /** The object does not exist. */
    record Absent() implements Observation {
    }

    static Observation absent() {
        return new Absent();
    }

    static Observation present(String json, String resourceVersion) {
        return new Present(json, resourceVersion);
    }
}
