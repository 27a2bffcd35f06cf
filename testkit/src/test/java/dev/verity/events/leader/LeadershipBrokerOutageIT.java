package dev.verity.events.leader;

import dev.verity.testkit.kafka.KafkaBrokerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A leader whose broker goes away steps down on its own, before the group could have handed the partition to anyone,
 * although Kafka tells it nothing until it reaches the broker again; once the broker is back, a replica leads again.
 * The broker runs as a child process so that it can be stopped and restarted.
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
}
