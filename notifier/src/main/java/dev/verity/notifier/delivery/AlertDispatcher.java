package dev.verity.notifier.delivery;

import dev.verity.notifier.alert.Alert;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers an alert to its destinations, each at most once per alert id: transient failures are tried again as the
 * {@link DeliveryRetry} says; what still fails (or fails for good) is reported to the {@link UndeliveredSink}, and
 * counts as handled once the sink took it.
 *
 * <p>Destinations are independent: each has a thread of its own, and one alert is sent to all of them at once, so a
 * destination that retries or hangs neither keeps the alert from the others nor delays it there. {@link #dispatch}
 * returns when every destination is done with the alert (delivered, or reported undelivered), so that the caller
 * records and commits only then.
 *
 * <p>"Once" is remembered in memory for the {@code recentCapacity} most recent deliveries per destination: a
 * redelivered alert is skipped while it is remembered; after a restart it is sent again.
 */
public final class AlertDispatcher implements AutoCloseable {

    private final Map<String, Destination> destinations = new LinkedHashMap<>();
    private final Map<String, ExecutorService> senders = new LinkedHashMap<>();
    private final DeliveryRetry retry;
    private final RecentIds delivered;
    private final UndeliveredSink undelivered;
    private final Clock clock;

    public AlertDispatcher(List<Destination> destinations, DeliveryRetry retry, int recentCapacity,
            UndeliveredSink undelivered, Clock clock) {
        if (destinations.stream().map(Destination::name).distinct().count() < destinations.size()) {
            throw new IllegalArgumentException("destination names must be unique, got "
                    + destinations.stream().map(Destination::name).toList());
        }
        for (Destination d : destinations) {
            this.destinations.put(d.name(), d);
            this.senders.put(d.name(), Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "verity-deliver-" + d.name());
                t.setDaemon(true);
                return t;
            }));
        }
        this.retry = retry;
        this.delivered = new RecentIds(recentCapacity * Math.max(1, destinations.size()));
        this.undelivered = undelivered;
        this.clock = clock;
    }

    public List<Destination> destinations() {
        return List.copyOf(destinations.values());
    }

    /** Delivers the alert to every destination and says what happened at each, in destination order. */
    public List<Delivery> dispatch(Alert alert) {
        return dispatch(alert, destinations.keySet(), null, Map.of());
    }

    /**
     * Delivers the alert of an incident to every destination, into the incident's thread there.
     *
     * @see #dispatch(Alert, Collection, String, Map)
     */
    public List<Delivery> dispatch(Alert alert, String incident, Map<String, String> references) {
        return dispatch(alert, destinations.keySet(), incident, references);
    }

    /**
     * Delivers the alert to the named destinations (others are left out; an unknown name is an error), into the
     * incident's thread when {@code incident} is given ({@code references}: what each destination returned for the
     * thread's previous message, by destination name, as {@link Delivery#thread()} gave it; absent for the first), and
     * says what happened at each, in the dispatcher's order.
     */
    public List<Delivery> dispatch(Alert alert, Collection<String> to, String incident, Map<String, String> references) {
        for (String name : to) {
            if (!destinations.containsKey(name)) {
                throw new IllegalArgumentException("no destination named " + name + "; known: " + destinations.keySet());
            }
        }
        List<Future<Delivery>> pending = new ArrayList<>();
        for (Destination destination : destinations.values()) {
            if (!to.contains(destination.name())) continue;
            Destination.IncidentThread thread = incident == null ? null
                    : Destination.IncidentThread.of(incident, references.get(destination.name()));
            pending.add(senders.get(destination.name()).submit(() -> deliver(alert, destination, thread)));
        }
        List<Delivery> result = new ArrayList<>();
        for (Future<Delivery> f : pending) {
            try {
                result.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while delivering " + alert.where(), e);
            } catch (ExecutionException e) {
                // the undelivered sink could not take a report: the alert is not handled, the caller must not commit
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return result;
    }

    private Delivery deliver(Alert alert, Destination destination, Destination.IncidentThread thread) {
        String key = destination.name() + "/" + alert.eventId();
        if (!delivered.add(key)) {
            return new Delivery(destination.name(), destination.channel(), Delivery.Outcome.DUPLICATE, 0, null, null);
        }
        AtomicInteger attempts = new AtomicInteger();
        String error;
        try {
            String reference = retry.run(destination.name(), () -> {
                attempts.incrementAndGet();
                if (thread == null) {
                    destination.deliver(alert);
                    return null;
                }
                return destination.deliver(alert, thread);
            });
            return new Delivery(destination.name(), destination.channel(), Delivery.Outcome.DELIVERED, attempts.get(),
                    null, thread == null ? reference : Destination.IncidentThread.keep(reference, thread.shared()));
        } catch (DeliveryException e) {
            error = e.getMessage() + (!e.isTransient() ? " (permanent; not retried)"
                    : " (gave up after " + attempts.get() + " attempt" + (attempts.get() == 1 ? "" : "s") + ")");
        } catch (RuntimeException e) {
            error = "unexpected failure delivering to " + destination.describe() + ": " + e;
        }
        delivered.remove(key);
        undelivered.report(new Undelivered(alert, destination.name(), destination.channel(), destination.describe(),
                attempts.get(), error, clock.instant()));
        return new Delivery(destination.name(), destination.channel(), Delivery.Outcome.UNDELIVERED, attempts.get(),
                error, null);
    }

    /** Stops the destinations' threads. */
    @Override
    public void close() {
        senders.values().forEach(ExecutorService::shutdownNow);
    }
}
