package dev.verity.reliability;

import dev.verity.stack.DemoStory;
import dev.verity.stack.LocalForge;
import dev.verity.testkit.kube.Fault;
import dev.verity.testkit.kube.Faults;
import dev.verity.testkit.kube.RequestMatch;
import dev.verity.testkit.slack.SlackMessage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The Kubernetes API answering 409, 429, 500 and 503 to the applier's writes (the sandbox's faults). Once each: the
 * applier retries (the request, or the whole target after the 409) and the push converges with no
 * {@code ApplyFailed}. On every write: it retries, then reports {@code ApplyFailed} (alerted on Slack), and once
 * the API answers again the failed commit converges by itself (the target's {@code retryInterval}: the commit also
 * sets it to 10 s for {@code shop} in {@code verity.yaml}, removed again at the end, so that this takes seconds rather
 * than the default minute).
 */
public final class ApiFaultScenario implements Scenario {

    private static final RequestMatch WRITES = RequestMatch.of("patch", "configmaps").inNamespace(DemoStory.NAMESPACE);

    @Override
    public String name() {
        return "Kubernetes API 409/429/500/503";
    }

    @Override
    public void cleanUp(SuiteContext ctx) {
        ctx.stack().sandbox().faults().clear();
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) {
        Duration wait = ctx.options().timeout();
        Faults faults = ctx.stack().sandbox().faults();
        faults.inject(WRITES, 1, Fault.status(429, Duration.ofSeconds(1)));
        faults.inject(WRITES, 1, Fault.status(500));
        faults.inject(WRITES, 1, Fault.status(503));
        faults.inject(WRITES, 1, Fault.status(409));
        LocalForge.Push transient1 = ctx.pushGreeting("api-blips");
        SuiteContext.Answer a1 = ctx.webhook(name(), transient1, "api-blips-" + transient1.after().substring(0, 8));
        b.did("made the next 4 writes of ConfigMaps in " + DemoStory.NAMESPACE + " answer 429, 500, 503, 409; pushed "
                + Ledger.shortSha(transient1.after()) + " (answered " + a1.status() + ")");
        try {
            ctx.story().awaitProdAt(transient1.after(), "api-blips");
            b.check("retried: the push converges", faults.pending().isEmpty(), faults.pending().isEmpty()
                    ? "Applied at " + Ledger.shortSha(transient1.after()) + ", all 4 faults met" : "faults left " + faults.pending());
        } catch (RuntimeException e) {
            b.check("retried: the push converges", false, e.getMessage());
        }
        boolean failedOnBlips = ctx.observe().rollouts().stream()
                .anyMatch(r -> r.type().equals("ApplyFailed") && r.commit().equals(transient1.after()));
        b.check("no ApplyFailed for a fault that passed", !failedOnBlips, "");

        Instant down = Instant.now();
        faults.inject(WRITES, 100_000, Fault.status(503));
        SuiteContext.FastRetry fast = ctx.pushGreetingRetryingFast("api-down");
        LocalForge.Push push = fast.push();
        SuiteContext.Answer a2 = ctx.webhook(name(), push, "api-down-" + push.after().substring(0, 8));
        b.did("made every write of ConfigMaps in " + DemoStory.NAMESPACE + " answer 503; pushed " + Ledger.shortSha(push.after())
                + (fast.addedConfig() ? " with retryInterval 10s for shop" : "") + " (answered " + a2.status() + ")");
        b.events(fast.addedConfig() ? 3 : 2).faults("429, 500, 503, 409 once each; then 503 on every write until cleared");
        boolean failed = SuiteContext.awaitTrue(wait, () -> ctx.observe().rollouts().stream()
                .anyMatch(r -> r.type().equals("ApplyFailed") && r.commit().equals(push.after())
                        && r.target().equals(DemoStory.PROD.toString())));
        b.check("retries, then ApplyFailed for the commit", failed, "");
        Optional<SlackMessage> alert = SuiteContext.await(wait, () -> ctx.slackSince(down).stream()
                .filter(m -> !m.isReply() && m.readableText().contains(push.after().substring(0, 12))).findFirst());
        b.check("the failure is alerted on Slack", alert.isPresent(), alert.map(m -> m.readableText().lines().findFirst()
                .orElse("")).orElse(ctx.slackSince(down).size() + " message(s)"));
        Instant recovered = Instant.now();
        faults.clear();
        b.did("the API answers again (faults cleared)");
        try {
            ctx.story().awaitProdAt(push.after(), "api-down");
            b.recovered(Duration.between(recovered, Instant.now()));
            b.check("the failed commit converges once the API recovers", true, "Applied at " + Ledger.shortSha(push.after()));
        } catch (RuntimeException e) {
            b.check("the failed commit converges once the API recovers", false, e.getMessage());
        }
        Optional<SlackMessage> resolved = alert.flatMap(m -> SuiteContext.await(wait, () -> ctx.stack().slack().replies(m.ts())
                .stream().filter(r -> r.readableText().contains("Resolved")).findFirst()));
        b.check("the failure is resolved in its Slack thread", resolved.isPresent(), "");
        if (fast.addedConfig()) {
            LocalForge.Push without = ctx.push("reliability: default retryInterval again", c -> c.delete(SuiteContext.CONFIG));
            SuiteContext.Answer a3 = ctx.webhook(name(), without, "api-default-" + without.after().substring(0, 8));
            boolean applied = SuiteContext.awaitTrue(wait, () -> ctx.observe().rollouts().stream()
                    .anyMatch(r -> r.type().equals("Applied") && r.commit().equals(without.after())
                            && r.target().equals(DemoStory.PROD.toString())));
            b.check(SuiteContext.CONFIG + " removed again, the target Applied", applied, "pushed "
                    + Ledger.shortSha(without.after()) + " (answered " + a3.status() + ")");
        }
        Reconciliation.Verdict v = Reconciliation.compare(ctx.ledger().entries(name()), ctx.observe(), ctx.history(), false);
        b.lost(v.lost().size());
        List<String> dup = ctx.duplicateAlerts(down);
        b.duplicated(dup.size());
        b.check("no duplicate alert, nothing lost, no Applied went back", v.passed() && dup.isEmpty(),
                String.join("; ", v.problems()) + (dup.isEmpty() ? "" : " repeated: " + dup));
    }
}
