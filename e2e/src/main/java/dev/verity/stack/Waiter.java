package dev.verity.stack;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/** Polls until something is observed, or fails saying what was awaited and what was last seen. */
final class Waiter {
    private Waiter() {
    }

    static <T> T until(String what, Duration timeout, Supplier<Optional<T>> probe, Supplier<String> lastSeen) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException lastError = null;
        while (System.nanoTime() < deadline) {
            try {
                Optional<T> found = probe.get();
                if (found.isPresent()) return found.get();
            } catch (RuntimeException e) {
                lastError = e;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            }
        }
        throw new StepFailed("timed out after " + timeout.toSeconds() + " s waiting for " + what + "; last seen: "
                + lastSeen.get() + (lastError == null ? "" : "; last error: " + lastError));
    }

    /** A demo or test step whose expectation was not met. */
    static final class StepFailed extends RuntimeException {
        StepFailed(String message) {
            super(message);
        }
    }
}
