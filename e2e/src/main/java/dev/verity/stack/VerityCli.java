package dev.verity.stack;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code ./verity}: runs Verity locally on embedded defaults. */
@Command(name = "verity", mixinStandardHelpOptions = true, subcommands = {VerityCli.Up.class, VerityCli.Demo.class, VerityCli.Bench.class},
        description = "Runs Verity locally on embedded defaults: a real Kafka broker, the Kubernetes sandbox, a local "
                + "Git forge seeded from examples/, an SMTP server and a Slack stand-in, and the five services.")
public final class VerityCli implements Runnable {

    public static void main(String[] args) {
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        System.exit(new CommandLine(new VerityCli()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    @Command(name = "up", description = "Starts the local stack, prints where everything is and the alerts it receives; "
            + "a service or the Kafka broker that dies is restarted (and the restart printed); Ctrl-C stops it.")
    static final class Up implements Callable<Integer> {
        @Option(names = "--work-dir", defaultValue = ".verity/up", description = "state of the stack (broker data, Git forge, logs); default ${DEFAULT-VALUE}")
        Path workDir;

        @Override
        public Integer call() throws InterruptedException {
            Console out = new Console(System.out);
            out.say("Starting Verity on embedded defaults (first start takes a minute)...");
            // Ctrl-C stops the stack, its supervisor first, and every process it started (LocalStack's exit hook)
            LocalStack stack = LocalStack.start(StackOptions.onFixedPorts(RepoRoot.find().resolve(workDir)));
            CountDownLatch stopping = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                out.say("Stopping every process the stack started...");
                stopping.countDown();
            }, "verity-stop-message"));
            // a process that dies is started again instead of the whole stack stopping
            Supervisor.start(stack, out::say);
            out.where(stack);
            AlertFeed feed = new AlertFeed(stack, out);
            while (stopping.getCount() > 0) {
                feed.printNew();
                Thread.sleep(1000);
            }
            return 0;
        }
    }

    @Command(name = "demo", description = "Runs the story against a fresh local stack on free ports: a push reaches the cluster "
            + "and its commit shows success on the forge, a change behind Verity's back is alerted and resolved in its thread once put back, "
            + "a broken push changes nothing, is alerted and shows failure on the forge. Exits 0 only if every step checked out.")
    static final class Demo implements Callable<Integer> {
        @Option(names = "--work-dir", defaultValue = ".verity/demo", description = "state of the demo stack; default ${DEFAULT-VALUE} (wiped first)")
        Path workDir;

        @Option(names = "--timeout", defaultValue = "PT2M", description = "how long each step may take (ISO-8601); default ${DEFAULT-VALUE}")
        Duration timeout;

        @Override
        public Integer call() throws Exception {
            Console out = new Console(System.out);
            Path dir = RepoRoot.find().resolve(workDir);
            LocalForge.deleteRecursively(dir);
            out.say("Starting a fresh local stack in " + dir + " ...");
            try (LocalStack stack = LocalStack.start(StackOptions.onFreePorts(dir))) {
                out.where(stack);
                return new DemoNarration(stack, out, timeout).run() ? 0 : 1;
            }
        }
    }

    @Command(name = "bench", description = "Runs a benchmark and prints its figures as JSON and as a line. applier: "
            + "exits 1 when the run failed (never because a figure missed its target). drift: exits 1 when the run "
            + "failed (an edit missed or reported twice, a false alarm) or a figure missed its target. renderer: exits 1 when"
            + " the run failed (never because a figure missed its target). stack: exits 1 when the run failed (never because"
            + " a figure missed its target).")
    static final class Bench implements Callable<Integer> {
        @CommandLine.Parameters(index = "0", description = "which benchmark: applier, drift, renderer, stack or kustomize (kustomize runs without the stack: ./verity bench kustomize)")
        String which;

        @Option(names = "--objects", description = "objects generated; default 1000 (applier), 10000 (drift), 100 (stack)")
        Integer objects;

        @Option(names = "--targets", defaultValue = "100", description = "drift: targets the objects are spread over; default ${DEFAULT-VALUE}")
        int targets;

        @Option(names = "--edits", defaultValue = "200", description = "drift: objects edited behind Verity's back; default ${DEFAULT-VALUE}")
        int edits;

        @Option(names = "--idle", description = "drift, stack: how long each idle window lasts (ISO-8601); default PT1M (drift), PT30S (stack)")
        void idle(Duration value) {
            idle = value;
            idleGiven = true;
        }

        Duration idle = Duration.ofMinutes(1);
        boolean idleGiven;

        @Option(names = "--resync", defaultValue = "PT30S", description = "drift: the monitor's verity.drift.resync (ISO-8601); default ${DEFAULT-VALUE}, as deployed")
        Duration resync;

        @Option(names = "--apps", defaultValue = "200", description = "renderer: apps in the generated monorepo (x 3 environments); default ${DEFAULT-VALUE}")
        int apps;

        @Option(names = "--pushes", defaultValue = "10", description = "renderer: one-app commits timed; default ${DEFAULT-VALUE}")
        int pushes;

        @Option(names = "--commits", defaultValue = "50", description = "stack: commits pushed one after the other; default ${DEFAULT-VALUE}")
        int commits;

        @Option(names = "--drifts", defaultValue = "20", description = "stack: ConfigMaps edited behind Verity's back; default ${DEFAULT-VALUE}")
        int drifts;

        @Option(names = "--group-window", defaultValue = "PT0S", description = "stack: the notifier's grouping window (ISO-8601); default ${DEFAULT-VALUE}")
        Duration groupWindow;

        @Option(names = "--work-dir", description = "scratch directory, emptied first; default .verity/bench-<benchmark>")
        Path workDir;

        @Override
        public Integer call() {
            Path dir = RepoRoot.find().resolve(workDir != null ? workDir : Path.of(".verity/bench-" + which));
            switch (which) {
                case "applier" -> {
                    ApplierBenchmark.Figures figures = ApplierBenchmark.run(objects == null ? 1000 : objects, dir,
                            Duration.ofMinutes(5));
                    System.out.println(figures.json());
                    System.out.println(figures.line());
                    return figures.failure() == null ? 0 : 1;
                }
                case "drift" -> {
                    DriftBenchmark.Options defaults = DriftBenchmark.Options.defaults();
                    DriftBenchmark.Options options;
                    try {
                        options = new DriftBenchmark.Options(objects == null ? defaults.objects() : objects, targets,
                                edits, idle, resync, defaults.phaseTimeout(), defaults.seed());
                    } catch (IllegalArgumentException e) {
                        System.err.println("verity bench drift: " + e.getMessage());
                        return 2;
                    }
                    DriftBenchmark.Figures figures = DriftBenchmark.run(options, dir);
                    System.out.println(figures.json());
                    System.out.println(figures.line());
                    return figures.failure() == null && figures.targetsMet() ? 0 : 1;
                }
                case "renderer" -> {
                    RendererBenchmark.Figures figures = RendererBenchmark.run(apps, pushes, dir, Duration.ofMinutes(5));
                    System.out.println(figures.json());
                    System.out.println(figures.line());
                    return figures.failure() == null ? 0 : 1;
                }
                case "stack" -> {
                    StackBenchmark.Options options;
                    try {
                        StackBenchmark.Options d = StackBenchmark.Options.defaults();
                        options = new StackBenchmark.Options(commits, objects == null ? d.objects() : objects, drifts,
                                idleGiven ? idle : d.idle(), groupWindow, d.timeout());
                    } catch (IllegalArgumentException e) {
                        System.err.println("verity bench stack: " + e.getMessage());
                        return 2;
                    }
                    StackBenchmark.Figures figures = StackBenchmark.run(options, dir);
                    System.out.println(figures.json());
                    System.out.println(figures.table());
                    return figures.failure() == null ? 0 : 1;
                }
                default -> {
                    System.err.println("verity bench: unknown benchmark '" + which + "'; the benchmarks are: applier, drift, renderer, stack, kustomize, receiver");
                    return 2;
                }
            }
        }
    }
}
