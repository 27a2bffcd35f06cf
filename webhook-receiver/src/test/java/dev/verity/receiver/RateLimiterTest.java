package dev.verity.receiver;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RateLimiter limiter(double perSecond, int burst, int maxKeys) {
        return new RateLimiter(new RateLimiter.Limit(perSecond, burst), maxKeys, now::get);
    }

    private void advance(Duration by) {
        now.addAndGet(by.toNanos());
    }

    @Test
    void aKeyMaySpendItsBurstAtOnceThenWaitsForTheRate() {
        RateLimiter limiter = limiter(2, 3, 100);
        for (int i = 0; i < 3; i++) assertThat(limiter.acquire("shop")).as("request %d", i).isEmpty();

        Optional<Duration> refused = limiter.acquire("shop");
        assertThat(refused).hasValue(Duration.ofMillis(500));

        advance(Duration.ofMillis(499));
        assertThat(limiter.acquire("shop")).hasValueSatisfying(d -> assertThat(d).isPositive().isLessThan(Duration.ofMillis(2)));
        advance(Duration.ofMillis(1));
        assertThat(limiter.acquire("shop")).isEmpty();
        assertThat(limiter.acquire("shop")).isPresent();
    }

    @Test
    void keysHaveTheirOwnBuckets() {
        RateLimiter limiter = limiter(1, 1, 100);
        assertThat(limiter.acquire("shop")).isEmpty();
        assertThat(limiter.acquire("shop")).isPresent();
        assertThat(limiter.acquire("blog")).isEmpty();
    }

    @Test
    void aQuietKeyRegainsNoMoreThanItsBurst() {
        RateLimiter limiter = limiter(10, 2, 100);
        limiter.acquire("shop");
        advance(Duration.ofHours(1));
        assertThat(limiter.acquire("shop")).isEmpty();
        assertThat(limiter.acquire("shop")).isEmpty();
        assertThat(limiter.acquire("shop")).isPresent();
    }

    @Test
    void refusedRequestsDoNotSpendTokens() {
        RateLimiter limiter = limiter(1, 1, 100);
        limiter.acquire("shop");
        for (int i = 0; i < 50; i++) limiter.acquire("shop");
        advance(Duration.ofSeconds(1));
        assertThat(limiter.acquire("shop")).isEmpty();
    }

    @Test
    void manyKeysForgetTheQuietOnesFirstAndNeverExceedTheCap() {
        RateLimiter limiter = limiter(1, 1, 3);
        limiter.acquire("a");
        advance(Duration.ofSeconds(2)); // a is full again
        limiter.acquire("b");
        limiter.acquire("c");
        limiter.acquire("d"); // evicts a, the only full bucket
        assertThat(limiter.trackedKeys()).isEqualTo(3);
        assertThat(limiter.acquire("b")).as("b still remembered as spent").isPresent();

        for (int i = 0; i < 100; i++) limiter.acquire("flood-" + i);
        assertThat(limiter.trackedKeys()).isLessThanOrEqualTo(3);
        assertThat(limiter.acquire("new")).as("a key never seen is not refused").isEmpty();
    }

    @Test
    void aLimitMustAllowSomething() {
        assertThatThrownBy(() -> new RateLimiter.Limit(0, 10)).hasMessageContaining("rate above 0");
        assertThatThrownBy(() -> new RateLimiter.Limit(5, 0)).hasMessageContaining("burst of at least 1");
    }
}
