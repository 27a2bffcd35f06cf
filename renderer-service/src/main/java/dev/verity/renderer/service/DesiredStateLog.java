package dev.verity.renderer.service;

import dev.verity.events.Decoded;
import dev.verity.events.EventCodec;
import dev.verity.events.EventFormatException;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.renderer.render.PublishedStates;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads every {@code verity.desired.<cluster>} topic from the beginning to its end, as of the call, into the last
 * desired state published per target ({@link PublishedStates}). No consumer group: the compacted topics are the
 * renderer's memory, and offsets have nothing to say about it. A record that cannot be decoded is skipped with a
 * warning (the applier sends it to its dead-letter topic).
 */
@ApplicationScoped
public class DesiredStateLog {

    private static final Logger LOG = Logger.getLogger(DesiredStateLog.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final EventCodec codec = new EventCodec();

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    public PublishedStates read() {
        long start = System.nanoTime();
        PublishedStates states = new PublishedStates();
        List<String> topics;
        try (Admin admin = Admin.create(only(AdminClientConfig.configNames()))) {
            topics = admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .filter(t -> t.startsWith(Topics.DESIRED_PREFIX) && !t.endsWith(".dlq")).sorted().toList();
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("cannot list the desired-state topics (" + Topics.DESIRED_PREFIX + "*) to"
                    + " rebuild what was published: " + e.getMessage() + ". Is kafka.bootstrap.servers right and the"
                    + " broker up? Nothing is rendered until this succeeds.", e);
        }
        Map<String, Object> props = only(ConsumerConfig.configNames());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topics.DESIRED_MAX_MESSAGE_BYTES + 1024 * 1024);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "verity-renderer-state");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        int records = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                for (PartitionInfo p : consumer.partitionsFor(topic, TIMEOUT)) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions, TIMEOUT));
            end.values().removeIf(offset -> offset == 0);
            long deadline = System.nanoTime() + TIMEOUT.toNanos() * 4;
            while (!end.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading the desired-state topics did not reach their end within "
                            + TIMEOUT.toSeconds() * 4 + "s (still reading " + end.keySet() + "); retrying");
                }
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    records++;
                    accept(states, record);
                }
                end.entrySet().removeIf(e -> consumer.position(e.getKey(), TIMEOUT) >= e.getValue());
            }
        }
        LOG.infof("rebuilt what was published from %d record(s) of %s: %d target(s) in %d ms", records, topics,
                states.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        return states;
    }

    private void accept(PublishedStates states, ConsumerRecord<String, String> record) {
        TargetKey key;
        try {
            key = TargetKey.parse(record.key());
        } catch (RuntimeException e) {
            LOG.warnf("skipping %s-%d@%d while rebuilding what was published: its key is not a target (%s)",
                    record.topic(), record.partition(), record.offset(), e.getMessage());
            return;
        }
        if (record.value() == null) {
            states.accept(key, null);
            return;
        }
        try {
            if (codec.read(record.value()) instanceof Decoded.Known known) states.accept(key, known.envelope().event());
        } catch (EventFormatException e) {
            LOG.warnf("skipping %s-%d@%d (%s) while rebuilding what was published: %s", record.topic(),
                    record.partition(), record.offset(), key, e.getMessage());
        }
    }

    private Map<String, Object> only(java.util.Set<String> names) {
        Map<String, Object> props = new HashMap<>();
        kafkaConfig.forEach((k, v) -> {
            if (names.contains(k) && v != null) props.put(k, v);
        });
        return props;
    }
}
