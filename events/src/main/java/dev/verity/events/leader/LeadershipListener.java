package dev.verity.events.leader;

/**
 * What a replica does when it becomes or stops being the leader. Both methods are called on the leadership thread,
 * in order ({@code elected}, {@code deposed}, {@code elected}, …), never concurrently. They should return promptly:
 * start or stop the real work elsewhere. While one runs, the leadership thread does not poll, so it cannot call
 * {@code deposed} in time ({@link Leadership#isLeader()} still turns false on its own at the deadline).
 * An exception thrown here is logged and does not stop the leadership thread.
 */
public interface LeadershipListener {

    /** This replica is now the leader. */
    void elected();

    /**
     * This replica is no longer the leader. After a graceful hand-over ({@link DeposedReason#REVOKED},
     * {@link DeposedReason#CLOSED}) the partition moves to another member only after this method returns, so a
     * listener that stops its writers before returning never overlaps with the next leader.
     */
    void deposed(DeposedReason reason);
}
