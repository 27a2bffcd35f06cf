package dev.verity.fleet;

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
 * when following, whatever arrives next. Not thread-safe: one thread reads.
 */
public final class TopicReader implements AutoCloseable {

    /** One record, as the readers of the topics need it. */
    public record Record(String topic, int partition, long offset, String key, String value, long timestamp) {
    }

    private final KafkaConsumer<String, String> consumer;
    private final String bootstrapServers;
    private final Duration timeout;

    /**
     * @param bootstrapServers Kafka's bootstrap servers
     * @param timeout          how long one step (listing topics, finding end offsets, reading to the end) may take
     * @param clientId         how this reader shows in the broker's logs and quotas
     * @throws TopicReadException when the client cannot be created from these settings
     */
    public TopicReader(String bootstrapServers, Duration timeout, String clientId) {
        this(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), timeout, clientId);
    }

    /**
     * A reader with a service's Kafka client settings ({@code bootstrap.servers} and whatever else it connects with:
     * TLS, SASL); a {@code group.id} among them is ignored, since no consumer group is joined.
     *
     * @throws TopicReadException when the client cannot be created from these settings
     */
    public TopicReader(Map<String, ?> clientSettings, Duration timeout, String clientId) {
        this.bootstrapServers = String.valueOf(clientSettings.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG));
        this.timeout = timeout;
        Properties p = new Properties();
        p.putAll(clientSettings);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024 + 4096);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        try {
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        } catch (KafkaException e) {
            throw new TopicReadException(TopicReadException.Reason.CLIENT,
                    "cannot use Kafka at '" + bootstrapServers + "': " + rootMessage(e));
        }
    }

    /** The topics whose names pass {@code filter}. */
    public List<String> topics(Predicate<String> filter) {
        try {
            return consumer.listTopics(timeout).keySet().stream().filter(filter).sorted().toList();
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new TopicReadException(TopicReadException.Reason.UNREACHABLE,
                    "Kafka at " + bootstrapServers + " did not answer within " + timeout.toSeconds() + " s");
        } catch (KafkaException e) {
            throw new TopicReadException(TopicReadException.Reason.CLIENT,
                    "cannot list the topics of Kafka at " + bootstrapServers + ": " + rootMessage(e));
        }
    }

    /**
     * Every record of {@code topics} from the beginning to the end each partition had when this call started, in
     * order within each partition; topics that do not exist are skipped. Leaves the reader positioned there, so
     * {@link #follow} continues with what comes next.
     */
    public List<Record> readToEnd(Collection<String> topics) {
        List<Record> records = new ArrayList<>();
        readToEnd(topics, records::add);
        return records;
    }

    /** As {@link #readToEnd(Collection)}, handing each record to {@code sink} as it is read instead of keeping them. */
    public void readToEnd(Collection<String> topics, Consumer<Record> sink) {
        List<TopicPartition> partitions = partitions(topics);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end;
        try {
            end = consumer.endOffsets(partitions, timeout);
        } catch (KafkaException e) {
            throw new TopicReadException(TopicReadException.Reason.UNREACHABLE, "Kafka at " + bootstrapServers
                    + " did not tell where " + topics + " end within " + timeout.toSeconds() + " s (" + rootMessage(e) + ")");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reached(end)) {
            if (System.nanoTime() > deadline) {
                throw new TopicReadException(TopicReadException.Reason.TOO_SLOW, "reading " + topics + " from Kafka at "
                        + bootstrapServers + " took longer than " + timeout.toSeconds() + " s");
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) sink.accept(of(r));
        }
    }

    /**
     * Positions the reader at the current end of {@code topics}, so that {@link #follow} sees only what is published
     * from now on.
     */
    public void atEnd(Collection<String> topics) {
        List<TopicPartition> partitions = partitions(topics);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        for (TopicPartition p : partitions) consumer.position(p, timeout); // resolve now, before anything is published
    }

    /** Hands every record arriving on the assigned partitions to {@code sink} until {@code running} turns false. */
    public void follow(Consumer<Record> sink, BooleanSupplier running) {
        while (running.getAsBoolean()) {
            for (Record r : poll(Duration.ofMillis(250))) sink.accept(r);
        }
    }

    /** What arrived on the assigned partitions since the last read, waiting at most {@code wait} for something. */
    public List<Record> poll(Duration wait) {
        List<Record> records = new ArrayList<>();
        for (ConsumerRecord<String, String> r : consumer.poll(wait)) records.add(of(r));
        return records;
    }

    /** Makes a read in progress on another thread end with Kafka's {@code WakeupException}; safe from any thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    private List<TopicPartition> partitions(Collection<String> topics) {
        Map<String, List<PartitionInfo>> all;
        try {
            all = consumer.listTopics(timeout);
        } catch (KafkaException e) {
            throw new TopicReadException(TopicReadException.Reason.UNREACHABLE, "Kafka at " + bootstrapServers
                    + " did not answer within " + timeout.toSeconds() + " s (" + rootMessage(e) + ")");
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

    /** The message of the innermost cause: what Kafka's client actually said. */
    public static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
