package dev.verity.applier;

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
 * Active/standby for the appliers of one cluster (DESIGN.md, one replica model): every applier process of the
 * cluster joins the group of the single-partition topic {@code verity.leader.applier.<cluster>}; the one assigned
 * its partition is the leader and applies, the others read the desired-state topic but only remember each target's
 * latest desired state or removal ({@link DesiredStateConsumer#elected()}). A standby takes over within
 * {@code verity.applier.leader-session-timeout} of the leader's death; a leader that cannot reach the group
 * coordinator steps down before then. Writes that overlap anyway (a leader paused longer than the session timeout)
 * are fenced by the inventory's resourceVersion.
 *
 * <p>Started after the topics are provisioned and before the Kafka channels connect; closed (leaving the group, so a
 * standby takes over at once) when the application stops.
 */
@ApplicationScoped
public class ApplierLeadership implements LeadershipListener {

    private static final Logger LOG = Logger.getLogger(ApplierLeadership.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @Inject
    ApplierConfig config;

    @Inject
    DesiredStateConsumer consumer;

    private volatile Leadership leadership;

    void start(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) StartupEvent start) {
        LeadershipSettings settings = LeadershipSettings.of(kafka, "applier", config.cluster())
                .withSessionTimeout(config.leaderSessionTimeout());
        leadership = Leadership.start(settings, this);
        LOG.infof("applier for cluster %s: taking part in leadership on %s as %s (standby until elected)",
                config.cluster(), settings.topic(), settings.member());
    }

    void stop(@Observes ShutdownEvent stop) {
        Leadership l = leadership;
        if (l != null) l.close();
    }

    /** True while this process is the cluster's active applier. */
    public boolean isLeader() {
        Leadership l = leadership;
        return l != null && l.isLeader();
    }

    /** This replica's description in the group (host and process id). */
    public String member() {
        Leadership l = leadership;
        return l == null ? "" : l.settings().member();
    }

    @Override
    public void elected() {
        LOG.infof("applier for cluster %s: elected leader; applying the latest desired state of every target",
                config.cluster());
        consumer.elected();
    }

    @Override
    public void deposed(DeposedReason reason) {
        LOG.warnf("applier for cluster %s: no longer the leader (%s); standing by", config.cluster(),
                reason.description());
        consumer.deposed(config.leaderSessionTimeout().dividedBy(2));
    }
}
