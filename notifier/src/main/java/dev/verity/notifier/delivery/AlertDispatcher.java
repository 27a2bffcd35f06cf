package dev.verity.notifier.delivery;

import dev.verity.notifier.alert.Alert;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Delivers an alert to every destination, each at most once per event id: transient failures are tried again
 * as the {@link RetryPolicy} says; what still fails (or fails for good) is reported to the
 * {@link UndeliveredSink}. One destination failing never keeps the alert from the others.
 *
 * <p>"Once" is remembered in memory for the {@code recentCapacity} most recent deliveries per destination: a
 * redelivered event is skipped while it is remembered; after a restart it is alerted again.
 */
public final class AlertDispatcher {

    private final List<Destination> destinations;
    private final RetryPolicy retry;
    private final RecentIds delivered;
    private final UndeliveredSink undelivered;
    private final Clock clock;

    public AlertDispatcher(List<Destination> destinations, RetryPolicy retry, int recentCapacity,
            UndeliveredSink undelivered, Clock clock) {
        this.destinations = List.copyOf(destinations);
        if (destinations.stream().map(Destination::name).distinct().count() < destinations.size()) {
            throw new IllegalArgumentException("destination names must be unique, got "
                    + destinations.stream().map(Destination::name).toList());
        }
        this.retry = retry;
        this.delivered = new RecentIds(recentCapacity * Math.max(1, destinations.size()));
        this.undelivered = undelivered;
        this.clock = clock;
    }

    public List<Destination> destinations() {
        return destinations;
    }

    /** Delivers the alert to each destination and says what happened at each, in destination order. */
    public List<Delivery> dispatch(Alert alert) {
        return dispatch(alert, null, Map.of());
    }

    /**
     * Delivers the alert of an incident to each destination, into the incident's thread there ({@code references}:
     * what each destination returned for the thread's previous message, by destination name; absent for the first).
     */
    public List<Delivery> dispatch(Alert alert, String incident, Map<String, String> references) {
        List<Delivery> result = new ArrayList<>();
        for (Destination destination : destinations) {
            Destination.IncidentThread thread = incident == null ? null
                    : new Destination.IncidentThread(incident, references.get(destination.name()));
            result.add(deliver(alert, destination, thread));
        }
        return result;
    }

    private Delivery deliver(Alert alert, Destination destination, Destination.IncidentThread thread) {
        String key = destination.name() + "/" + alert.eventId();
        if (!delivered.add(key)) {
            return new Delivery(destination.name(), Delivery.Outcome.DUPLICATE, 0, null);
        }
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                String reference = null;
                if (thread == null) destination.deliver(alert);
                else reference = destination.deliver(alert, thread);
                return new Delivery(destination.name(), Delivery.Outcome.DELIVERED, attempt, null, reference);
            } catch (DeliveryException e) {
                Duration wait = retry.backoffAfter(attempt);
                if (e.retryAfter().compareTo(wait) > 0) wait = e.retryAfter(); // the destination asked for longer
                if (e.isTransient() && attempt < retry.maxAttempts() && sleep(wait)) {
                    continue;
                }
                delivered.remove(key);
                String error = e.getMessage() + (e.isTransient() ? " (gave up after " + attempt + " attempt"
                        + (attempt == 1 ? "" : "s") + ")" : " (permanent; not retried)");
                undelivered.report(new Undelivered(alert, destination.name(), destination.describe(), attempt, error,
                        clock.instant()));
                return new Delivery(destination.name(), Delivery.Outcome.UNDELIVERED, attempt, error);
            } catch (RuntimeException e) {
                delivered.remove(key);
                String error = "unexpected failure delivering to " + destination.describe() + ": " + e;
                undelivered.report(new Undelivered(alert, destination.name(), destination.describe(), attempt, error,
                        clock.instant()));
                return new Delivery(destination.name(), Delivery.Outcome.UNDELIVERED, attempt, error);
            }
        }
    }

    /** Waits, or returns false when interrupted (then the delivery gives up and keeps the interrupt flag). */
    private static boolean sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
