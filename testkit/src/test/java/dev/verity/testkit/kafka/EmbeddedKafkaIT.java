package dev.verity.testkit.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedKafkaIT {

    @Test
    void inProcessBrokerStoresAndReturnsRecords() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            kafka.createTopic("verity.desired.local", 3, Map.of("cleanup.policy", "compact", "compression.type", "zstd"));
            kafka.send("verity.desired.local", "local/shop/prod", "v1");
            kafka.send("verity.desired.local", "local/shop/prod", "v2");
            assertThat(kafka.readAll("verity.desired.local")).extracting(ConsumerRecord::value).containsExactly("v1", "v2");
            assertThat(kafka.readAll("verity.absent")).isEmpty();
        }
    }

    @Test
    void childProcessBrokerKeepsItsDataAcrossAKill(@TempDir Path dir) {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir.resolve("kafka"), 0)) {
            broker.createTopic("verity.commits", 1, Map.of());
            broker.send("verity.commits", "repo", "before the crash");
            broker.kill();
            assertThat(broker.isRunning()).isFalse();
            broker.restart();
            broker.send("verity.commits", "repo", "after the restart");
            assertThat(broker.readValues("verity.commits")).containsExactly("before the crash", "after the restart");
        }
    }
}
