package dev.verity.renderer.render;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class RepositoryLeaseTest {

    @Test
    void aSingleRendererHoldsItsLeaseForGood() {
        RepositoryLease lease = RepositoryLease.alwaysHeld();
        List<String> sent = new ArrayList<>();
        lease.publish(lease.term().orElseThrow(), () -> sent.add("event"));
        assertThat(sent).containsExactly("event");
    }

    @Test
    void onlyTheActivatedTermPublishesAndAnEndedTermNeverAgain() {
        RepositoryLease lease = RepositoryLease.unheld();
        assertThat(lease.term()).as("not owned before an assignment").isEmpty();

        long first = lease.assign();
        assertThat(lease.term()).as("assigned, state not rebuilt yet").isEmpty();
        assertThat(lease.activate(first)).isTrue();
        assertThat(lease.term()).hasValue(first);

        lease.revoke();
        assertThat(lease.held()).isFalse();
        assertThatThrownBy(() -> lease.publish(first, () -> { })).isInstanceOf(RepositoryLease.LeaseLost.class)
                .hasMessageContaining("handed over");

        long second = lease.assign();
        assertThat(lease.activate(second)).isTrue();
        assertThatThrownBy(() -> lease.publish(first, () -> { }))
                .as("a render of the earlier term stays fenced when the repository comes back")
                .isInstanceOf(RepositoryLease.LeaseLost.class);
        List<String> sent = new ArrayList<>();
        lease.publish(second, () -> sent.add("second"));
        assertThat(sent).containsExactly("second");
    }

    @Test
    void anAssignmentRevokedBeforeItsStateWasRebuiltIsNeverHeld() {
        RepositoryLease lease = RepositoryLease.unheld();
        long assigned = lease.assign();
        lease.revoke();
        assertThat(lease.isCurrent(assigned)).isFalse();
        assertThat(lease.activate(assigned)).isFalse();
        assertThat(lease.term()).isEmpty();

        long stale = lease.assign();
        long latest = lease.assign();
        assertThat(lease.activate(stale)).as("a later assignment replaced it").isFalse();
        assertThat(lease.activate(latest)).isTrue();
    }

    @Test
    void aRevocationReturnsOnlyAfterTheSendInProgressEnded() throws Exception {
        RepositoryLease lease = RepositoryLease.unheld();
        long term = lease.assign();
        lease.activate(term);
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch sending = new CountDownLatch(1);
        CountDownLatch acknowledged = new CountDownLatch(1);
        Thread sender = new Thread(() -> {
            lease.publish(term, () -> {
                sending.countDown();
                try {
                    acknowledged.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                order.add("sent");
            });
            try { // the render's next send, right after: the waiting revocation is not overtaken
                lease.publish(term, () -> order.add("next sent"));
            } catch (RepositoryLease.LeaseLost e) {
                order.add("next refused");
            }
        });
        sender.start();
        sending.await();
        Thread revoker = new Thread(() -> {
            lease.revoke();
            order.add("revoked");
        });
        revoker.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> revoker.getState() == Thread.State.WAITING
                || revoker.getState() == Thread.State.TERMINATED);
        acknowledged.countDown(); // Kafka acknowledges the send
        sender.join();
        revoker.join();
        assertThat(order).containsExactlyInAnyOrder("sent", "next refused", "revoked");
        assertThat(order.indexOf("sent")).isLessThan(order.indexOf("revoked"));
        assertThatThrownBy(() -> lease.publish(term, () -> { })).isInstanceOf(RepositoryLease.LeaseLost.class);
    }
}
