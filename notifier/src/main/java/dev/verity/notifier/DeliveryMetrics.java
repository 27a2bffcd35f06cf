package dev.verity.notifier;

import dev.verity.notifier.delivery.Delivery;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.util.Locale;

/**
 * {@code verity_notifications_total{destination,outcome}}: alerts per destination ({@code slack}, {@code email}) by
 * what became of them ({@code delivered}, {@code duplicate}: already delivered for the same event, {@code
 * undelivered}: every attempt failed). It counts; it delivers nothing.
 */
@Singleton
public class DeliveryMetrics {

    private final MeterRegistry registry;

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void record(Delivery delivery) {
        Counter.builder("verity.notifications")
                .description("Alerts sent to a destination, by what became of them")
                .tags("destination", delivery.destination(), "outcome", delivery.outcome().name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }
}
