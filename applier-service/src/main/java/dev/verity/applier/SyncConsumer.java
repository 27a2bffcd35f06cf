package dev.verity.applier;

import dev.verity.events.Envelope;
import dev.verity.events.EventIntake;
import dev.verity.events.trace.TraceCause;
import dev.verity.events.SyncRequested;
import dev.verity.events.VerityEvent;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * {@code ./verity sync <target>}: adapter from the {@code requests} channel ({@code verity.requests}) to the
 * reconciler. On a {@code SyncRequested} for a target of this cluster, the leader applies the target's latest desired
 * state at once ({@link Trigger#SYNC}) and reports it on {@code verity.rollout} as any rollout, which is the answer
 * the CLI waits for. A standby ignores requests (the leader answers). Like drift, each applier process reads the
 * topic in a consumer group of its own from the end; unknown types are skipped and counted; undecodable records go to
 * {@code verity.requests.dlq}.
 */
@ApplicationScoped
public class SyncConsumer {

    private static final Logger LOG = Logger.getLogger(SyncConsumer.class);

    @Inject
    ApplierConfig config;

    @Inject
    DesiredStateConsumer desired;

    @Inject
    EventIntake intake;

    @Inject
    TargetTraces traces;

    @Incoming("requests")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        Optional<Envelope> envelope = intake.acceptEnvelope(record);
        Optional<VerityEvent> event = envelope.map(Envelope::event);
        if (event.isEmpty() || !(event.get() instanceof SyncRequested request)) return;
        if (!request.target().cluster().equals(config.cluster())) return;
        if (!desired.active()) {
            LOG.debugf("%s: sync requested by %s; this applier stands by, the leader answers", request.target(),
                    request.requestedBy());
            return;
        }
        // read from the end: every request is new, and the apply it asks for continues its trace
        traces.inSpan("sync target", TraceCause.of(envelope.get().traceparent(), false), request.target(), () -> {
            sync(request);
            return null;
        });
    }

    private void sync(SyncRequested request) {
        LOG.infof("%s: sync requested by %s (seen at commit %s): applying the target's latest desired state now",
                request.target(), request.requestedBy(), dev.verity.events.TargetKey.shortSha(request.commit()));
        desired.sync(request.target());
    }
}
