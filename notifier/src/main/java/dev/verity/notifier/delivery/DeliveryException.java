package dev.verity.notifier.delivery;

/**
 * A delivery failed. {@link #isTransient()} says whether the same request may succeed later (a timeout, a refused
 * connection, a 5xx or 429) or never will (a 4xx such as Slack's {@code invalid_payload} or {@code no_service}).
 * The message names what failed and never contains secrets.
 */
public class DeliveryException extends Exception {

    private final boolean transientFailure;

    public DeliveryException(String message, boolean transientFailure) {
        super(message);
        this.transientFailure = transientFailure;
    }

    public DeliveryException(String message, boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
