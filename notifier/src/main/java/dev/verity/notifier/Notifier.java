package dev.verity.notifier;

import dev.verity.events.EventFormatException;
import dev.verity.events.EventIntake;
import dev.verity.events.Envelope;
import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.AlertComposer;
import dev.verity.notifier.delivery.AlertDispatcher;
import dev.verity.notifier.delivery.Delivery;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * Consumes drift and rollout events, composes an alert for each that needs one and hands it to the dispatcher.
 * An event of a type this version does not know is skipped and counted ({@link EventIntake}); a record that cannot
 * be decoded is refused (the channel sends it to its dead-letter topic and goes on).
 * Created at start-up, so the destinations are logged before the first event arrives.
 */
@Startup
@ApplicationScoped
public class Notifier {

    private static final Logger LOG = Logger.getLogger(Notifier.class);

    /** The service's one intake ({@code dev.verity.service.ServiceIntake}). */
    @Inject
    EventIntake intake;
    private final AlertComposer composer = new AlertComposer();
    private final AlertDispatcher dispatcher;
    private final DeliveryMetrics metrics;

    public Notifier(AlertDispatcher dispatcher, DeliveryMetrics metrics) {
        this.dispatcher = dispatcher;
        this.metrics = metrics;
    }

    @Incoming("drift")
    @Blocking
    public void onDrift(ConsumerRecord<String, String> record) {
        handle("drift", record);
    }

    @Incoming("rollout")
    @Blocking
    public void onRollout(ConsumerRecord<String, String> record) {
        handle("rollout", record);
    }


    void handle(String channel, ConsumerRecord<String, String> record) {
        Optional<Envelope> decoded;
        try {
            decoded = intake.accept(record.topic(), record.partition(), record.offset(), record.value());
        } catch (EventFormatException e) {
            LOG.warnf("%s: refused a record that is not a Verity event (%s)", channel, e.getMessage());
            throw e;
        }
        if (decoded.isEmpty()) return; // a type this version does not know: skipped and counted
        Envelope envelope = decoded.get();
        Optional<Alert> alert = composer.compose(envelope);
        if (alert.isEmpty()) {
            LOG.debugf("%s: %s %s needs no alert", channel, envelope.type(), envelope.event().describe());
            return;
        }
        List<Delivery> deliveries = dispatcher.dispatch(alert.get());
        for (Delivery d : deliveries) {
            metrics.record(d);
            switch (d.outcome()) {
                case DELIVERED -> LOG.infof("%s: alerted \"%s\" via %s (event %s, %d attempt(s))", alert.get().where(),
                        alert.get().title(), d.destination(), envelope.id(), d.attempts());
                case DUPLICATE -> LOG.infof("%s: event %s was already alerted via %s; skipped", alert.get().where(),
                        envelope.id(), d.destination());
                case UNDELIVERED -> {
                    // logged and published by the UndeliveredPublisher
                }
            }
        }
        if (deliveries.isEmpty()) {
            LOG.warnf("%s: %s (no destination configured; event %s)", alert.get().where(), alert.get().title(), envelope.id());
        }
    }
}
