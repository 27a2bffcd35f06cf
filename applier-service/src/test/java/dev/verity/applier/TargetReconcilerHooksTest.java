package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.DesiredState;
import dev.verity.events.Policy;
import dev.verity.events.TargetEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.verity.applier.TargetReconcilerTest.FAILS;
import static dev.verity.applier.TargetReconcilerTest.SHOP;
import static dev.verity.applier.TargetReconcilerTest.SUCCEEDS;
import static dev.verity.applier.TargetReconcilerTest.desired;
import static org.assertj.core.api.Assertions.assertThat;

/** The reconciler's hooks for health tracking: a hold keeps a desired state unapplied; outcomes are told after they are published. */
class TargetReconcilerHooksTest {

    final List<TargetEvent> published = new ArrayList<>();
    final List<String> told = new ArrayList<>();
    Optional<String> hold = Optional.of("waits for local/db/prod, which is Progressing (dependsOn)");

    TargetReconciler.Hooks hooks() {
        return new TargetReconciler.Hooks() {
            @Override
            public Optional<String> hold(DesiredState desired) {
                return hold;
            }

            @Override
            public void reported(DesiredState desired, TargetEvent event) {
                assertThat(published).as("told after it was published").contains(event);
                told.add(event.getClass().getSimpleName() + "@" + desired.commit());
            }
        };
    }

    @Test
    void aHeldDesiredStateIsNotAppliedAndIsAppliedWhenAskedAgainWithoutTheHold() {
        TargetReconciler reconciler = new TargetReconciler("local", SUCCEEDS, published::add);
        reconciler.hooks(hooks());
        DesiredState d = desired(SHOP, "c1", Policy.DEFAULT, "a: 1");

        TargetReconciler.Reconciliation held = reconciler.reconcile(d);

        assertThat(held).isEqualTo(new TargetReconciler.Reconciliation.Skipped(d, hold.orElseThrow()));
        assertThat(published).as("not even ApplyStarted").isEmpty();

        hold = Optional.empty();
        reconciler.reconcile(d);
        assertThat(published).last().isInstanceOf(Applied.class);
        assertThat(told).containsExactly("Applied@c1");
    }

    @Test
    void aFailedApplyIsToldToo() {
        TargetReconciler reconciler = new TargetReconciler("local", FAILS, published::add);
        hold = Optional.empty();
        reconciler.hooks(hooks());

        reconciler.reconcile(desired(SHOP, "c1", Policy.DEFAULT, "a: 1"));

        assertThat(published).last().isInstanceOf(ApplyFailed.class);
        assertThat(told).containsExactly("ApplyFailed@c1");
    }
}
