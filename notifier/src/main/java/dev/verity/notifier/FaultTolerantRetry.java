package dev.verity.notifier;

import dev.verity.notifier.delivery.DeliveryException;
import dev.verity.notifier.delivery.DeliveryRetry;
import dev.verity.notifier.delivery.RetryPolicy;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.Guard;
import org.jboss.logging.Logger;

import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivery retries by SmallRye Fault Tolerance: one {@link Guard} per destination, retrying only
 * {@link DeliveryException}s that are transient ({@code verity.notifier.retry.*}: attempts, exponential backoff,
 * jitter), waiting as {@link RetryPolicy#delayAfter} says, so never sooner than a {@code Retry-After}. Anything else (a
 * permanent failure, a bug) ends the retries at once and is thrown as it is.
 */
final class FaultTolerantRetry implements DeliveryRetry {

    private static final Logger LOG = Logger.getLogger(FaultTolerantRetry.class);

    private final RetryPolicy policy;
    private final Map<String, Guard> guards = new ConcurrentHashMap<>();

    FaultTolerantRetry(RetryPolicy policy) {
        this.policy = policy;
    }

    @Override
    public <T> T run(String destination, Attempt<T> attempt) throws DeliveryException {
        Guard guard = guards.computeIfAbsent(destination, this::guard);
        try {
            @SuppressWarnings("unchecked")
            T result = (T) guard.call(attempt::call, Object.class);
            return result;
        } catch (DeliveryException | RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while delivering to " + destination, false, e);
        } catch (Exception e) {
            throw new IllegalStateException("delivery to " + destination + " failed: " + e, e);
        }
    }

    private Guard guard(String destination) {
        return Guard.create()
                .withDescription("deliver to " + destination)
                .withRetry()
                .maxRetries(policy.maxAttempts() - 1)
                .delay(policy.initialBackoff().toMillis(), ChronoUnit.MILLIS)
                .jitter(policy.jitter().toMillis(), ChronoUnit.MILLIS)
                // the attempts bound the retries; this only keeps SmallRye's 3-minute default from cutting them
                .maxDuration(1, ChronoUnit.DAYS)
                .withCustomBackoff().strategy(() -> new CustomBackoffStrategy() {
                    private int failed;

                    @Override
                    public long nextDelayInMillis(Throwable cause) {
                        failed++;
                        long wait = policy.delayAfter(failed, cause).toMillis();
                        LOG.debugf("delivery to %s failed (attempt %d: %s); next attempt in %d ms", destination,
                                failed, cause.getMessage(), wait);
                        return wait;
                    }
                }).done()
                .whenException(e -> e instanceof DeliveryException d && d.isTransient())
                .done()
                .build();
    }
}
