package dev.verity.applier;

import dev.verity.events.leader.DeposedReason;
import dev.verity.service.ServiceLeadership;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;

/**
 * Active/standby for the appliers of one cluster ({@link ServiceLeadership}, topic
 * {@code verity.leader.applier.<cluster>}): the leader applies; the others read the desired-state topic but only
 * remember each target's latest desired state or removal, and apply them all when elected
 * ({@link DesiredStateConsumer#elected()}). A standby takes over within
 * {@code verity.applier.leader-session-timeout} of the leader's death; a leader that cannot reach the group
 * coordinator steps down before then. Writes that overlap anyway (a leader paused longer than the session timeout)
 * are fenced by the inventory's resourceVersion.
 */
@ApplicationScoped
public class ApplierLeadership extends ServiceLeadership {

    @Inject
    ApplierConfig config;

    @Inject
    DesiredStateConsumer consumer;

    @Override
    protected String role() {
        return "applier";
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
        consumer.elected();
    }

    @Override
    protected void onDeposed(DeposedReason reason) {
        consumer.deposed(config.leaderSessionTimeout().dividedBy(2));
    }
}
