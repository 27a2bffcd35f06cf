package dev.verity.receiver.app;

import dev.verity.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Kafka producer of {@code verity.commits}, fed by one sending thread of its own.
 *
 * <p>A delivery's events are queued ({@code verity.receiver.producer.buffer} at most; past that a send fails at once,
 * and the delivery is a 503) and the sending thread hands them to the producer, because
 * {@link KafkaProducer#send} may block: up to {@code max-block} while the topic's metadata is unknown (Kafka down)
 * or the producer's memory is full. No request thread and no event loop waits for Kafka; the returned future
 * completes on the producer's network thread when Kafka acknowledges, or fails with why not.
 *
 * <p>An event still queued when its delivery's {@code publish-timeout} has passed (the delivery was answered 503
 * meanwhile) is not sent: the forge was told it failed, so it is not written behind its back minutes later when a
 * broker comes back.
 *
 * <p>Its own producer rather than SmallRye Reactive Messaging's emitter and Kafka sink: the receiver needs no stream,
 * only "send this record, tell me when it is acknowledged", and the emitter's operators and per-record context
 * capture were a sixth of a push's CPU (docs/benchmarks.md). The connection and security settings are the
 * service's {@code kafka.*} (the {@code default-kafka-broker} map, as every Verity client); the producer's own are
 * {@code verity.receiver.producer.*}. Its client metrics are bound to Micrometer ({@code kafka_producer_*}), as
 * Quarkus did for the channel's producer.
 */
@Startup
@ApplicationScoped
public class CommitProducer {

    private static final Logger LOG = Logger.getLogger(CommitProducer.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    /** How long the sending thread waits before trying again to create a producer that could not be created. */
    private static final long RECREATE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);

    private record Pending(ProducerRecord<String, String> record, CompletableFuture<Void> ack, long deadline) {
    }

    private final Map<String, Object> settings;
    private final BlockingQueue<Pending> queue;
    private final long publishTimeoutNanos;
    private final MeterRegistry registry;
    private final Thread sender;
    private volatile boolean closing;
    /** Created and used by the sending thread; closed by {@link #close()} once that thread has ended. */
    private volatile Producer<String, String> producer;
    private volatile KafkaClientMetrics metrics;
    private long createdFailedAt;
    private String createFailure;

    CommitProducer(@Identifier("default-kafka-broker") Map<String, Object> kafka, ReceiverConfig config,
            MeterRegistry registry) {
        this.settings = settings(kafka, config.producer());
        this.queue = new ArrayBlockingQueue<>(config.producer().buffer());
        this.publishTimeoutNanos = config.publishTimeout().toNanos();
        this.registry = registry;
        this.sender = new Thread(this::run, "verity-commits-sender");
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * The producer's settings: the service's {@code kafka.*} ones a producer knows (bootstrap servers, security,
     * client DNS lookup...), then the receiver's: string keys and values, every replica acknowledges, and the
     * timeouts and batching of {@code verity.receiver.producer}.
     */
    static Map<String, Object> settings(Map<String, Object> kafka, ReceiverConfig.Producer producer) {
        Set<String> known = ProducerConfig.configNames();
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (value != null && known.contains(key)) settings.put(key, value);
        });
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "verity-webhook-receiver-commits");
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, Long.toString(producer.linger().toMillis()));
        settings.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(producer.batchSize()));
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(producer.maxBlock().toMillis()));
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(producer.requestTimeout().toMillis()));
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(producer.deliveryTimeout().toMillis()));
        return settings;
    }

    /**
     * Queues one record for {@code verity.commits}; the future completes when Kafka acknowledged it, or fails: the
     * buffer is full, the producer cannot be created or refused the record, Kafka did not acknowledge within the
     * producer's timeouts, or the delivery's {@code publish-timeout} passed before it could be sent.
     */
    public CompletableFuture<Void> send(String key, String value, Headers headers) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        if (closing) {
            ack.completeExceptionally(new RejectedExecutionException("the receiver is shutting down"));
        } else if (!queue.offer(new Pending(new ProducerRecord<>(Topics.COMMITS, null, key, value, headers), ack,
                System.nanoTime() + publishTimeoutNanos))) {
            ack.completeExceptionally(new RejectedExecutionException("the receiver's send buffer is full ("
                    + queue.size() + " events waiting for Kafka; verity.receiver.producer.buffer)"));
        }
        return ack;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(64);
        try {
            while (!closing || !queue.isEmpty()) {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                queue.drainTo(batch, 63);
                for (Pending pending : batch) send(pending);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            batch.forEach(p -> p.ack().completeExceptionally(new RejectedExecutionException("the receiver is shutting down")));
            for (Pending p; (p = queue.poll()) != null; ) {
                p.ack().completeExceptionally(new RejectedExecutionException("the receiver is shutting down"));
            }
        }
    }

    private void send(Pending pending) {
        if (pending.ack().isDone()) return;
        if (System.nanoTime() - pending.deadline() > 0) {
            pending.ack().completeExceptionally(new TimeoutException("not sent: the delivery's publish-timeout passed"
                    + " while it waited for Kafka"));
            return;
        }
        Producer<String, String> producer = producer();
        if (producer == null) {
            pending.ack().completeExceptionally(new IllegalStateException(createFailure));
            return;
        }
        try {
            producer.send(pending.record(), (metadata, failure) -> {
                if (failure == null) {
                    pending.ack().complete(null);
                } else {
                    pending.ack().completeExceptionally(failure);
                }
            });
        } catch (RuntimeException refused) {
            pending.ack().completeExceptionally(refused);
        }
    }

    /** The producer, created on first use; null while it cannot be (tried again a second later). */
    private Producer<String, String> producer() {
        if (producer != null) return producer;
        if (createFailure != null && System.nanoTime() - createdFailedAt < RECREATE_AFTER_NANOS) return null;
        try {
            producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
            metrics = new KafkaClientMetrics(producer);
            metrics.bindTo(registry);
            createFailure = null;
        } catch (RuntimeException e) {
            createdFailedAt = System.nanoTime();
            createFailure = "cannot create the Kafka producer for " + Topics.COMMITS + " (bootstrap.servers "
                    + settings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + "): " + e.getMessage();
            LOG.warn(createFailure + "; trying again with the next delivery");
        }
        return producer;
    }

    /** Stops taking events, sends those queued, and closes the producer once they are acknowledged (5 s at most). */
    @PreDestroy
    void close() {
        closing = true;
        try {
            sender.join(CLOSE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sender.isAlive()) sender.interrupt();
        if (metrics != null) metrics.close();
        if (producer != null) producer.close(CLOSE_TIMEOUT);
    }
}
