package dev.verity.receiver.app;

import dev.verity.events.Topics;
import dev.verity.testkit.kafka.KafkaBrokerProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The receiver's producer against a real broker that goes away and comes back. */
class CommitProducerIT {

    private static ReceiverConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withMapping(ReceiverConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100)).build()
                .getConfigMapping(ReceiverConfig.class);
    }

    private static Map<String, Object> kafka(KafkaBrokerProcess broker) {
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("bootstrap.servers", broker.bootstrapServers());
        kafka.put("auto.offset.reset", "earliest"); // a consumer setting in the service's kafka.*: not passed on
        return kafka;
    }

    /**
     * Kafka down from the start: the sending thread waits {@code max-block} for the topic's metadata on the first
     * event, and the events behind it whose {@code publish-timeout} passed meanwhile (their deliveries were answered
     * 503) fail unsent. Once the broker is back, the next event is acknowledged and is the only one written.
     */
    @Test
    void eventsWhosePublishTimeoutPassedWhileKafkaWasDownAreNeverWritten(@TempDir Path dir) throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir.resolve("kafka"), 0)) {
            broker.createTopic(Topics.COMMITS, 1, Map.of());
            broker.kill();
            CommitProducer producer = new CommitProducer(kafka(broker), config(Map.of(
                    "verity.receiver.publish-timeout", "1s",
                    "verity.receiver.producer.max-block", "3s",
                    "verity.receiver.producer.request-timeout", "2s",
                    "verity.receiver.producer.delivery-timeout", "3s")), new SimpleMeterRegistry());
            try {
                List<CompletableFuture<Void>> whileDown = new ArrayList<>();
                for (int i = 0; i < 5; i++) whileDown.add(producer.send("repo", "while down " + i, new RecordHeaders()));
                List<String> failures = new ArrayList<>();
                for (CompletableFuture<Void> ack : whileDown) {
                    assertThatThrownBy(() -> ack.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                            .satisfies(e -> failures.add(e.getCause().getMessage()));
                }
                assertThat(failures).filteredOn(m -> m.contains("publish-timeout passed")).hasSizeGreaterThanOrEqualTo(4);

                broker.restart();
                producer.send("repo", "after the restart", new RecordHeaders()).get(60, TimeUnit.SECONDS);
            } finally {
                producer.close();
            }
            assertThat(broker.readValues(Topics.COMMITS)).containsExactly("after the restart");
        }
    }

    @Test
    void aFullBufferRefusesAtOnceSayingWhichSettingToRaise(@TempDir Path dir) throws Exception {
        // nothing listens there: the first send blocks the sending thread for max-block, the next fill the buffer
        Map<String, Object> nowhere = Map.of("bootstrap.servers", "localhost:" + freePort());
        CommitProducer producer = new CommitProducer(nowhere, config(Map.of("verity.receiver.producer.buffer", "2",
                "verity.receiver.producer.max-block", "2s")), new SimpleMeterRegistry());
        try {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 6; i++) acks.add(producer.send("repo", "event " + i, new RecordHeaders()));
            assertThat(acks).filteredOn(CompletableFuture::isCompletedExceptionally).isNotEmpty();
            CompletableFuture<Void> refused = acks.stream().filter(CompletableFuture::isCompletedExceptionally)
                    .findFirst().orElseThrow();
            assertThatThrownBy(refused::join).hasMessageContaining("send buffer is full")
                    .hasMessageContaining("verity.receiver.producer.buffer");
        } finally {
            producer.close();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
