package dev.verity.renderer.service;

import dev.verity.events.DesiredState;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.render.RepositoryReconciler;
import dev.verity.renderer.render.RepositoryReconciler.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * Runs a reconciliation, logs its outcome and records it as {@code verity_render_duration_seconds{outcome}} (one
 * reconciliation of a repository branch: fetch, render, publish; {@code outcome} is {@code rendered},
 * {@code unchanged}, {@code fetch_failed} or {@code error}) and {@code verity_renders_total{outcome}} (per target
 * event published: {@code desired} for a DesiredState, {@code failed} for a RenderFailed, {@code removed} for a
 * TargetRemoved). Shared by the commit consumer and the poll timer.
 */
@Singleton
class Reconciliations {

    private static final Logger LOG = Logger.getLogger(Reconciliations.class);

    private final MeterRegistry registry;

    Reconciliations(MeterRegistry registry) {
        this.registry = registry;
        for (String outcome : List.of("desired", "failed", "removed")) renders(outcome);
    }

    /** Reconciles; a failure is logged (the next poll retries) and reported as false. */
    boolean run(RepositoryReconciler reconciler, String reason) {
        long start = System.nanoTime();
        try {
            Outcome outcome = reconciler.reconcile(LOG::warn);
            if (outcome instanceof Outcome.Rendered r) {
                LOG.infof("%s#%s@%s rendered (%s): %d event(s) published, unchanged targets skipped", reconciler.url(),
                        reconciler.branch(), r.commit().substring(0, Math.min(12, r.commit().length())), reason,
                        r.published().size());
                record(start, "rendered", r.published());
            } else if (outcome instanceof Outcome.FetchFailed f) {
                LOG.errorf("%s#%s (%s): %s", reconciler.url(), reconciler.branch(), reason, f.error());
                record(start, "fetch_failed", f.published());
            } else if (outcome instanceof Outcome.Unchanged u) {
                LOG.debugf("%s#%s@%s unchanged (%s)", reconciler.url(), reconciler.branch(), u.commit(), reason);
                record(start, "unchanged", List.of());
            }
            return true;
        } catch (RuntimeException e) {
            record(start, "error", List.of());
            LOG.errorf(e, "%s#%s: rendering (%s) failed: %s. The next poll tries again.", reconciler.url(),
                    reconciler.branch(), reason, e.getMessage());
            return false;
        }
    }

    private void record(long start, String outcome, List<VerityEvent> published) {
        Timer.builder("verity.render.duration")
                .description("How long one reconciliation of a repository branch took: fetch, render and publish")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry)
                .record(Duration.ofNanos(System.nanoTime() - start));
        for (VerityEvent event : published) {
            if (event instanceof DesiredState) {
                renders("desired").increment();
            } else if (event instanceof RenderFailed) {
                renders("failed").increment();
            } else if (event instanceof TargetRemoved) {
                renders("removed").increment();
            }
        }
    }

    private Counter renders(String outcome) {
        return Counter.builder("verity.renders")
                .description("Target events the renderer published: desired states, render failures, removals")
                .tag("outcome", outcome)
                .register(registry);
    }
}
