package dev.verity.events;

/** Kafka topic names. Services take them from configuration; these are the defaults and the naming rules. */
public final class Topics {
    public static final String COMMITS = "verity.commits";
    public static final String DESIRED_PREFIX = "verity.desired.";
    public static final String ROLLOUT = "verity.rollout";
    public static final String DRIFT = "verity.drift";
    public static final String INCIDENTS = "verity.incidents";
    /** What people ask of Verity ({@code SyncRequested}), keyed by target. */
    public static final String REQUESTS = "verity.requests";
    public static final String UNDELIVERED = "verity.undelivered";
    public static final String APPLIED_PREFIX = "verity.applied.";
    public static final String LEADER_PREFIX = "verity.leader.";
    /** Desired-state records may be large; topic, producer and consumer limits agree on this. */
    public static final int DESIRED_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private Topics() {
    }

    /** The compacted topic holding the latest desired state of every target on {@code cluster}. */
    public static String desired(String cluster) {
        return DESIRED_PREFIX + cluster;
    }

    /** The compacted topic holding what the applier of {@code cluster} applied, per target. */
    public static String applied(String cluster) {
        return APPLIED_PREFIX + cluster;
    }

    /**
     * The single-partition control topic whose one partition's assignee is the active replica of {@code service}
     * for {@code cluster}: {@code verity.leader.<service>.<cluster>}, or {@code verity.leader.<service>} for a
     * service that is not per cluster ({@code cluster} null).
     */
    public static String leader(String service, String cluster) {
        return LEADER_PREFIX + service + (cluster == null ? "" : "." + cluster);
    }

    /** The dead-letter topic for poison messages read from {@code topic}. */
    public static String deadLetter(String topic) {
        return topic + ".dlq";
    }
}
