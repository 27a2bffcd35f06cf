package dev.verity.notifier.delivery;

import dev.verity.notifier.alert.Alert;

/**
 * What happened to one alert at one destination.
 *
 * @param destination the destination's name ({@code slack}, {@code email}, {@code slack@prod})
 * @param channel     its kind of channel ({@code slack}, {@code email}, {@code webhook}): the metrics' tag
 * @param outcome     delivered, skipped as a duplicate, or undelivered
 * @param attempts    how many times delivery was tried (0 for a duplicate)
 * @param error       why it was not delivered, or null
 * @param thread      where the destination threaded it, to give with the next message of the same thread
 *                    ({@link Destination#deliver(Alert, Destination.IncidentThread)}); null when it does not thread
 */
public record Delivery(String destination, String channel, Outcome outcome, int attempts, String error, String thread) {

    /** Attempts that failed before the outcome (every attempt of an undelivered alert). */
    public int failedAttempts() {
        return switch (outcome) {
            case DELIVERED -> attempts - 1;
            case UNDELIVERED -> attempts;
            case DUPLICATE -> 0;
        };
    }

    public enum Outcome {
        DELIVERED,
        /** the same alert was already delivered to this destination */
        DUPLICATE,
        /** every attempt failed, or the failure was permanent; reported as {@link Undelivered} */
        UNDELIVERED
    }
}
