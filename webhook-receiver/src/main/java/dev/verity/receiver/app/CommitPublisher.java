package dev.verity.receiver.app;

import dev.verity.events.CommitPushed;
import dev.verity.events.RefDeleted;
import dev.verity.events.VerityEvent;
import dev.verity.events.EventCodec;
import dev.verity.events.trace.SpanAttributes;
import dev.verity.service.EventTracing;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Publishes {@link CommitPushed} and {@link RefDeleted} events on {@code verity.commits} ({@link CommitProducer}), keyed
 * by repository, and completes once Kafka acknowledged them (bounded by {@code verity.receiver.publish-timeout})
 * without holding a thread while it waits. Each event carries the context of the delivery's server span (the trace of
 * the commit starts at the webhook), in its CloudEvent {@code traceparent} and the Kafka header of that name
 * ({@link EventTracing}).
 */
@ApplicationScoped
public class CommitPublisher {

    private static final Logger LOG = Logger.getLogger(CommitPublisher.class);

    /** How a publication ended. */
    public sealed interface Result {
        /** Kafka holds the event. */
        record Acknowledged(String eventId) implements Result {
        }

        /** Kafka refused the event or did not answer in time; it may or may not have been written. */
        record NotAcknowledged(String problem) implements Result {
        }
    }

    private final CommitProducer producer;
    private final Vertx vertx;
    private final EventCodec codec = new EventCodec();
    private final Duration timeout;
    private final EventTracing tracing;

    CommitPublisher(CommitProducer producer, ReceiverConfig config, EventTracing tracing, Vertx vertx) {
        this.producer = producer;
        this.vertx = vertx;
        this.tracing = tracing;
        this.timeout = config.publishTimeout();
    }

    /**
     * Sends every event now and completes once Kafka acknowledged all of them, bounded by the one timeout; no thread
     * waits meanwhile (the producer's network thread does the I/O). Acknowledged only when each event
     * is; the problem names what was not. Plain futures, not a reactive pipeline: this runs for every delivery, and
     * each operator of one costs a context capture and restore per item.
     */
    public CompletionStage<Result> publishAll(List<VerityEvent> events) {
        // the caller's thread has the delivery's server span
        if (!events.isEmpty() && tracing.enabled()) tracing.describe(SpanAttributes.of(events.get(0)));
        String traceparent = tracing.traceparent();
        CompletableFuture<?>[] acks = new CompletableFuture<?>[events.size()];
        String[] ids = new String[events.size()];
        for (int i = 0; i < acks.length; i++) {
            VerityEvent event = events.get(i);
            EventTracing.Outgoing record;
            try {
                record = EventTracing.encode(codec, event, traceparent);
            } catch (RuntimeException e) {
                acks[i] = CompletableFuture.failedFuture(e);
                continue;
            }
            ids[i] = record.id();
            acks[i] = send(event, record);
        }
        CompletableFuture<?> all = acks.length == 1 ? acks[0] : CompletableFuture.allOf(acks);
        // the timeout is a Vert.x timer, not CompletableFuture.orTimeout: what follows it (the answer) then runs on a
        // Vert.x thread, which has the application's class loader, not on the JDK's shared delayer thread
        CompletableFuture<Result> settled = new CompletableFuture<>();
        AtomicBoolean once = new AtomicBoolean();
        long timer = vertx.setTimer(timeout.toMillis(), id -> {
            if (once.compareAndSet(false, true)) settled.complete(notAcknowledged(events, new TimeoutException()));
        });
        all.whenComplete((done, failure) -> {
            vertx.cancelTimer(timer);
            if (!once.compareAndSet(false, true)) return;
            settled.complete(failure == null ? acknowledged(events, ids) : notAcknowledged(events,
                    failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure));
        });
        return settled;
    }

    /** Hands one event to the producer; completes when Kafka acknowledges it, or fails with why not. */
    private CompletableFuture<Void> send(VerityEvent event, EventTracing.Outgoing record) {
        return producer.send(event.key(), record.value(), record.headers());
    }

    private Result acknowledged(List<VerityEvent> events, String[] ids) {
        if (LOG.isInfoEnabled()) {
            // one line per event, for the audit trail; concatenated, not formatted (this runs for every delivery)
            for (int i = 0; i < ids.length; i++) {
                VerityEvent event = events.get(i);
                LOG.info("published " + event.getClass().getSimpleName() + " " + ids[i] + " for " + event.describe()
                        + " (" + detail(event) + ")");
            }
        }
        return new Result.Acknowledged(String.join(", ", ids));
    }

    private Result notAcknowledged(List<VerityEvent> events, Throwable failure) {
        String described = events.size() == 1
                ? events.get(0).getClass().getSimpleName() + " for " + events.get(0).repo() + "@" + events.get(0).commit()
                : events.size() + " events (" + events.stream().map(VerityEvent::describe)
                        .collect(Collectors.joining(", ")) + ")";
        String details = events.stream().map(CommitPublisher::detail).collect(Collectors.joining("; "));
        if (failure instanceof TimeoutException) {
            String problem = "Kafka did not acknowledge " + described + " within " + timeout.toMillis() + " ms";
            LOG.warnf("%s (%s): answered 503; redeliver the webhook once Kafka (kafka.bootstrap.servers)"
                    + " is reachable", problem, details);
            return new Result.NotAcknowledged(problem);
        }
        String problem = "Kafka refused " + described + ": " + failure.getMessage();
        LOG.warnf(failure, "%s (%s): answered 503", problem, details);
        return new Result.NotAcknowledged(problem);
    }

    private static String detail(VerityEvent event) {
        if (event instanceof CommitPushed pushed) {
            return "branch " + pushed.branch() + ", " + pushed.changedPaths().size() + " changed paths"
                    + (pushed.pathsComplete() ? "" : " (maybe incomplete)") + ", delivery " + pushed.deliveryId();
        }
        if (event instanceof RefDeleted deleted) {
            return "branch " + deleted.branch() + " deleted, delivery " + deleted.deliveryId();
        }
        return event.type();
    }
}
