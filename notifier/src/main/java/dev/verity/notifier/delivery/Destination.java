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
}
