package dev.verity.events;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One app in one environment on one cluster: {@code cluster/app/env}. The unit of rendering, applying,
 * drift and alerts, and the Kafka key of every event about a target.
 */
public record TargetKey(String cluster, String app, String env) implements Comparable<TargetKey> {

    private static final Pattern SEGMENT = Pattern.compile("[a-z0-9]([-a-z0-9._]*[a-z0-9])?");

    public TargetKey {
        requireSegment("cluster", cluster);
        requireSegment("app", app);
        requireSegment("env", env);
    }

    /** Parses {@code cluster/app/env}. */
    public static TargetKey parse(String key) {
        Objects.requireNonNull(key, "target key");
        String[] parts = key.split("/", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException(
                    "target key '" + key + "' must have the form cluster/app/env (three segments separated by '/')");
        }
        return new TargetKey(parts[0], parts[1], parts[2]);
    }

    /** {@code cluster/app/env}@{@code commit}, the way logs and errors name a target at a commit. */
    public String at(String commit) {
        return this + "@" + shortSha(commit);
    }

    public static String shortSha(String commit) {
        return commit == null ? "?" : commit.length() > 12 ? commit.substring(0, 12) : commit;
    }

    @Override
    public String toString() {
        return cluster + "/" + app + "/" + env;
    }

    @Override
    public int compareTo(TargetKey o) {
        return toString().compareTo(o.toString());
    }

    private static void requireSegment(String what, String value) {
        if (value == null || !SEGMENT.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " '" + value
                    + "' is not a valid target segment: use lower-case letters, digits, '-', '.' or '_', starting and ending with a letter or digit");
        }
    }
}
