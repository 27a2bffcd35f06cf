package dev.verity.service;

import dev.verity.events.EventIntake;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Publishes the service's {@link EventIntake} counts as {@code verity_events_skipped_total{type=...}}: one counter per
 * event type this version does not know, registered when its first record is skipped and reading the intake's
 * count, so it matches {@code GET /verity/events/skipped}. It counts nothing itself, so {@code events} stays free of
 * Micrometer.
 */
@ApplicationScoped
public class SkippedEventsMetrics {

    void register(@Observes StartupEvent start, EventIntake intake, MeterRegistry registry) {
        intake.onSkippedType(type -> FunctionCounter.builder("verity.events.skipped", intake, i -> i.skipped(type))
                .description("Records skipped because this version does not know their event type")
                .tag("type", type)
                .register(registry));
    }
}
