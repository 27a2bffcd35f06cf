package dev.verity.service;

import dev.verity.events.leader.DeposedReason;
import dev.verity.events.leader.Leadership;
import dev.verity.events.leader.LeadershipListener;
import dev.verity.events.leader.LeadershipSettings;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;

/**
 * Active/standby for the replicas of one service and cluster (DESIGN.md, one replica model), as a Quarkus bean:
 * every process joins the group of the single-partition topic {@code verity.leader.<role>.<cluster>} ({@link
 * Leadership}); the one assigned its partition leads until it dies, stops or loses the group coordinator for longer
 * than the session timeout. A service subclasses it (an {@code @ApplicationScoped} bean) and says what leading means
 * in {@link #onElected()} and {@link #onDeposed(DeposedReason)}.
 *
 * <p>Joins after the topics are provisioned and before the Kafka channels connect (start-up priority
 * {@code LIBRARY_BEFORE}); leaves the group when the application stops, so a standby takes over at once.
 */
public abstract class ServiceLeadership implements LeadershipListener {

    private static final Logger LOG = Logger.getLogger(ServiceLeadership.class);

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private volatile Leadership leadership;

    /** The service's role in the leadership topic's name: {@code applier}, {@code drift-monitor}. */
    protected abstract String role();

    /** The cluster whose replicas elect one leader; null for a service that serves every cluster (the notifier). */
    protected abstract String cluster();

    /** How long a standby waits for a silent leader before taking over. */
    protected abstract Duration sessionTimeout();

    /** This process was elected: start leading. Called on the leadership's thread. */
    protected abstract void onElected();

    /** This process no longer leads: stop at once. Called on the leadership's thread. */
    protected abstract void onDeposed(DeposedReason reason);

    protected void start(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE) StartupEvent start) {
        LeadershipSettings settings = LeadershipSettings.of(kafka, role(), cluster()).withSessionTimeout(sessionTimeout());
        leadership = Leadership.start(settings, this);
        LOG.infof("%s: taking part in leadership on %s as %s (standby until elected)", who(), settings.topic(),
                settings.member());
    }

    protected void stop(@Observes ShutdownEvent stop) {
        Leadership l = leadership;
        if (l != null) l.close();
    }

    /** True while this process is the cluster's active one. */
    public boolean isLeader() {
        Leadership l = leadership;
        return l != null && l.isLeader();
    }

    /** This replica's description in the group (host and process id); empty before it joined. */
    public String member() {
        Leadership l = leadership;
        return l == null ? "" : l.settings().member();
    }

    /** The Kafka client configuration of the application. */
    public Map<String, Object> kafka() {
        return kafka;
    }

    private String who() {
        return cluster() == null ? role() : role() + " for cluster " + cluster();
    }

    @Override
    public final void elected() {
        LOG.infof("%s: elected leader", who());
        onElected();
    }

    @Override
    public final void deposed(DeposedReason reason) {
        LOG.warnf("%s: no longer the leader (%s); standing by", who(), reason.description());
        onDeposed(reason);
    }
}
