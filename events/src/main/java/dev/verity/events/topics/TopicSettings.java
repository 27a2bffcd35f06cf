package dev.verity.events.topics;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Function;

/**
 * The deployment's choices for topic provisioning, read from the same properties by every service:
 * <ul>
 *   <li>{@code verity.topics.partitions} (default {@value #DEFAULT_PARTITIONS}): the one partition count of every
 *       topic keyed by target ({@code verity.desired.*}, {@code verity.applied.*}, {@code verity.rollout},
 *       {@code verity.drift}, {@code verity.incidents}, {@code verity.undelivered} and their dead-letter topics);</li>
 *   <li>{@code verity.topics.commit-partitions} (default {@value #DEFAULT_PARTITIONS}): {@code verity.commits}
 *       (keyed by repository; the renderer's replicas share its partitions);</li>
 *   <li>{@code verity.topics.timeout} (default 30s): how long one provisioning step may take.</li>
 * </ul>
 * Raising a count later is safe to provision (partitions are only ever added), but moves keys to other partitions:
 * do it while producers are stopped if the order of one target's events matters across the change.
 */
public record TopicSettings(int partitions, int commitPartitions, Duration timeout) {

    public static final int DEFAULT_PARTITIONS = 6;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final TopicSettings DEFAULTS = new TopicSettings(DEFAULT_PARTITIONS, DEFAULT_PARTITIONS, DEFAULT_TIMEOUT);

    public TopicSettings {
        if (partitions < 1) throw new IllegalArgumentException("verity.topics.partitions must be at least 1, not " + partitions);
        if (commitPartitions < 1) {
            throw new IllegalArgumentException("verity.topics.commit-partitions must be at least 1, not " + commitPartitions);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("verity.topics.timeout must be positive, not " + timeout);
        }
    }

    /**
     * The settings from a service's configuration ({@code property -> value}); absent properties take their default.
     *
     * @throws IllegalArgumentException naming the property and its value when one is not valid
     */
    public static TopicSettings from(Function<String, Optional<String>> config) {
        return new TopicSettings(
                count(config, "verity.topics.partitions"),
                count(config, "verity.topics.commit-partitions"),
                config.apply("verity.topics.timeout").map(v -> duration("verity.topics.timeout", v)).orElse(DEFAULT_TIMEOUT));
    }

    private static int count(Function<String, Optional<String>> config, String property) {
        Optional<String> value = config.apply(property);
        if (value.isEmpty() || value.get().isBlank()) return DEFAULT_PARTITIONS;
        try {
            int n = Integer.parseInt(value.get().trim());
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(property + "=" + value.get() + " is not a partition count: set a whole"
                + " number of at least 1 (default " + DEFAULT_PARTITIONS + ")");
    }

    private static Duration duration(String property, String value) {
        String v = value.trim();
        try {
            if (v.matches("\\d+")) return Duration.ofSeconds(Long.parseLong(v));
            if (v.matches("\\d+ms")) return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            if (v.matches("\\d+[smh]")) return Duration.parse("PT" + v.toUpperCase());
            return Duration.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(property + "=" + value + " is not a duration: write e.g. 30s, 2m or PT30S");
        }
    }
}
