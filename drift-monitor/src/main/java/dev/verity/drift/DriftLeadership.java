package dev.verity.drift;

import dev.verity.events.leader.DeposedReason;
import dev.verity.service.ServiceLeadership;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * Active/standby for the drift monitors of one cluster ({@link ServiceLeadership}, topic
 * {@code verity.leader.drift-monitor.<cluster>}). Every process reads all of its input topics (a consumer group of
 * its own each) and keeps its state, but only the leader compares and publishes drift events
 * ({@link DriftService#elected()}); a standby takes in the leader's events from the drift topic, so on election it
 * starts from what was reported. A standby takes over within {@code verity.drift.leader-session-timeout} of the
 * leader's death.
 *
 * <p>Does not fence: a leader paused past its session deadline can publish once more after another was elected
 * (the notifier alerts once per event id, and the events of one divergence have the same content).
 */
@ApplicationScoped
public class DriftLeadership extends ServiceLeadership {

    @Inject
    DriftConfig config;

    @Inject
    DriftService service;

    @Override
    protected String role() {
        return "drift-monitor";
    }

    @Override
    protected String cluster() {
        return config.cluster();
    }

    @Override
    protected Duration sessionTimeout() {
        return config.leaderSessionTimeout();
    }

    @Override
    protected void onElected() {
        service.elected();
    }

    @Override
    protected void onDeposed(DeposedReason reason) {
        service.deposed();
    }
}
