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

    /** A producer with {@code properties} for {@code broker}, which holds {@code verity.commits} and is then killed. */
    private static CommitProducer downFromTheStart(KafkaBrokerProcess broker, Map<String, String> properties) {
        broker.createTopic(Topics.COMMITS, 1, Map.of());
        broker.kill();
        return new CommitProducer(kafka(broker), config(properties), new SimpleMeterRegistry());
    }

    /**
     * Kafka down from the start: the topic's metadata is unknown, so the producer refuses the events for now and they
     * wait on the retry thread; once their {@code publish-timeout} has passed (their deliveries were answered 503)
     * they fail unsent, saying why, and are never written. Once the broker is back, an event is acknowledged.
     */
    @Test
    void eventsWhosePublishTimeoutPassedWhileKafkaWasDownAreNeverWritten(@TempDir Path dir) throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir.resolve("kafka"), 0)) {
            CommitProducer producer = downFromTheStart(broker, Map.of(
                    "verity.receiver.publish-timeout", "4s",
                    "verity.receiver.producer.request-timeout", "2s",
                    "verity.receiver.producer.delivery-timeout", "3s"));
            String acknowledged = null;
            List<String> notSent = new ArrayList<>();
            try {
                List<CompletableFuture<Void>> whileDown = new ArrayList<>();
                for (int i = 0; i < 5; i++) whileDown.add(producer.send("repo", "while down " + i, new RecordHeaders()));
                for (CompletableFuture<Void> ack : whileDown) {
                    assertThatThrownBy(() -> ack.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                            .hasMessageContaining("publish-timeout passed")
                            .hasMessageContaining("is Kafka reachable at " + broker.bootstrapServers());
                }

                broker.restart();
                // as a forge redelivering: the restarted broker may take longer than a publish-timeout to serve the
                // topic again; an event that failed unsent meanwhile must not be written either (one that Kafka
                // failed once handed over, as a delivery timeout, may or may not have been)
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                for (int attempt = 1; acknowledged == null; attempt++) {
                    String value = "after the restart, attempt " + attempt;
                    try {
                        producer.send("repo", value, new RecordHeaders()).get(30, TimeUnit.SECONDS);
                        acknowledged = value;
                    } catch (ExecutionException failed) {
                        if (failed.getMessage().contains("not sent: the delivery's publish-timeout passed")) notSent.add(value);
                        assertThat(System.nanoTime() - deadline).as("acknowledged within 60 s of the restart").isNegative();
                    }
                }
            } finally {
                producer.close();
            }
            // read once the producer is closed, so that nothing it still held can come later
            List<String> written = broker.readValues(Topics.COMMITS);
            assertThat(written).contains(acknowledged).noneMatch(notSent::contains)
                    .noneMatch(value -> value.startsWith("while down"));
        }
    }

    /**
     * Events that came while Kafka was unreachable, within their {@code publish-timeout}, are written once it is
     * back, in the order they came, and so is one that came after them while they were still waiting.
     */
    @Test
    void eventsWaitingForKafkaAreWrittenInOrderOnceItIsBack(@TempDir Path dir) throws Exception {
        try (KafkaBrokerProcess broker = KafkaBrokerProcess.start(dir.resolve("kafka"), 0)) {
            CommitProducer producer = downFromTheStart(broker, Map.of(
                    "verity.receiver.publish-timeout", "60s",
                    "verity.receiver.producer.delivery-timeout", "50s"));
            try {
                List<CompletableFuture<Void>> acks = new ArrayList<>();
                for (int i = 0; i < 3; i++) acks.add(producer.send("repo", "event " + i, new RecordHeaders()));
                Thread.sleep(500); // refused at least once: the metadata cannot be known with no broker
                assertThat(acks).noneMatch(CompletableFuture::isDone);
                broker.restart();
                acks.add(producer.send("repo", "event 3", new RecordHeaders()));
                for (CompletableFuture<Void> ack : acks) ack.get(60, TimeUnit.SECONDS);
            } finally {
                producer.close();
            }
            assertThat(broker.readValues(Topics.COMMITS)).containsExactly("event 0", "event 1", "event 2", "event 3");
        }
    }

    /**
     * Nothing listens at the bootstrap address: the first events wait for the topic's metadata, and once
     * {@code buffer} of them wait, the next are refused at once, naming the setting to raise.
     */
    @Test
    void aFullBufferRefusesAtOnceSayingWhichSettingToRaise() throws Exception {
        Map<String, Object> nowhere = Map.of("bootstrap.servers", "localhost:" + freePort());
        CommitProducer producer = new CommitProducer(nowhere, config(Map.of("verity.receiver.producer.buffer", "2",
                "verity.receiver.publish-timeout", "2s")), new SimpleMeterRegistry());
        try {
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int i = 0; i < 6; i++) acks.add(producer.send("repo", "event " + i, new RecordHeaders()));
            assertThat(acks.subList(0, 2)).noneMatch(CompletableFuture::isDone);
            for (CompletableFuture<Void> refused : acks.subList(2, 6)) {
                assertThat(refused).isCompletedExceptionally();
                assertThatThrownBy(refused::join).hasMessageContaining("send buffer is full")
                        .hasMessageContaining("verity.receiver.producer.buffer");
            }
            for (CompletableFuture<Void> waited : acks.subList(0, 2)) {
                assertThatThrownBy(() -> waited.get(30, TimeUnit.SECONDS)).hasMessageContaining("publish-timeout passed");
            }
            // the two that waited no longer count: the next event waits again rather than being refused
            assertThat(producer.send("repo", "event 6", new RecordHeaders())).isNotDone();
        } finally {
            producer.close();
        }
    }

    /** Bootstrap servers whose name does not resolve: the producer cannot be created, and the event says so. */
    @Test
    void anEventSaysWhyTheProducerCouldNotBeCreated() {
        CommitProducer producer = new CommitProducer(Map.of("bootstrap.servers", "kafka.verity-test.invalid:9092"),
                config(Map.of("verity.receiver.publish-timeout", "5s")), new SimpleMeterRegistry());
        try {
            assertThatThrownBy(() -> producer.send("repo", "event", new RecordHeaders()).get(30, TimeUnit.SECONDS))
                    .hasMessageContaining("publish-timeout passed")
                    .hasMessageContaining("cannot create the Kafka producer for verity.commits")
                    .hasMessageContaining("kafka.verity-test.invalid:9092");
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
