package dev.verity.reliability;

import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.stack.ServiceProcess;
import dev.verity.testkit.slack.SlackMessage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The drift monitor killed with SIGKILL around a detection: the prod Deployment is scaled behind Verity's back and the
 * monitor is killed as soon as it publishes the {@code DriftDetected} (or after 5 s if it has not), then started again
 * by the supervisor. The drift monitor keeps no state of its own: what it reported is on {@code verity.drift}, which
 * the restarted monitor reads before it compares (open drift kept, nothing reported twice), with what it compares
 * against ({@code verity.desired.<cluster>}, {@code verity.applied.<cluster>}). So the drift is reported exactly once
 * whichever side of the publication the kill fell, the notifier opens one Slack incident for it, and when it is
 * fixed by hand the restarted monitor reports it resolved once, in that incident's thread.
 */
public final class DriftKillScenario implements Scenario {

    private int desired = -1;

    @Override
    public String name() {
        return "drift monitor killed mid-detection";
    }

    @Override
    public void cleanUp(SuiteContext ctx) {
        if (desired > 0 && ctx.prodReplicas() != desired) ctx.story().putBackReplicas(desired);
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) throws Exception {
        Duration wait = ctx.options().timeout();
        desired = ctx.prodReplicas();
        if (desired < 1) throw new IllegalStateException("the prod Deployment is not in the sandbox");
        Set<String> before = Replicas.positions(ctx, Topics.DRIFT);
        Instant start = Instant.now();
        ServiceProcess monitor = ctx.stack().service(Replicas.DRIFT);
        long pid = monitor.pid();

        ctx.story().scaleBehindVerityBack(desired + 2);
        b.did("scaled the prod Deployment from " + desired + " to " + (desired + 2) + " replicas behind Verity's back");
        // kill at the detection: as soon as the DriftDetected is on the topic (the notifier has not alerted yet: its
        // grouping window is 3 s), or after 5 s
        SuiteContext.awaitTrue(Duration.ofSeconds(5), () -> Replicas.count(Replicas.webDrift(ctx, before), DriftDetected.class) > 0);
        boolean publishedBeforeKill = Replicas.count(Replicas.webDrift(ctx, before), DriftDetected.class) > 0;
        Instant killed = Instant.now();
        ctx.stack().killService(Replicas.DRIFT);
        b.did("killed " + Replicas.DRIFT + " (pid " + pid + ") with SIGKILL " + Replicas.secs(Duration.between(start, killed))
                + " s after the change, " + (publishedBeforeKill ? "just after it published the DriftDetected"
                : "before it had published a DriftDetected"));
        b.faults("drift monitor SIGKILL at the detection, restarted by the supervisor").events(2);

        boolean restarted = SuiteContext.awaitTrue(wait, () -> ctx.stack().service(Replicas.DRIFT).pid() != pid
                && Replicas.active(Replicas.DRIFT, ctx.stack().service(Replicas.DRIFT)));
        b.check("the supervisor restarted the drift monitor, which compares again", restarted, ctx.supervisorLines().stream()
                .filter(l -> l.startsWith("restarted " + Replicas.DRIFT)).reduce((x, y) -> y).orElse("no restart printed"));
        boolean alerted = SuiteContext.awaitTrue(wait, () -> Replicas.count(Replicas.webDrift(ctx, before), DriftDetected.class) > 0
                && !Replicas.replicaIncidents(ctx, start).isEmpty());
        if (alerted) b.recovered(Duration.between(killed, Instant.now()));
        b.check("the drift is detected and alerted on Slack", alerted, Replicas.replicaIncidents(ctx, start).size() + " incident(s)");

        ctx.story().putBackReplicas(desired);
        b.did("put the replicas back to " + desired + " by hand (the fix)");
        List<SlackMessage> incidents = Replicas.replicaIncidents(ctx, start);
        boolean resolved = SuiteContext.awaitTrue(wait, () -> Replicas.count(Replicas.webDrift(ctx, before), DriftResolved.class) > 0
                && !incidents.isEmpty() && !Replicas.resolvedReplies(ctx, incidents.get(0)).isEmpty());
        b.check("the restarted monitor reports it resolved, in the incident's thread", resolved,
                Replicas.describe(Replicas.webDrift(ctx, before)).toString());
        // a late duplicate would come within the notifier's grouping window: look once more after it
        Thread.sleep(4000);

        List<VerityEvent> drift = Replicas.webDrift(ctx, before);
        long detected = Replicas.count(drift, DriftDetected.class);
        long fixed = Replicas.count(drift, DriftResolved.class);
        List<SlackMessage> finalIncidents = Replicas.webIncidents(ctx, start);
        List<String> dupAlerts = ctx.duplicateAlerts(start);
        b.duplicated((int) Math.max(0, detected - 1) + (int) Math.max(0, fixed - 1)
                + Math.max(0, finalIncidents.size() - 1) + dupAlerts.size());
        b.check("DriftDetected exactly once and DriftResolved exactly once on verity.drift", detected == 1 && fixed == 1,
                "events about shop-prod/web: " + Replicas.describe(drift));
        b.check("exactly one Slack incident, no alert repeated", finalIncidents.size() == 1 && dupAlerts.isEmpty(),
                finalIncidents.size() + " incident(s)" + (dupAlerts.isEmpty() ? "" : "; repeated: " + dupAlerts));
    }
}
