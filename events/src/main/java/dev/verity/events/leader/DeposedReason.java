package dev.verity.events.leader;

/** Why a replica stopped being the leader ({@link LeadershipListener#deposed}). */
public enum DeposedReason {
    /** The group gave the leader partition to another member in a rebalance. */
    REVOKED("the group gave the leader partition to another member"),
    /** The group no longer counts this replica as a member: its session expired or it was removed. */
    LOST("the group no longer counts this replica as a member (session expired or removed)"),
    /**
     * No answer from the group coordinator for the session timeout minus the safety margin: the group may hand
     * the partition to another member once the session timeout has passed, so this replica steps down first.
     */
    NO_HEARTBEAT("no heartbeat answered by the group coordinator within the session timeout minus the margin"),
    /** {@link Leadership#close()} was called. */
    CLOSED("leadership closed"),
    /** The Kafka consumer failed; a new one joins the group after a pause. */
    FAILED("the Kafka consumer failed");

    private final String description;

    DeposedReason(String description) {
        this.description = description;
    }

    /** A sentence for logs. */
    public String description() {
        return description;
    }
}
