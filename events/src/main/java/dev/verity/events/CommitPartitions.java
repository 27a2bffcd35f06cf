package dev.verity.events;

import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a repository's records go on {@code verity.commits}: they are keyed by the repository's {@link RepoIdentity}
 * ({@link CommitPushed#key()}, {@link RefDeleted#key()}), so every delivery for one repository lands on one partition
 * whatever URL form the forge or the configuration used, and the renderer replica assigned that partition is the one
 * that renders (and polls) the repository.
 *
 * <p>{@link #of} computes the partition as Kafka's default partitioner does for a keyed record: murmur2 over the
 * key's bytes (UTF-8, as {@code StringSerializer} writes them), made positive, modulo the partition count. It holds as
 * long as the producer uses the default partitioner (the receiver sets no {@code partitioner.class}) and the topic's
 * partition count is the one given.
 */
public final class CommitPartitions {

    private CommitPartitions() {
    }

    /** Keys already worked out, by URL: a producer sends many events about a few repositories. */
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();
    /** Past this many URLs the cache starts again (memory stays bounded whatever URLs a producer sees). */
    static final int CACHED_KEYS = 4096;

    /**
     * The record key of every commit event about the repository {@code url} names: its {@link RepoIdentity} (parsing
     * the URL each time was a fiftieth of the receiver's CPU per push, so keys are cached by URL).
     */
    public static String key(String url) {
        String key = url == null ? null : KEYS.get(url);
        if (key != null) return key;
        key = RepoIdentity.of(url); // a URL naming no repository throws, and is not cached
        if (KEYS.size() >= CACHED_KEYS) KEYS.clear();
        KEYS.put(url, key);
        return key;
    }

    /** {@link #key}, or the URL as given when it names no repository (such a record is skipped by the renderer). */
    static String keyOrUrl(String url) {
        try {
            return key(url);
        } catch (IllegalArgumentException e) {
            return RepoIdentity.redact(url);
        }
    }

    /**
     * The partition of {@code verity.commits} (with {@code partitions} partitions) that Kafka's default partitioner
     * chooses for the repository {@code url} names.
     *
     * @throws IllegalArgumentException when {@code url} names no repository or {@code partitions} is below 1
     */
    public static int of(String url, int partitions) {
        if (partitions < 1) throw new IllegalArgumentException("verity.commits has " + partitions + " partitions; it needs at least 1");
        return Utils.toPositive(Utils.murmur2(key(url).getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
