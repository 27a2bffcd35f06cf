package dev.verity.cli;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Reads Verity's topics the way a subscriber would, without joining a consumer group (nothing is committed, no
 * service's offsets move): every partition from its beginning to the end it had when reading started, then,
 * when following, whatever arrives next.
 */
final class TopicReader implements AutoCloseable {

    /** One record, as the CLI needs it. */
    record Record(String topic, int partition, long offset, String key, String value, long timestamp) {
    }

    private final KafkaConsumer<String, String> consumer;
    private final String bootstrapServers;
    private final Duration timeout;

    TopicReader(String bootstrapServers, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.timeout = timeout;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "verity-cli");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024 + 4096);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        try {
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        } catch (KafkaException e) {
            throw new CliException("cannot use Kafka at '" + bootstrapServers + "': " + rootMessage(e)
                    + ". Pass --bootstrap-server host:port");
        }
    }

    /** The topics whose names pass {@code filter}. */
    List<String> topics(Predicate<String> filter) {
        try {
            return consumer.listTopics(timeout).keySet().stream().filter(filter).sorted().toList();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new CliException("Kafka at " + bootstrapServers + " did not answer within " + timeout.toSeconds()
                    + " s: start Verity (./verity up) or pass --bootstrap-server host:port of its Kafka cluster");
        } catch (KafkaException e) {
            throw new CliException("cannot list the topics of Kafka at " + bootstrapServers + ": " + rootMessage(e));
        }
    }

    /**
     * Every record of {@code topics} from the beginning to the end each partition had when this call started, in
     * order within each partition; topics that do not exist are skipped. Leaves the reader positioned there, so
     * {@link #follow} continues with what comes next.
     */
    List<Record> readToEnd(Collection<String> topics) {
        List<TopicPartition> partitions = partitions(topics);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        List<Record> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new CliException("reading " + topics + " from Kafka at " + bootstrapServers + " took longer than "
                        + timeout.toSeconds() + " s: pass a longer --timeout");
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) records.add(of(r));
        }
        return records;
    }

    /**
     * Positions the reader at the current end of {@code topics}, so that {@link #follow} sees only what is published
     * from now on.
     */
    void atEnd(Collection<String> topics) {
        List<TopicPartition> partitions = partitions(topics);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        for (TopicPartition p : partitions) consumer.position(p, timeout); // resolve now, before anything is published
    }

    /** Hands every record arriving on the assigned partitions to {@code sink} until {@code running} turns false. */
    void follow(Consumer<Record> sink, BooleanSupplier running) {
        while (running.getAsBoolean()) {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(250))) sink.accept(of(r));
        }
    }

    private List<TopicPartition> partitions(Collection<String> topics) {
        Map<String, List<PartitionInfo>> all;
        try {
            all = consumer.listTopics(timeout);
        } catch (KafkaException e) {
            throw new CliException("Kafka at " + bootstrapServers + " did not answer within " + timeout.toSeconds()
                    + " s (" + rootMessage(e) + "): start Verity (./verity up) or pass --bootstrap-server host:port");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo info : all.getOrDefault(topic, List.of())) partitions.add(new TopicPartition(topic, info.partition()));
        }
        return partitions;
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout) < e.getValue()) return false;
        }
        return true;
    }

    private static Record of(ConsumerRecord<String, String> r) {
        return new Record(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.timestamp());
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
