package dev.verity.reliability;

import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.stack.LocalForge;
import dev.verity.stack.LocalStack;
import dev.verity.stack.ServiceProcess;
import dev.verity.testkit.slack.SlackMessage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Active and standby of each service with state — applier, drift monitor, notifier (elected leaders) — and two
 * renderers (sharing the repositories by {@code verity.commits} partition): a second replica of each is started, an
 * open drift is detected and alerted, and in the middle of a burst of pushes the active replica of every one of them
 * is killed with SIGKILL at once and held down (the supervisor does not start it again). Each standby must take over
 * (the time from the kill until it leads and works is the takeover time), the burst's head must be applied, no
 * accepted push lost, no target {@code Applied} twice at one commit or at an older commit after a newer one, the open
 * drift neither reported nor alerted again and its resolution reported once, in its incident's thread. Afterwards
 * the stack is put back as it was: the killed originals started again, the second replicas stopped, the originals
 * active again.
 */
public final class TakeoverScenario implements Scenario {

    static final List<String> SERVICES = List.of(Replicas.RENDERER, Replicas.APPLIER, Replicas.DRIFT, Replicas.NOTIFIER);

    /** Per service, the name of the replica killed (and held down) until {@link #cleanUp} restores it. */
    private final Map<String, String> killed = new ConcurrentHashMap<>();
    private int desired = -1;

    @Override
    public String name() {
        return "active killed, standby takes over";
    }

    static String replicaName(String service) {
        return service + "-2";
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) throws Exception {
        LocalStack stack = ctx.stack();
        Duration wait = ctx.options().timeout();
        desired = ctx.prodReplicas();
        if (desired < 1) throw new IllegalStateException("the prod Deployment is not in the sandbox");

        long t0 = System.nanoTime();
        List<CompletableFuture<ServiceProcess>> starting = SERVICES.stream().map(s -> CompletableFuture.supplyAsync(
                () -> Replicas.startReplica(stack, s, replicaName(s)))).toList();
        CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).join();
        b.did("started a second replica of each (" + SERVICES.stream().map(TakeoverScenario::replicaName)
                .collect(Collectors.joining(", ")) + "), ready in " + Replicas.secs(Duration.ofNanos(System.nanoTime() - t0)) + " s");
        boolean elected = SuiteContext.awaitTrue(wait, () -> SERVICES.stream().allMatch(s ->
                Replicas.active(s, stack.service(s)) ^ Replicas.active(s, stack.service(replicaName(s)))));
        Map<String, ServiceProcess> active = new LinkedHashMap<>();
        Map<String, ServiceProcess> standby = new LinkedHashMap<>();
        for (String s : SERVICES) {
            boolean original = Replicas.active(s, stack.service(s));
            active.put(s, stack.service(original ? s : replicaName(s)));
            standby.put(s, stack.service(original ? replicaName(s) : s));
        }
        b.check("exactly one replica of each is active", elected, active.values().stream().map(ServiceProcess::name).toList()
                + " active, " + standby.values().stream().map(ServiceProcess::name).toList() + " standing by");
        if (!elected) return;

        // an open drift, detected and alerted by the active drift monitor and notifier
        Set<String> driftBefore = Replicas.positions(ctx, Topics.DRIFT);
        Set<String> rolloutsBefore = Replicas.positions(ctx, Topics.ROLLOUT);
        Instant start = Instant.now();
        ctx.story().scaleBehindVerityBack(desired + 3);
        boolean open = SuiteContext.awaitTrue(wait, () -> Replicas.count(Replicas.webDrift(ctx, driftBefore), DriftDetected.class) > 0
                && !Replicas.replicaIncidents(ctx, start).isEmpty());
        b.did("scaled the prod Deployment from " + desired + " to " + (desired + 3) + " behind Verity's back: "
                + (open ? "DriftDetected and a Slack incident" : "no drift alert within " + wait.toSeconds() + " s"));

        int n = Math.max(12, ctx.options().burst() / 4);
        int third = n / 3;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        Map<String, Instant> tookOver = new ConcurrentHashMap<>();
        Instant killedAt = null;
        Thread watcher = null;
        LocalForge.Push last = null;
        try {
            List<Future<SuiteContext.Answer>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (i == third) {
                    for (String s : SERVICES) {
                        ctx.supervisor().hold(active.get(s).name());
                        killed.put(s, active.get(s).name());
                    }
                    killedAt = Instant.now();
                    active.values().stream().map(p -> CompletableFuture.runAsync(p::kill)).toList().forEach(CompletableFuture::join);
                    b.did("killed the active " + active.values().stream().map(p -> p.name() + " (pid " + p.pid() + ")").toList()
                            + " with SIGKILL after push " + i + " of " + n + ", held down (not restarted)");
                    watcher = watch(standby, tookOver, wait);
                }
                LocalForge.Push push = ctx.pushGreeting("takeover-" + i);
                last = push;
                String delivery = "takeover-" + i + "-" + push.after().substring(0, 8);
                answers.add(pool.submit(() -> ctx.webhook(name(), push, delivery)));
            }
            b.did("sent " + n + " signed push webhooks (4 at a time), each a new commit of the prod overlay");
            Map<Integer, Integer> byStatus = new TreeMap<>();
            for (Future<SuiteContext.Answer> f : answers) byStatus.merge(f.get().status(), 1, Integer::sum);
            b.events(n + 1).faults("SIGKILL of the active renderer, applier, drift monitor and notifier at once, mid-burst");
            b.check("the receiver accepted every push (202)", byStatus.getOrDefault(202, 0) == n, "answers by status " + byStatus);
            watcher.join(wait.toMillis());

            Instant kill = killedAt;
            Duration slowest = Duration.ZERO;
            for (String s : SERVICES) {
                Instant at = tookOver.get(s);
                Duration d = at == null ? null : Duration.between(kill, at);
                if (d != null && d.compareTo(slowest) > 0) slowest = d;
                b.check("the standby " + standby.get(s).name() + " took over from " + active.get(s).name(), d != null,
                        d == null ? "not active within " + wait.toSeconds() + " s" : "takeover " + Replicas.secs(d) + " s");
            }
            if (tookOver.size() == SERVICES.size()) b.recovered(slowest);
            b.check("the killed replicas stayed down (held)", active.values().stream().noneMatch(p ->
                    ctx.stack().service(p.name()).isAlive()), "");

            LocalForge.Push head = last;
            try {
                ctx.story().awaitProdAt(head.after(), "takeover-" + (n - 1));
                b.check("the final head converges in the sandbox", true, "Applied at " + Ledger.shortSha(head.after()));
            } catch (RuntimeException e) {
                b.check("the final head converges in the sandbox", false, e.getMessage());
            }
            if (ctx.prodReplicas() != desired) {
                ctx.story().putBackReplicas(desired);
                b.did("put the replicas back to " + desired + " by hand (the burst's applies had left them at "
                        + (desired + 3) + ")");
            } else {
                b.did("the burst's applies put the replicas back to " + desired);
            }
            List<SlackMessage> incidents = Replicas.replicaIncidents(ctx, start);
            boolean resolved = SuiteContext.awaitTrue(wait, () -> Replicas.count(Replicas.webDrift(ctx, driftBefore), DriftResolved.class) > 0
                    && !incidents.isEmpty() && !Replicas.resolvedReplies(ctx, incidents.get(0)).isEmpty());
            b.check("the new drift monitor reports the open drift resolved, the new notifier in its incident's thread",
                    resolved, Replicas.describe(Replicas.webDrift(ctx, driftBefore)).toString());
            Thread.sleep(4000); // a late duplicate alert would come within the notifier's grouping window

            Reconciliation.Verdict v = Reconciliation.compare(ctx.ledger().entries(name()), ctx.observe(), ctx.history(), false);
            b.lost(v.lost().size());
            b.check("every accepted push is on verity.commits", v.lost().isEmpty(), String.join("; ", v.lost()));
            b.check("no target Applied at a commit older than one already applied", v.regressions().isEmpty(),
                    v.regressions().isEmpty() ? "Applied commits only move forward" : String.join("; ", v.regressions()));
            Map<String, Long> applied = ctx.observe().rollouts().stream()
                    .filter(r -> r.type().equals("Applied") && !rolloutsBefore.contains(r.partition() + "@" + r.offset()))
                    .collect(Collectors.groupingBy(r -> r.target() + "@" + Ledger.shortSha(r.commit()), TreeMap::new, Collectors.counting()));
            List<String> twice = applied.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey() + " ×" + e.getValue()).toList();
            b.check("no target Applied twice at one commit (by the killed applier and its successor)", twice.isEmpty(),
                    applied.size() + " Applied (target@commit)" + (twice.isEmpty() ? "" : "; twice: " + twice));
            List<VerityEvent> drift = Replicas.webDrift(ctx, driftBefore);
            long detected = drift.stream().filter(Replicas::replicasDetected).count();
            long allDetected = Replicas.count(drift, DriftDetected.class);
            long fixed = Replicas.count(drift, DriftResolved.class);
            b.check("the open drift not reported again: one DriftDetected of spec.replicas, each detection resolved once",
                    detected == 1 && fixed == allDetected, "events about shop-prod/web: " + Replicas.describe(drift));
            b.check("no drift reported that Verity's own applies made (a DriftDetected of a field other than spec.replicas)",
                    allDetected == detected, "events about shop-prod/web: " + Replicas.describe(drift));
            List<SlackMessage> finalIncidents = Replicas.webIncidents(ctx, start);
            List<String> dupAlerts = ctx.duplicateAlerts(start);
            b.check("one Slack incident about shop-prod/web (the drift made by hand), no alert repeated",
                    finalIncidents.size() == 1 && dupAlerts.isEmpty(), finalIncidents.size() + " incident(s)"
                            + (finalIncidents.size() > 1 ? " " + finalIncidents.stream().map(m -> m.readableText().lines()
                            .findFirst().orElse("")).toList() : "") + (dupAlerts.isEmpty() ? "" : "; repeated: " + dupAlerts));
            b.duplicated(twice.size() + dupAlerts.size() + (int) Math.max(0, detected - 1) + (int) Math.max(0, fixed - allDetected)
                    + v.duplicated().size());
        } finally {
            pool.shutdownNow();
            if (watcher != null) watcher.interrupt();
        }
    }

    /** Watches the standbys from the kill on: when each becomes active. */
    private static Thread watch(Map<String, ServiceProcess> standby, Map<String, Instant> tookOver, Duration wait) {
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + wait.toNanos();
            while (tookOver.size() < standby.size() && System.nanoTime() < deadline) {
                standby.forEach((s, p) -> {
                    if (!tookOver.containsKey(s) && Replicas.active(s, p)) tookOver.put(s, Instant.now());
                });
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "takeover-watch");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Puts the stack back as it was, whatever happened: each killed original started again, each second replica
     * stopped (so its consumers leave their groups), nothing held, the originals active again, the replicas by hand
     * put back.
     */
    @Override
    public void cleanUp(SuiteContext ctx) {
        LocalStack stack = ctx.stack();
        List<CompletableFuture<Void>> restoring = new ArrayList<>();
        for (String s : SERVICES) {
            restoring.add(CompletableFuture.runAsync(() -> {
                try {
                    if (s.equals(killed.get(s)) && !stack.service(s).isAlive()) stack.restartService(s);
                } catch (RuntimeException e) {
                    ctx.out().accept("  !! could not start " + s + " again: " + e.getMessage());
                } finally {
                    ctx.supervisor().release(s); // the supervisor starts it if the restart above failed
                }
                if (stack.services().containsKey(replicaName(s))) stack.stopReplica(replicaName(s));
                ctx.supervisor().release(replicaName(s));
            }));
        }
        restoring.forEach(CompletableFuture::join);
        killed.clear();
        if (desired > 0 && ctx.prodReplicas() != desired) ctx.story().putBackReplicas(desired);
        boolean back = SuiteContext.awaitTrue(ctx.options().timeout(), () -> SERVICES.stream()
                .allMatch(s -> Replicas.active(s, stack.service(s))));
        ctx.out().accept("  restored one replica of each, " + (back ? "the originals active again"
                : "but not every original is active: " + SERVICES.stream().filter(s -> !Replicas.active(s, stack.service(s))).toList()));
    }
}
