package dev.verity.notifier.incident;

import java.time.Duration;
import java.util.Objects;

/**
 * How incidents are grouped, reminded and rate-limited.
 *
 * @param groupWindow      how long a new incident waits for others of the same commit before it is announced; those
 *                         opened within the window are announced together, as one summary with each in its thread
 * @param reminderInterval how often an incident still open is announced again
 * @param flapWindow       the period over which openings of one incident are counted
 * @param flapThreshold    how many openings within {@code flapWindow} make an incident flapping: then it is
 *                         announced once as flapping and its openings and resolutions are not announced one by one,
 *                         until it stays resolved for a whole {@code flapWindow}
 */
public record IncidentSettings(Duration groupWindow, Duration reminderInterval, Duration flapWindow, int flapThreshold) {

    public static final IncidentSettings DEFAULT =
            new IncidentSettings(Duration.ofSeconds(30), Duration.ofHours(4), Duration.ofHours(1), 4);

    public IncidentSettings {
        Objects.requireNonNull(groupWindow, "groupWindow");
        Objects.requireNonNull(reminderInterval, "reminderInterval");
        Objects.requireNonNull(flapWindow, "flapWindow");
        if (groupWindow.isNegative()) throw new IllegalArgumentException("the grouping window must not be negative");
        if (reminderInterval.isNegative() || reminderInterval.isZero()) {
            throw new IllegalArgumentException("the reminder interval must be positive");
        }
        if (flapThreshold < 2) throw new IllegalArgumentException("the flapping threshold must be at least 2 openings");
    }
}
