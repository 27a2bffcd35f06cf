package dev.verity.fleet;

/**
 * Reading Verity's topics failed: the message says on which Kafka and why; {@link #reason()} says what kind of
 * failure it was, so that a caller can add what its user should do (the CLI: {@code --bootstrap-server},
 * {@code --timeout}; a service: its configuration).
 */
public final class TopicReadException extends RuntimeException {

    /** What went wrong. */
    public enum Reason {
        /** Kafka did not answer (not running, wrong address, no route). */
        UNREACHABLE,
        /** Kafka answered, but reading to the end took longer than the reader's timeout. */
        TOO_SLOW,
        /** The client could not be created or refused the request (bad address, bad setting). */
        CLIENT
    }

    private final Reason reason;

    TopicReadException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
