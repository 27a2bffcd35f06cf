package dev.verity.applier;

import dev.verity.events.DesiredState;
import dev.verity.kube.ApplyResult;
import io.smallrye.faulttolerance.api.TypedGuard;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Applies a target again when its apply failed transiently ({@link Transience}): a SmallRye Fault Tolerance retry
 * ({@link TypedGuard}) with exponential backoff and jitter ({@code verity.applier.retry.*}), retrying on the
 * {@link ApplyResult} rather than on an exception, since the {@code kube} applier reports cluster errors as results.
 * Each attempt reads every object and the inventory again, which is what a 409 optimistic-lock conflict needs.
 *
 * <p>Where retries happen, from the inside out: a single request the API server answers 429 or 5xx, or that gets no
 * answer, is sent again by the Kubernetes client ({@link ClusterClient}: the same request, at least
 * {@code Retry-After} later), so that a 500 on one object's apply retries that object, not the whole target. Only
 * what that does not cure reaches this class: a request whose retries ran out, and conflicts that need a fresh
 * read. A permanent failure (422, 400, a field-manager conflict, an object owned by another target, ...) returns at
 * once, so one broken target never holds the others up for long. What still fails after these retries is tried
 * again every {@code retryInterval} of the target's policy ({@link TargetReconciler#retryDue()}).
 *
 * <p>Retries stop as soon as this process stops leading (a standby must not write). This class does not publish
 * events; each retry is logged naming the target and counted in {@code verity_apply_retries_total{reason}}.
 */
@Singleton
public class ApplyRetry {

    private static final Logger LOG = Logger.getLogger(ApplyRetry.class);

    private final ApplierConfig.Retry settings;
    private final ApplyMetrics metrics;
    private final String cluster;

    @Inject
    ApplyRetry(ApplierConfig config, ApplyMetrics metrics) {
        this.settings = config.retry();
        this.metrics = metrics;
        this.cluster = config.cluster();
    }

    /**
     * Runs {@code attempt}, and again while it fails transiently, retries remain and {@code leading} holds.
     *
     * @return the last attempt's result
     */
    ApplyResult apply(DesiredState desired, Supplier<ApplyResult> attempt, BooleanSupplier leading) {
        return retry(desired.describe(), "tried again in the target's retryInterval (" + desired.policy().retryInterval()
                + ")", attempt, leading);
    }

    /**
     * Runs a removal of a target that left Git ({@code what} names it), and again while it fails transiently, as
     * {@link #apply} does; what still fails is tried again a minute later ({@link TargetReconciler#reconcileDue()}).
     */
    ApplyResult remove(String what, Supplier<ApplyResult> attempt, BooleanSupplier leading) {
        return retry(what, "tried again in a minute", attempt, leading);
    }

    private ApplyResult retry(String what, String afterwards, Supplier<ApplyResult> attempt, BooleanSupplier leading) {
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<ApplyResult> last = new AtomicReference<>();
        TypedGuard<ApplyResult> guard = TypedGuard.create(ApplyResult.class)
                .withDescription(what)
                .withRetry()
                .maxRetries(settings.maxRetries())
                .delay(settings.delay().toMillis(), ChronoUnit.MILLIS)
                .jitter(settings.jitter().toMillis(), ChronoUnit.MILLIS)
                .maxDuration(1, ChronoUnit.HOURS)
                .withExponentialBackoff().factor(2).maxDelay(settings.maxDelay().toMillis(), ChronoUnit.MILLIS).done()
                .whenException(e -> false)
                .whenResult(r -> {
                    ApplyResult result = (ApplyResult) r;
                    String why = Transience.of(result).orElse(null);
                    if (why == null) return false;
                    if (!leading.getAsBoolean()) {
                        LOG.infof("%s: failed transiently (%s), but this applier no longer leads; not retried",
                                what, why);
                        return false;
                    }
                    if (attempts.get() >= settings.maxRetries()) {
                        LOG.warnf("%s: still fails transiently (%s) after %d retries; %s", what, why,
                                settings.maxRetries(), afterwards);
                        return false;
                    }
                    // counted here: SmallRye's beforeRetry hook needs an exception and fails on a retried result
                    LOG.infof("%s: failed transiently (%s), doing it again (retry %d of %d): %s", what, why,
                            attempts.incrementAndGet(), settings.maxRetries(), result.error());
                    metrics.retried(cluster, why);
                    return true;
                })
                .done()
                .build();
        try {
            return guard.get(() -> {
                last.set(null);
                ApplyResult result = attempt.get();
                last.set(result);
                return result;
            });
        } catch (RuntimeException retriesOver) {
            // the retry may give up by throwing when the last result still asks for a retry: that result stands;
            // an attempt that threw leaves no result, and its exception goes on
            if (last.get() == null) throw retriesOver;
            return last.get();
        }
    }
}
