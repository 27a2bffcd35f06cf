package dev.verity.events.leader;

import dev.verity.testkit.kafka.EmbeddedKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Active/standby on a real KRaft broker: replicas of the applier of one cluster compete for the partition of
 * {@code verity.leader.applier.<cluster>}, provisioned as every service does at start. Each test uses its own cluster
 * (topic and group). The session timeout is the broker's minimum, 6 s.
 */
class LeadershipIT {

    static final Duration SESSION = Duration.ofSeconds(6);
    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    static LeadershipSettings applierOf(String cluster) {
        kafka.provision(cluster);
        return LeadershipSettings.of(kafka.bootstrapServers(), "applier", cluster).withSessionTimeout(SESSION);
    }

    @Test
    void ofTwoReplicasExactlyOneLeadsAndKeepsLeading() {
        try (Replicas replicas = new Replicas(applierOf("one-of-two"), "a", "b")) {
            await().atMost(SESSION.multipliedBy(5)).until(() -> replicas.leaders().size() == 1);
            int leader = replicas.leaders().get(0);
            // a later standby joining the group (a rebalance) does not move leadership either
            try (Replicas third = new Replicas(applierOf("one-of-two"), "c")) {
                long until = System.nanoTime() + SESSION.toNanos();
                while (System.nanoTime() < until) {
                    assertThat(replicas.leaders()).containsExactly(leader);
                    assertThat(third.leaders()).isEmpty();
                    sleep(50);
                }
                assertThat(third.heard).isEmpty();
            }
            assertThat(replicas.timeline()).containsExactly(replicas.names.get(leader) + ": elected");
            assertThat(replicas.overlaps.get()).isZero();
            assertThat(replicas.samples.get()).isPositive();
        }
    }

    @Test
    void closingTheLeaderHandsOverAtOnce() {
        try (Replicas replicas = new Replicas(applierOf("graceful"), "a", "b")) {
            await().atMost(SESSION.multipliedBy(5)).until(() -> replicas.leaders().size() == 1);
            int leader = replicas.leaders().get(0);
            int standby = 1 - leader;
            long closed = System.nanoTime();
            replicas.get(leader).close();
            await().atMost(SESSION.multipliedBy(3)).until(() -> replicas.get(standby).isLeader());
            long takeover = replicas.get(standby).electedNanos() - closed;
            System.out.println("LeadershipIT: graceful close -> standby elected after " + Duration.ofNanos(takeover).toMillis()
                    + " ms (session timeout " + SESSION.toMillis() + " ms)");
            assertThat(replicas.timeline()).containsExactly(replicas.names.get(leader) + ": elected",
                    replicas.names.get(leader) + ": deposed CLOSED", replicas.names.get(standby) + ": elected");
            // leaving the group moves the partition at the standby's next heartbeat, not after a session timeout
            assertThat(Duration.ofNanos(takeover)).isLessThan(SESSION);
            assertThat(replicas.overlaps.get()).isZero();
        }
    }

    @Test
    void aCrashedLeaderIsReplacedAfterTheSessionTimeoutAndNeverOverlaps() {
        try (Replicas replicas = new Replicas(applierOf("crash"), "a", "b")) {
            await().atMost(SESSION.multipliedBy(5)).until(() -> replicas.leaders().size() == 1);
            int leader = replicas.leaders().get(0);
            int standby = 1 - leader;
            long crashed = System.nanoTime();
            replicas.get(leader).crash();
            assertThat(replicas.get(leader).isLeader()).isFalse();
            await().atMost(SESSION.multipliedBy(4)).until(() -> replicas.get(standby).isLeader());
            long takeover = replicas.get(standby).electedNanos() - crashed;
            System.out.println("LeadershipIT: crashed leader (still a group member) -> standby elected after "
                    + Duration.ofNanos(takeover).toMillis() + " ms (session timeout " + SESSION.toMillis() + " ms)");
            // the group waited for the crashed member's session to expire
            assertThat(Duration.ofNanos(takeover)).isGreaterThan(SESSION.minus(SESSION.dividedBy(3)));
            assertThat(replicas.heardBy(standby)).containsExactly("elected");
            assertThat(replicas.overlaps.get()).isZero();
        }
    }

    @Test
    void aListenerThatThrowsDoesNotStopLeadership() {
        LeadershipSettings settings = applierOf("throwing");
        List<String> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
        Leadership only = Leadership.start(settings.withMember("only"), new LeadershipListener() {
            @Override
            public void elected() {
                calls.add("elected");
                throw new IllegalStateException("the listener's own bug");
            }

            @Override
            public void deposed(DeposedReason reason) {
                calls.add("deposed " + reason);
                throw new IllegalStateException("the listener's own bug");
            }
        });
        await().atMost(SESSION.multipliedBy(5)).until(only::isLeader);
        sleep(SESSION.toMillis()); // heartbeats go on: still leading a session timeout later
        assertThat(only.isLeader()).isTrue();
        only.close();
        assertThat(only.isLeader()).isFalse();
        assertThat(calls).containsExactly("elected", "deposed CLOSED");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
