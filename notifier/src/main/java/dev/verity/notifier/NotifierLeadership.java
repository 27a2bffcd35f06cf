package dev.verity.notifier;

import dev.verity.events.leader.DeposedReason;
import dev.verity.service.ServiceLeadership;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * Active/standby for the notifier replicas ({@link ServiceLeadership}, topic {@code verity.leader.notifier}): only
 * the leader reads the drift and rollout topics and alerts ({@link IncidentLoop}), so grouping sees every target and
 * no incident is announced by two replicas. A standby reads nothing; when elected it rebuilds the incidents from
 * {@code verity.incidents} and goes on from the offsets the leader committed.
 */
@ApplicationScoped
public class NotifierLeadership extends ServiceLeadership {

    @Inject
    NotifierConfig config;

    @Inject
    IncidentLoop loop;

    @Override
    protected String role() {
        return "notifier";
    }

    @Override
    protected String cluster() {
        return null; // one notifier group for every cluster: topic verity.leader.notifier
    }

    @Override
    protected Duration sessionTimeout() {
        return config.leaderSessionTimeout();
    }

    @Override
    protected void onElected() {
        loop.start();
    }

    @Override
    protected void onDeposed(DeposedReason reason) {
        loop.stop();
    }
}
