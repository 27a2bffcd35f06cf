package dev.verity.notifier.delivery;

/**
 * Runs one delivery to one destination, and again while it fails transiently
 * ({@link DeliveryException#isTransient()}) and the policy allows; a permanent failure is thrown at once. The
 * service's implementation is SmallRye Fault Tolerance ({@code FaultTolerantRetry}); {@link #ONCE} tries once.
 */
public interface DeliveryRetry {

    /** One attempt of a delivery. */
    @FunctionalInterface
    interface Attempt<T> {
        T call() throws DeliveryException;
    }

    /**
     * Runs the attempt until it succeeds, fails permanently, or the attempts are used up.
     *
     * @param destination the destination's name, for logs
     * @throws DeliveryException the last failure
     */
    <T> T run(String destination, Attempt<T> attempt) throws DeliveryException;

    /** No retries: one attempt. */
    DeliveryRetry ONCE = new DeliveryRetry() {
        @Override
        public <T> T run(String destination, Attempt<T> attempt) throws DeliveryException {
            return attempt.call();
        }
    };
}
