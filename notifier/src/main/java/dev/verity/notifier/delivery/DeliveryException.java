package dev.verity.notifier.delivery;

/**
 * A delivery failed. {@link #isTransient()} says whether the same request may succeed later (a timeout, a refused
 * connection, a 5xx or 429) or never will (a 4xx such as Slack's {@code invalid_payload} or {@code no_service}).
 * The message names what failed and never contains secrets.
 */
public class DeliveryException extends Exception {

    private final boolean transientFailure;
    private final java.time.Duration retryAfter;

    public DeliveryException(String message, boolean transientFailure) {
        this(message, transientFailure, (Throwable) null);
    }

    public DeliveryException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.retryAfter = java.time.Duration.ZERO;
    }

    /** A transient failure whose answer said how long to wait before trying again (HTTP {@code Retry-After}). */
    public DeliveryException(String message, java.time.Duration retryAfter) {
        super(message);
        this.transientFailure = true;
        this.retryAfter = retryAfter == null ? java.time.Duration.ZERO : retryAfter;
    }

    /** How long the destination asked to wait before the next attempt; zero when it did not say. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
