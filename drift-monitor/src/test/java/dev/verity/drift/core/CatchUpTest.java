package dev.verity.drift.core;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CatchUpTest {

    private final CatchUp catchUp = new CatchUp(Set.of("verity.desired.local", "verity.rollout"));

    @Test
    void caughtUpOnlyOnceEveryTopicIsAssignedAndReadToWhereItEnded() {
        assertThat(catchUp.assigned("verity.desired.local", 0, 0, 3)).isFalse();
        assertThat(catchUp.assigned("verity.rollout", 0, 0, 0)).isFalse();
        assertThat(catchUp.describe()).contains("verity.desired.local-0 (at 0 of 3)");

        assertThat(catchUp.consumed("verity.desired.local", 0, 0)).isFalse();
        assertThat(catchUp.consumed("verity.desired.local", 0, 1)).isFalse();
        assertThat(catchUp.caughtUp()).isFalse();
        assertThat(catchUp.consumed("verity.desired.local", 0, 2)).isTrue();

        assertThat(catchUp.caughtUp()).isTrue();
        assertThat(catchUp.consumed("verity.desired.local", 0, 3)).as("latched, reported once").isFalse();
        assertThat(catchUp.describe()).isEqualTo("caught up");
    }

    @Test
    void knowsWhereEachPartitionWasLeftAndWhetherATopicWasReadToGivenEnds() {
        assertThat(catchUp.position("verity.drift", 0)).isNull();
        catchUp.assigned("verity.drift", 0, 2, 5);
        assertThat(catchUp.position("verity.drift", 0)).isEqualTo(2L);
        assertThat(catchUp.readTo("verity.drift", Map.of(0, 4L, 1, 0L))).isFalse();

        catchUp.consumed("verity.drift", 0, 3);

        assertThat(catchUp.position("verity.drift", 0)).isEqualTo(4L);
        assertThat(catchUp.readTo("verity.drift", Map.of(0, 4L, 1, 0L))).as("an empty partition needs nothing").isTrue();
        assertThat(catchUp.readTo("verity.drift", Map.of(0, 5L))).isFalse();
    }

    @Test
    void aTopicWithoutPartitionsAssignedKeepsItWaiting() {
        catchUp.assigned("verity.desired.local", 0, 0, 0);

        assertThat(catchUp.caughtUp()).isFalse();
        assertThat(catchUp.describe()).contains("verity.rollout (no partition assigned yet)");
        assertThat(catchUp.assigned("verity.rollout", 0, 0, 0)).isTrue();
    }

    @Test
    void recordsRemovedByRetentionOrCompactionAreNotWaitedFor() {
        catchUp.assigned("verity.rollout", 0, 0, 0);
        assertThat(catchUp.assigned("verity.desired.local", 0, 7, 7)).isTrue();
    }

    @Test
    void offsetsSkippedByCompactionCountAsRead() {
        catchUp.assigned("verity.rollout", 0, 0, 0);
        catchUp.assigned("verity.desired.local", 0, 0, 10);

        assertThat(catchUp.consumed("verity.desired.local", 0, 9)).isTrue();
    }

    @Test
    void aRecordBeforeTheEndItsPartitionHadAtTheFirstAssignmentIsAReplay() {
        catchUp.assigned("verity.desired.local", 0, 0, 3);
        assertThat(catchUp.replayed("verity.desired.local", 0, 2)).isTrue();
        assertThat(catchUp.replayed("verity.desired.local", 0, 3)).as("published since the start").isFalse();
        catchUp.assigned("verity.desired.local", 0, 3, 7);
        assertThat(catchUp.replayed("verity.desired.local", 0, 5))
                .as("reassigned later: resumed where it was left, so what follows is new").isFalse();
        assertThat(catchUp.replayed("verity.rollout", 0, 0)).as("never assigned").isFalse();
    }
}
