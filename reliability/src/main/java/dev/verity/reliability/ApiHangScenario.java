package dev.verity.reliability;

import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
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
 * The Kubernetes API hanging and dropping connections (the sandbox's {@link Fault.Hang} and {@link Fault.Drop}).
 * A write held for 4 s and a write whose connection is dropped, once each: the applier retries and the push
 * converges with no {@code ApplyFailed}. Every write of ConfigMaps dropped: retries, then {@code ApplyFailed}
 * (alerted on Slack), and once the connections are served again the failed commit converges by itself (the
 * commit also sets {@code retryInterval: 10s} for {@code shop} in {@code verity.yaml}, removed again at the end, so
 * that this takes seconds rather than the default minute). Then the
 * drift monitor's reads: every list and watch of ConfigMaps, Deployments and ServiceAccounts dropped, its watches
 * closed so that it must read again: no false drift and no crash while it cannot read; an object of a kind it had
 * never listed (a ServiceAccount pushed meanwhile) is {@code DriftUnknown}, not in sync and not drifted; once the
 * API answers, that object is resolved and the watches are open again.
 */
public final class ApiHangScenario implements Scenario {

    private static final RequestMatch WRITES = RequestMatch.of("patch", "configmaps").inNamespace(DemoStory.NAMESPACE);
    private static final List<String> READ_RESOURCES = List.of("configmaps", "deployments", "serviceaccounts");
    private static final String ACCOUNT_FILE = RenderFaultScenario.OVERLAY_DIR + "/runner.yaml";

    @Override
    public String name() {
        return "Kubernetes API hanging, dropping connections";
    }

    @Override
    public void cleanUp(SuiteContext ctx) {
        ctx.stack().sandbox().faults().clear();
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) {
        Duration wait = ctx.options().timeout();
        Faults faults = ctx.stack().sandbox().faults();
        int deathsBefore = ctx.supervisorLines().size();
        Instant start = Instant.now();

        faults.inject(WRITES, 1, Fault.hang(Duration.ofSeconds(4)));
        faults.inject(WRITES, 1, Fault.drop());
        LocalForge.Push blips = ctx.pushGreeting("api-hang-blips");
        SuiteContext.Answer a1 = ctx.webhook(name(), blips, "api-hang-" + blips.after().substring(0, 8));
        b.did("held the next write of a ConfigMap in " + DemoStory.NAMESPACE + " for 4 s, dropped the connection of the one"
                + " after; pushed " + Ledger.shortSha(blips.after()) + " (answered " + a1.status() + ")");
        try {
            ctx.story().awaitProdAt(blips.after(), "api-hang-blips");
            b.check("retried: the push converges", faults.pending().isEmpty(), faults.pending().isEmpty()
                    ? "Applied at " + Ledger.shortSha(blips.after()) + ", the hang and the drop both met" : "faults left " + faults.pending());
        } catch (RuntimeException e) {
            b.check("retried: the push converges", false, e.getMessage());
        }
        boolean failedOnBlips = ctx.observe().rollouts().stream()
                .anyMatch(r -> r.type().equals("ApplyFailed") && r.commit().equals(blips.after()));
        b.check("no ApplyFailed for a hang or a drop that passed", !failedOnBlips, "");

        Instant down = Instant.now();
        faults.inject(WRITES, 100_000, Fault.drop());
        // the failed commit is retried after its policy's retryInterval (1 min by default): 10 s here, so that the
        // scenario stays short; verity.yaml goes again at the end of the scenario
        SuiteContext.FastRetry fast = ctx.pushGreetingRetryingFast("api-dropping");
        boolean ownConfig = fast.addedConfig();
        LocalForge.Push push = fast.push();
        SuiteContext.Answer a2 = ctx.webhook(name(), push, "api-dropping-" + push.after().substring(0, 8));
        b.did("dropped the connection of every write of a ConfigMap in " + DemoStory.NAMESPACE + "; pushed "
                + Ledger.shortSha(push.after()) + (ownConfig ? " with retryInterval 10s for shop" : "")
                + " (answered " + a2.status() + ")");
        boolean failed = SuiteContext.awaitTrue(wait, () -> ctx.observe().rollouts().stream()
                .anyMatch(r -> r.type().equals("ApplyFailed") && r.commit().equals(push.after())
                        && r.target().equals(DemoStory.PROD.toString())));
        b.check("retries, then ApplyFailed for the commit", failed, "");
        Optional<SlackMessage> alert = SuiteContext.await(wait, () -> ctx.slackSince(down).stream()
                .filter(m -> !m.isReply() && m.readableText().contains(push.after().substring(0, 12))).findFirst());
        b.check("the failure is alerted on Slack", alert.isPresent(), alert.map(m -> m.readableText().lines().findFirst()
                .orElse("")).orElse(ctx.slackSince(down).size() + " message(s)"));
        Instant recovering = Instant.now();
        faults.clear();
        b.did("connections served again (faults cleared)");
        try {
            ctx.story().awaitProdAt(push.after(), "api-dropping");
            Duration ttr = Duration.between(recovering, Instant.now());
            b.recovered(ttr);
            b.check("the failed commit converges by itself once the API recovers", true, String.format(java.util.Locale.ROOT,
                    "Applied at %s %.1f s after the faults were cleared", Ledger.shortSha(push.after()), ttr.toMillis() / 1000.0));
        } catch (RuntimeException e) {
            b.check("the failed commit converges by itself once the API recovers", false, e.getMessage());
        }

        int events = 2 + driftWhileReadsFail(ctx, b, faults, wait, ownConfig);

        List<String> deaths = ctx.supervisorLines().subList(deathsBefore, ctx.supervisorLines().size());
        b.check("no crash: no service died", deaths.isEmpty(), String.join("; ", deaths));
        Reconciliation.Verdict v = Reconciliation.compare(ctx.ledger().entries(name()), ctx.observe(), ctx.history(), false);
        b.lost(v.lost().size());
        List<String> dup = ctx.duplicateAlerts(start);
        b.duplicated(dup.size());
        b.check("no duplicate alert, nothing lost, no Applied went back", v.passed() && dup.isEmpty(),
                String.join("; ", v.problems()) + (dup.isEmpty() ? "" : " repeated: " + dup));
        b.events(events).faults("a 4 s hang and a dropped connection once each; every ConfigMap write dropped until cleared;"
                + " every list and watch of " + String.join(", ", READ_RESOURCES) + " dropped, watches closed");
    }

    /** The drift monitor while it cannot read; returns how many pushes it made. */
    private int driftWhileReadsFail(SuiteContext ctx, ScenarioResult.Builder b, Faults faults, Duration wait,
            boolean dropConfig) {
        Instant blind = Instant.now();
        int driftBefore = prodDrift(ctx).size();
        for (String resource : READ_RESOURCES) {
            faults.inject(RequestMatch.of("list", resource), 100_000, Fault.drop());
            faults.inject(RequestMatch.of("watch", resource), 100_000, Fault.drop());
        }
        int closed = faults.closeWatches();
        b.did("dropped every list and watch of " + String.join(", ", READ_RESOURCES) + "; closed the " + closed
                + " open watches so that the informers must read again");
        String overlay = ctx.stack().forge().read(DemoStory.PROD_OVERLAY).orElseThrow();
        LocalForge.Push withAccount = ctx.push("reliability: a ServiceAccount for web", c -> c
                .put(ACCOUNT_FILE, "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: web-runner\n")
                .put(DemoStory.PROD_OVERLAY, overlay.replaceFirst("  - namespace.yaml\\n", "  - namespace.yaml\n  - runner.yaml\n")));
        SuiteContext.Answer a = ctx.webhook(name(), withAccount, "api-blind-" + withAccount.after().substring(0, 8));
        b.did("pushed " + Ledger.shortSha(withAccount.after()) + " adding ServiceAccount " + DemoStory.NAMESPACE
                + "/web-runner, a kind the drift monitor had not listed (answered " + a.status() + ")");
        Optional<DriftUnknown> unknown = SuiteContext.await(wait, () -> prodDrift(ctx).stream()
                .filter(e -> e instanceof DriftUnknown u && u.object().kind().equals("ServiceAccount"))
                .map(e -> (DriftUnknown) e).findFirst());
        b.check("the object it cannot list is DriftUnknown", unknown.isPresent(),
                unknown.map(u -> u.object() + ": " + u.reason()).orElse("none within " + wait.toSeconds() + " s"));
        // blind for 10 s at least, whatever the informers' retries do meanwhile
        long blindFor = Duration.between(blind, Instant.now()).toMillis();
        if (blindFor < 10_000) sleep(10_000 - blindFor);
        List<VerityEvent> falseDrift = prodDrift(ctx).subList(driftBefore, prodDrift(ctx).size()).stream()
                .filter(e -> e instanceof DriftDetected).toList();
        b.check("no false drift while the API drops its reads", falseDrift.isEmpty(), falseDrift.isEmpty()
                ? String.format(java.util.Locale.ROOT, "%.0f s blind", Duration.between(blind, Instant.now()).toMillis() / 1000.0)
                : falseDrift.toString());

        faults.clear();
        b.did("reads served again (faults cleared)");
        Optional<DriftResolved> known = SuiteContext.await(wait, () -> prodDrift(ctx).stream()
                .filter(e -> e instanceof DriftResolved r && r.object().kind().equals("ServiceAccount"))
                .map(e -> (DriftResolved) e).findFirst());
        b.check("once it can list, the unknown object is compared and resolved", known.isPresent(), "");
        // the informers watch again (a drift made by hand here would open the prod Deployment's drift incident once
        // more, and a 4th opening within the hour makes it flap: quiet for the scenarios after this one)
        boolean watching = SuiteContext.awaitTrue(wait, () -> ctx.stack().sandbox().openWatches() >= closed);
        b.check("the watches closed are open again", watching, ctx.stack().sandbox().openWatches() + " open, "
                + closed + " before");
        LocalForge.Push without = ctx.push("reliability: no ServiceAccount for web", c -> {
            c.delete(ACCOUNT_FILE).put(DemoStory.PROD_OVERLAY, overlay);
            if (dropConfig) c.delete(SuiteContext.CONFIG);
        });
        SuiteContext.Answer a2 = ctx.webhook(name(), without, "api-seeing-" + without.after().substring(0, 8));
        boolean pruned = SuiteContext.awaitTrue(wait, () -> ctx.observe().rollouts().stream()
                .anyMatch(r -> r.type().equals("Applied") && r.commit().equals(without.after())));
        b.check("the ServiceAccount removed again (pruned), the target Applied", pruned, "pushed "
                + Ledger.shortSha(without.after()) + " (answered " + a2.status() + ")");
        return 2;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<VerityEvent> prodDrift(SuiteContext ctx) {
        return ctx.events(Topics.DRIFT).stream()
                .filter(e -> e.targetKey().map(DemoStory.PROD::equals).orElse(false)).toList();
    }
}
