package dev.verity.notifier;

import dev.verity.events.Topics;
import dev.verity.notifier.delivery.Undelivered;
import dev.verity.notifier.delivery.UndeliveredSink;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

/**
 * Logs an alert that could not be delivered and publishes it to the {@code undelivered} channel
 * ({@code verity.undelivered}), keyed like the alert, waiting for Kafka's ack; throws when Kafka does not take it, so
 * that the event is not committed (an undelivered alert counts as handled only once it is on the topic).
 */
@ApplicationScoped
public class UndeliveredPublisher implements UndeliveredSink {

    private static final Logger LOG = Logger.getLogger(UndeliveredPublisher.class);

    private final MutinyEmitter<Record<String, String>> emitter;

    public UndeliveredPublisher(@Channel("undelivered") MutinyEmitter<Record<String, String>> emitter) {
        this.emitter = emitter;
    }

    @Override
    public void report(Undelivered u) {
        LOG.errorf("%s: alert \"%s\" (event %s) was not delivered to %s after %d attempt(s): %s",
                u.alert().where(), u.alert().title(), u.alert().eventId(), u.destinationDescription(), u.attempts(),
                u.error());
        try {
            emitter.sendAndAwait(Record.of(u.alert().key(), u.toJson()));
        } catch (RuntimeException e) {
            // not handled: the event is not committed, and delivering it is tried again
            throw new IllegalStateException(u.alert().where() + ": cannot publish the undelivered alert (event "
                    + u.alert().eventId() + ", destination " + u.destination() + ") to " + Topics.UNDELIVERED + ": "
                    + e.getMessage(), e);
        }
    }
}
