package dev.verity.applier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Records how long targets took from their apply to a health verdict, as
 * {@code verity_health_seconds{cluster,result=healthy|degraded}} (a histogram). Tags never name a target or commit.
 * And {@code verity_commit_to_healthy_seconds{cluster}}: from a commit's time in Git to the first {@code Healthy} of a
 * target at that commit (once per target and commit; periodic reconciles do not count again; desired states from a
 * renderer that does not send the commit time are not measured).
 */
@Singleton
public class HealthMetrics {

    private final MeterRegistry registry;

    @Inject
    HealthMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** One target became Healthy ({@code healthy} true) or Degraded, {@code took} after its apply finished. */
    void record(String cluster, boolean healthy, Duration took) {
        Timer.builder("verity.health")
                .description("How long after an apply its objects became ready (healthy) or were found failed or"
                        + " timed out (degraded)")
                .tags("cluster", cluster, "result", healthy ? "healthy" : "degraded")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry)
                .record(took);
    }

    /** A target became Healthy at a commit made {@code took} ago. */
    void commitToHealthy(String cluster, Duration took) {
        Timer.builder("verity.commit.to.healthy")
                .description("From a commit's time in Git to the first Healthy of a target at that commit")
                .tags("cluster", cluster)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofHours(6))
                .register(registry)
                .record(took.isNegative() ? Duration.ZERO : took);
    }
}
