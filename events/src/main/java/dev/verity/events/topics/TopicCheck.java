package dev.verity.events.topics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares an existing topic with its {@link TopicSpec}: which settings differ (each with the command that fixes it)
 * and whether partitions must be added. Plain values in, plain values out.
 */
final class TopicCheck {

    private TopicCheck() {
    }

    /** What an existing topic needs. */
    record Verdict(List<String> problems, boolean addPartitions) {
    }

    /**
     * @param partitions the topic's partition count
     * @param configs    the topic's effective settings (topic-level or the broker's default) for the keys the spec names
     */
    static Verdict check(TopicSpec spec, int partitions, Map<String, String> configs) {
        List<String> problems = new ArrayList<>();
        boolean add = false;
        if (partitions < spec.partitions()) {
            if (spec.exactPartitions()) {
                problems.add("has " + partitions + " partitions, needs exactly " + spec.partitions());
            } else {
                add = true;
            }
        } else if (partitions > spec.partitions()) {
            problems.add(spec.exactPartitions()
                    ? "has " + partitions + " partitions, needs exactly " + spec.partitions()
                            + " (partitions cannot be removed: delete the topic while no replica runs; it is"
                            + " re-created on the next start)"
                    : "has " + partitions + " partitions, more than the " + spec.partitions() + " planned (partitions"
                            + " are never removed; set verity.topics." + (spec.name().equals("verity.commits")
                            || spec.name().equals("verity.commits.dlq") ? "commit-partitions" : "partitions") + "="
                            + partitions + " on every service so that topics keyed alike keep one count)");
        }
        for (Map.Entry<String, String> want : spec.sortedConfigs().entrySet()) {
            String actual = configs.get(want.getKey());
            if (!same(want.getKey(), want.getValue(), actual)) {
                problems.add(want.getKey() + " is " + (actual == null ? "unset" : "'" + actual + "'") + ", needs '"
                        + want.getValue() + "' (kafka-configs.sh --bootstrap-server <broker> --alter --entity-type"
                        + " topics --entity-name " + spec.name() + " --add-config " + want.getKey() + "="
                        + (want.getValue().contains(",") ? "[" + want.getValue() + "]" : want.getValue()) + ")");
            }
        }
        return new Verdict(problems, add);
    }

    private static boolean same(String key, String want, String actual) {
        if (actual == null) return false;
        if (key.equals("cleanup.policy")) return words(want).equals(words(actual));
        return want.trim().equalsIgnoreCase(actual.trim());
    }

    private static Set<String> words(String list) {
        Set<String> words = new TreeSet<>();
        Arrays.stream(list.split(",")).map(String::trim).filter(w -> !w.isEmpty()).forEach(words::add);
        return words;
    }
}
