package dev.verity.kustomize;

/** A build that failed: the message says what, on which file, and what to do when that is not obvious. */
public class KustomizeException extends RuntimeException {

    public KustomizeException(String message) {
        super(message);
    }

    public KustomizeException(String message, Throwable cause) {
        super(message, cause);
    }
}
