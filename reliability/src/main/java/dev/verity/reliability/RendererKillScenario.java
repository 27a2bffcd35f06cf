package dev.verity.reliability;

import dev.verity.stack.LocalForge;
import dev.verity.stack.ServiceProcess;

import java.io.IOException;
import java.nio.file.Files;
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
 * The renderer killed with SIGKILL while it works through a burst of pushes (after it rendered at least one commit of
 * the burst), and started again by the supervisor; the rest of the burst is sent while it is down or starting. The
 * receiver accepts every push (it does not need the renderer), every accepted push is on {@code verity.commits},
 * the restarted renderer goes on from its group's committed offset and renders the branch head, so the final head is
 * applied in the sandbox; no target is {@code Applied} at a commit older than one already applied (a commit the
 * killed renderer had half-published must not win over a newer one), and no alert repeats.
 */
public final class RendererKillScenario implements Scenario {

    @Override
    public String name() {
        return "renderer killed mid-render";
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) throws Exception {
        int n = Math.max(12, ctx.options().burst() / 4);
        int third = n / 3;
        Duration wait = ctx.options().timeout();
        Instant start = Instant.now();
        ServiceProcess renderer = ctx.stack().service(Replicas.RENDERER);
        long pid = renderer.pid();
        int rendersBefore = renders(renderer);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<SuiteContext.Answer>> answers = new ArrayList<>();
        Instant killedAt = null;
        LocalForge.Push last = null;
        try {
            for (int i = 0; i < n; i++) {
                if (i == third) {
                    // mid-work: once it has rendered a commit of the burst (it has more queued behind it)
                    SuiteContext.awaitTrue(Duration.ofSeconds(30), () -> renders(renderer) > rendersBefore);
                    int rendered = renders(renderer) - rendersBefore;
                    killedAt = Instant.now();
                    ctx.stack().killService(Replicas.RENDERER);
                    b.did("killed " + Replicas.RENDERER + " (pid " + pid + ") with SIGKILL after push " + i + " of " + n
                            + ", having rendered " + rendered + " time(s) since the burst began");
                }
                LocalForge.Push push = ctx.pushGreeting("renderer-kill-" + i);
                last = push;
                String delivery = "renderer-kill-" + i + "-" + push.after().substring(0, 8);
                answers.add(pool.submit(() -> ctx.webhook(name(), push, delivery)));
            }
            b.did("sent " + n + " signed push webhooks (4 at a time), each a new commit of the prod overlay");
            List<SuiteContext.Answer> got = new ArrayList<>();
            for (Future<SuiteContext.Answer> f : answers) got.add(f.get());
            b.events(n).faults("renderer SIGKILL mid-burst, restarted by the supervisor");
            Map<Integer, Integer> byStatus = new TreeMap<>();
            got.forEach(a -> byStatus.merge(a.status(), 1, Integer::sum));
            b.check("the receiver accepted every push (202) while the renderer was down", byStatus.getOrDefault(202, 0) == n,
                    "answers by status " + byStatus);

            boolean restarted = SuiteContext.awaitTrue(wait, () -> ctx.stack().service(Replicas.RENDERER).pid() != pid
                    && ctx.stack().service(Replicas.RENDERER).isAlive());
            b.check("the supervisor restarted the renderer", restarted, ctx.supervisorLines().stream()
                    .filter(l -> l.startsWith("restarted " + Replicas.RENDERER)).reduce((x, y) -> y).orElse("no restart printed"));
            LocalForge.Push head = last;
            try {
                ctx.story().awaitProdAt(head.after(), "renderer-kill-" + (n - 1));
                b.recovered(Duration.between(killedAt, Instant.now()));
                b.check("the final head converges in the sandbox", true, "Applied at " + Ledger.shortSha(head.after()));
            } catch (RuntimeException e) {
                b.check("the final head converges in the sandbox", false, e.getMessage());
            }
            Reconciliation.Verdict v = Reconciliation.compare(ctx.ledger().entries(name()), ctx.observe(), ctx.history(), false);
            b.lost(v.lost().size());
            b.check("every accepted push is on verity.commits", v.lost().isEmpty(), String.join("; ", v.lost()));
            b.check("no target Applied at a commit older than one already applied", v.regressions().isEmpty(),
                    v.regressions().isEmpty() ? "Applied commits only move forward" : String.join("; ", v.regressions()));
            List<String> dupAlerts = ctx.duplicateAlerts(start);
            b.duplicated(dupAlerts.size() + v.duplicated().size());
            b.check("no duplicate alert", dupAlerts.isEmpty(), ctx.slackSince(start).size() + " Slack message(s)"
                    + (dupAlerts.isEmpty() ? "" : "; repeated: " + dupAlerts));
        } finally {
            pool.shutdownNow();
        }
    }

    /** How many renders the renderer's log reports (its lines {@code ... rendered (...)}), over every run of it. */
    static int renders(ServiceProcess renderer) {
        try (var lines = Files.lines(renderer.log())) {
            return (int) lines.filter(l -> l.contains(" rendered (")).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }
}
