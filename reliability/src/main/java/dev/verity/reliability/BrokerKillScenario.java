package dev.verity.reliability;

import dev.verity.stack.LocalForge;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The Kafka broker killed (SIGKILL) in the middle of a burst of pushes through the receiver, and started again by
 * the supervisor (as {@code ./verity up} does): a third of the pushes go before the kill, a third while the broker is
 * down or starting, a third once it is back. Every push must get a 202 or a 5xx (none hangs past the client's 15 s),
 * every 202 must be on {@code verity.commits}, the branch's final head must be applied in the sandbox, no target may
 * be {@code Applied} at a commit older than one already applied, and no alert may repeat.
 */
public final class BrokerKillScenario implements Scenario {

    @Override
    public String name() {
        return "broker killed mid-burst";
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) throws Exception {
        int n = ctx.options().burst();
        int third = Math.max(1, n / 3);
        Instant start = Instant.now();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<SuiteContext.Answer>> answers = new ArrayList<>();
        Instant killedAt = null;
        Instant restartedAt = null;
        LocalForge.Push last = null;
        try {
            for (int i = 0; i < n; i++) {
                if (i == third) {
                    killedAt = Instant.now();
                    ctx.stack().kafka().kill();
                    b.did("killed the Kafka broker (SIGKILL) after push " + i + " of " + n);
                }
                if (i == 2 * third) {
                    Instant killed = killedAt;
                    boolean back = SuiteContext.awaitTrue(ctx.options().timeout(), () -> ctx.stack().kafka().isRunning());
                    restartedAt = Instant.now();
                    b.did("pushes " + third + ".." + (i - 1) + " sent while the broker was down or starting; the supervisor "
                            + (back ? "had it running again " + secs(Duration.between(killed, restartedAt)) + " s after the kill"
                            : "did not start it again within " + ctx.options().timeout().toSeconds() + " s"));
                }
                LocalForge.Push push = ctx.pushGreeting("burst-" + i);
                last = push;
                String delivery = "burst-" + i + "-" + push.after().substring(0, 8);
                answers.add(pool.submit(() -> ctx.webhook(name(), push, delivery)));
            }
            b.did("sent " + n + " signed push webhooks (8 at a time), each a new commit of the prod overlay");
            List<SuiteContext.Answer> got = new ArrayList<>();
            for (Future<SuiteContext.Answer> f : answers) got.add(f.get());
            b.events(n);
            b.faults("broker SIGKILL after push " + third + ", restarted by the supervisor");

            Map<Integer, Integer> byStatus = new TreeMap<>();
            got.forEach(a -> byStatus.merge(a.status(), 1, Integer::sum));
            long hung = got.stream().filter(a -> a.status() == Ledger.NO_ANSWER).count();
            long other = got.stream().filter(a -> a.status() != 202 && a.status() < 500 && a.status() != Ledger.NO_ANSWER).count();
            b.check("no push hung (each answered within the client's 15 s)", hung == 0, "answers by status " + byStatus
                    + " (0: no answer)");
            b.check("every push answered 202 or 5xx", hung == 0 && other == 0, "answers by status " + byStatus);
            Instant killed = killedAt;
            got.stream().filter(a -> a.status() == 202 && a.sent().isAfter(killed)).map(SuiteContext.Answer::answered)
                    .min(Instant::compareTo).ifPresent(first -> b.recovered(Duration.between(killed, first)));

            LocalForge.Push head = last;
            try {
                ctx.story().awaitProdAt(head.after(), "burst-" + (n - 1));
                b.check("the final head converges in the sandbox", true, "Applied at " + Ledger.shortSha(head.after())
                        + ", ConfigMap GREETING=burst-" + (n - 1));
            } catch (RuntimeException e) {
                b.check("the final head converges in the sandbox", false, e.getMessage());
            }

            Observed observed = ctx.observe();
            Reconciliation.Verdict v = Reconciliation.compare(ctx.ledger().entries(name()), observed, ctx.history(), false);
            b.lost(v.lost().size());
            b.check("every accepted push (202) is on verity.commits", v.lost().isEmpty(),
                    byStatus.getOrDefault(202, 0) + " accepted; " + (v.lost().isEmpty() ? "all found" : String.join("; ", v.lost())));
            b.check("no target Applied at a commit older than one already applied", v.regressions().isEmpty(),
                    v.regressions().isEmpty() ? "Applied commits only move forward" : String.join("; ", v.regressions()));
            List<String> dupAlerts = ctx.duplicateAlerts(start);
            b.duplicated(dupAlerts.size() + v.duplicated().size());
            b.check("no duplicate alert", dupAlerts.isEmpty(), ctx.slackSince(start).size() + " Slack message(s) during the scenario"
                    + (dupAlerts.isEmpty() ? "" : "; repeated: " + dupAlerts));
            if (!v.duplicated().isEmpty()) b.did("published more than once (at least once, not a loss): " + v.duplicated());
            boolean restartPrinted = ctx.supervisorLines().stream().anyMatch(l -> l.startsWith("restarted the Kafka broker"));
            b.check("the supervisor printed the broker's restart", restartPrinted, ctx.supervisorLines().stream()
                    .filter(l -> l.contains("Kafka broker")).toList().toString());
            if (restartedAt == null) b.did("the burst was too short to wait for the restart");
        } finally {
            pool.shutdownNow();
        }
    }

    static String secs(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }
}
