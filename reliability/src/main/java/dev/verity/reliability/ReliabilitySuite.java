package dev.verity.reliability;

import dev.verity.stack.LocalStack;
import dev.verity.stack.StackOptions;
import dev.verity.stack.Supervisor;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs the scenarios against one local stack (the real Kafka broker and the five services as processes, the sandbox,
 * the stand-ins) watched by a {@link Supervisor}, as {@code ./verity up} runs it, with consumer session timeouts
 * lowered so that a dead consumer's partitions move within seconds. Ends with the ledger's comparison over the whole
 * run and its negative control, then the table. {@code ReliabilitySuiteIT} runs the short form in {@code verify};
 * {@code ./verity reliability [--long]} runs {@link #main}. A suite's JVM stopped before {@link #close()} (SIGTERM from
 * a build's timeout, Ctrl-C) stops the stack and every process it started on its way out ({@link LocalStack#start}).
 */
public final class ReliabilitySuite implements AutoCloseable {

    /** What every service gets in the suite: quick rebalances and leader changes, and no rate limit on the burst. */
    static final Map<String, String> SERVICE_PROPERTIES = Map.ofEntries(
            Map.entry("kafka.session.timeout.ms", "6000"),
            Map.entry("kafka.heartbeat.interval.ms", "2000"),
            Map.entry("verity.applier.leader-session-timeout", "6s"),
            Map.entry("verity.drift.leader-session-timeout", "6s"),
            Map.entry("verity.notifier.leader-session-timeout", "6s"),
            Map.entry("verity.receiver.rate-limit.per-repository-rate", "10000"),
            Map.entry("verity.receiver.rate-limit.per-repository-burst", "100000"),
            // fewer and shorter retries of a failing apply than in production, so ApplyFailed comes within seconds
            Map.entry("verity.applier.retry.request-retries", "3"),
            Map.entry("verity.applier.retry.request-interval", "200ms"),
            Map.entry("verity.applier.retry.max-retries", "3"),
            Map.entry("verity.applier.retry.delay", "500ms"),
            Map.entry("verity.applier.retry.jitter", "100ms"),
            // RenderFaultScenario: a 1.5 MiB manifest is over the desired-state limit; a never-ending render stops sooner
            Map.entry("verity.renderer.max-desired-state-size", "1048576"),
            Map.entry("verity.renderer.render-timeout", "10s"),
            // short notifier retries (0.5 s, 1 s, 2 s), so an alert to a channel that is down is on verity.undelivered
            // within seconds; no flapping, so each drift the scenarios cause is told, however often prod drifts
            Map.entry("verity.notifier.retry.max-attempts", "4"),
            Map.entry("verity.notifier.retry.initial-backoff", "500ms"),
            Map.entry("verity.notifier.retry.max-backoff", "2s"),
            Map.entry("verity.notifier.retry.jitter", "100ms"),
            Map.entry("verity.notifier.incidents.flap-threshold", "1000"));

    private final SuiteOptions options;
    private final LocalStack stack;
    private final Supervisor supervisor;
    private final SuiteContext ctx;
    private final List<ScenarioResult> results = new ArrayList<>();
    private final Consumer<String> out;

    private ReliabilitySuite(SuiteOptions options, LocalStack stack, Consumer<String> out, List<String> supervisorLines) {
        this.options = options;
        this.stack = stack;
        this.out = out;
        this.supervisor = Supervisor.start(stack, line -> {
            synchronized (supervisorLines) {
                supervisorLines.add(line);
            }
            out.accept("[supervisor] " + line);
        });
        this.ctx = new SuiteContext(stack, supervisor, new Ledger(), options, out, supervisorLines);
    }

    /** Starts the stack (a few minutes on two cores) and its supervisor. */
    public static ReliabilitySuite start(SuiteOptions options, Consumer<String> out) {
        out.accept("Reliability suite, " + options.form() + " form: starting the local stack in " + options.workDir() + " ...");
        long t0 = System.nanoTime();
        StackOptions stackOptions = StackOptions.onFreePorts(options.workDir()).withPollInterval(Duration.ofSeconds(15))
                .withServiceProperties(SERVICE_PROPERTIES);
        LocalStack stack = LocalStack.start(stackOptions);
        out.accept(String.format(java.util.Locale.ROOT, "stack ready in %.0f s", (System.nanoTime() - t0) / 1e9));
        return new ReliabilitySuite(options, stack, out, Collections.synchronizedList(new ArrayList<>()));
    }

    /** The scenarios of this session's suite, in the order they run (each leaves the stack as it found it). */
    public static List<Scenario> scenarios() {
        return List.of(new ReceiverFuzzScenario(), new WebhookOrderScenario(), new PoisonScenario(),
                new SupervisorScenario("renderer-service"), new ApplierKillScenario(), new ApiFaultScenario(),
                new BrokerKillScenario(),
                new NotifierOutageScenario(), new NotifierKillScenario(),
                new RenderFaultScenario(), new ApiHangScenario(),
                new RendererKillScenario(), new DriftKillScenario(), new TakeoverScenario());
    }

    public ScenarioResult run(Scenario scenario) {
        ScenarioResult r;
        try {
            r = scenario.run(ctx);
        } catch (RuntimeException e) {
            r = new ScenarioResult.Builder(scenario.name(), out).error(e).build();
        }
        results.add(r);
        return r;
    }

    /** Whether every scenario run so far passed. */
    public boolean passedSoFar() {
        return results.stream().allMatch(ScenarioResult::passed);
    }

    public SuiteContext context() {
        return ctx;
    }

    /**
     * The ledger over the whole run against what the topics hold (nothing lost, nothing published that was not
     * sent as a push, no target gone back), and its negative control; adds both rows and returns the report, after
     * printing the table and writing the JSON.
     */
    public SuiteReport finish() {
        results.add(ledgerRow());
        results.add(negativeControl());
        SuiteReport report = new SuiteReport(options.form(), results);
        out.accept(report.table());
        report.write(options.report());
        out.accept("report: " + options.report().toAbsolutePath());
        return report;
    }

    private ScenarioResult ledgerRow() {
        ScenarioResult.Builder b = new ScenarioResult.Builder("whole run: ledger vs topics", out);
        try {
            List<Ledger.Entry> all = ctx.ledger().entries();
            Reconciliation.Verdict v = Reconciliation.compare(all, ctx.observe(), ctx.history(), true);
            b.events(all.size()).lost(v.lost().size()).duplicated(v.duplicated().size());
            b.did("compared " + all.size() + " ledger entries with verity.commits, the dead-letter topics and verity.rollout");
            b.check("nothing lost", v.lost().isEmpty(), String.join("; ", v.lost()));
            b.check("nothing published that the ledger did not send as a push", v.unexpected().isEmpty(), String.join("; ", v.unexpected()));
            b.check("no target Applied at an older commit after a newer one", v.regressions().isEmpty(), String.join("; ", v.regressions()));
            if (!v.duplicated().isEmpty()) b.did("published more often than sent (at least once): " + v.duplicated());
        } catch (RuntimeException e) {
            b.error(e);
        }
        return b.build();
    }

    /**
     * The comparison must catch a loss: run it again with one accepted push removed from what the topics hold, and
     * with one published push removed from the ledger; each must fail.
     */
    private ScenarioResult negativeControl() {
        ScenarioResult.Builder b = new ScenarioResult.Builder("negative control", out);
        try {
            Observed observed = ctx.observe();
            List<Ledger.Entry> all = ctx.ledger().entries();
            Ledger.Entry accepted = all.stream().filter(Ledger.Entry::accepted).reduce((x, y) -> y).orElseThrow(() ->
                    new IllegalStateException("no push was accepted during the run: nothing to remove"));
            Observed dropped = observed.withoutPublished(p -> p.deliveryId().equals(accepted.id()));
            Reconciliation.Verdict v1 = Reconciliation.compare(all, dropped, ctx.history(), true);
            b.did("removed the record of push " + Ledger.shortSha(accepted.commit()) + " (delivery " + accepted.id()
                    + ") from what verity.commits holds");
            b.check("the comparison reports it lost", !v1.passed() && v1.lost().size() == 1, String.join("; ", v1.lost()));
            List<Ledger.Entry> forgot = ctx.ledger().without(e -> e.id().equals(accepted.id()));
            Reconciliation.Verdict v2 = Reconciliation.compare(forgot, observed, ctx.history(), true);
            b.did("removed that push from the ledger");
            b.check("the comparison reports its record as published from nowhere", !v2.passed() && !v2.unexpected().isEmpty(),
                    String.join("; ", v2.unexpected()));
            b.events(2).faults("one record removed; one ledger entry removed");
        } catch (RuntimeException e) {
            b.error(e);
        }
        return b.build();
    }

    @Override
    public void close() {
        supervisor.close();
        stack.close();
    }

    /** {@code ./verity reliability [--long] [--seed N] [--work-dir DIR] [--report FILE]}: exit 0 only when nothing was lost and every check held. */
    public static void main(String[] args) {
        // the Kafka and fabric8 clients log through java.util.logging: warnings only, the scenarios' lines stay readable
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) {
        boolean longForm = false;
        Long seed = null;
        Path root = Path.of(System.getProperty("verity.root", "."));
        Path work = null;
        Path report = null;
        String usage = "usage: ./verity reliability [--long] [--seed N] [--work-dir DIR] [--report FILE]";
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--long" -> longForm = true;
                    case "--seed" -> seed = Long.parseLong(args[++i]);
                    case "--work-dir" -> work = root.resolve(args[++i]);
                    case "--report" -> report = root.resolve(args[++i]);
                    case "-h", "--help" -> {
                        out.println(usage);
                        return 0;
                    }
                    default -> {
                        out.println("verity reliability: unknown option '" + args[i] + "'; " + usage);
                        return 2;
                    }
                }
            }
        } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
            out.println("verity reliability: " + String.join(" ", args) + ": a value is missing or not a number; " + usage);
            return 2;
        }
        String form = longForm ? "long" : "short";
        if (work == null) work = root.resolve(".verity/reliability-" + form);
        if (report == null) report = root.resolve("reliability/target/reliability-" + form + ".json");
        try {
            deleteRecursively(work);
        } catch (java.io.IOException e) {
            out.println("verity reliability: cannot empty " + work + ": " + e.getMessage());
            return 1;
        }
        SuiteOptions options = longForm ? SuiteOptions.longForm(work, report) : SuiteOptions.shortForm(work, report);
        if (seed != null) options = options.withSeed(seed);
        try (ReliabilitySuite suite = ReliabilitySuite.start(options, out::println)) {
            for (Scenario s : scenarios()) suite.run(s);
            SuiteReport r = suite.finish();
            r.failures().forEach(f -> out.println("FAILED " + f));
            return r.passed() ? 0 : 1;
        }
    }

    static void deleteRecursively(Path p) throws java.io.IOException {
        if (!java.nio.file.Files.exists(p)) return;
        try (var walk = java.nio.file.Files.walk(p)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) java.nio.file.Files.delete(f);
        }
    }
}
