package dev.verity.renderer.service;

import dev.verity.events.trace.SpanAttributes;
import dev.verity.events.trace.TraceCause;
import dev.verity.renderer.render.RepositoryReconciler;
import dev.verity.service.EventTracing;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Fetches and renders every repository this replica owns ({@link Ownership}) on a timer, so correctness never depends
 * on webhooks: first soon after start, then every {@code verity.renderer.poll-interval} with ±10% jitter (so many
 * renderers do not hit one Git server in step). A repository owned by another replica is skipped at each tick (its
 * owner polls it); one gained is rendered at once by {@link Ownership}, not at the next tick. Up to four
 * repositories are reconciled at once. Each poll is a trace of its own
 * ({@code poll repository}): what it publishes (a commit pushed without a webhook) carries that trace on.
 */
@ApplicationScoped
public class Poller {

    private static final Duration FIRST_POLL_WITHIN = Duration.ofSeconds(3);

    @Inject
    RendererConfig config;

    @Inject
    Repositories repositories;

    @Inject
    Reconciliations reconciliations;

    @Inject
    EventTracing tracing;

    private ScheduledExecutorService timer;

    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent ignored) {
        if (config.pollInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalStateException("verity.renderer.poll-interval is " + config.pollInterval()
                    + ": set it to at least 1s (default 60s); the poll is what renders pushes whose webhook was lost");
        }
        // different repositories are reconciled in parallel (each one's reconciliations run one at a time)
        int threads = Math.max(1, Math.min(repositories.all().size(), 4));
        timer = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "verity-renderer-poll");
            t.setDaemon(true);
            return t;
        });
        long first = Math.min(FIRST_POLL_WITHIN.toMillis(), config.pollInterval().toMillis());
        for (RepositoryReconciler reconciler : repositories.all()) {
            schedule(reconciler, ThreadLocalRandom.current().nextLong(first + 1));
        }
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer != null) timer.shutdownNow();
    }

    private void schedule(RepositoryReconciler reconciler, long delayMillis) {
        timer.schedule(() -> {
            try {
                if (reconciler.lease().held()) { // else another replica owns and polls it
                    tracing.inSpan("poll repository", TraceCause.ROOT,
                            SpanAttributes.ofCommit(reconciler.url(), null), () -> {
                                reconciliations.run(reconciler, "poll");
                            });
                }
            } finally {
                if (!timer.isShutdown()) schedule(reconciler, jittered(config.pollInterval()));
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    static long jittered(Duration interval) {
        long millis = Math.max(1, interval.toMillis());
        long spread = millis / 10;
        return millis - spread + ThreadLocalRandom.current().nextLong(2 * spread + 1);
    }
}
