package dev.verity.stack;

import dev.verity.events.Applied;
import dev.verity.events.Decoded;
import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.testkit.kafka.KafkaBrokerProcess;
import dev.verity.testkit.kube.KubeSandbox;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The applier's benchmark (issue 8): one generated target of {@code objects} objects — a Namespace, then ConfigMaps,
 * Secrets, Services and Deployments in the proportions 4:2:2:2 — published as one desired state to a real Kafka
 * broker (child JVM) and applied by the packaged applier-service (its own process, as deployed: {@code -Xmx256m},
 * serial GC) to a Kubernetes sandbox whose simulated controllers make every Deployment ready 500 ms after its
 * change. It prints how long the apply took ({@code ApplyStarted} to {@code Applied} as seen on
 * {@code verity.rollout}), objects per second, the time from publishing to the target's health verdict, and the
 * applier's peak resident set size ({@code VmHWM} of its process). Figures, not a test: nothing here asserts a time.
 * Run it with {@code ./verity bench applier [--objects N]}.
 *
 * <p>The event times are taken when this process reads the events, so they include Kafka's delivery (a few
 * milliseconds); the peak RSS includes the JVM itself (the heap is capped at 256 MiB as the stack runs it).
 */
public final class ApplierBenchmark {

    /** The targets for 1,000 objects. */
    public static final double TARGET_SECONDS = 15;
    public static final long TARGET_RSS_MIB = 300;
    static final String CLUSTER = "bench";

    /**
     * What one run measured.
     *
     * @param healthy      the health verdict, {@code Healthy} or {@code Degraded}, or null when none came within the
     *                     wait
     * @param healthySeconds from publishing the desired state to the health verdict; negative without one
     */
    public record Figures(int objects, int applied, double applySeconds, double objectsPerSecond, String healthy,
            double healthySeconds, long applierPeakRssMiB, String failure) {

        public String json() {
            return String.format(Locale.ROOT, "{\"benchmark\":\"applier\",\"objects\":%d,\"applied\":%d,"
                    + "\"applySeconds\":%.3f,\"objectsPerSecond\":%.1f,\"health\":%s,\"secondsToHealth\":%.3f,"
                    + "\"applierPeakRssMiB\":%d,\"failure\":%s,\"targets\":{\"seconds\":%.0f,\"rssMiB\":%d}}",
                    objects, applied, applySeconds, objectsPerSecond, healthy == null ? "null" : quote(healthy),
                    healthySeconds, applierPeakRssMiB, failure == null ? "null" : quote(failure), TARGET_SECONDS,
                    TARGET_RSS_MIB);
        }

        public String line() {
            return String.format(Locale.ROOT, "applier: %d objects applied in %.2f s (%.0f objects/s); %s after %.2f s;"
                    + " applier peak RSS %d MiB (targets for 1,000 objects: < %.0f s, < %d MiB)%s", applied,
                    applySeconds, objectsPerSecond, healthy == null ? "no health verdict" : healthy,
                    healthySeconds, applierPeakRssMiB, TARGET_SECONDS, TARGET_RSS_MIB,
                    failure == null ? "" : "; FAILED: " + failure);
        }

        private static String quote(String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
        }
    }

    private ApplierBenchmark() {
    }

    /**
     * Runs the benchmark once in {@code workDir} (emptied first) and stops everything it started.
     *
     * @param wait how long to wait for the apply and for the health verdict after it
     */
    public static Figures run(int objects, Path workDir, Duration wait) {
        if (objects < 2) throw new IllegalArgumentException("the benchmark needs at least 2 objects, got " + objects);
        Path work = workDir.toAbsolutePath();
        deleteTree(work);
        Path root = RepoRoot.find();
        try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(work.resolve("kafka"), 0);
             KubeSandbox sandbox = KubeSandbox.start()) {
            kafka.provision(CLUSTER);
            Path kubeconfig = sandbox.writeKubeconfig(work.resolve("kubeconfig"));
            try (ServiceProcess applier = ServiceProcess.start("applier-service",
                    root.resolve("applier-service/target/quarkus-app"), freePort(),
                    Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(), "verity.applier.cluster", CLUSTER,
                            "verity.applier.kubeconfig", kubeconfig.toString(),
                            "quarkus.log.category.\"dev.verity\".level", "WARN"),
                    Map.of(), work.resolve("logs/applier-service.log"))) {
                applier.awaitReady(Duration.ofMinutes(2));
                return measure(objects, kafka.bootstrapServers(), applier, wait);
            }
        }
    }

    private static Figures measure(int objects, String bootstrap, ServiceProcess applier, Duration wait) {
        TargetKey target = new TargetKey(CLUSTER, "bench", "perf");
        DesiredState desired = DesiredState.of(target, "file:///bench/repo.git", "b".repeat(40), "apps/bench/perf",
                Policy.DEFAULT, documents(objects));
        EventCodec codec = new EventCodec();
        try (KafkaConsumer<String, String> rollout = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "bench-" + System.nanoTime(), "auto.offset.reset", "earliest"),
                new StringDeserializer(), new StringDeserializer());
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                     "acks", "all", "max.request.size", Topics.DESIRED_MAX_MESSAGE_BYTES, "compression.type", "zstd"),
                     new StringSerializer(), new StringSerializer())) {
            rollout.subscribe(List.of(Topics.ROLLOUT));
            long published = System.nanoTime();
            producer.send(new ProducerRecord<>(Topics.desired(CLUSTER), target.toString(), codec.encode(desired)))
                    .get(30, TimeUnit.SECONDS);
            long started = -1;
            long done = -1;
            int applied = 0;
            String failure = null;
            String health = null;
            long healthAt = -1;
            long deadline = System.nanoTime() + wait.toNanos();
            long healthDeadline = Long.MAX_VALUE;
            OptionalLong peak = OptionalLong.empty();
            while (System.nanoTime() < Math.min(deadline, healthDeadline) && health == null) {
                for (ConsumerRecord<String, String> r : rollout.poll(Duration.ofMillis(100))) {
                    if (!target.toString().equals(r.key()) || r.value() == null) continue;
                    long now = System.nanoTime();
                    Decoded event = codec.read(r.value());
                    String type = event instanceof Decoded.Known k ? k.envelope().type()
                            : ((Decoded.UnknownType) event).type();
                    if (type.endsWith(".rollout.started.v1")) {
                        started = now;
                    } else if (type.endsWith(".rollout.applied.v1")) {
                        done = now;
                        applied = event instanceof Decoded.Known k && k.envelope().event() instanceof Applied a
                                ? a.objects().size() : objects;
                        peak = peakRssKiB(applier);
                        healthDeadline = now + wait.toNanos();
                    } else if (type.endsWith(".rollout.failed.v1")) {
                        done = now;
                        failure = "ApplyFailed: " + r.value();
                    } else if (type.endsWith(".rollout.healthy.v1") || type.endsWith(".rollout.degraded.v1")) {
                        health = type.endsWith(".rollout.healthy.v1") ? "Healthy" : "Degraded";
                        healthAt = now;
                    }
                }
                if (failure != null) break;
            }
            OptionalLong end = peakRssKiB(applier);
            long rss = Math.max(peak.orElse(0), end.orElse(0)) / 1024;
            if (done < 0 && failure == null) failure = "no Applied within " + wait.toSeconds() + " s";
            double applySeconds = started < 0 || done < 0 ? -1 : (done - started) / 1e9;
            return new Figures(objects, applied, applySeconds, applySeconds > 0 ? applied / applySeconds : 0, health,
                    healthAt < 0 ? -1 : (healthAt - published) / 1e9, rss, failure);
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("the applier benchmark could not publish or read events: " + e, e);
        }
    }

    /** A namespace, then ConfigMaps, Secrets, Services and Deployments (4:2:2:2), {@code objects} in all. */
    static List<String> documents(int objects) {
        return documents(objects, "bench");
    }

    /** As {@link #documents(int)}, in (and with) the namespace {@code namespace}. */
    static List<String> documents(int objects, String namespace) {
        List<String> docs = new ArrayList<>();
        docs.add("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + namespace + "\n");
        for (int i = 0; docs.size() < objects; i++) {
            String name = objectName(i);
            docs.add(switch (kindOf(i)) {
                case "ConfigMap" -> "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: " + name
                        + "\n  namespace: " + namespace + "\ndata:\n  index: \"" + i
                        + "\"\n  settings.properties: |\n    a=1\n    b=2\n";
                case "Secret" -> "apiVersion: v1\nkind: Secret\nmetadata:\n  name: " + name
                        + "\n  namespace: " + namespace + "\ntype: Opaque\nstringData:\n  password: generated-" + i + "\n";
                case "Service" -> "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + name
                        + "\n  namespace: " + namespace + "\nspec:\n  selector:\n    app: " + name
                        + "\n  ports:\n  - port: 80\n    targetPort: 8080\n";
                default -> "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: " + name
                        + "\n  namespace: " + namespace + "\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n"
                        + "      app: " + name + "\n  template:\n    metadata:\n      labels:\n        app: " + name
                        + "\n    spec:\n      containers:\n      - name: app\n        image: " + IMAGE + "\n"
                        + "        ports:\n        - containerPort: 8080\n        resources:\n          requests:\n"
                        + "            cpu: 10m\n            memory: 16Mi\n";
            });
        }
        return docs;
    }

    /** The image of every generated Deployment's container {@code app}. */
    static final String IMAGE = "registry.example/bench:1.0";

    /** The name of the {@code i}th generated object after the namespace. */
    static String objectName(int i) {
        return String.format(Locale.ROOT, "bench-%04d", i);
    }

    /** The kind of the {@code i}th generated object after the namespace: ConfigMap, Secret, Service or Deployment. */
    static String kindOf(int i) {
        return switch (i % 10) {
            case 0, 1, 2, 3 -> "ConfigMap";
            case 4, 5 -> "Secret";
            case 6, 7 -> "Service";
            default -> "Deployment";
        };
    }

    /** {@code VmHWM} (peak resident set) of the process, in KiB; empty where /proc is not there (not Linux). */
    static OptionalLong peakRssKiB(ServiceProcess process) {
        Path status = Path.of("/proc", String.valueOf(process.pid()), "status");
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + dir, e);
        }
    }
}
