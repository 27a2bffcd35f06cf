package dev.verity.events.leader;

import java.time.Duration;

/**
 * The leader's own clock for its group session, fed with readings of the Kafka consumer's coordinator metrics.
 *
 * <p>The group coordinator renews a member's session each time it receives the member's heartbeat or its
 * SyncGroup request, and hands the member's partitions on once a session timeout passes without either. This class
 * keeps {@link #lastContactNanos()}: a moment no later than the coordinator's last renewal that this replica can
 * prove. A reading in which the count of answered heartbeats ({@code heartbeat-total}) or of successful syncs
 * ({@code sync-total}) grew shows an answer that arrived after the previous reading; the request it answers was
 * sent at most the longest recent round trip ({@code heartbeat-response-time-max}, {@code sync-time-max}) before
 * that, and the coordinator received it later still. So {@code previous reading - longest round trip} is such a
 * moment. Counting answers rather than sends matters: the consumer keeps sending heartbeats on schedule while
 * none is answered (its {@code last-heartbeat-seconds-ago} metric measures sends), so a silently partitioned
 * leader would otherwise look healthy until the group had already moved on.
 *
 * <p>{@link #safe(long)} is true while less than {@code session timeout - margin} has passed since that moment.
 * A heartbeat counted although the coordinator answered it with an error (the member was already removed) only
 * ever proves contact up to the previous reading; {@link Leadership} never re-elects from such a reading, it
 * rejoins the group as a new member after stepping down. {@code heartbeat-total} also counts a
 * {@code NOT_COORDINATOR} answer from a broker that has just given up the group's coordination; the new coordinator
 * restarts every member's session when it loads the group, so such an answer proves contact at most one heartbeat
 * late, which the margin absorbs. Not thread-safe for {@code observe}; {@code safe} and
 * {@code lastContactNanos} may be read from any thread.
 */
final class SessionWatch {

    /** The coordinator metrics of one moment: counts of answers and the longest recent round trips, in ms. */
    record Reading(double heartbeats, double heartbeatRoundTripMaxMs, double syncs, double syncRoundTripMaxMs) {
    }

    private final long deadlineNanos;
    private long previousNanos;
    private Reading previous;
    private volatile long lastContactNanos;

    /**
     * @param startNanos the moment the consumer was created ({@link System#nanoTime()}); its counts were zero then
     *                   and no contact is proven yet
     */
    SessionWatch(Duration sessionTimeout, Duration margin, long startNanos) {
        if (margin.isNegative() || margin.compareTo(sessionTimeout) >= 0) {
            throw new IllegalArgumentException("margin " + margin + " must lie between 0 and the session timeout "
                    + sessionTimeout);
        }
        this.deadlineNanos = sessionTimeout.minus(margin).toNanos();
        this.previousNanos = startNanos;
        this.previous = new Reading(0, 0, 0, 0);
        this.lastContactNanos = startNanos - deadlineNanos; // not safe until a contact is proven
    }

    /** Takes one reading made at {@code nowNanos}. */
    void observe(long nowNanos, Reading reading) {
        long proven = Long.MIN_VALUE;
        if (reading.heartbeats() > previous.heartbeats()) {
            proven = Math.max(proven, previousNanos - roundTripNanos(reading.heartbeatRoundTripMaxMs()));
        }
        if (reading.syncs() > previous.syncs()) {
            proven = Math.max(proven, previousNanos - roundTripNanos(reading.syncRoundTripMaxMs()));
        }
        if (proven != Long.MIN_VALUE && proven - lastContactNanos > 0) lastContactNanos = proven;
        previous = reading;
        previousNanos = nowNanos;
    }

    /** True while the coordinator cannot yet have handed this member's partitions on, less the margin. */
    boolean safe(long nowNanos) {
        return nowNanos - lastContactNanos < deadlineNanos;
    }

    /** The latest moment ({@link System#nanoTime()} scale) at which the coordinator provably renewed the session. */
    long lastContactNanos() {
        return lastContactNanos;
    }

    /** Time from the last proven contact to {@code nowNanos}. */
    Duration sinceContact(long nowNanos) {
        return Duration.ofNanos(nowNanos - lastContactNanos);
    }

    /** An unknown round trip (no sample in the metric's window) counts as the whole deadline: nothing is proven. */
    private long roundTripNanos(double millis) {
        if (Double.isNaN(millis) || Double.isInfinite(millis) || millis < 0) return deadlineNanos;
        return (long) Math.ceil(millis * 1_000_000d);
    }
}
