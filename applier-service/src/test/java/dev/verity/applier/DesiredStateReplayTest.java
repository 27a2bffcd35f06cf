package dev.verity.applier;

import dev.verity.events.DesiredState;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DesiredStateReplayTest {

    static DesiredState desired(String target, String commit) {
        return DesiredState.of(TargetKey.parse(target), "https://git.example/gitops.git", commit, "apps/x",
                Policy.DEFAULT, List.of("# " + commit));
    }

    @Test
    void theBacklogReleasesOnlyTheLatestStatePerTargetOnceCaughtUp() {
        DesiredStateReplay<Object> replay = new DesiredStateReplay<Object>();
        replay.assigned(Map.of(0, 4L));
        DesiredState shop1 = desired("local/shop/prod", "c1");
        DesiredState blog1 = desired("local/blog/prod", "c2");
        DesiredState shop2 = desired("local/shop/prod", "c3");
        DesiredState blog2 = desired("local/blog/prod", "c4");

        assertThat(replay.onDesired(0, 0, "local/shop/prod", shop1)).isEmpty();
        assertThat(replay.onDesired(0, 1, "local/blog/prod", blog1)).isEmpty();
        assertThat(replay.onDesired(0, 2, "local/shop/prod", shop2)).isEmpty();
        assertThat(replay.catchingUp()).isTrue();
        assertThat(replay.onDesired(0, 3, "local/blog/prod", blog2)).containsExactly(shop2, blog2);
        assertThat(replay.catchingUp()).isFalse();

        DesiredState shop3 = desired("local/shop/prod", "c5");
        assertThat(replay.onDesired(0, 4, "local/shop/prod", shop3)).containsExactly(shop3);
    }

    @Test
    void aTargetRemovedInTheBacklogReleasesItsRemovalNotItsDesiredState() {
        DesiredStateReplay<Object> replay = new DesiredStateReplay<Object>();
        replay.assigned(Map.of(0, 3L));
        DesiredState blog = desired("local/blog/prod", "c2");

        replay.onDesired(0, 0, "local/shop/prod", desired("local/shop/prod", "c1"));
        replay.onDesired(0, 1, "local/blog/prod", blog);
        Object removal = "removal of local/shop/prod";
        assertThat(replay.onRemoved(0, 2, "local/shop/prod", removal)).containsExactly(blog, removal);
    }

    @Test
    void anUnreadableLastRecordStillEndsTheBacklog() {
        DesiredStateReplay<Object> replay = new DesiredStateReplay<Object>();
        replay.assigned(Map.of(0, 2L));
        DesiredState shop = desired("local/shop/prod", "c1");

        replay.onDesired(0, 0, "local/shop/prod", shop);
        assertThat(replay.onOther(0, 1)).containsExactly(shop);
    }

    @Test
    void partitionsCatchUpIndependentlyAndEmptyOnesAreLiveAtOnce() {
        DesiredStateReplay<Object> replay = new DesiredStateReplay<Object>();
        replay.assigned(Map.of(0, 2L, 1, 0L));
        DesiredState a = desired("local/a/prod", "c1");
        DesiredState b = desired("local/b/prod", "c2");

        assertThat(replay.onDesired(1, 0, "local/b/prod", b)).containsExactly(b);
        assertThat(replay.onDesired(0, 0, "local/a/prod", a)).isEmpty();
        assertThat(replay.onOther(0, 1)).containsExactly(a);
    }

    @Test
    void aReassignmentReplaysFromTheStartAgain() {
        DesiredStateReplay<Object> replay = new DesiredStateReplay<Object>();
        replay.assigned(Map.of(0, 1L));
        DesiredState a = desired("local/a/prod", "c1");
        assertThat(replay.onDesired(0, 0, "local/a/prod", a)).containsExactly(a);

        replay.assigned(Map.of(0, 2L));
        DesiredState a2 = desired("local/a/prod", "c2");
        assertThat(replay.onDesired(0, 0, "local/a/prod", a)).isEmpty();
        assertThat(replay.onDesired(0, 1, "local/a/prod", a2)).containsExactly(a2);
    }

    @Test
    void recordsOfAPartitionNeverAssignedAreLive() {
        DesiredState a = desired("local/a/prod", "c1");
        assertThat(new DesiredStateReplay<Object>().onDesired(3, 17, "local/a/prod", a)).containsExactly(a);
    }

    @Test
    void recordsBeforeTheEndAtAssignmentAreReplaysAndLaterOnesAreNew() {
        DesiredStateReplay<Object> replay = new DesiredStateReplay<Object>();
        replay.assigned(Map.of(0, 2L, 1, 0L));
        assertThat(replay.replayed(0, 0)).as("in the backlog: its span only links to the event's trace").isTrue();
        assertThat(replay.replayed(0, 1)).isTrue();
        assertThat(replay.replayed(0, 2)).as("published after the assignment: a child of the event's span").isFalse();
        assertThat(replay.replayed(1, 0)).as("an empty partition has no backlog").isFalse();
        assertThat(replay.replayed(2, 0)).as("a partition not assigned").isFalse();
        replay.onDesired(0, 0, "local/shop/prod", desired("local/shop/prod", "c1"));
        replay.onDesired(0, 1, "local/shop/prod", desired("local/shop/prod", "c2"));
        assertThat(replay.replayed(0, 1)).as("caught up: nothing is a replay any more").isFalse();
    }
}
