package dev.verity.receiver.app;

import dev.verity.events.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Kafka producer of {@code verity.commits}.
 *
 * <p>An event is handed to the producer on the caller's thread (for most deliveries the event loop), which only
 * appends it to the batch being built and returns: the producer runs with {@code max.block.ms} 0, so {@code send}
 * never waits. The returned future completes on the producer's network thread when Kafka acknowledges, or fails with
 * why not. What would have made a send wait (the topic's metadata not known yet, at start or while Kafka is down; the
 * producer's memory full; no producer, because it could not be created) parks the event on this class's own
 * {@code verity-commits-retry} thread, which tries again, oldest first, until the event is taken or its delivery's
 * {@code publish-timeout} has passed. Then it fails unsent: its delivery was answered 503 meanwhile, and an event the
 * forge was told failed is not written behind its back minutes later, when a broker comes back. (One handed over
 * shortly before its deadline may still be acknowledged after its 503, within {@code delivery-timeout}: a duplicate
 * of a redelivery at worst, which the renderer skips.) While events are parked, new ones queue behind them, so that a
 * repository's events reach the topic in the order they came.
 *
 * <p>At most {@code verity.receiver.producer.buffer} events wait for Kafka at once (handed over and not yet
 * acknowledged, or parked); past that a send fails at once, and the delivery is a 503.
 *
 * <p>Before, one sending thread handed every event to the producer, since {@code send} may block for
 * {@code max.block.ms}: the hand-off cost a thread wake-up per few pushes, half that thread's CPU (docs/benchmarks.md).
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
    /** How long the retry thread waits before trying again to create a producer that could not be created. */
    private static final long RECREATE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The first and the longest wait before a parked event is tried again (doubling while it is refused). */
    private static final long FIRST_RETRY_MILLIS = 2;
    private static final long LONGEST_RETRY_MILLIS = 100;

    private final Map<String, Object> settings;
    private final int capacity;
    private final long publishTimeoutNanos;
    private final MeterRegistry registry;
    /** Events handed to the producer and not acknowledged yet, or parked. */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Events waiting for the retry thread, oldest first. */
    private final Queue<Pending> parked = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService retries;
    private volatile boolean closing;
    /** Created by the retry thread; null until it could be. */
    private volatile Producer<String, String> producer;
    private volatile KafkaClientMetrics metrics;
    /** Why the producer could not be created; written by the retry thread only. */
    private volatile String createFailure;
    private long createFailedAt;
    /** Why the last event refused for now was (metadata, memory, no producer): what the events waiting wait for. */
    private volatile String whyWaiting = "the Kafka producer is not created yet";
    /** Whether a retry is scheduled; the retry thread's own. */
    private boolean retryScheduled;
    private long retryMillis = FIRST_RETRY_MILLIS;

    CommitProducer(@Identifier("default-kafka-broker") Map<String, Object> kafka, ReceiverConfig config,
            MeterRegistry registry) {
        this.settings = settings(kafka, config.producer());
        this.capacity = config.producer().buffer();
        this.publishTimeoutNanos = config.publishTimeout().toNanos();
        this.registry = registry;
        this.retries = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "verity-commits-retry");
            thread.setDaemon(true);
            return thread;
        });
        // resolving the bootstrap servers' names may take a while: not on the thread that starts the application
        retries.execute(this::producer);
    }

    /**
     * The producer's settings: the service's {@code kafka.*} ones a producer knows (bootstrap servers, security,
     * client DNS lookup...), then the receiver's: string keys and values, every replica acknowledges, a send never
     * blocks, and the timeouts and batching of {@code verity.receiver.producer}.
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
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "0");
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(producer.requestTimeout().toMillis()));
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(producer.deliveryTimeout().toMillis()));
        return settings;
    }

    /**
     * Sends one record to {@code verity.commits} without waiting; the future completes when Kafka acknowledged it, or
     * fails: too many events wait for Kafka already, the producer refused the record, Kafka did not acknowledge within
     * the producer's timeouts, or the delivery's {@code publish-timeout} passed before it could be sent.
     */
    public CompletableFuture<Void> send(String key, String value, Headers headers) {
        CompletableFuture<Void> ack = new CompletableFuture<>();
        if (closing) {
            ack.completeExceptionally(new RejectedExecutionException("the receiver is shutting down"));
            return ack;
        }
        int before = waiting.getAndIncrement();
        if (before >= capacity) {
            waiting.decrementAndGet();
            ack.completeExceptionally(new RejectedExecutionException("the receiver's send buffer is full (" + before
                    + " events waiting for Kafka; verity.receiver.producer.buffer)"));
            return ack;
        }
        Pending pending = new Pending(new ProducerRecord<>(Topics.COMMITS, null, key, value, headers), ack,
                System.nanoTime() + publishTimeoutNanos);
        if (!parked.isEmpty() || !pending.trySend(false)) park(pending);
        return ack;
    }

    /** Queues an event for the retry thread, behind those already there. */
    private void park(Pending pending) {
        parked.add(pending);
        try {
            retries.execute(this::scheduleRetry);
        } catch (RejectedExecutionException shutDown) {
            // closed meanwhile, after close() failed what was parked
            if (parked.remove(pending)) pending.expired();
        }
    }

    private void scheduleRetry() {
        if (retryScheduled) return;
        retryScheduled = true;
        retries.schedule(this::retry, retryMillis, TimeUnit.MILLISECONDS);
    }

    /** On the retry thread: sends parked events, oldest first, until one is refused again (then later, for all). */
    private void retry() {
        retryScheduled = false;
        for (Pending pending; (pending = parked.peek()) != null; ) {
            if (!pending.expired() && !pending.trySend(true)) {
                retryMillis = Math.min(retryMillis * 2, LONGEST_RETRY_MILLIS);
                scheduleRetry();
                return;
            }
            parked.poll();
        }
        retryMillis = FIRST_RETRY_MILLIS;
    }

    /** The producer, created on first use (on the retry thread only); null while it cannot be (tried again a second later). */
    private Producer<String, String> producer() {
        if (producer != null || closing) return producer;
        if (createFailure != null && System.nanoTime() - createFailedAt < RECREATE_AFTER_NANOS) return null;
        try {
            Producer<String, String> created = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
            createFailure = null;
            producer = created;
            try {
                KafkaClientMetrics bound = new KafkaClientMetrics(created);
                bound.bindTo(registry);
                metrics = bound;
            } catch (RuntimeException e) {
                LOG.warn("the Kafka producer's metrics are not bound to Micrometer: " + e);
            }
        } catch (RuntimeException e) {
            createFailedAt = System.nanoTime();
            createFailure = "cannot create the Kafka producer for " + Topics.COMMITS + " (bootstrap.servers "
                    + settings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + "): " + e.getMessage();
            LOG.warn(createFailure + "; trying again with the next delivery");
        }
        return producer;
    }

    /** One event until Kafka acknowledged it or it failed; Kafka's callback for it. */
    private final class Pending implements Callback {
        private final ProducerRecord<String, String> record;
        private final CompletableFuture<Void> ack;
        private final long deadline;
        /** The thread in {@link KafkaProducer#send} for this event, while it is there. */
        private Thread sending;
        private boolean refusedNow;

        Pending(ProducerRecord<String, String> record, CompletableFuture<Void> ack, long deadline) {
            this.record = record;
            this.ack = ack;
            this.deadline = deadline;
        }

        /**
         * Hands the event to the producer; false when it was refused for now and may be taken later. A missing
         * producer is created first when {@code create} (on the retry thread only).
         */
        boolean trySend(boolean create) {
            Producer<String, String> current = create ? producer() : producer;
            if (current == null) {
                whyWaiting = createFailure != null ? createFailure : "the Kafka producer is not created yet";
                return false;
            }
            refusedNow = false;
            sending = Thread.currentThread();
            try {
                current.send(record, this);
            } catch (RuntimeException e) {
                finish(e);
            } finally {
                sending = null;
            }
            return !refusedNow;
        }

        /** Fails the event unsent when its delivery's {@code publish-timeout} has passed; whether it has. */
        boolean expired() {
            if (closing) {
                finish(new RejectedExecutionException("the receiver is shutting down"));
                return true;
            }
            if (System.nanoTime() - deadline <= 0) return false;
            finish(new java.util.concurrent.TimeoutException("not sent: the delivery's publish-timeout passed while it"
                    + " waited for Kafka (" + whyWaiting + ")"));
            return true;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception failure) {
            if (failure instanceof TimeoutException && sending == Thread.currentThread()) {
                // refused within send, before the record was appended: no metadata yet, or no room; try again later
                refusedNow = true;
                whyWaiting = failure instanceof BufferExhaustedException
                        ? "the producer's memory (buffer.memory) is full of events Kafka has not acknowledged"
                        : "the topic's metadata is unknown: is Kafka reachable at "
                                + settings.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG) + "?";
                return;
            }
            finish(failure);
        }

        /**
         * Completes the event's future, once: Kafka may also report an event it had appended after {@code send} threw
         * (the idempotent producer's fatal state), and shutdown may fail one a last retry handles.
         */
        private void finish(Exception failure) {
            boolean first = failure == null ? ack.complete(null) : ack.completeExceptionally(failure);
            if (first) waiting.decrementAndGet();
        }
    }

    /**
     * Stops taking events, tries the parked ones once more (failing those still refused, and any parked in a race with
     * the shutdown), and closes the producer once what it holds is acknowledged (5 s at most).
     */
    @PreDestroy
    void close() {
        closing = true;
        try {
            retries.submit(() -> {
                for (Pending pending; (pending = parked.poll()) != null; ) {
                    if (!pending.trySend(false)) pending.expired();
                }
            }).get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException
                | RejectedExecutionException e) {
            LOG.warn("could not hand the last parked events to the Kafka producer: " + e);
        }
        retries.shutdownNow();
        try {
            if (!retries.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("the Kafka producer's retry thread did not end within " + CLOSE_TIMEOUT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Pending pending; (pending = parked.poll()) != null; ) pending.expired();
        if (metrics != null) metrics.close();
        if (producer != null) producer.close(CLOSE_TIMEOUT);
    }
}
