package dev.verity.service;

import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

class KafkaReachabilityTest {

    static final Instant T0 = Instant.parse("2026-12-06T06:00:00Z");

    @Test
    void unknownUntilTheFirstProbeEnds() {
        KafkaReachability k = new KafkaReachability("broker-1:9092,broker-2:9092");
        assertThat(k.reachable()).isFalse();
        assertThat(k.data(T0)).containsEntry("bootstrap.servers", "broker-1:9092,broker-2:9092")
                .containsEntry("reachable", false)
                .hasEntrySatisfying("error", e -> assertThat((String) e).contains("not probed yet"));
    }

    @Test
    void anOutageKeepsItsStartAndTheLastContactAcrossFailedProbesAndEndsAtTheFirstAnswer() {
        KafkaReachability k = new KafkaReachability("broker:9092");
        k.answered(T0, 3);
        assertThat(k.data(T0)).containsExactly(entry("bootstrap.servers", "broker:9092"), entry("reachable", true),
                entry("brokers", 3));

        k.failed(T0.plusSeconds(5), new ExecutionException(new TimeoutException("Timed out waiting for a node assignment. Call: describeCluster")));
        k.failed(T0.plusSeconds(10), new ExecutionException(new TimeoutException("Timed out waiting for a node assignment. Call: describeCluster")));
        assertThat(k.reachable()).isFalse();
        assertThat(k.data(T0.plusSeconds(12))).containsEntry("reachable", false)
                .containsEntry("error", "Timed out waiting for a node assignment. Call: describeCluster")
                .containsEntry("unreachable-since", "2026-12-06T06:00:05Z")
                .containsEntry("unreachable-for", "7 s")
                .containsEntry("last-contact", "2026-12-06T06:00:00Z");

        k.answered(T0.plusSeconds(15), 3);
        assertThat(k.reachable()).isTrue();
        assertThat(k.data(T0.plusSeconds(15))).doesNotContainKeys("error", "unreachable-since");
    }

    @Test
    void aClusterNeverReachedSaysSo() {
        KafkaReachability k = new KafkaReachability("nowhere:9092");
        k.failed(T0, new IllegalStateException());
        assertThat(k.data(T0)).containsEntry("last-contact", "never").containsEntry("error", "IllegalStateException");
    }
}
