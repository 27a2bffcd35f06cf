package dev.verity.notifier.delivery;

import java.time.Duration;

/**
 * How often and how patiently a transient delivery failure is tried again: up to {@code maxAttempts} attempts in
 * all, waiting {@code initialBackoff} after the first failure and twice as long after each next one, at most
 * {@code maxBackoff}, each wait moved by up to {@code jitter} either way at random (by SmallRye Fault Tolerance,
 * which runs the retries: {@code FaultTolerantRetry}); never sooner than a destination's {@code Retry-After}.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration jitter) {

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        if (initialBackoff == null || initialBackoff.isNegative()) {
            throw new IllegalArgumentException("initialBackoff must be zero or positive, was " + initialBackoff);
        }
        if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("maxBackoff (" + maxBackoff + ") must be at least initialBackoff ("
                    + initialBackoff + ")");
        }
        if (jitter == null || jitter.isNegative()) {
            throw new IllegalArgumentException("jitter must be zero or positive, was " + jitter);
        }
    }

    /** The exponential wait after failed attempt number {@code attempt} (1-based), before jitter. */
    public Duration backoffAfter(int attempt) {
        Duration wait = initialBackoff;
        for (int i = 1; i < attempt && wait.compareTo(maxBackoff) < 0; i++) wait = wait.multipliedBy(2);
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    /**
     * The wait after failed attempt number {@code attempt} that failed with {@code failure}: the backoff, or the
     * {@code Retry-After} the destination asked for plus the jitter (so that a negative jitter never makes it sooner),
     * whichever is longer.
     */
    public Duration delayAfter(int attempt, Throwable failure) {
        Duration wait = backoffAfter(attempt);
        if (failure instanceof DeliveryException e && !e.retryAfter().isZero()) {
            Duration asked = e.retryAfter().plus(jitter);
            if (asked.compareTo(wait) > 0) wait = asked;
        }
        return wait;
    }
}
