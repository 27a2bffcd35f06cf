package dev.verity.notifier;

import dev.verity.notifier.delivery.Delivery;
import dev.verity.notifier.delivery.Destination;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Locale;

/**
 * The notifier's delivery metrics, tagged by {@code destination} = the kind of channel ({@code slack}, {@code email},
 * {@code webhook}; never a channel id, address or URL):
 * <ul>
 * <li>{@code verity_notifications_total{destination,outcome}}: alerts by what became of them ({@code delivered},
 * {@code duplicate}: already delivered, {@code undelivered}: every attempt failed or the failure was permanent, and
 * the alert went to {@code verity.undelivered});</li>
 * <li>{@code verity_notification_failures_total{destination}}: failed attempts, whether retried or the last;</li>
 * <li>{@code verity_notification_delay_seconds{destination}} (histogram): from the time of the event an alert tells
 * (its CloudEvents {@code time}; for an announcement after the grouping window, the time its first incident was
 * opened) to its delivery.</li>
 * </ul>
 * It counts; it delivers nothing.
 */
@Singleton
public class DeliveryMetrics {

    private final MeterRegistry registry;

    DeliveryMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Registers every meter of the destinations' channels at zero, so that they are scraped from the start. */
    void register(Collection<Destination> destinations) {
        destinations.stream().map(Destination::channel).distinct().forEach(channel -> {
            for (Delivery.Outcome o : Delivery.Outcome.values()) outcomes(channel, o);
            failures(channel);
            delay(channel);
        });
    }

    /**
     * Counts one alert's delivery at one destination.
     *
     * @param since when the event it tells happened, or null when it has no such time (a reminder)
     */
    void record(Delivery delivery, Instant since, Instant now) {
        outcomes(delivery.channel(), delivery.outcome()).increment();
        if (delivery.failedAttempts() > 0) failures(delivery.channel()).increment(delivery.failedAttempts());
        if (delivery.outcome() == Delivery.Outcome.DELIVERED && since != null && !since.isAfter(now)) {
            delay(delivery.channel()).record(Duration.between(since, now));
        }
    }

    private Counter outcomes(String channel, Delivery.Outcome outcome) {
        return Counter.builder("verity.notifications")
                .description("Alerts sent to a destination, by what became of them")
                .tags("destination", channel, "outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }

    private Counter failures(String channel) {
        return Counter.builder("verity.notification.failures")
                .description("Delivery attempts that failed (retried or the last), by channel")
                .tags("destination", channel)
                .register(registry);
    }

    private Timer delay(String channel) {
        return Timer.builder("verity.notification.delay")
                .description("From the event an alert tells to its delivery, by channel")
                .tags("destination", channel)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofHours(1))
                .register(registry);
    }
}
