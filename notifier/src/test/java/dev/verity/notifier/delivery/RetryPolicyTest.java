package dev.verity.notifier.delivery;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetryPolicyTest {

    private final RetryPolicy policy = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofMillis(200));

    @Test
    void waitsDoubleUpToTheMaximum() {
        assertThat(List.of(1, 2, 3, 4, 5)).map(policy::backoffAfter).containsExactly(Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void aRetryAfterLongerThanTheBackoffIsWaitedWithTheJitterOnTop() {
        DeliveryException limited = new DeliveryException("429", Duration.ofSeconds(3));
        assertThat(policy.delayAfter(1, limited)).isEqualTo(Duration.ofMillis(3200));
        assertThat(policy.delayAfter(4, limited)).as("the backoff is longer").isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.delayAfter(1, new DeliveryException("503", true))).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void nonsenseIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("maxAttempts must be at least 1");
        assertThatThrownBy(() -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("maxBackoff (PT1S) must be at least initialBackoff (PT2S)");
    }
}
