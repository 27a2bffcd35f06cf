package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.AppliedObject;
import dev.verity.events.AppliedState;
import dev.verity.events.ApplyCounts;
import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplyStarted;
import dev.verity.events.ApplySuspended;
import dev.verity.events.ObjectReason;
import dev.verity.events.DesiredState;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.Pruned;
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

    /** The published Applied and ApplyFailed events (ApplyStarted, AppliedState and Pruned left out). */
    List<TargetEvent> outcomes() {
        return published.stream().filter(e -> e instanceof Applied || e instanceof ApplyFailed).toList();
    }

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

        assertThat(published).containsExactly(new ApplyStarted(SHOP, d.repo(), "c1", d.digest(), 1),
                new Applied(SHOP, d.repo(), "c1", d.digest(), List.of(CM), new ApplyCounts(1, 0, 0, 0, 0)));
    }

    @Test
    void theSameDigestAgainPublishesNothing() {
        TargetReconciler reconciler = new TargetReconciler("local", SUCCEEDS, published::add);
        reconciler.reconcile(desired(SHOP, "c1", Policy.DEFAULT, "a: 1"));

        TargetReconciler.Reconciliation again = reconciler.reconcile(desired(SHOP, "c1", Policy.DEFAULT, "a: 1"));
        reconciler.reconcile(desired(SHOP, "c2", Policy.DEFAULT, "a: 2"));

        assertThat(again).isInstanceOf(TargetReconciler.Reconciliation.Skipped.class);
        assertThat(outcomes()).extracting(TargetEvent::commit).containsExactly("c1", "c2");
    }

    @Test
    void aChangeOfPolicyAloneIsAppliedAgain() {
        TargetReconciler reconciler = new TargetReconciler("local", SUCCEEDS, published::add);
        reconciler.reconcile(desired(SHOP, "c1", Policy.DEFAULT, "a: 1"));

        reconciler.reconcile(desired(SHOP, "c2", Policy.DEFAULT.withPruneAlso(java.util.Set.of("Namespace")), "a: 1"));

        assertThat(outcomes()).extracting(TargetEvent::commit).containsExactly("c1", "c2");
    }

    @Test
    void aFailedDigestIsTriedAgainAndReportedAgain() {
        TargetReconciler reconciler = new TargetReconciler("local", FAILS, published::add);
        reconciler.reconcile(desired(SHOP, "c1", Policy.DEFAULT, "a: 1"));
        reconciler.reconcile(desired(SHOP, "c1", Policy.DEFAULT, "a: 1"));

        assertThat(outcomes()).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(ApplyFailed.class,
                f -> {
                    assertThat(f.object()).isEqualTo(CM);
                    assertThat(f.failures()).containsExactly(new ObjectReason(CM, "owned by local/blog/prod"));
                }));
    }

    @Test
    void suspendedTargetsAndOtherClustersTargetsAreNotApplied() {
        TargetReconciler reconciler = new TargetReconciler("local", SUCCEEDS, published::add);
        Policy suspended = new Policy(true, true, false, true, false, List.of());

        DesiredState d = desired(SHOP, "c1", suspended, "a: 1");
        var s = reconciler.reconcile(d);
        reconciler.reconcile(d); // redelivered: said once
        var o = reconciler.reconcile(desired(TargetKey.parse("prod-eu/shop/prod"), "c1", Policy.DEFAULT, "a: 1"));

        assertThat(published).containsExactly(new ApplySuspended(SHOP, d.repo(), "c1", d.digest()));
        assertThat(((TargetReconciler.Reconciliation.Skipped) s).reason()).contains("suspended");
        assertThat(((TargetReconciler.Reconciliation.Skipped) o).reason()).contains("cluster prod-eu");
    }

    @Test
    void aTargetNoLongerSuspendedIsAppliedAndSuspendedAgainSaysSoAgain() {
        TargetReconciler reconciler = new TargetReconciler("local", SUCCEEDS, published::add);
        Policy suspended = new Policy(true, true, false, true, false, List.of());
        reconciler.reconcile(desired(SHOP, "c1", suspended, "a: 1"));

        reconciler.reconcile(desired(SHOP, "c1", Policy.DEFAULT, "a: 1"));
        reconciler.reconcile(desired(SHOP, "c1", suspended, "a: 1"));

        assertThat(published).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ApplySuspended", "ApplyStarted", "Applied", "ApplySuspended");
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

        assertThat(kafka).filteredOn(Applied.class::isInstance).hasSize(2);
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
        assertThat(outcomes()).isEmpty();
        assertThat(reconciler.held()).containsExactly(SHOP);

        reconciler.reconcile(desired(OLD, "c2", Policy.DEFAULT, "b: 1"));

        assertThat(outcomes()).extracting(e -> e.target() + " " + e.getClass().getSimpleName())
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

        assertThat(outcomes()).singleElement().isInstanceOfSatisfying(ApplyFailed.class, f -> {
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
        assertThat(outcomes()).extracting(e -> e.target() + " " + e.getClass().getSimpleName())
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

    static final ObjectRef NS = new ObjectRef("v1", "Namespace", null, "shop");
    static final ObjectRef OLD_CM = new ObjectRef("v1", "ConfigMap", "shop", "old");

    @Test
    void anApplyPublishesWhatTheServerStoredAndWhatLeftTheTarget() {
        AppliedObject stored = new AppliedObject(CM, "u1", "7", java.util.Map.of("f:data", java.util.Map.of()),
                java.util.Map.of("data", java.util.Map.of("a", "1")));
        TargetReconciler reconciler = new TargetReconciler("local", d -> SUCCEEDS.apply(d)
                .withRemoved(List.of(new ObjectOutcome(OLD_CM, Outcome.PRUNED, ""),
                        new ObjectOutcome(NS, Outcome.KEPT, "Namespaces are not pruned"),
                        new ObjectOutcome(new ObjectRef("v1", "Service", "shop", "web"), Outcome.MOVED, "to blog")))
                .withState(List.of(stored)), published::add);
        DesiredState d = desired(SHOP, "c1", Policy.DEFAULT, "a: 1");

        reconciler.reconcile(d);

        assertThat(published).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ApplyStarted", "AppliedState", "Pruned", "Applied");
        assertThat(published.get(1)).isEqualTo(new AppliedState(SHOP, d.repo(), "c1", d.digest(), true, List.of(stored)));
        assertThat(published.get(2)).isEqualTo(new Pruned(SHOP, d.repo(), "c1", d.digest(), false, List.of(OLD_CM),
                List.of(new ObjectReason(NS, "Namespaces are not pruned")), List.of()));
        assertThat(((Applied) published.get(3)).counts()).isEqualTo(new ApplyCounts(1, 0, 0, 1, 1));
    }

    @Test
    void aRemovedTargetIsForgottenAndWhatBecameOfItsObjectsIsPublished() {
        List<TargetRemoved> removals = new ArrayList<>();
        TargetReconciler reconciler = new TargetReconciler("local", (d, over) -> SUCCEEDS.apply(d), (r, over) -> {
            removals.add(r);
            return ApplyResult.removed(r.target(), r.commit(), List.of(new ObjectOutcome(CM, Outcome.PRUNED, ""),
                    new ObjectOutcome(NS, Outcome.KEPT, "the target's policy has prune: false")));
        }, published::add, x -> { }, java.time.Duration.ofSeconds(60), java.time.InstantSource.system());
        DesiredState d = desired(SHOP, "c1", Policy.DEFAULT, "a: 1");
        reconciler.reconcile(d);
        published.clear();

        TargetRemoved removed = new TargetRemoved(SHOP, d.repo(), "c2");
        var r = reconciler.remove(removed);

        assertThat(removals).containsExactly(removed);
        assertThat(published).containsExactly(new Pruned(SHOP, d.repo(), "c2", null, true, List.of(CM),
                List.of(new ObjectReason(NS, "the target's policy has prune: false")), List.of()));
        assertThat(r).isInstanceOfSatisfying(TargetReconciler.Reconciliation.Removed.class, x -> assertThat(x.held()).isFalse());
        reconciler.reconcile(d); // back in Git with the same digest: applied again
        assertThat(outcomes()).hasSize(1);
    }

    @Test
    void aRemovalWhosePruneWaitsIsHeldUntilTheOtherTargetArrivedAndItsTombstoneChangesNothing() {
        List<String> calls = new ArrayList<>();
        TargetReconciler reconciler = new TargetReconciler("local", (d, over) -> {
            calls.add("apply " + d.target().app());
            return SUCCEEDS.apply(d);
        }, (r, over) -> {
            calls.add("remove " + r.target().app());
            return calls.contains("apply shop") ? ApplyResult.removed(r.target(), r.commit(),
                    List.of(new ObjectOutcome(CM, Outcome.MOVED, "to shop")))
                    : ApplyResult.removed(r.target(), r.commit(), List.of(new ObjectOutcome(CM, Outcome.WAITING,
                            "waits for local/shop/prod"))).waitingFor(SHOP);
        }, published::add, x -> { }, java.time.Duration.ofSeconds(60), java.time.InstantSource.system());

        var first = reconciler.remove(new TargetRemoved(OLD, "https://git.example/gitops.git", "c2", List.of(SHOP)));
        var tombstone = reconciler.remove(new TargetRemoved(OLD, "https://git.example/gitops.git", "c2"));
        assertThat(first).isInstanceOfSatisfying(TargetReconciler.Reconciliation.Removed.class, x -> assertThat(x.held()).isTrue());
        assertThat(tombstone).isInstanceOfSatisfying(TargetReconciler.Reconciliation.Removed.class, x -> assertThat(x.held()).isTrue());
        assertThat(reconciler.held()).containsExactly(OLD);

        reconciler.reconcile(desired(SHOP, "c2", Policy.DEFAULT, "a: 1"));

        assertThat(calls).containsExactly("remove old", "apply shop", "remove old");
        assertThat(reconciler.held()).isEmpty();
        assertThat(published).noneMatch(Pruned.class::isInstance); // nothing deleted, kept or failed: the object moved
    }

    static Policy policy(java.time.Duration interval, java.time.Duration retryInterval) {
        return Policy.DEFAULT.withInterval(interval).withRetryInterval(retryInterval);
    }

    @Test
    void aFailedDigestIsRetriedEveryRetryIntervalUntilItSucceeds() {
        java.time.Instant[] now = {java.time.Instant.parse("2026-12-05T12:00:00Z")};
        boolean[] fixed = {false};
        TargetReconciler reconciler = new TargetReconciler("local",
                (d, over) -> fixed[0] ? SUCCEEDS.apply(d) : FAILS.apply(d), published::add, r -> { },
                java.time.Duration.ofSeconds(60), () -> now[0]);
        reconciler.reconcile(desired(SHOP, "c1", policy(java.time.Duration.ofMinutes(10),
                java.time.Duration.ofMinutes(1)), "a: 1"));

        now[0] = now[0].plusSeconds(59);
        assertThat(reconciler.reconcileDue()).isEmpty();
        now[0] = now[0].plusSeconds(1);
        assertThat(reconciler.reconcileDue()).hasSize(1);
        now[0] = now[0].plusSeconds(60);
        fixed[0] = true;
        assertThat(reconciler.reconcileDue()).hasSize(1);
        now[0] = now[0].plusSeconds(60);
        assertThat(reconciler.reconcileDue()).isEmpty();

        assertThat(outcomes()).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ApplyFailed", "ApplyFailed", "Applied");
    }

    @Test
    void aNewerDigestReplacesTheFailedOneItsRetryWouldApply() {
        java.time.Instant[] now = {java.time.Instant.parse("2026-12-05T12:00:00Z")};
        List<String> applied = new ArrayList<>();
        TargetReconciler reconciler = new TargetReconciler("local", (d, over) -> {
            applied.add(d.commit());
            return d.commit().equals("c1") ? FAILS.apply(d) : SUCCEEDS.apply(d);
        }, published::add, r -> { }, java.time.Duration.ofSeconds(60), () -> now[0]);
        Policy policy = policy(java.time.Duration.ofMinutes(10), java.time.Duration.ofMinutes(1));
        reconciler.reconcile(desired(SHOP, "c1", policy, "a: 1"));
        reconciler.reconcile(desired(SHOP, "c2", policy, "a: 2"));

        now[0] = now[0].plusSeconds(61);
        assertThat(reconciler.reconcileDue()).isEmpty();
        assertThat(applied).containsExactly("c1", "c2");
    }

    @Test
    void anAppliedDigestIsAppliedAgainEveryIntervalAndPublishesOnlyWhatChanged() {
        java.time.Instant[] now = {java.time.Instant.parse("2026-12-05T12:00:00Z")};
        Outcome[] outcome = {Outcome.CREATED};
        TargetReconciler reconciler = new TargetReconciler("local", (d, over) -> ApplyResult.succeeded(d.target(),
                d.commit(), d.digest(), List.of(new ObjectOutcome(CM, outcome[0], ""))), published::add, r -> { },
                java.time.Duration.ofSeconds(60), () -> now[0]);
        reconciler.reconcile(desired(SHOP, "c1", policy(java.time.Duration.ofMinutes(10),
                java.time.Duration.ofMinutes(1)), "a: 1"));
        outcome[0] = Outcome.UNCHANGED;

        now[0] = now[0].plusSeconds(599);
        assertThat(reconciler.reconcileDue()).isEmpty();
        now[0] = now[0].plusSeconds(31); // the interval and at most 5% of it
        assertThat(reconciler.reconcileDue()).singleElement()
                .isInstanceOf(TargetReconciler.Reconciliation.Unchanged.class);
        outcome[0] = Outcome.CREATED; // deleted in the cluster meanwhile: restored
        now[0] = now[0].plusSeconds(630);
        assertThat(reconciler.reconcileDue()).singleElement()
                .isInstanceOf(TargetReconciler.Reconciliation.Reconciled.class);

        assertThat(published).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ApplyStarted", "Applied", "Applied");
    }

    @Test
    void aSuspendedOrRemovedTargetIsNotAppliedAgain() {
        java.time.Instant[] now = {java.time.Instant.parse("2026-12-05T12:00:00Z")};
        TargetReconciler reconciler = new TargetReconciler("local", (d, over) -> FAILS.apply(d), published::add,
                r -> { }, java.time.Duration.ofSeconds(60), () -> now[0]);
        Policy policy = policy(java.time.Duration.ofMinutes(10), java.time.Duration.ofMinutes(1));
        reconciler.reconcile(desired(SHOP, "c1", policy, "a: 1"));
        TargetKey blog = TargetKey.parse("local/blog/prod");
        reconciler.reconcile(desired(blog, "c1", policy, "a: 1"));

        reconciler.reconcile(desired(SHOP, "c2", new Policy(true, true, false, true, false, List.of()).withRetryInterval(java.time.Duration.ofMinutes(1)), "a: 1"));
        reconciler.remove(new TargetRemoved(blog, "https://git.example/gitops.git", "c2"));
        now[0] = now[0].plusSeconds(3600);

        assertThat(reconciler.reconcileDue()).isEmpty();
    }

    @Test
    void aFailedRemovalIsDoneAgainAfterTheRetryIntervalUntilItSucceeds() {
        java.time.Instant[] now = {java.time.Instant.parse("2026-12-05T12:00:00Z")};
        boolean[] reachable = {false};
        TargetReconciler reconciler = new TargetReconciler("local", (d, over) -> SUCCEEDS.apply(d), (r, over) ->
                reachable[0] ? ApplyResult.removed(r.target(), r.commit(), List.of(new ObjectOutcome(CM, Outcome.PRUNED, "")))
                        : ApplyResult.removalFailed(r.target(), r.commit(), List.of(), "the inventory cannot be read"),
                published::add, x -> { }, java.time.Duration.ofSeconds(60), () -> now[0]);
        TargetRemoved removal = new TargetRemoved(SHOP, "https://git.example/gitops.git", "c2");

        assertThat(reconciler.remove(removal)).isInstanceOfSatisfying(TargetReconciler.Reconciliation.Removed.class,
                r -> assertThat(r.result().succeeded()).isFalse());
        now[0] = now[0].plusSeconds(59);
        assertThat(reconciler.reconcileDue()).isEmpty();
        reachable[0] = true;
        now[0] = now[0].plusSeconds(1);
        assertThat(reconciler.reconcileDue()).singleElement().isInstanceOfSatisfying(
                TargetReconciler.Reconciliation.Removed.class, r -> assertThat(r.result().succeeded()).isTrue());
        now[0] = now[0].plusSeconds(3600);
        assertThat(reconciler.reconcileDue()).isEmpty();
        assertThat(published).singleElement().isInstanceOf(Pruned.class);
    }
}
