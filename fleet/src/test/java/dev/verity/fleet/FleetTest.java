package dev.verity.fleet;

import dev.verity.events.Applied;
import dev.verity.events.ApplyCounts;
import dev.verity.events.ApplyFailed;
import dev.verity.events.Degraded;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.DriftResolved;
import dev.verity.events.EventCodec;
import dev.verity.events.Healthy;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FleetTest {

    static final String REPO = "https://git.example.com/acme/gitops";
    static final String C1 = "1111111111111111111111111111111111111111";
    static final String C2 = "2222222222222222222222222222222222222222";
    static final TargetKey SHOP = new TargetKey("prod", "shop", "prod");
    static final TargetKey CART = new TargetKey("prod", "cart", "prod");
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop", "web");

    private final Fleet fleet = new Fleet();
    private long offset;
    private Instant now = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void aTargetIsPendingUntilAppliedAtItsDigestThenSyncedAndHealthy() {
        DesiredState d1 = desired(SHOP, C1, "a: 1");
        put(Topics.desired("prod"), d1);
        assertThat(only().sync()).isEqualTo("Pending");
        assertThat(only().syncDetail()).isEqualTo("not applied yet");
        put(Topics.ROLLOUT, new Applied(SHOP, REPO, C1, d1.digest(), List.of(WEB), new ApplyCounts(1, 0, 0, 0, 0)));
        assertThat(only().sync()).isEqualTo("Synced");
        assertThat(only().health()).isEqualTo("Unknown");
        put(Topics.ROLLOUT, new Healthy(SHOP, REPO, C1, d1.digest(), List.of(WEB), now));
        assertThat(only()).extracting(TargetStatus::sync, TargetStatus::health, TargetStatus::appliedCommit, TargetStatus::commit)
                .containsExactly("Synced", "Healthy", C1, C1);

        // a new commit: pending again, and the old health verdict is not this digest's
        DesiredState d2 = desired(SHOP, C2, "a: 2");
        put(Topics.desired("prod"), d2);
        assertThat(only()).extracting(TargetStatus::sync, TargetStatus::health, TargetStatus::appliedCommit)
                .containsExactly("Pending", "Unknown", C1);
        assertThat(only().syncDetail()).isEqualTo("commit 222222222222 not applied yet");
        put(Topics.ROLLOUT, new ApplyFailed(SHOP, REPO, C2, d2.digest(), WEB, "Deployment shop/web: field is immutable"));
        assertThat(only()).extracting(TargetStatus::sync, TargetStatus::syncDetail)
                .containsExactly("Failed", "Deployment shop/web: field is immutable");
    }

    @Test
    void openDriftMakesASyncedTargetOutOfSyncUntilResolved() {
        DesiredState d = desired(SHOP, C1, "a: 1");
        put(Topics.desired("prod"), d);
        put(Topics.ROLLOUT, new Applied(SHOP, REPO, C1, d.digest(), List.of(WEB), new ApplyCounts(1, 0, 0, 0, 0)));
        put(Topics.DRIFT, new DriftDetected(SHOP, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "7"));
        assertThat(only().sync()).isEqualTo("OutOfSync");
        assertThat(only().drift()).containsExactly("Deployment shop/web: spec.replicas");
        put(Topics.DRIFT, new DriftResolved(SHOP, REPO, C1, WEB, "8"));
        assertThat(only().sync()).isEqualTo("Synced");
        assertThat(only().drift()).isEmpty();
    }

    @Test
    void degradedHealthAndIncidentsAreShownWithTheirReasons() {
        DesiredState d = desired(SHOP, C1, "a: 1");
        put(Topics.desired("prod"), d);
        put(Topics.ROLLOUT, new Applied(SHOP, REPO, C1, d.digest(), List.of(WEB), new ApplyCounts(1, 0, 0, 0, 0)));
        put(Topics.ROLLOUT, new Degraded(SHOP, REPO, C1, d.digest(), "Deployment shop/web: ProgressDeadlineExceeded", List.of(), false));
        fleet.accept(new TopicReader.Record(Topics.INCIDENTS, 0, offset++, SHOP + "#DEGRADED",
                "{\"status\":\"OPEN\",\"openedAt\":\"2026-12-06T10:00:00Z\",\"alert\":{\"title\":\"shop is degraded\"},\"future\":1}", 0));
        assertThat(only().health()).isEqualTo("Degraded");
        assertThat(only().healthDetail()).contains("ProgressDeadlineExceeded");
        assertThat(only().incidents()).containsExactly("DEGRADED since 2026-12-06T10:00:00Z: shop is degraded");
        fleet.accept(new TopicReader.Record(Topics.INCIDENTS, 0, offset++, SHOP + "#DEGRADED",
                "{\"status\":\"RESOLVED\",\"openedAt\":\"2026-12-06T10:00:00Z\",\"alert\":{\"title\":\"shop is degraded\"}}", 0));
        assertThat(only().incidents()).isEmpty();
    }

    @Test
    void aRenderFailureAfterTheLastRenderShowsUntilTheRepositoryRendersAgain() {
        put(Topics.desired("prod"), desired(SHOP, C1, "a: 1"));
        put(Topics.desired("prod"), desired(CART, C1, "b: 1"));
        put(Topics.ROLLOUT, new RenderFailed(null, REPO, C2, null, "cannot fetch refs/heads/main"));
        assertThat(fleet.status()).extracting(TargetStatus::sync).containsExactly("RenderFailed", "RenderFailed");
        assertThat(fleet.status().get(0).syncDetail()).isEqualTo("commit 222222222222: cannot fetch refs/heads/main");
        put(Topics.desired("prod"), desired(CART, C2, "b: 2"));
        assertThat(fleet.status()).extracting(TargetStatus::sync).containsExactly("Pending", "Pending");

        put(Topics.ROLLOUT, new RenderFailed(SHOP, REPO, C2, "apps/shop/overlays/prod", "kustomization.yaml: unknown field 'resorces'"));
        assertThat(fleet.status()).extracting(TargetStatus::target, TargetStatus::sync)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("prod/cart/prod", "Pending"),
                        org.assertj.core.groups.Tuple.tuple("prod/shop/prod", "RenderFailed"));
    }

    @Test
    void aTombstoneRemovesTheTargetAndUnreadableRecordsAreCountedNotFatal() {
        put(Topics.desired("prod"), desired(SHOP, C1, "a: 1"));
        fleet.accept(new TopicReader.Record(Topics.ROLLOUT, 0, offset++, SHOP.toString(), "not json", 0));
        fleet.accept(new TopicReader.Record(Topics.ROLLOUT, 0, offset++, SHOP.toString(),
                "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/future\",\"type\":\"dev.verity.rollout.teleported.v9\",\"data\":{}}", 0));
        assertThat(fleet.status()).hasSize(1);
        assertThat(fleet.skipped()).isEqualTo(2);
        fleet.accept(new TopicReader.Record(Topics.desired("prod"), 0, offset++, SHOP.toString(), null, 0));
        assertThat(fleet.status()).isEmpty();
    }

    @Test
    void eachTargetKeepsItsDriftAndIncidentHistoryInTimeOrderWithoutRepeats() {
        DesiredState d = desired(SHOP, C1, "a: 1");
        put(Topics.desired("prod"), d);
        put(Topics.desired("prod"), desired(CART, C1, "b: 1"));
        put(Topics.ROLLOUT, new Applied(SHOP, REPO, C1, d.digest(), List.of(WEB), new ApplyCounts(1, 0, 0, 0, 0)));
        put(Topics.DRIFT, new DriftDetected(SHOP, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "7"));
        String open = "{\"status\":\"OPEN\",\"openedAt\":\"2026-12-06T10:00:03Z\",\"changedAt\":\"2026-12-06T10:00:03Z\","
                + "\"commit\":\"" + C1 + "\",\"alert\":{\"title\":\"Drift: Deployment shop/web was changed outside Git\"}}";
        incident(SHOP + "#DRIFT", open);
        // written again when only its Slack thread was recorded: the same line, not a second one
        incident(SHOP + "#DRIFT", open.replace("}}", "},\"threads\":{\"slack\":\"C1/1.2\"}}"));
        put(Topics.DRIFT, new DriftResolved(SHOP, REPO, C1, WEB, "8"));
        incident(SHOP + "#DRIFT", "{\"status\":\"RESOLVED\",\"openedAt\":\"2026-12-06T10:00:03Z\",\"changedAt\":\"2026-12-06T10:00:06Z\","
                + "\"resolvedAt\":\"2026-12-06T10:00:06Z\",\"commit\":\"" + C1 + "\",\"alert\":{\"title\":\"Drift resolved\"}}");

        assertThat(fleet.history(SHOP)).extracting(EventLine::time, EventLine::type, EventLine::summary).containsExactly(
                org.assertj.core.groups.Tuple.tuple("2026-12-06T10:00:03Z", "incident", "incident DRIFT open: Drift: Deployment shop/web was changed outside Git"),
                org.assertj.core.groups.Tuple.tuple("2026-12-06T10:00:04Z", "dev.verity.drift.detected.v1", "drift MODIFIED Deployment shop/web: spec.replicas"),
                org.assertj.core.groups.Tuple.tuple("2026-12-06T10:00:05Z", "dev.verity.drift.resolved.v1", "drift resolved Deployment shop/web"),
                org.assertj.core.groups.Tuple.tuple("2026-12-06T10:00:06Z", "incident", "incident DRIFT resolved: Drift resolved"));
        assertThat(fleet.history(SHOP).get(1).commit()).isEqualTo("111111111111");
        assertThat(fleet.history(CART)).as("another target's history").isEmpty();
        assertThat(fleet.history(new TargetKey("prod", "nope", "prod"))).isEmpty();
    }

    @Test
    void historyKeepsTheNewestLinesUpToItsLimit() {
        Fleet small = new Fleet(2);
        for (int i = 1; i <= 3; i++) {
            now = now.plusSeconds(1);
            VerityEvent drift = new DriftDetected(SHOP, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas=" + i), String.valueOf(i));
            small.accept(new TopicReader.Record(Topics.DRIFT, 0, offset++, drift.key(),
                    new EventCodec(Clock.fixed(now, ZoneOffset.UTC)).encode(drift), now.toEpochMilli()));
        }
        assertThat(small.history(SHOP)).extracting(EventLine::summary).containsExactly(
                "drift MODIFIED Deployment shop/web: spec.replicas=2", "drift MODIFIED Deployment shop/web: spec.replicas=3");
        assertThat(new Fleet(0)).satisfies(f -> {
            f.accept(new TopicReader.Record(Topics.DRIFT, 0, 0, SHOP.toString(), new EventCodec().encode(
                    new DriftDetected(SHOP, REPO, C1, WEB, DriftKind.MODIFIED, List.of("x"), "1")), 0));
            assertThat(f.history(SHOP)).isEmpty();
        });
    }

    private void incident(String key, String json) {
        fleet.accept(new TopicReader.Record(Topics.INCIDENTS, 0, offset++, key, json, 0));
    }

    private TargetStatus only() {
        assertThat(fleet.status()).hasSize(1);
        return fleet.status().get(0);
    }

    private DesiredState desired(TargetKey target, String commit, String doc) {
        return DesiredState.of(target, REPO, commit, "apps/" + target.app() + "/overlays/" + target.env(), Policy.DEFAULT, List.of(doc));
    }

    private void put(String topic, VerityEvent event) {
        now = now.plusSeconds(1);
        String json = new EventCodec(Clock.fixed(now, ZoneOffset.UTC)).encode(event);
        fleet.accept(new TopicReader.Record(topic, 0, offset++, event.key(), json, now.toEpochMilli()));
    }
}
