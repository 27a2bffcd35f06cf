package dev.verity.applier;

import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SelfHealLimitTest {

    static final TargetKey SHOP = TargetKey.parse("local/shop/prod");
    static final TargetKey BLOG = TargetKey.parse("local/blog/prod");

    Instant now = Instant.parse("2026-12-05T12:00:00Z");
    final SelfHealLimit limit = new SelfHealLimit(Duration.ofSeconds(10), () -> now);

    static DriftDetected drift(TargetKey target, String resourceVersion) {
        return new DriftDetected(target, "https://git.example/gitops.git", "c1",
                new ObjectRef("apps/v1", "Deployment", "shop", "web"), DriftKind.MODIFIED, List.of("spec.replicas"),
                resourceVersion);
    }

    @Test
    void aTargetIsHealedAtMostOncePerIntervalAndItsLatestDeferredDriftAfterwards() {
        assertThat(limit.tryNow(drift(SHOP, "1"))).isTrue();
        now = now.plusSeconds(3);
        assertThat(limit.tryNow(drift(SHOP, "2"))).isFalse();
        assertThat(limit.tryNow(drift(SHOP, "3"))).isFalse();
        assertThat(limit.tryNow(drift(BLOG, "1"))).isTrue(); // another target has its own limit

        now = now.plusSeconds(6);
        assertThat(limit.due()).isEmpty();
        now = now.plusSeconds(1);
        assertThat(limit.due()).extracting(DriftDetected::resourceVersion).containsExactly("3");
        assertThat(limit.due()).isEmpty();
        assertThat(limit.tryNow(drift(SHOP, "4"))).isFalse(); // the deferred heal just counted as one
    }
}
