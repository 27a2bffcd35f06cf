package dev.verity.notifier;

import dev.verity.events.EventCodec;
import dev.verity.events.EventFormatException;
import dev.verity.events.Envelope;
import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.AlertComposer;
import dev.verity.notifier.delivery.AlertDispatcher;
import dev.verity.notifier.delivery.Delivery;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;

/**
 * Consumes drift and rollout events, composes an alert for each that needs one and hands it to the dispatcher.
 * A record that is not a Verity event is refused (the channel sends it to its dead-letter topic and goes on).
 * Created at start-up, so the destinations are logged before the first event arrives.
 */
@Startup
@ApplicationScoped
public class Notifier {

    private static final Logger LOG = Logger.getLogger(Notifier.class);

    private final EventCodec codec = new EventCodec();
    private final AlertComposer composer = new AlertComposer();
    private final AlertDispatcher dispatcher;

    public Notifier(AlertDispatcher dispatcher) {
        this.dispatcher = dispatcher;
    }

    @Incoming("drift")
    @Blocking
    public void onDrift(String record) {
        handle("drift", record);
    }

    @Incoming("rollout")
    @Blocking
    public void onRollout(String record) {
        handle("rollout", record);
    }

    void handle(String channel, String record) {
        Envelope envelope;
        try {
            envelope = codec.decodeEnvelope(record);
        } catch (EventFormatException e) {
            LOG.warnf("%s: refused a record that is not a Verity event (%s); it goes to the channel's dead-letter topic",
                    channel, e.getMessage());
            throw e;
        }
        Optional<Alert> alert = composer.compose(envelope);
        if (alert.isEmpty()) {
            LOG.debugf("%s: %s %s needs no alert", channel, envelope.type(), envelope.event().describe());
            return;
        }
        List<Delivery> deliveries = dispatcher.dispatch(alert.get());
        for (Delivery d : deliveries) {
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
