package dev.verity.renderer.render;

import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Whether this renderer may publish for one repository, by term: the only guard between two renderer replicas that
 * share repositories (each repository is owned by the replica assigned its {@code verity.commits} partition).
 *
 * <p>A term is a number that changes at every change of ownership. {@link #assign()} starts a term that is not yet
 * held (the repository's state is being rebuilt); {@link #activate(long)} holds it if nothing changed meanwhile;
 * {@link #revoke()} ends it. A reconciliation takes the {@link #term() current term} when it starts and sends every
 * event through {@link #publish(long, Runnable)}, which sends only while that very term is held. Sending and revoking
 * hold the same lock, so {@link #revoke()} returns only after a send in progress has ended (acknowledged or timed
 * out); it marks the lease unheld before it waits, so the render's next send does not overtake it, and no send of an
 * earlier term can start afterwards — not even if the repository comes back to this replica, since its term is then
 * another.
 *
 * <p>Why that makes "no replica publishes an older head after a newer one": the consumer group hands a revoked
 * partition to its new owner only after the old owner's revocation callback returned (cooperative rebalancing: the
 * partition is assigned in the rebalance after it was revoked), and that callback calls {@link #revoke()}. So every
 * record the old owner published for the repository is acknowledged before the new owner reads the desired-state
 * topics and renders the head — which is at least as new as anything the old owner saw, since both fetch the branch
 * head. A render of the old owner still running then fails at its next send ({@link LeaseLost}) instead of publishing.
 * A revocation waits for one send at most (the renderer's {@code publish-timeout}), not for a render: a build in
 * progress is abandoned, not awaited, which keeps the callback well within the consumer's
 * {@code max.poll.interval.ms}. What this cannot fence is a replica that stops taking part in the group without
 * knowing it (a process paused for longer than the session timeout, then resumed mid-send): it learns that it lost
 * the partitions at its next poll ({@code onPartitionsLost}), and until then one send already started may still land.
 */
public final class RepositoryLease {

    /** Held while a send runs and while the term changes; fair, so a revocation is not overtaken by the next send. */
    private final ReentrantLock lock = new ReentrantLock(true);
    private volatile long term;
    /** False as soon as a revocation starts, before it waits for the send in progress: no further send begins. */
    private volatile boolean held;

    private RepositoryLease(boolean held) {
        this.held = held;
    }

    /** A lease held from the start and never revoked: a renderer that shares its repositories with no other. */
    public static RepositoryLease alwaysHeld() {
        return new RepositoryLease(true);
    }

    /** A lease not held until it is {@link #assign assigned} and {@link #activate activated}. */
    public static RepositoryLease unheld() {
        return new RepositoryLease(false);
    }

    /** Starts a new term, not held yet; returns it, for {@link #activate}. Ends the current term, if any. */
    public long assign() {
        held = false;
        lock.lock();
        try {
            held = false;
            return ++term;
        } finally {
            lock.unlock();
        }
    }

    /** Holds {@code assigned} if no other assignment or revocation came since; returns whether it did. */
    public boolean activate(long assigned) {
        lock.lock();
        try {
            if (term != assigned) return false;
            held = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the current term; returns once a send in progress ({@link #publish}) has ended. No send starts once this
     * is called, even before it returns.
     */
    public void revoke() {
        held = false;
        lock.lock();
        try {
            held = false;
            term++;
        } finally {
            lock.unlock();
        }
    }

    /** The term held now, or empty when this replica does not own the repository. */
    public OptionalLong term() {
        lock.lock();
        try {
            return held ? OptionalLong.of(term) : OptionalLong.empty();
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@code t} is the latest term (held or still being activated). */
    public boolean isCurrent(long t) {
        return term == t;
    }

    /** Whether {@code t} is still the term held. */
    public boolean holds(long t) {
        return held && term == t;
    }

    /** Whether the repository is owned here now. */
    public boolean held() {
        return held;
    }

    /**
     * Runs {@code send} if term {@code t} is still held, holding off {@link #revoke()} until it returns.
     *
     * @throws LeaseLost when the term ended or a revocation started: the repository was handed to another replica
     *                   (or handed back since)
     */
    public void publish(long t, Runnable send) {
        lock.lock();
        try {
            if (!held || term != t) throw new LeaseLost();
            send.run();
        } finally {
            lock.unlock();
        }
    }

    /** The repository was handed over while a reconciliation ran; it published nothing more. */
    public static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super("the repository was handed over to another renderer replica (its verity.commits partition was"
                    + " revoked) while this reconciliation ran; nothing more was published, the new owner renders the head");
        }
    }
}
