package dev.verity.applier;

import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.Envelope;
import dev.verity.events.EventIntake;
import dev.verity.events.trace.TraceCause;
import dev.verity.events.VerityEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.time.InstantSource;
import java.util.Optional;

/**
 * Self-heal: adapter from the {@code drift} channel ({@code verity.drift}) to the reconciler. On a
 * {@code DriftDetected} for a target of this cluster whose latest desired state has {@code selfHeal: true}, the
 * leader applies that desired state again ({@link Trigger#DRIFT}: events only when something changed or failed), at
 * most once per target per {@code verity.applier.self-heal-min-interval} ({@link SelfHealLimit}: a drift reported
 * sooner is healed when the interval is over). With {@code selfHeal: false} nothing is applied, and the log says why
 * (detect and alert only, as the policy asks). A drift seen at another commit than the target's latest desired state
 * is not healed (that apply is in progress or newer; a failed one is retried on its {@code retryInterval}).
 *
 * <p>Each applier process reads the topic in a consumer group of its own from the end (drift reported while no
 * applier ran is repaired by the periodic reconcile); a standby ignores drift. Other events on the topic
 * ({@code DriftResolved}, other clusters' targets) are ignored; unknown types are skipped and counted
 * ({@code EventIntake}); undecodable records go to {@code verity.drift.dlq}.
 */
@ApplicationScoped
public class DriftConsumer {

    private static final Logger LOG = Logger.getLogger(DriftConsumer.class);

    @Inject
    ApplierConfig config;

    @Inject
    DesiredStateConsumer desired;

    /** The service's one intake ({@code dev.verity.service.ServiceIntake}), shared with the desired-state consumer. */
    @Inject
    EventIntake intake;

    @Inject
    TargetTraces traces;

    private SelfHealLimit limit;

    @PostConstruct
    void init() {
        limit = new SelfHealLimit(config.selfHealMinInterval(), InstantSource.system());
    }

    @Incoming("drift")
    @Blocking
    public void consume(ConsumerRecord<String, String> record) {
        Optional<Envelope> envelope = intake.acceptEnvelope(record);
        Optional<VerityEvent> event = envelope.map(Envelope::event);
        if (event.isEmpty() || !(event.get() instanceof DriftDetected drift)) return;
        if (!drift.target().cluster().equals(config.cluster())) return;
        if (!desired.active()) {
            heal(drift, false); // a standby only logs that the leader heals
            return;
        }
        // read from the end: every record is new, and the self-heal continues the drift's trace
        traces.inSpan("self-heal", TraceCause.of(envelope.get().traceparent(), false), drift.target(), () -> {
            heal(drift, false);
            return null;
        });
    }

    /** Heals the deferred drifts whose target's self-heal interval is over. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void healDeferred() {
        if (limit == null) return;
        for (DriftDetected drift : limit.due()) heal(drift, true);
    }

    private void heal(DriftDetected drift, boolean deferred) {
        if (!desired.active()) {
            LOG.debugf("%s: drift on %s; this applier stands by, the leader heals", drift.describe(), drift.object());
            return;
        }
        Optional<DesiredState> latest = desired.latest(drift.target());
        if (latest.isEmpty()) {
            LOG.infof("%s: drift on %s not healed: this applier has no applied desired state of the target",
                    drift.describe(), drift.object());
            return;
        }
        if (!latest.get().policy().selfHeal()) {
            LOG.infof("%s: drift on %s (%s) not healed: the target's policy says selfHeal: false (detect and alert"
                    + " only); set selfHeal: true in verity.yaml to have Verity restore it", drift.describe(),
                    drift.object(), String.join(", ", drift.fields()));
            return;
        }
        if (!latest.get().commit().equals(drift.commit())) {
            LOG.infof("%s: drift on %s not healed: it was seen at commit %s, and the target's latest desired state is"
                    + " at commit %s", drift.describe(), drift.object(), drift.commit(), latest.get().commit());
            return;
        }
        if (!deferred && !limit.tryNow(drift)) {
            LOG.infof("%s: drift on %s is healed once the target's last self-heal is %s old", drift.describe(),
                    drift.object(), limit.minInterval());
            return;
        }
        LOG.infof("%s: drift on %s (%s, %s): self-heal applies the target's desired state again", drift.describe(),
                drift.object(), drift.kind(), String.join(", ", drift.fields()));
        desired.reapply(drift.target(), Trigger.DRIFT);
    }
}
