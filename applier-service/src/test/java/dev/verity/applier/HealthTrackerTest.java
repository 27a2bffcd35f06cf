package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.Degraded;
import dev.verity.events.Healthy;
import dev.verity.events.ObjectReason;
import dev.verity.events.ObjectRef;
import dev.verity.events.Progressing;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTrackerTest {

    static final TargetKey SHOP = TargetKey.parse("local/shop/prod");
    static final ObjectRef CONFIG = new ObjectRef("v1", "ConfigMap", "shop", "cfg");
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop", "web");
    static final ObjectRef JOB = new ObjectRef("batch/v1", "Job", "shop", "migrate");

    final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-05T10:00:00Z"));
    final HealthTracker tracker = new HealthTracker(now::get);
    final Map<ObjectRef, Map<String, Object>> cluster = new HashMap<>();
    final List<ObjectRef> reads = new java.util.ArrayList<>();

    Map<String, Object> read(ObjectRef o) {
        reads.add(o);
        return cluster.get(o);
    }

    static Applied applied(String commit, ObjectRef... objects) {
        return new Applied(SHOP, "https://git.example/g.git", commit, "sha256:" + commit, List.of(objects));
    }

    static Map<String, Object> deployment(int ready, int available) {
        return Map.of("apiVersion", "apps/v1", "kind", "Deployment", "metadata", Map.of("name", "web", "generation", 1),
                "spec", Map.of("replicas", 2), "status", Map.of("observedGeneration", 1, "replicas", 2,
                        "updatedReplicas", 2, "readyReplicas", ready, "availableReplicas", available));
    }

    List<TargetEvent> check() {
        return tracker.check(this::read).stream().map(HealthTracker.Transition::event).toList();
    }

    @Test
    void aTargetOfObjectsThatAreReadyOnceStoredIsHealthyAtOnceWithoutReadingThem() {
        List<HealthTracker.Transition> now = tracker.applied(applied("c1", CONFIG), Duration.ofMinutes(5));

        assertThat(now).singleElement().satisfies(t -> assertThat(t.event()).isInstanceOf(Healthy.class));
        assertThat(check()).isEmpty();
        assertThat(reads).isEmpty();
        assertThat(tracker.health(SHOP).orElseThrow().state()).isEqualTo(HealthTracker.State.HEALTHY);
    }

    @Test
    void progressingIsReportedOnceThenHealthyWhenTheRolloutIsDone() {
        tracker.applied(applied("c1", CONFIG, WEB), Duration.ofMinutes(5));
        cluster.put(WEB, deployment(1, 1));

        Progressing progressing = (Progressing) check().get(0);
        assertThat(progressing.notReady()).containsExactly(new ObjectReason(WEB, "Available: 1/2"));
        assertThat(progressing.since()).isEqualTo(Instant.parse("2026-12-05T10:00:00Z"));
        assertThat(progressing.deadline()).isEqualTo(Instant.parse("2026-12-05T10:05:00Z"));
        now.set(now.get().plusSeconds(2));
        assertThat(check()).as("still progressing: nothing new").isEmpty();
        assertThat(tracker.health(SHOP).orElseThrow().state()).isEqualTo(HealthTracker.State.PROGRESSING);

        cluster.put(WEB, deployment(2, 2));
        now.set(now.get().plusSeconds(2));
        List<HealthTracker.Transition> done = tracker.check(this::read);
        assertThat(done).singleElement().satisfies(t -> {
            assertThat(((Healthy) t.event()).checked()).containsExactly(WEB);
            assertThat(t.sinceApplied()).isEqualTo(Duration.ofSeconds(4));
        });
        assertThat(reads).as("the ConfigMap is never read").containsOnly(WEB);
        assertThat(check()).as("no longer followed").isEmpty();
    }

    @Test
    void aFailedObjectDegradesTheTargetNamingTheObjectAndItsCondition() {
        tracker.applied(applied("c1", WEB, JOB), Duration.ofMinutes(5));
        cluster.put(WEB, deployment(2, 2));
        cluster.put(JOB, Map.of("apiVersion", "batch/v1", "kind", "Job", "metadata", Map.of("name", "migrate"),
                "status", Map.of("conditions", List.of(Map.of("type", "Failed", "status", "True",
                        "reason", "BackoffLimitExceeded", "message", "Job has reached the specified backoff limit")))));

        Degraded degraded = (Degraded) check().get(0);

        assertThat(degraded.timedOut()).isFalse();
        assertThat(degraded.objects()).containsExactly(new ObjectReason(JOB,
                "Failed=True BackoffLimitExceeded: Job has reached the specified backoff limit"));
        assertThat(degraded.error()).startsWith("local/shop/prod@c1: 1 object(s) failed after the apply: Job shop/migrate:");
        assertThat(tracker.health(SHOP).orElseThrow().state()).isEqualTo(HealthTracker.State.DEGRADED);
    }

    @Test
    void objectsStillInProgressAfterTheHealthTimeoutDegradeTheTarget() {
        tracker.applied(applied("c1", WEB), Duration.ofSeconds(90));
        cluster.put(WEB, deployment(0, 0));
        assertThat(check()).singleElement().isInstanceOf(Progressing.class);

        now.set(now.get().plusSeconds(90));
        Degraded degraded = (Degraded) check().get(0);

        assertThat(degraded.timedOut()).isTrue();
        assertThat(degraded.error()).isEqualTo("local/shop/prod@c1: not ready after 1m30s (healthTimeout): Deployment"
                + " shop/web: Available: 0/2 (raise healthTimeout in verity.yaml if the rollout is slow)");
    }

    @Test
    void aDeposedApplierStopsFollowingAndForgetsOnlyTheHealthItDidNotKnowYet() {
        TargetKey db = TargetKey.parse("local/db/prod");
        tracker.applied(new Applied(db, "https://git.example/g.git", "d1", "sha256:d1", List.of(CONFIG)),
                Duration.ofMinutes(5));
        tracker.applied(applied("c1", WEB), Duration.ofMinutes(5));

        tracker.stopTracking();

        assertThat(tracker.tracked()).isEmpty();
        assertThat(tracker.health(SHOP)).as("in progress: unknown now").isEmpty();
        assertThat(tracker.health(db).orElseThrow().state()).isEqualTo(HealthTracker.State.HEALTHY);
        cluster.put(WEB, deployment(2, 2));
        assertThat(check()).isEmpty();
    }

    @Test
    void aNewerApplyReplacesTheTrackingAndAFailedApplyOrRemovalEndsIt() {
        tracker.applied(applied("c1", WEB), Duration.ofMinutes(5));
        tracker.applied(applied("c2", WEB), Duration.ofMinutes(5));
        cluster.put(WEB, deployment(2, 2));
        assertThat(check()).singleElement().satisfies(e -> assertThat(e.commit()).isEqualTo("c2"));

        tracker.applied(applied("c3", WEB), Duration.ofMinutes(5));
        tracker.applyFailed(new ApplyFailed(SHOP, "https://git.example/g.git", "c4", "sha256:c4", WEB, "refused"));
        assertThat(tracker.tracked()).isEmpty();
        assertThat(tracker.health(SHOP).orElseThrow()).extracting(HealthTracker.TargetHealth::state,
                HealthTracker.TargetHealth::commit).containsExactly(HealthTracker.State.APPLY_FAILED, "c4");

        tracker.applied(applied("c5", WEB), Duration.ofMinutes(5));
        tracker.forget(SHOP);
        assertThat(check()).isEmpty();
        assertThat(tracker.health(SHOP)).isEmpty();
    }
}
