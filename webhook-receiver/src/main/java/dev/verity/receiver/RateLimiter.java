package dev.verity.receiver;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (a repository id, a client address): each key may spend {@code burst} requests at once and
 * regains {@code perSecond} of them every second. Keeps no more than {@code maxKeys} buckets: past that, buckets
 * that are full again (their key has been quiet long enough) are forgotten, and if every bucket is still in use they
 * are all forgotten, so that many addresses can make the limiter lenient but never refuse a key it has not seen
 * spend. Thread-safe; makes no outbound call; the clock is a nanosecond source so tests can drive it.
 */
public final class RateLimiter {

    /** {@code perSecond} tokens regained per second, at most {@code burst} held; both positive. */
    public record Limit(double perSecond, int burst) {
        public Limit {
            if (!(perSecond > 0) || burst < 1) {
                throw new IllegalArgumentException("a rate limit needs a rate above 0 and a burst of at least 1, not "
                        + perSecond + "/s burst " + burst);
            }
        }

        @Override
        public String toString() {
            return perSecond + "/s, burst " + burst;
        }
    }

    private final Limit limit;
    private final int maxKeys;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(Limit limit, int maxKeys, LongSupplier nanoTime) {
        if (maxKeys < 1) throw new IllegalArgumentException("maxKeys must be at least 1, not " + maxKeys);
        this.limit = limit;
        this.maxKeys = maxKeys;
        this.nanoTime = nanoTime;
    }

    public Limit limit() {
        return limit;
    }

    /**
     * Spends one token of {@code key}'s bucket.
     *
     * @return empty when the request may go ahead; else how long until a token is available again
     */
    public Optional<Duration> acquire(String key) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.get(key);
        if (bucket == null) {
            if (buckets.size() >= maxKeys) forgetQuietKeys(now);
            bucket = buckets.computeIfAbsent(key, k -> new Bucket(limit.burst(), now));
        }
        return bucket.take(limit, now);
    }

    /** How many keys are tracked now. */
    public int trackedKeys() {
        return buckets.size();
    }

    private void forgetQuietKeys(long now) {
        buckets.entrySet().removeIf(e -> e.getValue().fullAt(limit, now));
        if (buckets.size() >= maxKeys) buckets.clear();
    }

    private static final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        synchronized Optional<Duration> take(Limit limit, long now) {
            refill(limit, now);
            if (tokens >= 1) {
                tokens -= 1;
                return Optional.empty();
            }
            long waitNanos = (long) Math.ceil((1 - tokens) / limit.perSecond() * 1e9);
            return Optional.of(Duration.ofNanos(waitNanos));
        }

        synchronized boolean fullAt(Limit limit, long now) {
            refill(limit, now);
            return tokens >= limit.burst();
        }

        private void refill(Limit limit, long now) {
            long elapsed = now - updated;
            if (elapsed > 0) {
                tokens = Math.min(limit.burst(), tokens + elapsed / 1e9 * limit.perSecond());
                updated = now;
            }
        }
    }
}
