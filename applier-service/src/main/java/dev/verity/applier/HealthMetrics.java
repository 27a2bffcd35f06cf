package dev.verity.applier;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;

/**
 * Records how long targets took from their apply to a health verdict, as
 * {@code verity_health_seconds{cluster,result=healthy|degraded}} (a histogram). Tags never name a target or commit.
 * Commit-to-healthy time is not recorded: a desired state does not carry its commit's time.
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
}
