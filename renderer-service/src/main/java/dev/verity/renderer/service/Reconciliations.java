package dev.verity.renderer.service;

import dev.verity.events.RenderFailed;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.render.RepositoryReconciler;
import dev.verity.renderer.render.RepositoryReconciler.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;

/**
 * Runs a reconciliation (after {@link Repositories#restored()} has seeded what was published before this start), logs
 * its outcome and records it:
 * <ul>
 * <li>{@code verity_render_duration_seconds{outcome}}: one reconciliation of a repository branch (fetch, render,
 *     publish); {@code outcome} is {@code rendered}, {@code unchanged} (head rendered before), {@code fetch_failed},
 *     {@code unreadable} (the head's tree could not be read) or {@code error};</li>
 * <li>{@code verity_renders_total{result}}: targets built, by {@code result} = {@code published} (a new desired
 *     state), {@code unchanged} (the same desired state as published before: not republished) or {@code failed};</li>
 * <li>{@code verity_render_skips_total}: targets not built because none of their files changed;</li>
 * <li>{@code verity_render_failures_total{scope}}: RenderFailed events published, {@code scope} = {@code target} or
 *     {@code repository} (fetch, verity.yaml, unreadable tree);</li>
 * <li>{@code verity_targets_removed_total}: TargetRemoved events published;</li>
 * <li>{@code verity_target_render_duration_seconds}: one overlay's build by the engine;</li>
 * <li>{@code verity_targets_rendered_per_commit}: how many targets a rendered head needed built.</li>
 * </ul>
 * Shared by the commit consumer and the poll timer.
 */
@Singleton
class Reconciliations {

    private static final Logger LOG = Logger.getLogger(Reconciliations.class);

    private final MeterRegistry registry;
    private final Repositories repositories;
    private final Counter skips;
    private final Counter removed;
    private final Timer buildTime;
    private final DistributionSummary perCommit;

    Reconciliations(MeterRegistry registry, Repositories repositories) {
        this.registry = registry;
        this.repositories = repositories;
        for (String result : List.of("published", "unchanged", "failed")) renders(result);
        for (String scope : List.of("target", "repository")) failures(scope);
        skips = Counter.builder("verity.render.skips")
                .description("Targets not built for a new head because none of the files they were built from changed")
                .register(registry);
        removed = Counter.builder("verity.targets.removed")
                .description("Targets that left Git: TargetRemoved events published")
                .register(registry);
        buildTime = Timer.builder("verity.target.render.duration")
                .description("How long the in-process engine took to build one overlay")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2))
                .register(registry);
        perCommit = DistributionSummary.builder("verity.targets.rendered.per.commit")
                .description("Targets built for one rendered head (the others were skipped: their files did not change)")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(10_000.0)
                .register(registry);
    }

    /** Reconciles; a failure is logged (the next poll retries) and reported as false. */
    boolean run(RepositoryReconciler reconciler, String reason) {
        long start = System.nanoTime();
        try {
            repositories.restored();
            Outcome outcome = reconciler.reconcile(LOG::warn);
            if (outcome instanceof Outcome.Rendered r) {
                LOG.infof("%s#%s@%s rendered (%s): %d target(s) built (%d unchanged), %d skipped (files unchanged),"
                        + " %d event(s) published", reconciler.url(), reconciler.branch(),
                        r.commit().substring(0, Math.min(12, r.commit().length())), reason, r.rendered(), r.unchanged(),
                        r.skipped(), r.published().size());
                record(start, "rendered", r.published());
                renders("failed").increment(r.failed());
                renders("unchanged").increment(r.unchanged());
                renders("published").increment(Math.max(0, r.rendered() - r.unchanged() - r.failed()));
                skips.increment(r.skipped());
                r.buildTimes().forEach(buildTime::record);
                perCommit.record(r.rendered());
            } else if (outcome instanceof Outcome.FetchFailed f) {
                LOG.errorf("%s#%s (%s): %s", reconciler.url(), reconciler.branch(), reason, f.error());
                record(start, "fetch_failed", f.published());
            } else if (outcome instanceof Outcome.Unreadable u) {
                LOG.errorf("%s#%s@%s (%s): %s", reconciler.url(), reconciler.branch(), u.commit(), reason, u.error());
                record(start, "unreadable", u.published());
            } else if (outcome instanceof Outcome.NotOwned) {
                LOG.debugf("%s#%s (%s): owned by another renderer replica; not rendered here", reconciler.url(),
                        reconciler.branch(), reason);
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
            if (event instanceof RenderFailed f) {
                failures(f.target() != null ? "target" : "repository").increment();
            } else if (event instanceof TargetRemoved) {
                removed.increment();
            }
        }
    }

    private Counter renders(String result) {
        return Counter.builder("verity.renders")
                .description("Targets built by the renderer, by result: a new desired state published, the same"
                        + " desired state as before (not republished), or a render failure")
                .tag("result", result)
                .register(registry);
    }

    private Counter failures(String scope) {
        return Counter.builder("verity.render.failures")
                .description("RenderFailed events published, about one target or a whole repository")
                .tag("scope", scope)
                .register(registry);
    }
}
