package dev.verity.renderer.git;

/** A Git operation failed; the message names the repository, the operation and what to check. */
public final class GitException extends RuntimeException {
    public GitException(String message, Throwable cause) {
        super(message, cause);
    }

    public GitException(String message) {
        super(message);
    }
}
