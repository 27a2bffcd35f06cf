package dev.verity.applier;

import dev.verity.events.EventCodec;
import dev.verity.events.TargetEvent;
import dev.verity.service.EventTracing;
import io.micrometer.core.instrument.Gauge;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.faulttolerance.api.Guard;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The applier's events on their way to Kafka ({@code verity.rollout} and {@code verity.applied.<cluster>}), so that
 * a Kafka outage delays them but loses none: {@link #send} queues an event and returns at once; one sender thread
 * sends them in the order they were queued (so each target's events stay in order), each until Kafka acknowledged
 * it, retrying with exponential backoff and jitter (SmallRye Fault Tolerance, {@link Guard}: from 500 ms up to
 * {@code verity.applier.publish-retry-max-delay}, without a limit on attempts). Events are delivered at least once:
 * an attempt that timed out may have been written, and is sent again (event ids are deterministic, so consumers
 * drop the copy).
 *
 * <p>Bounded: at most {@code verity.applier.outbox-max-bytes} of encoded events wait (one event larger than that is
 * taken when nothing else waits). At the bound {@link #send} blocks until Kafka has taken enough: the applier then
 * applies nothing more until its events can be published, rather than drop any. An event Kafka refuses for good
 * (larger than the topic accepts, not serialisable, invalid topic) is logged at ERROR and dropped, since no retry
 * could deliver it and it would hold every later event back. Events still waiting when the applier stops are
 * logged and lost with it; after a restart every target is applied again and its events published anew.
 * {@code verity_rollout_outbox_events} shows how many wait. This class decides nothing about what is published.
 */
@ApplicationScoped
public class RolloutOutbox {

    private static final Logger LOG = Logger.getLogger(RolloutOutbox.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);

    /** One event to send: {@code send} returns once Kafka acknowledged it, or throws. */
    record Pending(String what, int bytes, Runnable send) {
    }

    @Inject
    ApplierConfig config;

    @Inject
    MeterRegistry registry;

    @Inject
    @Channel("rollout")
    MutinyEmitter<String> rollout;

    @Inject
    EventTracing tracing;

    @Inject
    TargetTraces traces;

    private final EventCodec codec = new EventCodec();

    private final Deque<Pending> queue = new ArrayDeque<>();
    private long queuedBytes;
    private volatile boolean stopped;
    private final AtomicInteger attempt = new AtomicInteger();
    private Guard guard;
    private Thread sender;

    @PostConstruct
    void start() {
        Duration maxDelay = config.publishRetryMaxDelay();
        guard = Guard.create()
                .withDescription("publishing the applier's events")
                .withRetry()
                .maxRetries(-1)
                .maxDuration(3650, ChronoUnit.DAYS)
                .delay(FIRST_RETRY.toMillis(), ChronoUnit.MILLIS)
                .jitter(FIRST_RETRY.toMillis() / 2, ChronoUnit.MILLIS)
                .withExponentialBackoff().factor(2).maxDelay(maxDelay.toMillis(), ChronoUnit.MILLIS).done()
                .whenException(e -> !stopped && !refusedForGood(e))
                .done()
                .build();
        Gauge.builder("verity.rollout.outbox.events", this, RolloutOutbox::size)
                .description("Events the applier has not yet published because Kafka has not acknowledged them")
                .register(registry);
        sender = new Thread(this::sendAll, "verity-applier-outbox");
        sender.setDaemon(true);
        sender.start();
    }

    /**
     * Queues an event; returns at once unless the outbox is full, then waits until there is room.
     *
     * @throws DesiredStateConsumer.RolloutNotPublished when interrupted while waiting for room, or stopped
     */
    void send(Pending event) {
        synchronized (queue) {
            while (!queue.isEmpty() && queuedBytes + event.bytes() > config.outboxMaxBytes() && !stopped) {
                LOG.warnf("%d event(s) of %d bytes wait for Kafka, the outbox's bound (verity.applier.outbox-max-bytes);"
                        + " the applier applies nothing more until Kafka takes them", queue.size(), queuedBytes);
                try {
                    queue.wait(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new DesiredStateConsumer.RolloutNotPublished(event.what() + " was not queued for Kafka:"
                            + " interrupted while the outbox was full", e);
                }
            }
            if (stopped) {
                throw new DesiredStateConsumer.RolloutNotPublished(event.what() + " was not queued for Kafka: the"
                        + " applier is stopping", null);
            }
            queue.addLast(event);
            queuedBytes += event.bytes();
            queue.notifyAll();
        }
    }

    /**
     * Queues an event for {@code verity.rollout}, keyed by its target: every rollout event of the applier (the
     * reconciler's and the health watch's) goes this way, so that a target's events reach Kafka in the order they
     * happened.
     */
    void rollout(TargetEvent event) {
        traces.publishing(event, () -> {
            // encoded now, on the caller's thread: the event carries the context of the span that decided it
            EventTracing.Outgoing record = tracing.encode(codec, event);
            send(new Pending(event.type() + " of " + event.describe(),
                    record.value().getBytes(StandardCharsets.UTF_8).length, () -> {
                        Message<String> message = Message.of(record.value())
                                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key())
                                        .withHeaders(record.headers()).build());
                        rollout.sendMessage(message).await().atMost(config.publishTimeout());
                    }));
        });
    }

    /** How many events wait. */
    int size() {
        synchronized (queue) {
            return queue.size();
        }
    }

    private void sendAll() {
        while (!stopped) {
            Pending head;
            synchronized (queue) {
                while (queue.isEmpty() && !stopped) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (stopped) return;
                head = queue.peekFirst();
            }
            deliver(head);
            synchronized (queue) {
                queue.removeFirst();
                queuedBytes -= head.bytes();
                queue.notifyAll();
            }
        }
    }

    private void deliver(Pending event) {
        attempt.set(0);
        try {
            guard.call(() -> {
                int n = attempt.incrementAndGet();
                try {
                    event.send().run();
                } catch (RuntimeException e) {
                    if (!stopped && !refusedForGood(e)) {
                        LOG.log(n == 1 || n % 10 == 0 ? Logger.Level.WARN : Logger.Level.DEBUG, event.what()
                                + " not acknowledged by Kafka (attempt " + n + ": " + describe(e)
                                + "); retrying with backoff, " + (size() - 1) + " more event(s) wait");
                    }
                    throw e;
                }
                if (n > 1) LOG.infof("%s published after %d attempts", event.what(), n);
                return null;
            }, Void.class);
        } catch (Exception e) {
            if (stopped) return;
            LOG.errorf("%s was refused by Kafka and cannot be published (%s); it is dropped so that later events are"
                    + " not held back", event.what(), describe(e));
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Errors no retry cures. */
    static boolean refusedForGood(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RecordTooLargeException || t instanceof SerializationException
                    || t instanceof InvalidTopicException) {
                return true;
            }
        }
        return false;
    }

    void stop(@Observes ShutdownEvent shutdown) {
        long deadline = System.nanoTime() + config.publishTimeout().toNanos();
        synchronized (queue) {
            while (!queue.isEmpty() && System.nanoTime() < deadline) {
                try {
                    queue.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (!queue.isEmpty()) {
                LOG.errorf("the applier stops with %d event(s) not acknowledged by Kafka (the first: %s); they are lost,"
                        + " and published anew when the applier applies the targets again after its restart",
                        queue.size(), queue.peekFirst().what());
            }
            stopped = true;
            queue.notifyAll();
        }
        if (sender != null) sender.interrupt();
    }
}
