package dev.verity.drift;

import dev.verity.events.leader.DeposedReason;
import dev.verity.events.leader.Leadership;
import dev.verity.events.leader.LeadershipListener;
import dev.verity.events.leader.LeadershipSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.util.Map;

/**
 * Active/standby for the drift monitors of one cluster (DESIGN.md, one replica model): every drift-monitor process
 * of the cluster joins the group of the single-partition topic {@code verity.leader.drift-monitor.<cluster>}; the one
 * assigned its partition leads. Every process reads all of its input topics (a consumer group of its own each) and
 * keeps its state, but only the leader compares and publishes drift events ({@link DriftService#elected()}); a
 * standby takes in the leader's events from the drift topic, so on election it starts from what was reported.
 * A standby takes over within {@code verity.drift.leader-session-timeout} of the leader's death.
 *
 * <p>Does not fence: a leader paused past its session deadline can publish once more after another was elected
 * (the notifier alerts once per event id, and the events of one divergence have the same content).
 */
@ApplicationScoped
public class DriftLeadership implements LeadershipListener {

    private static final Logger LOG = Logger.getLogger(DriftLeadership.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    DriftConfig config;

    @Inject
    DriftService service;

    private volatile Leadership leadership;

    void start(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) StartupEvent start) {
        LeadershipSettings settings = LeadershipSettings.of(kafka, "drift-monitor", config.cluster())
                .withSessionTimeout(config.leaderSessionTimeout());
        leadership = Leadership.start(settings, this);
        LOG.infof("drift monitor for cluster %s: taking part in leadership on %s as %s (standby until elected)",
                config.cluster(), settings.topic(), settings.member());
    }

    void stop(@Observes ShutdownEvent stop) {
        Leadership l = leadership;
        if (l != null) l.close();
    }

    /** True while this process is the cluster's active drift monitor. */
    public boolean isLeader() {
        Leadership l = leadership;
        return l != null && l.isLeader();
    }

    /** This replica's description in the group (host and process id). */
    public String member() {
        Leadership l = leadership;
        return l == null ? "" : l.settings().member();
    }

    /** The Kafka client configuration of the application, for the one look-up of the drift topic's end. */
    Map<String, Object> kafka() {
        return kafka;
    }

    @Override
    public void elected() {
        LOG.infof("drift monitor for cluster %s: elected leader; comparing once the drift reported so far is read",
                config.cluster());
        service.elected();
    }

    @Override
    public void deposed(DeposedReason reason) {
        LOG.warnf("drift monitor for cluster %s: no longer the leader (%s); standing by", config.cluster(),
                reason.description());
        service.deposed();
    }
}
