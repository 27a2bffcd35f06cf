package dev.verity.kustomize;

/** A build that ran past its deadline; the engine stops at the next check. */
public final class DeadlineExceededException extends KustomizeException {

    public DeadlineExceededException(String message) {
        super(message);
    }
}
