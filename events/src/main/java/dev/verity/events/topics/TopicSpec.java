package dev.verity.events.topics;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One topic as Verity needs it: its name, its partition count and the topic-level settings it must have
 * (cleanup policy, retention, compression, message size). Settings it does not name are the broker's defaults.
 *
 * @param purpose what the topic holds, for reports and error messages
 * @param exactPartitions true for control topics whose meaning depends on the count (a leader topic has exactly one)
 */
public record TopicSpec(String name, int partitions, boolean exactPartitions, Map<String, String> configs,
        String purpose) {

    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) throw new IllegalArgumentException(name + ": partitions must be at least 1, not " + partitions);
        configs = Map.copyOf(configs);
        Objects.requireNonNull(purpose, "purpose");
    }

    /** The settings in name order, as reports list them. */
    public Map<String, String> sortedConfigs() {
        return new TreeMap<>(configs);
    }
}
