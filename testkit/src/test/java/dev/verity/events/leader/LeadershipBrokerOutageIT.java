package dev.verity.events.leader;

import dev.verity.testkit.kafka.KafkaBrokerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A leader cut off from its broker steps down on its own, before the group could have handed the partition to anyone,
 * although Kafka tells it nothing until it reaches the broker again; once the broker is back, a replica leads again.
 * The broker runs as a child process so that it can be stopped and restarted, or reached through a relay that a
 * test freezes (a silent network partition: heartbeats are still sent, none is answered).
 */
class LeadershipBrokerOutageIT {

    static final Duration SESSION = Duration.ofSeconds(6);

    @Test
    void theLeaderStepsDownWithinTheSessionTimeoutWhenItsBrokerStops(@TempDir Path dir) {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir.resolve("kafka"), 0)) {
            broker.provision("outage");
            LeadershipSettings settings = LeadershipSettings.of(broker.bootstrapServers(), "drift-monitor", "outage")
                    .withSessionTimeout(SESSION);
            try (Replicas replicas = new Replicas(settings, "a", "b")) {
                await().atMost(SESSION.multipliedBy(5)).until(() -> replicas.leaders().size() == 1);
                int leader = replicas.leaders().get(0);
                String name = replicas.names.get(leader);

                long stopping = System.nanoTime();
                broker.stop();
                long stopped = System.nanoTime();
                await().atMost(SESSION.multipliedBy(2)).until(() -> !replicas.get(leader).isLeader()
                        && replicas.heard.stream().anyMatch(h -> h.what().startsWith("deposed")));
                long deposed = replicas.get(leader).deposedNanos();
                System.out.println("LeadershipBrokerOutageIT: broker stop took " + Replicas.millis(stopping, stopped)
                        + "; leader deposed " + Replicas.millis(stopping, deposed) + " after the stop began (session timeout "
                        + SESSION.toMillis() + " ms)");
                assertThat(replicas.timeline()).containsExactly(name + ": elected", name + ": deposed NO_HEARTBEAT");
                // its last answered heartbeat was no later than the stop: the group could not have moved on yet
                assertThat(Duration.ofNanos(deposed - stopping)).isLessThan(SESSION);

                broker.restart();
                await().atMost(SESSION.multipliedBy(6)).until(() -> replicas.leaders().size() == 1);
                System.out.println("LeadershipBrokerOutageIT: after the restart " + replicas.timeline());
                assertThat(replicas.overlaps.get()).isZero();
            }
        }
    }

    @Test
    void aPartitionedLeaderStepsDownBeforeTheStandbyOnTheOtherSideIsElected(@TempDir Path dir) {
        KafkaBrokerProcess[] holder = new KafkaBrokerProcess[1];
        try (Relay relay = new Relay(() -> holder[0].routedPort());
             KafkaBrokerProcess broker = KafkaBrokerProcess.startWithRoutedListener(dir.resolve("kafka"), relay.port())) {
            holder[0] = broker;
            broker.provision("partition");
            LeadershipSettings direct = LeadershipSettings.of(broker.bootstrapServers(), "applier", "partition")
                    .withSessionTimeout(SESSION);
            LeadershipSettings throughRelay = LeadershipSettings.of("localhost:" + relay.port(), "applier", "partition")
                    .withSessionTimeout(SESSION);
            try (Replicas replicas = new Replicas(throughRelay, "behind-relay")) {
                await().atMost(SESSION.multipliedBy(5)).until(() -> replicas.get(0).isLeader());
                replicas.add("direct", direct);
                LeadershipIT.sleep(SESSION.toMillis()); // the standby has joined the group, the leader kept the partition
                assertThat(replicas.leaders()).containsExactly(0);

                long cut = System.nanoTime();
                relay.freeze();
                await().atMost(SESSION.multipliedBy(4)).until(() -> replicas.get(1).isLeader());
                long deposed = replicas.get(0).deposedNanos();
                long elected = replicas.get(1).electedNanos();
                System.out.println("LeadershipBrokerOutageIT: partitioned leader deposed " + Replicas.millis(cut, deposed)
                        + " after the cut, the standby elected " + Replicas.millis(cut, elected) + " after it (session timeout "
                        + SESSION.toMillis() + " ms)");
                assertThat(replicas.timeline()).startsWith("behind-relay: elected", "behind-relay: deposed NO_HEARTBEAT",
                        "direct: elected");
                assertThat(deposed).isLessThan(elected);
                assertThat(replicas.overlaps.get()).isZero();
                relay.thaw();
            }
        }
    }
}
