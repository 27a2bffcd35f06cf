package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.DesiredState;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.kube.ApplyResult;
import dev.verity.kube.ApplyStep;
import dev.verity.kube.ObjectOutcome;
import dev.verity.kube.Outcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TargetReconcilerTest {

    static final TargetKey SHOP = TargetKey.parse("local/shop/prod");
    static final ObjectRef CM = new ObjectRef("v1", "ConfigMap", "shop", "cfg");

    final List<TargetEvent> published = new ArrayList<>();

    static DesiredState desired(TargetKey target, String commit, Policy policy, String doc) {
        return DesiredState.of(target, "https://git.example/gitops.git", commit, "apps/shop/overlays/prod", policy,
                List.of(doc));
    }

    static final Function<DesiredState, ApplyResult> SUCCEEDS = d -> ApplyResult.succeeded(d.target(), d.commit(),
            d.digest(), List.of(new ObjectOutcome(CM, Outcome.CREATED, "")));
    static final Function<DesiredState, ApplyResult> FAILS = d -> ApplyResult.notWritten(d.target(), d.commit(),
            d.digest(), List.of(CM), ApplyStep.CHECK_OWNERSHIP, CM, "owned by local/blog/prod");

    @Test
    void publishesAppliedWithTheObjectsCommitAndDigest() {
        TargetReconciler reconciler = new TargetReconciler("local", SUCCEEDS, published::add);
        DesiredState d = desired(SHOP, "c1", Policy.DEFAULT, "a: 1");

        reconciler.reconcile(d);

        assertThat(published).containsExactly(new Applied(SHOP, d.repo(), "c1", d.digest(), List.of(CM)));
    }

    @Test
    void theSameDigestAgainPublishesNothing() {
        TargetReconciler reconciler = new TargetReconciler("local", SUCCEEDS, published::add);
        reconciler.reconcile(desired(SHOP, "c1", Policy.DEFAULT, "a: 1"));

        TargetReconciler.Reconciliation again = reconciler.reconcile(desired(SHOP, "c1", Policy.DEFAULT, "a: 1"));
        reconciler.reconcile(desired(SHOP, "c2", Policy.DEFAULT, "a: 2"));

        assertThat(again).isInstanceOf(TargetReconciler.Reconciliation.Skipped.class);
        assertThat(published).extracting(TargetEvent::commit).containsExactly("c1", "c2");
    }

    @Test
    void aFailedDigestIsTriedAgainAndReportedAgain() {
        TargetReconciler reconciler = new TargetReconciler("local", FAILS, published::add);
        reconciler.reconcile(desired(SHOP, "c1", Policy.DEFAULT, "a: 1"));
        reconciler.reconcile(desired(SHOP, "c1", Policy.DEFAULT, "a: 1"));

        assertThat(published).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(ApplyFailed.class,
                f -> assertThat(f.object()).isEqualTo(CM)));
    }

    @Test
    void suspendedTargetsAndOtherClustersTargetsAreNotApplied() {
        TargetReconciler reconciler = new TargetReconciler("local", SUCCEEDS, published::add);
        Policy suspended = new Policy(true, true, false, true, false, List.of());

        var s = reconciler.reconcile(desired(SHOP, "c1", suspended, "a: 1"));
        var o = reconciler.reconcile(desired(TargetKey.parse("prod-eu/shop/prod"), "c1", Policy.DEFAULT, "a: 1"));

        assertThat(published).isEmpty();
        assertThat(((TargetReconciler.Reconciliation.Skipped) s).reason()).contains("suspended");
        assertThat(((TargetReconciler.Reconciliation.Skipped) o).reason()).contains("cluster prod-eu");
    }

    @Test
    void aDigestIsOnlyRememberedOncePublishedAndForgottenWhenTheTargetLeaves() {
        List<TargetEvent> kafka = new ArrayList<>();
        boolean[] kafkaDown = {true};
        TargetReconciler reconciler = new TargetReconciler("local", SUCCEEDS, e -> {
            if (kafkaDown[0]) throw new IllegalStateException("broker down");
            kafka.add(e);
        });
        DesiredState d = desired(SHOP, "c1", Policy.DEFAULT, "a: 1");

        assertThatThrownBy(() -> reconciler.reconcile(d)).hasMessage("broker down");
        kafkaDown[0] = false;
        reconciler.reconcile(d);
        reconciler.forget(SHOP);
        reconciler.reconcile(d);

        assertThat(kafka).hasSize(2);
    }

    static final TargetKey OLD = TargetKey.parse("local/old/prod");

    /** A test double of the applier: the new target waits for the old one until the old one has been applied. */
    final class MovingObject implements Function<DesiredState, ApplyResult> {
        boolean oldCaughtUp;

        @Override
        public ApplyResult apply(DesiredState d) {
            if (d.target().equals(OLD)) {
                oldCaughtUp = true;
                return SUCCEEDS.apply(d);
            }
            return oldCaughtUp ? SUCCEEDS.apply(d) : FAILS.apply(d).waitingFor(OLD);
        }
    }

    @Test
    void aDesiredStateWaitingForTheTargetAnObjectLeavesIsHeldAndAppliedRightAfterIt() {
        List<TargetReconciler.Reconciliation> retried = new ArrayList<>();
        MovingObject moving = new MovingObject();
        TargetReconciler reconciler = new TargetReconciler("local", (d, over) -> moving.apply(d), published::add, retried::add,
                java.time.Duration.ofSeconds(60), java.time.InstantSource.system());

        var first = reconciler.reconcile(desired(SHOP, "c2", Policy.DEFAULT, "a: 1"));
        assertThat(first).isInstanceOf(TargetReconciler.Reconciliation.Skipped.class);
        assertThat(published).isEmpty();
        assertThat(reconciler.held()).containsExactly(SHOP);

        reconciler.reconcile(desired(OLD, "c2", Policy.DEFAULT, "b: 1"));

        assertThat(published).extracting(e -> e.target() + " " + e.getClass().getSimpleName())
                .containsExactly("local/old/prod Applied", "local/shop/prod Applied");
        assertThat(retried).hasSize(1);
        assertThat(reconciler.held()).isEmpty();
    }

    @Test
    void aHeldDesiredStateFailsOnceItsWaitIsOver() {
        java.time.Instant[] now = {java.time.Instant.parse("2026-12-05T12:00:00Z")};
        MovingObject moving = new MovingObject();
        TargetReconciler reconciler = new TargetReconciler("local", (d, over) -> moving.apply(d), published::add, r -> { },
                java.time.Duration.ofSeconds(60), () -> now[0]);

        reconciler.reconcile(desired(SHOP, "c2", Policy.DEFAULT, "a: 1"));
        assertThat(reconciler.expire()).isEmpty();
        now[0] = now[0].plusSeconds(61);
        assertThat(reconciler.expire()).hasSize(1);

        assertThat(published).singleElement().isInstanceOfSatisfying(ApplyFailed.class, f -> {
            assertThat(f.target()).isEqualTo(SHOP);
            assertThat(f.error()).contains("waited 60s for a newer desired state of local/old/prod");
        });
        assertThat(reconciler.held()).isEmpty();
    }

    @Test
    void anApplyWhosePruneWaitsIsPublishedAndAppliedAgainOnceTheOtherTargetArrivedOrTheWaitIsOver() {
        java.time.Instant[] now = {java.time.Instant.parse("2026-12-05T12:00:00Z")};
        List<String> applies = new ArrayList<>();
        TargetReconciler.Apply applier = (d, patienceOver) -> {
            applies.add(d.target().app() + (patienceOver ? " last try" : ""));
            ApplyResult ok = SUCCEEDS.apply(d);
            return d.target().equals(SHOP) && applies.size() == 1 ? ok.waitingFor(OLD) : ok;
        };
        TargetReconciler reconciler = new TargetReconciler("local", applier, published::add, r -> { },
                java.time.Duration.ofSeconds(60), () -> now[0]);

        reconciler.reconcile(desired(SHOP, "c2", Policy.DEFAULT, "a: 1"));
        assertThat(published).extracting(e -> e.target() + " " + e.getClass().getSimpleName())
                .containsExactly("local/shop/prod Applied");
        assertThat(reconciler.held()).containsExactly(SHOP);

        reconciler.reconcile(desired(OLD, "c2", Policy.DEFAULT, "b: 1"));
        assertThat(applies).containsExactly("shop", "old", "shop");
        assertThat(reconciler.held()).isEmpty();

        // the wait can also end by time: the last try prunes whatever nobody took over
        applies.clear();
        TargetReconciler timed = new TargetReconciler("local", (d, over) -> {
            applies.add(d.target().app() + (over ? " last try" : ""));
            return over ? SUCCEEDS.apply(d) : SUCCEEDS.apply(d).waitingFor(OLD);
        }, published::add, r -> { }, java.time.Duration.ofSeconds(60), () -> now[0]);
        timed.reconcile(desired(SHOP, "c3", Policy.DEFAULT, "a: 2"));
        now[0] = now[0].plusSeconds(61);
        timed.expire();
        assertThat(applies).containsExactly("shop", "shop last try");
        assertThat(timed.held()).isEmpty();
    }
}
