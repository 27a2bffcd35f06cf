package dev.verity.notifier.delivery;

import dev.verity.notifier.alert.Alert;

/** Somewhere alerts go: a Slack webhook, a list of e-mail recipients. */
public interface Destination {

    /** The channel name used for deduplication and reports: {@code slack}, {@code email}. */
    String name();

    /** Where it delivers, safe to log and publish (never a webhook's secret path or a password). */
    String describe();

    /** Delivers one alert, or throws saying whether trying again may help. */
    void deliver(Alert alert) throws DeliveryException;

    /**
     * Where an incident's messages are threaded at a destination.
     *
     * @param incident  the incident's id: a new thread's root is derived from it
     * @param reference what the destination returned for the thread's previous message, or null for its first
     */
    record IncidentThread(String incident, String reference) {
        public IncidentThread {
            java.util.Objects.requireNonNull(incident, "incident");
        }
    }

    /**
     * Delivers one alert into an incident's thread, and returns what to give with the thread's next message (null:
     * this destination does not thread). A destination that does not thread delivers it as {@link #deliver(Alert)}.
     */
    default String deliver(Alert alert, IncidentThread thread) throws DeliveryException {
        deliver(alert);
        return null;
    }
}
