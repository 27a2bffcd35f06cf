package dev.verity.notifier.delivery;

/**
 * What happened to one alert at one destination.
 *
 * @param destination the destination's name ({@code slack}, {@code email})
 * @param outcome     delivered, skipped as a duplicate, or undelivered
 * @param attempts    how many times delivery was tried (0 for a duplicate)
 * @param error       why it was not delivered, or null
 */
public record Delivery(String destination, Outcome outcome, int attempts, String error) {

    public enum Outcome {
        DELIVERED,
        /** the same event was already delivered to this destination */
        DUPLICATE,
        /** every attempt failed, or the failure was permanent; reported as {@link Undelivered} */
        UNDELIVERED
    }
}
