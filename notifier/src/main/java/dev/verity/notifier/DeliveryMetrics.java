package dev.verity.notifier;

import dev.verity.notifier.delivery.Delivery;
import dev.verity.notifier.delivery.CommitStatusPoster;
import dev.verity.notifier.delivery.Destination;
import dev.verity.notifier.status.ForgeKind;
import dev.verity.notifier.status.StatusState;
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
 * <li>{@code verity_commit_statuses_total{forge,result,outcome}}: commit statuses posted, by {@code forge} =
 * {@code github}, {@code gitlab}, {@code gitea} (Forgejo too), {@code result} = the state Verity gave ({@code pending},
 * {@code success}, {@code failure}, {@code error}) and {@code outcome} = {@code delivered} or {@code undelivered};
 * registered at zero at start for every configured forge (statuses also count in the three meters above, as
 * {@code destination="forge"}, which are registered at zero too).</li>
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

    /** Registers the commit-status meters of these forges at zero, so that they are scraped from the start. */
    void registerForges(Collection<ForgeKind> forges) {
        if (forges.isEmpty()) return;
        for (Delivery.Outcome o : Delivery.Outcome.values()) outcomes(CommitStatusPoster.CHANNEL, o);
        failures(CommitStatusPoster.CHANNEL);
        delay(CommitStatusPoster.CHANNEL);
        forges.stream().distinct().forEach(forge -> {
            for (StatusState state : StatusState.values()) {
                statuses(forge, state, Delivery.Outcome.DELIVERED);
                statuses(forge, state, Delivery.Outcome.UNDELIVERED);
            }
        });
    }

    /** Counts one commit status posted (or reported undelivered) to a forge. */
    void recordStatus(ForgeKind forge, StatusState state, Delivery delivery) {
        if (delivery.outcome() == Delivery.Outcome.DUPLICATE) return;
        statuses(forge, state, delivery.outcome()).increment();
    }

    private Counter statuses(ForgeKind forge, StatusState state, Delivery.Outcome outcome) {
        return Counter.builder("verity.commit.statuses")
                .description("Commit statuses posted to a forge, by the state given and what became of the post")
                .tags("forge", forge.label(), "result", state.name().toLowerCase(Locale.ROOT),
                        "outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry);
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
