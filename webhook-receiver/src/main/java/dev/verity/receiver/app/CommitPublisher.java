package dev.verity.receiver.app;

import dev.verity.events.CommitPushed;
import dev.verity.events.RefDeleted;
import dev.verity.events.VerityEvent;
import dev.verity.events.EventCodec;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Publishes {@link CommitPushed} and {@link RefDeleted} events on the {@code commits} channel, keyed by repository, and waits (bounded by
 * {@code verity.receiver.publish-timeout}) until Kafka acknowledged them.
 */
@ApplicationScoped
public class CommitPublisher {

    public static final String CHANNEL = "commits";
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

    private final MutinyEmitter<String> emitter;
    private final EventCodec codec = new EventCodec();
    private final Duration timeout;

    CommitPublisher(@Channel(CHANNEL) MutinyEmitter<String> emitter, ReceiverConfig config) {
        this.emitter = emitter;
        this.timeout = config.publishTimeout();
    }

    /**
     * Sends every event, then waits (bounded by the one timeout) until Kafka acknowledged all of them: acknowledged
     * only when each one is; the problem names the first that is not.
     */
    public Result publishAll(List<VerityEvent> events) {
        if (events.size() == 1) return publish(events.get(0));
        List<Uni<Void>> sends = new ArrayList<>();
        for (VerityEvent event : events) {
            sends.add(emitter.sendMessage(Message.of(codec.encode(event))
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build())));
        }
        String described = events.size() + " events (" + events.stream().map(VerityEvent::describe)
                .collect(Collectors.joining(", ")) + ")";
        try {
            Uni.join().all(sends).andCollectFailures().await().atMost(timeout);
            List<String> ids = events.stream().map(EventCodec::idOf).toList();
            LOG.infof("published %s: %s", described, String.join(", ", ids));
            return new Result.Acknowledged(String.join(", ", ids));
        } catch (TimeoutException e) {
            String problem = "Kafka did not acknowledge " + described + " within " + timeout.toMillis() + " ms";
            LOG.warnf("%s: answered 503; redeliver the webhook once Kafka (kafka.bootstrap.servers) is reachable", problem);
            return new Result.NotAcknowledged(problem);
        } catch (RuntimeException e) {
            String problem = "Kafka refused " + described + ": " + e.getMessage();
            LOG.warnf(e, "%s: answered 503", problem);
            return new Result.NotAcknowledged(problem);
        }
    }

    public Result publish(VerityEvent event) {
        String name = event.getClass().getSimpleName();
        String id = EventCodec.idOf(event);
        Message<String> message = Message.of(codec.encode(event))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key()).build());
        try {
            emitter.sendMessage(message).await().atMost(timeout);
            LOG.infof("published %s %s for %s (%s)", name, id, event.describe(), detail(event));
            return new Result.Acknowledged(id);
        } catch (TimeoutException e) {
            String problem = "Kafka did not acknowledge " + name + " for " + event.repo() + "@" + event.commit()
                    + " within " + timeout.toMillis() + " ms";
            LOG.warnf("%s (%s): answered 503; redeliver the webhook once Kafka (kafka.bootstrap.servers)"
                    + " is reachable", problem, detail(event));
            return new Result.NotAcknowledged(problem);
        } catch (RuntimeException e) {
            String problem = "Kafka refused " + name + " for " + event.repo() + "@" + event.commit() + ": " + e.getMessage();
            LOG.warnf(e, "%s (%s): answered 503", problem, detail(event));
            return new Result.NotAcknowledged(problem);
        }
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
