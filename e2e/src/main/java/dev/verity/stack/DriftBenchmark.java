package dev.verity.stack;

import dev.verity.events.Applied;
import dev.verity.events.Decoded;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.DriftUpdated;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.testkit.kafka.KafkaBrokerProcess;
import dev.verity.testkit.kube.KubeSandbox;
import dev.verity.testkit.kube.LoggedRequest;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The drift monitor's benchmark (issue 9): {@code objects} objects across {@code targets} targets under watch on one
 * drift monitor, then {@code edits} edits behind Verity's back; prints the detection latency (p50, p99, max), the
 * monitor's peak resident set and the API requests it makes per minute while idle, at two object counts. Run it with
 * {@code ./verity bench drift [--objects N] [--targets N] [--edits N] [--idle PT1M]}.
 *
 * <p><b>What runs.</b> A real Kafka broker (child JVM, topics provisioned as the stack does), the Kubernetes sandbox
 * (in this JVM; its simulated controllers write Deployment status as {@code kube-controller-manager} would), and the
 * packaged applier-service and drift-monitor, each its own process as the local stack runs them ({@code -Xmx256m},
 * serial GC). Each target is a namespace of its own with the applier benchmark's mix of ConfigMaps, Secrets,
 * Services and Deployments (4:2:2:2).
 *
 * <p><b>Why through the real applier.</b> The objects reach the cluster, and their {@code DesiredState},
 * {@code AppliedState} and {@code Applied} reach the monitor, through the real applier, not by publishing states
 * built here: what the monitor compares against ({@code AppliedState}: the {@code verity} manager's field set and the
 * values the server stored at the apply) and the objects' {@code managedFields} are then exactly what production
 * gives it, and the monitor sees the same burst of watch events and state records a rollout of 100 targets causes.
 * Building those states here would copy the applier's reduction of the live object and measure the monitor against
 * this copy. The applier applies ~176 objects/s on this machine, so 10,000 objects take about a minute. Once every
 * target was {@code Applied} at the full count the applier is stopped: its periodic reconcile (every 10 minutes)
 * would otherwise undo edits during a long run, and what is left on the cluster's API is the monitor alone.
 *
 * <p><b>Idle requests.</b> The sandbox's request log records each request's {@code User-Agent}; the monitor sends
 * {@code verity-drift-monitor} ({@code ClusterReader.USER_AGENT}). Idle is measured twice, once a tenth of the
 * targets are applied and once all are: after the monitor made no request for {@value #QUIET_SECONDS} s (it reads
 * the objects a new applied state names from the server), the log is emptied, and the monitor's requests during
 * {@code idle} are counted (watches opened, lists, gets). "Not growing" means the rate at the full count is at most
 * 1.5 times the rate at a tenth plus one (a watch the server ends may fall in one window and not the other).
 *
 * <p><b>Edits and latency.</b> {@code edits} distinct objects, drawn at random (seeded) among the ConfigMaps and
 * Deployments, are edited one every {@value #EDIT_SPACING_MILLIS} ms as {@code kubectl edit} does: a strategic
 * merge patch with field manager {@code kubectl-edit} and kubectl's User-Agent, changing a ConfigMap's {@code
 * data.index} or a Deployment's container image. An edit's write time is when the sandbox received the PATCH (its
 * request log); its detection is when this process reads the {@code DriftDetected} about the object on {@code
 * verity.drift} (so Kafka's delivery is included). Every edited object must be reported exactly once: after the last
 * edit was detected the benchmark waits one more resync interval (a resync compares every cached object again) and
 * counts the {@code DriftDetected} per object (at most 62 s with a longer resync); a miss, a second report, a {@code DriftDetected} about an object not
 * edited (a false alarm) and a {@code DriftUnknown} are each a failure of the run.
 *
 * <p>Figures, not a test: nothing here asserts a time; {@link Figures#targetsMet()} says whether the targets
 * (p99 &lt; 1 s, peak RSS &lt; 512 MiB, idle requests not growing with the objects) were met.
 */
public final class DriftBenchmark {

    /** The targets. */
    public static final long TARGET_P99_MILLIS = 1000;
    public static final long TARGET_RSS_MIB = 512;
    static final String CLUSTER = "bench";
    static final String MONITOR_AGENT = "verity-drift-monitor";
    static final String EDITOR_AGENT = "kubectl/v1.32.0 (linux/amd64) kubernetes/bench";
    static final int QUIET_SECONDS = 3;
    static final int SETTLE_SECONDS = 5;
    static final long EDIT_SPACING_MILLIS = 100;

    /**
     * What to run.
     *
     * @param idle   how long each idle window lasts
     * @param resync the monitor's {@code verity.drift.resync}
     * @param phaseTimeout how long each phase may take (applies, detections)
     */
    public record Options(int objects, int targets, int edits, Duration idle, Duration resync, Duration phaseTimeout,
            long seed) {

        public static Options defaults() {
            return new Options(10_000, 100, 200, Duration.ofMinutes(1), Duration.ofSeconds(30),
                    Duration.ofMinutes(10), 9);
        }

        public Options {
            if (targets < 1) throw new IllegalArgumentException("--targets must be at least 1, got " + targets);
            if (objects < 3 * targets) {
                throw new IllegalArgumentException("--objects must be at least 3 per target (a namespace and an object"
                        + " to edit), got " + objects + " for " + targets + " targets");
            }
            if (edits < 1) throw new IllegalArgumentException("--edits must be at least 1, got " + edits);
        }
    }

    /** The monitor's requests during one idle window. */
    public record Idle(int objects, long requests, double perMinute, Map<String, Long> byVerb) {
        String json() {
            return String.format(Locale.ROOT, "{\"objects\":%d,\"requests\":%d,\"perMinute\":%.2f,\"byVerb\":%s}",
                    objects, requests, perMinute, byVerb.entrySet().stream()
                            .map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                            .collect(Collectors.joining(",", "{", "}")));
        }
    }

    /**
     * What one run measured.
     *
     * @param detected    edited objects reported exactly once
     * @param missed      edited objects never reported
     * @param doubled     edited objects reported more than once
     * @param falseAlarms {@code DriftDetected} about objects that were not edited
     * @param unknown     {@code DriftUnknown} events
     * @param setupSeconds from publishing the first desired state to every target {@code Applied}
     * @param failure     why the run failed (a miss, a double, a false alarm, an unknown, a timeout), or null
     */
    public record Figures(int objects, int targets, int edits, int detected, int missed, int doubled, int falseAlarms,
            int unknown, long p50Millis, long p99Millis, long maxMillis, long monitorPeakRssMiB, Idle idleLow,
            Idle idleHigh, double setupSeconds, String failure) {

        /** Whether the idle request rate at the full count stays within 1.5 times the rate at a tenth, plus one. */
        public boolean idleFlat() {
            return idleLow != null && idleHigh != null && idleHigh.perMinute() <= idleLow.perMinute() * 1.5 + 1;
        }

        public boolean targetsMet() {
            return p99Millis >= 0 && p99Millis < TARGET_P99_MILLIS && monitorPeakRssMiB < TARGET_RSS_MIB && idleFlat();
        }

        public String json() {
            return String.format(Locale.ROOT, "{\"benchmark\":\"drift\",\"objects\":%d,\"targets\":%d,\"edits\":%d,"
                    + "\"detectedOnce\":%d,\"missed\":%d,\"doubled\":%d,\"falseAlarms\":%d,\"unknown\":%d,"
                    + "\"latencyMillis\":{\"p50\":%d,\"p99\":%d,\"max\":%d},\"monitorPeakRssMiB\":%d,"
                    + "\"idleRequests\":[%s,%s],\"setupSeconds\":%.1f,\"failure\":%s,"
                    + "\"goals\":{\"p99Millis\":%d,\"rssMiB\":%d,\"idleNotGrowing\":true},\"goalsMet\":%s}",
                    objects, targets, edits, detected, missed, doubled, falseAlarms, unknown, p50Millis, p99Millis,
                    maxMillis, monitorPeakRssMiB, idleLow == null ? "null" : idleLow.json(),
                    idleHigh == null ? "null" : idleHigh.json(), setupSeconds,
                    failure == null ? "null" : quote(failure), TARGET_P99_MILLIS, TARGET_RSS_MIB, targetsMet());
        }

        public String line() {
            return String.format(Locale.ROOT, "drift: %d objects in %d targets; %d/%d edits detected once"
                    + " (missed %d, doubled %d, false alarms %d, unknown %d); latency p50 %d ms, p99 %d ms, max %d ms;"
                    + " monitor peak RSS %d MiB; idle requests/min %s at %s objects, %s at %s objects"
                    + " (targets: p99 < %d ms, RSS < %d MiB, idle not growing: %s)%s",
                    objects, targets, detected, edits, missed, doubled, falseAlarms, unknown, p50Millis, p99Millis,
                    maxMillis, monitorPeakRssMiB, idleLow == null ? "-" : fmt(idleLow.perMinute()),
                    idleLow == null ? "-" : idleLow.objects(), idleHigh == null ? "-" : fmt(idleHigh.perMinute()),
                    idleHigh == null ? "-" : idleHigh.objects(), TARGET_P99_MILLIS, TARGET_RSS_MIB,
                    targetsMet() ? "all met" : "NOT all met", failure == null ? "" : "; FAILED: " + failure);
        }

        private static String fmt(double d) {
            return String.format(Locale.ROOT, "%.1f", d);
        }

        private static String quote(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
        }
    }

    /** One generated object that can be edited, with the target it belongs to. */
    record Editable(TargetKey target, ObjectRef ref) {
    }

    private final Options options;
    private final EventCodec codec = new EventCodec();
    /** DriftDetected read times per object, in order */
    private final Map<ObjectRef, List<Instant>> detections = new ConcurrentHashMap<>();
    private final List<String> unknowns = new CopyOnWriteArrayList<>();
    private final AtomicInteger updated = new AtomicInteger();
    private final AtomicInteger resolved = new AtomicInteger();
    /** Applied per target, by the digest applied */
    private final Map<TargetKey, String> applied = new ConcurrentHashMap<>();
    private volatile boolean reading = true;

    private DriftBenchmark(Options options) {
        this.options = options;
    }

    /** Runs the benchmark once in {@code workDir} (emptied first) and stops everything it started. */
    public static Figures run(Options options, Path workDir) {
        return new DriftBenchmark(options).runIn(workDir.toAbsolutePath());
    }

    private Figures runIn(Path work) {
        ApplierBenchmark.deleteTree(work);
        Path root = RepoRoot.find();
        try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(work.resolve("kafka"), 0);
             KubeSandbox sandbox = KubeSandbox.start()) {
            kafka.provision(CLUSTER);
            Path kubeconfig = sandbox.writeKubeconfig(work.resolve("kubeconfig"));
            Map<String, String> common = Map.of("kafka.bootstrap.servers", kafka.bootstrapServers());
            Map<String, String> applierProps = new HashMap<>(common);
            applierProps.putAll(Map.of("verity.applier.cluster", CLUSTER, "verity.applier.kubeconfig",
                    kubeconfig.toString(), "quarkus.log.category.\"dev.verity\".level", "WARN"));
            Map<String, String> monitorProps = new HashMap<>(common);
            monitorProps.putAll(Map.of("verity.drift.cluster", CLUSTER, "verity.drift.kubeconfig",
                    kubeconfig.toString(), "verity.drift.resync", options.resync().toMillis() + "ms"));
            ServiceProcess applier = ServiceProcess.start("applier-service",
                    root.resolve("applier-service/target/quarkus-app"), ApplierBenchmark.freePort(), applierProps,
                    Map.of(), work.resolve("logs/applier-service.log"));
            try (applier;
                 ServiceProcess monitor = ServiceProcess.start("drift-monitor",
                         root.resolve("drift-monitor/target/quarkus-app"), ApplierBenchmark.freePort(), monitorProps,
                         Map.of(), work.resolve("logs/drift-monitor.log"))) {
                CompletableFuture<Void> applierReady = CompletableFuture.runAsync(
                        () -> applier.awaitReady(Duration.ofMinutes(3)));
                monitor.awaitReady(Duration.ofMinutes(3));
                applierReady.join();
                return measure(kafka.bootstrapServers(), sandbox, applier, monitor);
            }
        }
    }

    private Figures measure(String bootstrap, KubeSandbox sandbox, ServiceProcess applier, ServiceProcess monitor) {
        Thread reader = new Thread(() -> readTopics(bootstrap), "drift-bench-reader");
        reader.setDaemon(true);
        reader.start();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all", "max.request.size", Topics.DESIRED_MAX_MESSAGE_BYTES, "compression.type", "zstd"),
                new StringSerializer(), new StringSerializer())) {
            awaitComparing(monitor);
            List<TargetKey> targets = new ArrayList<>();
            Map<TargetKey, DesiredState> desired = new HashMap<>();
            List<Editable> editable = new ArrayList<>();
            for (int t = 0; t < options.targets(); t++) {
                TargetKey target = new TargetKey(CLUSTER, String.format(Locale.ROOT, "app-%03d", t), "perf");
                String namespace = String.format(Locale.ROOT, "bench-%03d", t);
                int count = options.objects() / options.targets()
                        + (t < options.objects() % options.targets() ? 1 : 0);
                targets.add(target);
                desired.put(target, DesiredState.of(target, "file:///bench/repo.git", "d".repeat(40),
                        "apps/" + target.app() + "/perf", Policy.DEFAULT, ApplierBenchmark.documents(count, namespace)));
                for (int i = 0; i < count - 1; i++) {
                    String kind = ApplierBenchmark.kindOf(i);
                    if (kind.equals("ConfigMap") || kind.equals("Deployment")) {
                        editable.add(new Editable(target, new ObjectRef(kind.equals("ConfigMap") ? "v1" : "apps/v1",
                                kind, namespace, ApplierBenchmark.objectName(i))));
                    }
                }
            }
            if (options.edits() > editable.size()) {
                return failed("--edits " + options.edits() + " is more than the " + editable.size()
                        + " ConfigMaps and Deployments generated; lower --edits or raise --objects");
            }
            int low = Math.max(1, options.targets() / 10);
            long setupStarted = System.nanoTime();
            String failure = applyAll(producer, targets.subList(0, low), desired);
            if (failure != null) return failed(failure);
            int lowObjects = targets.subList(0, low).stream().mapToInt(t -> desired.get(t).documents().size()).sum();
            Idle idleLow = low == options.targets() ? null : idle(sandbox, lowObjects);
            failure = applyAll(producer, targets.subList(low, targets.size()), desired);
            if (failure != null) return failed(failure);
            double setupSeconds = (System.nanoTime() - setupStarted) / 1e9;
            applier.close(); // from here on, the monitor is the only client of the cluster's API (see the class doc)
            Idle idleHigh = idle(sandbox, options.objects());
            int alarmsBeforeEdits = detections.size();

            Map<ObjectRef, Instant> written = edit(sandbox, editable);
            awaitDetections(written.keySet());
            // a resync compares every object again: a double would show by then
            sleep(Math.min(options.resync().toMillis(), 60_000) + 2000);
            OptionalLong rss = ApplierBenchmark.peakRssKiB(monitor);
            return figures(written, alarmsBeforeEdits, rss.orElse(0) / 1024, idleLow, idleHigh, setupSeconds);
        } finally {
            reading = false;
        }
    }

    private Figures failed(String why) {
        return new Figures(options.objects(), options.targets(), options.edits(), 0, options.edits(), 0, 0,
                unknowns.size(), -1, -1, -1, 0, null, null, -1, why);
    }

    /** Publishes the targets' desired states and waits for each one's {@code Applied} at its digest. */
    private String applyAll(KafkaProducer<String, String> producer, List<TargetKey> targets,
            Map<TargetKey, DesiredState> desired) {
        try {
            for (TargetKey target : targets) {
                producer.send(new ProducerRecord<>(Topics.desired(CLUSTER), target.toString(),
                        codec.encode(desired.get(target)))).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("the drift benchmark could not publish desired states: " + e, e);
        }
        long deadline = System.nanoTime() + options.phaseTimeout().toNanos();
        while (System.nanoTime() < deadline) {
            if (targets.stream().allMatch(t -> desired.get(t).digest().equals(applied.get(t)))) return null;
            sleep(200);
        }
        List<TargetKey> missing = targets.stream().filter(t -> !desired.get(t).digest().equals(applied.get(t)))
                .toList();
        return missing.size() + " of " + targets.size() + " targets not Applied within "
                + options.phaseTimeout().toSeconds() + " s (e.g. " + missing.get(0) + "); see logs/applier-service.log";
    }

    /**
     * Waits until the monitor made no request for {@value #QUIET_SECONDS} s (and at least {@value #SETTLE_SECONDS} s
     * passed, so that it has begun reading what the last states named), then counts its requests during
     * {@code options.idle()}.
     */
    private Idle idle(KubeSandbox sandbox, int objects) {
        long settleFrom = System.nanoTime();
        long deadline = settleFrom + options.phaseTimeout().toNanos();
        sandbox.requests().clear();
        while (System.nanoTime() < deadline) {
            sleep(500);
            Instant lastRequest = sandbox.requests().entries().stream().filter(r -> r.fromAgent(MONITOR_AGENT))
                    .map(LoggedRequest::time).max(Instant::compareTo).orElse(Instant.EPOCH);
            boolean quiet = lastRequest.isBefore(Instant.now().minusSeconds(QUIET_SECONDS));
            if (quiet && System.nanoTime() - settleFrom > Duration.ofSeconds(SETTLE_SECONDS).toNanos()) break;
        }
        sandbox.requests().clear();
        sleep(options.idle().toMillis());
        List<LoggedRequest> made = sandbox.requests().entries().stream().filter(r -> r.fromAgent(MONITOR_AGENT))
                .toList();
        Map<String, Long> byVerb = new TreeMap<>(made.stream().collect(Collectors.groupingBy(
                r -> r.verb() + (r.resource() == null ? "" : " " + r.resource()), Collectors.counting())));
        return new Idle(objects, made.size(), made.size() * 60_000.0 / options.idle().toMillis(), byVerb);
    }

    /** Edits the drawn objects as {@code kubectl edit} would; returns each one's write time (by the sandbox). */
    private Map<ObjectRef, Instant> edit(KubeSandbox sandbox, List<Editable> editable) {
        List<Editable> drawn = new ArrayList<>(editable);
        Collections.shuffle(drawn, new Random(options.seed()));
        drawn = drawn.subList(0, options.edits());
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(sandbox.url()).withUserAgent(EDITOR_AGENT)
                .build();
        PatchContext kubectlEdit = new PatchContext.Builder().withPatchType(PatchType.STRATEGIC_MERGE)
                .withFieldManager("kubectl-edit").build();
        Map<ObjectRef, Instant> sent = new HashMap<>();
        sandbox.requests().clear();
        try (KubernetesClient kubectl = new KubernetesClientBuilder().withConfig(config).build()) {
            int n = 0;
            for (Editable e : drawn) {
                ObjectRef ref = e.ref();
                String patch = ref.kind().equals("ConfigMap")
                        ? "{\"data\":{\"index\":\"edited-" + n + "\"}}"
                        : "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":"
                                + "\"registry.example/bench:edited-" + n + "\"}]}}}}";
                sent.put(ref, Instant.now());
                kubectl.genericKubernetesResources(ref.apiVersion(), ref.kind()).inNamespace(ref.namespace())
                        .withName(ref.name()).patch(kubectlEdit, patch);
                n++;
                sleep(EDIT_SPACING_MILLIS);
            }
        }
        // the write time is when the sandbox received the PATCH
        Map<ObjectRef, Instant> written = new HashMap<>(sent);
        for (LoggedRequest r : sandbox.requests().entries()) {
            if (!"patch".equals(r.verb()) || !r.fromAgent("kubectl/")) continue;
            String kind = "configmaps".equals(r.resource()) ? "ConfigMap" : "deployments".equals(r.resource())
                    ? "Deployment" : null;
            if (kind == null) continue;
            ObjectRef ref = new ObjectRef(kind.equals("ConfigMap") ? "v1" : "apps/v1", kind, r.namespace(), r.name());
            if (written.containsKey(ref)) written.put(ref, r.time());
        }
        return written;
    }

    private void awaitDetections(Set<ObjectRef> edited) {
        long deadline = System.nanoTime() + options.phaseTimeout().toNanos();
        while (System.nanoTime() < deadline && !detections.keySet().containsAll(edited)) sleep(100);
    }

    private Figures figures(Map<ObjectRef, Instant> written, int alarmsBeforeEdits, long rssMiB, Idle idleLow,
            Idle idleHigh, double setupSeconds) {
        List<Long> latencies = new ArrayList<>();
        int missed = 0;
        int doubled = 0;
        for (Map.Entry<ObjectRef, Instant> e : written.entrySet()) {
            List<Instant> seen = detections.getOrDefault(e.getKey(), List.of());
            if (seen.isEmpty()) {
                missed++;
                continue;
            }
            if (seen.size() > 1) doubled++;
            latencies.add(Duration.between(e.getValue(), seen.get(0)).toMillis());
        }
        Set<ObjectRef> notEdited = new HashSet<>(detections.keySet());
        notEdited.removeAll(written.keySet());
        int falseAlarms = notEdited.stream().mapToInt(r -> detections.get(r).size()).sum();
        Collections.sort(latencies);
        List<String> problems = new ArrayList<>();
        if (missed > 0) problems.add(missed + " edits never reported");
        if (doubled > 0) problems.add(doubled + " edits reported more than once");
        if (falseAlarms > 0) {
            problems.add(falseAlarms + " DriftDetected about objects not edited (" + alarmsBeforeEdits
                    + " objects before the edits; e.g. " + notEdited.iterator().next() + ")");
        }
        if (!unknowns.isEmpty()) problems.add(unknowns.size() + " DriftUnknown (e.g. " + unknowns.get(0) + ")");
        int once = written.size() - missed - doubled;
        return new Figures(options.objects(), options.targets(), options.edits(), once, missed, doubled, falseAlarms,
                unknowns.size(), percentile(latencies, 50), percentile(latencies, 99),
                latencies.isEmpty() ? -1 : latencies.get(latencies.size() - 1), rssMiB, idleLow, idleHigh,
                setupSeconds, problems.isEmpty() ? null : String.join("; ", problems));
    }

    /** The nearest-rank percentile of sorted values; -1 when there are none. */
    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) return -1;
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    /** Reads {@code verity.rollout} ({@code Applied}) and {@code verity.drift} from the start until the run ends. */
    private void readTopics(String bootstrap) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "drift-bench-" + System.nanoTime(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.ROLLOUT, Topics.DRIFT));
            while (reading) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
                    Instant now = Instant.now();
                    if (r.value() == null || !(codec.read(r.value()) instanceof Decoded.Known known)) continue;
                    VerityEvent event = known.envelope().event();
                    if (event instanceof Applied a) {
                        applied.put(a.target(), a.digest());
                    } else if (event instanceof DriftDetected d) {
                        detections.computeIfAbsent(d.object(), k -> new CopyOnWriteArrayList<>()).add(now);
                    } else if (event instanceof DriftUnknown u) {
                        unknowns.add(u.describe() + " " + u.object() + ": " + u.reason());
                    } else if (event instanceof DriftUpdated) {
                        updated.incrementAndGet();
                    } else if (event instanceof DriftResolved) {
                        resolved.incrementAndGet();
                    }
                }
            }
        }
    }

    /** Waits until the monitor leads and compares ({@code GET /verity/leadership}). */
    private void awaitComparing(ServiceProcess monitor) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(HttpRequest.newBuilder(URI.create(monitor.url() + "/verity/leadership"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
                if (last.contains("\"comparing\":true")) return;
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            sleep(250);
        }
        throw new IllegalStateException("the drift monitor did not lead and compare within 2 minutes (last answer: "
                + last + "); " + monitor.log() + " ends with:\n" + monitor.tail(30));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
