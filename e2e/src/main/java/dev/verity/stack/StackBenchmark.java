package dev.verity.stack;

import dev.verity.events.Decoded;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftUpdated;
import dev.verity.events.EventCodec;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.testkit.slack.SlackMessage;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The whole stack's benchmark (issue 16, end-to-end performance): the local stack ({@link LocalStack}: the Kafka
 * broker and the five services as processes from their packaged apps, the Kubernetes sandbox, the local forge, the
 * Slack stand-in) runs; once the examples are applied and it has been quiet for {@code idle}, each process's resident
 * set is read ({@code VmRSS} in {@code /proc/<pid>/status}). Then the benchmark pushes a generated app of
 * {@code objects} objects ({@code apps/bench}, environment {@code perf}: a Namespace, ConfigMaps, Secrets, Services,
 * Deployments as {@code ./verity bench applier} generates them) and {@code commits} commits one after the other, each
 * changing one ConfigMap and one Deployment's pod template (a rollout), each announced by the forge's signed webhook.
 * For each commit it takes the time from the commit landing in the forge to the target's {@code Applied} and
 * {@code Healthy} at that commit on {@code verity.rollout} (the records' timestamps, written by the applier), and the
 * events all services wrote meanwhile (every {@code verity.*} topic). Then {@code drifts} ConfigMaps are edited
 * behind Verity's back, one after the other, as {@code kubectl edit} does; for each, the time from the edit to the
 * drift monitor's {@code DriftDetected} (or {@code DriftUpdated}) naming it, and to the first Slack message (or
 * reply, or edit) naming it, as the Slack stand-in received it. Last, after another quiet {@code idle}, each process's
 * resident set again and its peak ({@code VmHWM}).
 *
 * <p>Figures, not a test: nothing here asserts a time; {@link Figures#targetsMet()} compares them with the issue's
 * targets. Sequential commits measure latency, not the most the stack can take. The notifier's grouping window
 * ({@code verity.notifier.incidents.group-window}: 30 s by default, 3 s in {@code ./verity up}) delays every new
 * incident's first alert by design; the benchmark runs the stack with {@code --group-window} (0 s by default) and
 * prints it, so drift→alert shows Verity's own latency. Run it with {@code ./verity bench stack}.
 */
public final class StackBenchmark {

    /** The targets on a 2-core machine. */
    public static final double TARGET_APPLIED_P50 = 1.0;
    public static final double TARGET_APPLIED_P99 = 3.0;
    public static final double TARGET_ALERT_P99 = 2.0;
    public static final long TARGET_IDLE_RSS_MIB = 200;

    static final String APP = "bench";
    static final String ENV = "perf";
    static final TargetKey TARGET = new TargetKey(LocalStack.CLUSTER, APP, ENV);
    static final String OBJECTS_FILE = "apps/" + APP + "/base/objects.yaml";
    /** The namespace of the generated objects. */
    static final String NAMESPACE = "bench-perf";

    /**
     * How to run it.
     *
     * @param commits     commits pushed one after the other (after the one adding the app)
     * @param objects     objects in the generated app
     * @param drifts      ConfigMaps edited behind Verity's back, one after the other
     * @param idle        how long the stack stays quiet before each resident-set reading
     * @param groupWindow the notifier's grouping window for the run
     * @param timeout     how long one commit or edit may take before the run fails
     */
    public record Options(int commits, int objects, int drifts, Duration idle, Duration groupWindow, Duration timeout) {

        public Options {
            if (commits < 1) throw new IllegalArgumentException("--commits must be at least 1, got " + commits);
            if (objects < 12) throw new IllegalArgumentException("--objects must be at least 12 (a namespace and a"
                    + " Deployment among them), got " + objects);
            if (drifts < 0) throw new IllegalArgumentException("--drifts must not be negative, got " + drifts);
            int configMaps = (int) java.util.stream.IntStream.range(0, objects - 1)
                    .filter(i -> ApplierBenchmark.kindOf(i).equals("ConfigMap")).count();
            if (drifts > configMaps - 1) {
                throw new IllegalArgumentException("--drifts " + drifts + " is more than the " + (configMaps - 1)
                        + " ConfigMaps that can be edited among " + objects + " objects; lower --drifts or raise --objects");
            }
            if (idle.isNegative() || groupWindow.isNegative()) {
                throw new IllegalArgumentException("--idle and --group-window must not be negative");
            }
        }

        public static Options defaults() {
            return new Options(50, 100, 20, Duration.ofSeconds(30), Duration.ZERO, Duration.ofMinutes(2));
        }
    }

    /** One process's resident set: quiet before the load, quiet after it, and its peak; in MiB, -1 when unknown. */
    public record Memory(String process, long idleBeforeMiB, long idleAfterMiB, long peakMiB) {
    }

    /**
     * What one run measured; latencies in seconds.
     *
     * @param firstApplySeconds the commit adding the app ({@code objects} objects created) to its {@code Applied}
     * @param applied           per commit, commit → {@code Applied}
     * @param healthy           per commit, commit → {@code Healthy}
     * @param detected          per edit, edit → {@code DriftDetected}/{@code DriftUpdated} naming the object
     * @param alerted           per edit, edit → the first Slack message naming the object
     * @param events            records written to Verity's topics while the commits ran
     * @param eventsPerSecond   those per second of the commit phase
     * @param machine           cores and load average when the run started and ended
     */
    public record Figures(int objects, int commits, int drifts, Duration groupWindow, double firstApplySeconds,
            List<Double> applied, List<Double> healthy, List<Double> detected, List<Double> alerted, long events,
            double eventsPerSecond, List<Memory> memory, String machine, String failure) {

        public boolean targetsMet() {
            return failure == null && percentile(applied, 50) < TARGET_APPLIED_P50
                    && percentile(applied, 99) < TARGET_APPLIED_P99
                    && (alerted.isEmpty() || percentile(alerted, 99) < TARGET_ALERT_P99)
                    && memory.stream().filter(m -> !m.process().equals("kafka"))
                    .allMatch(m -> m.idleAfterMiB() >= 0 && m.idleAfterMiB() < TARGET_IDLE_RSS_MIB
                            && m.idleBeforeMiB() < TARGET_IDLE_RSS_MIB);
        }

        public String json() {
            StringBuilder mem = new StringBuilder("{");
            for (Memory m : memory) {
                if (mem.length() > 1) mem.append(',');
                mem.append(String.format(Locale.ROOT, "\"%s\":{\"idleBeforeMiB\":%d,\"idleAfterMiB\":%d,\"peakMiB\":%d}",
                        m.process(), m.idleBeforeMiB(), m.idleAfterMiB(), m.peakMiB()));
            }
            mem.append('}');
            return String.format(Locale.ROOT, "{\"benchmark\":\"stack\",\"objects\":%d,\"commits\":%d,\"drifts\":%d,"
                            + "\"groupWindowSeconds\":%.1f,\"firstApplySeconds\":%.3f,\"commitToApplied\":%s,"
                            + "\"commitToHealthy\":%s,\"driftToDetected\":%s,\"driftToAlert\":%s,\"events\":%d,"
                            + "\"eventsPerSecond\":%.1f,\"rss\":%s,\"machine\":\"%s\",\"failure\":%s,\"targetsMet\":%b,"
                            + "\"targets\":{\"appliedP50\":%.1f,\"appliedP99\":%.1f,\"alertP99\":%.1f,\"idleRssMiB\":%d}}",
                    objects, commits, drifts, groupWindow.toMillis() / 1000.0, firstApplySeconds, stats(applied),
                    stats(healthy), stats(detected), stats(alerted), events, eventsPerSecond, mem, machine,
                    failure == null ? "null" : "\"" + failure.replace("\\", "\\\\").replace("\"", "\\\"") + "\"",
                    targetsMet(), TARGET_APPLIED_P50, TARGET_APPLIED_P99, TARGET_ALERT_P99, TARGET_IDLE_RSS_MIB);
        }

        /** The figures as a table, one row per latency and one per process. */
        public String table() {
            StringBuilder t = new StringBuilder();
            t.append(String.format(Locale.ROOT, "stack: %d-object app, %d commits, %d drift edits, grouping window %s;"
                    + " %s%n", objects, commits, drifts, groupWindow, machine));
            t.append(String.format(Locale.ROOT, "%-22s %6s %8s %8s %8s  %s%n", "latency (s)", "n", "p50", "p99", "max",
                    "target"));
            row(t, "commit -> applied", applied, "p50 < " + TARGET_APPLIED_P50 + ", p99 < " + TARGET_APPLIED_P99);
            row(t, "commit -> healthy", healthy, "");
            row(t, "drift -> detected", detected, "");
            row(t, "drift -> alert", alerted, "p99 < " + TARGET_ALERT_P99);
            t.append(String.format(Locale.ROOT, "first apply of %d objects: %.2f s; %d events in the commit phase, %.1f"
                    + " events/s%n", objects, firstApplySeconds, events, eventsPerSecond));
            t.append(String.format(Locale.ROOT, "%-18s %12s %12s %10s  %s%n", "RSS (MiB)", "idle before", "idle after",
                    "peak", "target"));
            for (Memory m : memory) {
                t.append(String.format(Locale.ROOT, "%-18s %12d %12d %10d  %s%n", m.process(), m.idleBeforeMiB(),
                        m.idleAfterMiB(), m.peakMiB(), m.process().equals("kafka") ? "(broker, not a service)"
                                : "idle < " + TARGET_IDLE_RSS_MIB));
            }
            t.append(failure == null ? (targetsMet() ? "targets met" : "targets NOT met") : "FAILED: " + failure);
            return t.toString();
        }

        private static void row(StringBuilder t, String name, List<Double> values, String target) {
            t.append(String.format(Locale.ROOT, "%-22s %6d %8.3f %8.3f %8.3f  %s%n", name, values.size(),
                    percentile(values, 50), percentile(values, 99), values.stream().mapToDouble(d -> d).max().orElse(-1),
                    target));
        }

        private static String stats(List<Double> values) {
            return String.format(Locale.ROOT, "{\"n\":%d,\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f}", values.size(),
                    percentile(values, 50), percentile(values, 99),
                    values.stream().mapToDouble(d -> d).max().orElse(-1));
        }
    }

    /** The nearest-rank percentile ({@code p} in 0..100) of {@code values}; -1 for none. */
    public static double percentile(List<Double> values, int p) {
        if (values.isEmpty()) return -1;
        List<Double> sorted = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private final Options options;
    private final EventCodec codec = new EventCodec();

    private StackBenchmark(Options options) {
        this.options = options;
    }

    /** Runs the benchmark once in {@code workDir} (emptied first) and stops everything it started. */
    public static Figures run(Options options, Path workDir) {
        return new StackBenchmark(options).run(workDir.toAbsolutePath());
    }

    private Figures run(Path work) {
        ApplierBenchmark.deleteTree(work);
        String loadBefore = machine();
        String previousWindow = System.getProperty(LocalStack.GROUP_WINDOW_PROPERTY);
        System.setProperty(LocalStack.GROUP_WINDOW_PROPERTY, options.groupWindow().toMillis() + "ms");
        try (LocalStack stack = LocalStack.start(StackOptions.onFreePorts(work))) {
            return measure(stack, loadBefore);
        } finally {
            if (previousWindow == null) System.clearProperty(LocalStack.GROUP_WINDOW_PROPERTY);
            else System.setProperty(LocalStack.GROUP_WINDOW_PROPERTY, previousWindow);
        }
    }

    private Figures measure(LocalStack stack, String loadBefore) {
        List<Double> applied = new ArrayList<>();
        List<Double> healthy = new ArrayList<>();
        List<Double> detected = new ArrayList<>();
        List<Double> alerted = new ArrayList<>();
        Map<String, Long> idleBefore = new LinkedHashMap<>();
        double first = -1;
        long events = 0;
        double eventsPerSecond = 0;
        String failure = null;
        try (Watcher watcher = new Watcher(stack.kafka().bootstrapServers())) {
            // the examples are applied at start: let the stack settle, then read each process's resident set
            TargetKey shopProd = new TargetKey(LocalStack.CLUSTER, "shop", "prod");
            watcher.awaitTrue(() -> watcher.healthyTargets().contains(shopProd), options.timeout(),
                    "the examples' local/shop/prod to be Healthy after the start");
            sleep(options.idle());
            processes(stack).forEach((name, pid) -> idleBefore.put(name, rss(pid, "VmRSS:").orElse(-1)));

            // the app: one commit adding it, then one commit after the other
            LocalForge.Push add = addApp(stack);
            Instant addedAt = Instant.now();
            send(stack, add);
            first = watcher.await(() -> watcher.applied(add.after()), options.timeout(),
                    "Applied for " + TARGET + " at " + TargetKey.shortSha(add.after()))
                    .map(t -> seconds(addedAt, t)).orElse(-1.0);
            watcher.await(() -> watcher.at("Healthy", add.after()), options.timeout(),
                    "Healthy for " + TARGET + " at " + TargetKey.shortSha(add.after()));

            long eventsBefore = watcher.endOffsets();
            long phaseStart = System.nanoTime();
            for (int i = 1; i <= options.commits(); i++) {
                int revision = i;
                LocalForge.Push push = stack.forge().pushEdit("bench: revision " + revision, OBJECTS_FILE,
                        text -> text.replaceAll("revision: \"\\d+\"", "revision: \"" + revision + "\""));
                Instant committed = Instant.now();
                send(stack, push);
                Optional<Instant> a = watcher.await(() -> watcher.applied(push.after()), options.timeout(),
                        "Applied for " + TARGET + " at commit " + revision + " " + TargetKey.shortSha(push.after()));
                Optional<Instant> h = watcher.await(() -> watcher.at("Healthy", push.after()), options.timeout(),
                        "Healthy for " + TARGET + " at commit " + revision + " " + TargetKey.shortSha(push.after()));
                applied.add(seconds(committed, a.orElseThrow()));
                healthy.add(seconds(committed, h.orElseThrow()));
            }
            double phaseSeconds = (System.nanoTime() - phaseStart) / 1e9;
            events = watcher.endOffsets() - eventsBefore;
            eventsPerSecond = events / phaseSeconds;

            drift(stack, watcher, detected, alerted);
        } catch (RunFailed e) {
            failure = e.getMessage();
        }
        sleep(options.idle());
        List<Memory> memory = new ArrayList<>();
        processes(stack).forEach((name, pid) -> memory.add(new Memory(name, idleBefore.getOrDefault(name, -1L),
                rss(pid, "VmRSS:").orElse(-1), rss(pid, "VmHWM:").orElse(-1))));
        return new Figures(options.objects(), options.commits(), options.drifts(), options.groupWindow(), first,
                applied, healthy, detected, alerted, events, eventsPerSecond, memory,
                "before: " + loadBefore + "; after: " + machine(), failure);
    }

    /** Edits ConfigMaps as {@code kubectl edit} does, one after the other, and times their detection and alert. */
    private void drift(LocalStack stack, Watcher watcher, List<Double> detected, List<Double> alerted) {
        if (options.drifts() == 0) return;
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(stack.sandbox().url())
                .withUserAgent(DriftBenchmark.EDITOR_AGENT).build();
        PatchContext kubectlEdit = new PatchContext.Builder().withPatchType(PatchType.STRATEGIC_MERGE)
                .withFieldManager("kubectl-edit").build();
        List<String> configMaps = java.util.stream.IntStream.range(0, options.objects() - 1)
                .filter(i -> ApplierBenchmark.kindOf(i).equals("ConfigMap")).mapToObj(ApplierBenchmark::objectName)
                .filter(n -> !n.equals(ApplierBenchmark.objectName(0))) // bench-0000 changes with every commit
                .limit(options.drifts()).toList();
        try (KubernetesClient kubectl = new KubernetesClientBuilder().withConfig(config).build()) {
            int n = 0;
            for (String name : configMaps) {
                Instant edited = Instant.now();
                kubectl.configMaps().inNamespace(NAMESPACE).withName(name)
                        .patch(kubectlEdit, "{\"data\":{\"index\":\"edited-behind-verity-" + n++ + "\"}}");
                Optional<Instant> d = watcher.await(() -> watcher.driftAbout(name), options.timeout(),
                        "DriftDetected/DriftUpdated naming ConfigMap " + NAMESPACE + "/" + name);
                Optional<Instant> a = watcher.await(() -> slackAbout(stack, name), options.timeout(),
                        "a Slack message naming ConfigMap " + NAMESPACE + "/" + name);
                detected.add(seconds(edited, d.orElseThrow()));
                alerted.add(seconds(edited, a.orElseThrow()));
            }
        }
    }

    /**
     * When the Slack stand-in first received a message or reply naming the object. A message edited later
     * ({@code chat.update}: the incident's first message shows its current state) names it only from that edit on, and
     * keeps the time it was first received: it counts when its first version named the object; an object named only
     * in an edit is counted when first seen here (the stand-in keeps no time per edit).
     */
    private static Optional<Instant> slackAbout(LocalStack stack, String name) {
        Optional<Instant> first = Optional.empty();
        boolean inAnEdit = false;
        for (SlackMessage m : stack.slack().messages()) {
            String original = m.edits().isEmpty() ? m.readableText() : m.edits().get(0);
            if (original.contains(name)) {
                if (first.isEmpty() || m.receivedAt().isBefore(first.get())) first = Optional.of(m.receivedAt());
            } else if (m.readableText().contains(name) || m.edits().stream().anyMatch(e -> e.contains(name))) {
                inAnEdit = true;
            }
        }
        return first.isPresent() || !inAnEdit ? first : Optional.of(Instant.now());
    }

    /** Adds the generated app to the forge's repository (the examples and {@code apps/bench}) in one commit. */
    private LocalForge.Push addApp(LocalStack stack) {
        Path tree = stack.workDir().toAbsolutePath().resolve("bench-tree");
        try {
            ApplierBenchmark.deleteTree(tree);
            copy(RepoRoot.find().resolve("examples"), tree);
            Path base = tree.resolve("apps/" + APP + "/base");
            Path overlay = tree.resolve("apps/" + APP + "/overlays/" + ENV);
            Files.createDirectories(base);
            Files.createDirectories(overlay);
            Files.writeString(base.resolve("objects.yaml"), objectsYaml());
            Files.writeString(base.resolve("kustomization.yaml"), "resources:\n- objects.yaml\n");
            Files.writeString(overlay.resolve("kustomization.yaml"), "resources:\n- ../../base\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated app under " + tree, e);
        }
        return stack.forge().pushFolder(tree, "bench: add " + APP + " (" + options.objects() + " objects)");
    }

    /** The generated objects, with a revision each commit changes in bench-0000 and in the first Deployment's pods. */
    String objectsYaml() {
        List<String> docs = new ArrayList<>(ApplierBenchmark.documents(options.objects(), NAMESPACE));
        String firstDeployment = ApplierBenchmark.objectName(8);
        for (int i = 0; i < docs.size(); i++) {
            String doc = docs.get(i);
            if (doc.contains("name: " + ApplierBenchmark.objectName(0) + "\n")) {
                docs.set(i, doc.replace("\ndata:\n", "\ndata:\n  revision: \"0\"\n"));
            } else if (doc.contains("name: " + firstDeployment + "\n") && doc.contains("kind: Deployment")) {
                docs.set(i, doc.replace("    metadata:\n      labels:\n",
                        "    metadata:\n      annotations:\n        revision: \"0\"\n      labels:\n"));
            }
        }
        return String.join("---\n", docs);
    }

    private static void send(LocalStack stack, LocalForge.Push push) {
        int status = stack.forge().sendWebhook(push);
        if (status != 202) {
            throw new RunFailed("the webhook receiver answered " + status + " to the push of "
                    + TargetKey.shortSha(push.after()) + ", not 202; see " + stack.services().get("webhook-receiver").log());
        }
    }

    /** The Verity services' processes and the Kafka broker's (a child JVM running {@code kafka.Kafka}). */
    static Map<String, Long> processes(LocalStack stack) {
        Map<String, Long> pids = new LinkedHashMap<>();
        stack.services().forEach((name, p) -> pids.put(name, p.pid()));
        ProcessHandle.current().children().filter(h -> commandLine(h.pid()).contains("kafka.Kafka"))
                .findFirst().ifPresent(h -> pids.put("kafka", h.pid()));
        return pids;
    }

    private static String commandLine(long pid) {
        try {
            return Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline")).replace('\0', ' ');
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** A {@code /proc/<pid>/status} figure ({@code VmRSS:}, {@code VmHWM:}) in MiB; empty where there is none. */
    static OptionalLong rss(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field)) return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024);
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** Cores and the load average ({@code /proc/loadavg}). */
    static String machine() {
        String load;
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            load = f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            load = "unknown";
        }
        return Runtime.getRuntime().availableProcessors() + " cores, load average " + load;
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(target);
                else Files.copy(p, target);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Why a run stopped. */
    static final class RunFailed extends RuntimeException {
        RunFailed(String message) {
            super(message);
        }
    }

    /**
     * Reads {@code verity.rollout} and {@code verity.drift} from their end on a thread of its own (no consumer group),
     * keeping when each event was written (its record's timestamp); and counts the records on every {@code verity.*}
     * topic.
     */
    private final class Watcher implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final Map<String, Instant> seen = new ConcurrentHashMap<>();
        private final java.util.Set<TargetKey> healthyTargets = ConcurrentHashMap.newKeySet();
        private final Map<String, String> failures = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        Watcher(String bootstrap) {
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "enable.auto.commit", false),
                    new StringDeserializer(), new StringDeserializer());
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(Topics.ROLLOUT, Topics.DRIFT)) {
                for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            thread = new Thread(this::loop, "stack-bench-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            while (running) {
                List<ConsumerRecord<String, String>> records = new ArrayList<>();
                synchronized (consumer) {
                    consumer.poll(Duration.ofMillis(50)).forEach(records::add);
                }
                for (ConsumerRecord<String, String> r : records) {
                    if (r.value() == null) continue;
                    Decoded decoded;
                    try {
                        decoded = codec.read(r.value());
                    } catch (RuntimeException e) {
                        continue;
                    }
                    if (!(decoded instanceof Decoded.Known k)) continue;
                    VerityEvent event = k.envelope().event();
                    Instant written = Instant.ofEpochMilli(r.timestamp());
                    String kind = event.getClass().getSimpleName();
                    if (kind.equals("Healthy")) event.targetKey().ifPresent(healthyTargets::add);
                    if (event.targetKey().filter(TARGET::equals).isPresent()) {
                        seen.putIfAbsent(kind + " " + event.commit(), written);
                    }
                    if (event instanceof dev.verity.events.ApplyFailed f && TARGET.equals(f.target())) {
                        failures.putIfAbsent(f.commit(), f.error());
                    }
                    if (event instanceof DriftDetected d) seen.putIfAbsent("drift " + d.object().name(), written);
                    if (event instanceof DriftUpdated u) seen.putIfAbsent("drift " + u.object().name(), written);
                }
            }
        }

        java.util.Set<TargetKey> healthyTargets() {
            return healthyTargets;
        }

        Optional<Instant> at(String kind, String commit) {
            return Optional.ofNullable(seen.get(kind + " " + commit));
        }

        /** When the target was applied at {@code commit}; throws when the applier reported it failed instead. */
        Optional<Instant> applied(String commit) {
            String failed = failures.get(commit);
            if (failed != null) throw new RunFailed("ApplyFailed for " + TARGET + " at " + TargetKey.shortSha(commit) + ": " + failed);
            return at("Applied", commit);
        }

        Optional<Instant> driftAbout(String name) {
            return Optional.ofNullable(seen.get("drift " + name));
        }

        void awaitTrue(Supplier<Boolean> condition, Duration wait, String what) {
            await(() -> condition.get() ? Optional.of(Instant.now()) : Optional.<Instant>empty(), wait, what);
        }

        Optional<Instant> await(Supplier<Optional<Instant>> condition, Duration wait, String what) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                Optional<Instant> at = condition.get();
                if (at.isPresent()) return at;
                sleep(Duration.ofMillis(10));
            }
            throw new RunFailed("no " + what + " within " + wait.toSeconds() + " s");
        }

        /** The records on every {@code verity.*} topic so far (the sum of their end offsets). */
        long endOffsets() {
            synchronized (consumer) {
                List<TopicPartition> all = new ArrayList<>();
                for (Map.Entry<String, List<PartitionInfo>> t : consumer.listTopics(Duration.ofSeconds(30)).entrySet()) {
                    if (!t.getKey().startsWith("verity.")) continue;
                    t.getValue().forEach(p -> all.add(new TopicPartition(p.topic(), p.partition())));
                }
                Collection<Long> ends = consumer.endOffsets(all, Duration.ofSeconds(30)).values();
                return ends.stream().collect(Collectors.summingLong(Long::longValue));
            }
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (consumer) {
                consumer.close();
            }
        }
    }
}
