package dev.verity.notifier.delivery;

import dev.verity.notifier.alert.Alert;

/** Somewhere alerts go: a Slack channel, a list of e-mail recipients, a webhook URL. */
public interface Destination {

    /**
     * The destination's name, unique among the dispatcher's: deduplication, thread references and reports use it
     * ({@code slack}, {@code email}, {@code webhook} for the default route; {@code slack@<route>} and so on for others).
     */
    String name();

    /** The kind of channel: {@code slack}, {@code email} or {@code webhook} (a small closed set: a metrics tag). */
    String channel();

    /** Where it delivers, safe to log and publish (never a webhook's secret path or a password). */
    String describe();

    /** Delivers one alert, or throws saying whether trying again may help. */
    void deliver(Alert alert) throws DeliveryException;

    /**
     * Where an incident's messages are threaded at a destination.
     *
     * @param incident  the incident's id: a new thread's root is derived from it
     * @param reference what the destination returned for the thread's previous message, or null for its first
     * @param shared    whether the thread is shared with other incidents (a grouped announcement's): then its first
     *                  message is the group's summary, which one incident's message must not replace
     */
    record IncidentThread(String incident, String reference, boolean shared) {
        /** How a shared thread's reference is kept (in front of what the destination returned). */
        static final String SHARED = "shared ";

        public IncidentThread {
            java.util.Objects.requireNonNull(incident, "incident");
        }

        public IncidentThread(String incident, String reference) {
            this(incident, reference, false);
        }

        /** The thread a kept reference names (one {@link #keep kept} as shared is shared). */
        public static IncidentThread of(String incident, String kept) {
            if (kept != null && kept.startsWith(SHARED)) return new IncidentThread(incident, kept.substring(SHARED.length()), true);
            return new IncidentThread(incident, kept, false);
        }

        /** What to keep of a reference the destination returned, to give {@link #of} with the next message. */
        public static String keep(String reference, boolean shared) {
            return reference == null || !shared ? reference : SHARED + reference;
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
