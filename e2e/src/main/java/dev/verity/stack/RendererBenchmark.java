package dev.verity.stack;

import dev.verity.events.CommitPushed;
import dev.verity.events.Decoded;
import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.Topics;
import dev.verity.testkit.git.GitRepos;
import dev.verity.testkit.git.Monorepo;
import dev.verity.testkit.kafka.KafkaBrokerProcess;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The renderer's end-to-end benchmark (issue 11): a generated monorepo of {@code apps} apps × 3 environments in a
 * real bare Git repository, rendered by the packaged renderer-service (its own process) to a real Kafka broker (child
 * JVM). After the first full render, each of {@code pushes} commits changes one app's base and is announced as the
 * receiver would ({@code CommitPushed} on {@code verity.commits}); the figure is the time from the push (the commit
 * landing in the repository) to the last of that app's 3 desired states read from {@code verity.desired.local}, and
 * how many targets the renderer built for it ({@code verity_targets_rendered_per_commit}). Figures, not a test:
 * nothing here asserts a time. Run it with {@code ./verity bench renderer [--apps N] [--pushes N]}.
 */
public final class RendererBenchmark {

    /** The target for one app's commit in a 200-app monorepo, push to desired state on the topic. */
    public static final double TARGET_SECONDS = 1.0;
    private static final List<String> ENVS = List.of("dev", "staging", "prod");
    private static final String LOCAL = Topics.desired("local");

    /**
     * What one run measured.
     *
     * @param fullRenderSeconds from the renderer's start to all targets' first desired states on the topic
     * @param pushSeconds       per push: from the commit to its app's last desired state on the topic
     * @param builtPerPush      targets the renderer built per push (from its metrics), -1 when not read
     */
    public record Figures(int apps, int targets, double fullRenderSeconds, List<Double> pushSeconds,
            double builtPerPush, String failure) {

        public double medianSeconds() {
            if (pushSeconds.isEmpty()) return -1;
            List<Double> sorted = pushSeconds.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }

        public double maxSeconds() {
            return pushSeconds.stream().mapToDouble(Double::doubleValue).max().orElse(-1);
        }

        public String json() {
            return String.format(Locale.ROOT, "{\"benchmark\":\"renderer\",\"apps\":%d,\"targets\":%d,"
                    + "\"fullRenderSeconds\":%.3f,\"pushes\":%d,\"pushToDesiredSeconds\":{\"median\":%.3f,\"max\":%.3f,"
                    + "\"all\":%s},\"targetsBuiltPerPush\":%.1f,\"failure\":%s,\"targets\":{\"seconds\":%.1f}}",
                    apps, targets, fullRenderSeconds, pushSeconds.size(), medianSeconds(), maxSeconds(),
                    pushSeconds.stream().map(s -> String.format(Locale.ROOT, "%.3f", s)).toList(), builtPerPush,
                    failure == null ? "null" : "\"" + failure.replace("\\", "\\\\").replace("\"", "\\\"") + "\"",
                    TARGET_SECONDS);
        }

        public String line() {
            return String.format(Locale.ROOT, "renderer: %d apps x %d envs = %d targets; first render %.2f s; one-app"
                    + " push to desired state on the topic: median %.3f s, max %.3f s over %d pushes, %.1f targets"
                    + " built per push (target: < %.1f s)%s", apps, ENVS.size(), targets, fullRenderSeconds,
                    medianSeconds(), maxSeconds(), pushSeconds.size(), builtPerPush, TARGET_SECONDS,
                    failure == null ? "" : "; FAILED: " + failure);
        }
    }

    private RendererBenchmark() {
    }

    /** Runs the benchmark once in {@code workDir} (emptied first) and stops everything it started. */
    public static Figures run(int apps, int pushes, Path workDir, Duration wait) {
        if (apps < 1 || pushes < 1) throw new IllegalArgumentException("the benchmark needs at least 1 app and 1 push");
        Path work = workDir.toAbsolutePath();
        ApplierBenchmark.deleteTree(work);
        Path root = RepoRoot.find();
        int targets = apps * ENVS.size();
        try (KafkaBrokerProcess kafka = KafkaBrokerProcess.start(work.resolve("kafka"), 0);
             GitRepos repo = GitRepos.createBare(work.resolve("monorepo.git"))) {
            kafka.provision("local");
            repo.commit("main", apps + " apps", Monorepo.files(apps, ENVS));
            try (Reader reader = new Reader(kafka.bootstrapServers());
                 KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                         kafka.bootstrapServers(), "acks", "all"), new StringSerializer(), new StringSerializer())) {
                long start = System.nanoTime();
                try (ServiceProcess renderer = ServiceProcess.start("renderer-service",
                        root.resolve("renderer-service/target/quarkus-app"), ApplierBenchmark.freePort(),
                        Map.of("kafka.bootstrap.servers", kafka.bootstrapServers(),
                                "verity.renderer.repositories[0].url", repo.url(),
                                "verity.renderer.work-dir", work.resolve("renderer").toString(),
                                "verity.renderer.poll-interval", "1h",
                                "quarkus.log.category.\"dev.verity\".level", "WARN"),
                        Map.of(), work.resolve("logs/renderer-service.log"))) {
                    if (!reader.awaitKeys(targets, wait)) {
                        return new Figures(apps, targets, -1, List.of(), -1, "the first render did not publish "
                                + targets + " desired states within " + wait.toSeconds() + " s; see "
                                + renderer.log());
                    }
                    double full = (System.nanoTime() - start) / 1e9;
                    // the first render's figure is recorded once it is done, maybe just after its last desired state
                    double[] atStart = perCommit(renderer);
                    long startDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                    while (!(atStart[1] >= 1) && System.nanoTime() < startDeadline) {
                        Thread.sleep(100);
                        atStart = perCommit(renderer);
                    }
                    EventCodec codec = new EventCodec();
                    List<Double> seconds = new ArrayList<>();
                    for (int i = 0; i < pushes; i++) {
                        int app = (i * 37 + 11) % apps;
                        long pushed = System.nanoTime();
                        String before = repo.head("main").orElseThrow();
                        String commit = repo.commit("main", Monorepo.app(app) + " v" + (i + 2),
                                Monorepo.touchBase(app, "v" + (i + 2)));
                        CommitPushed event = new CommitPushed(repo.url(), "main", before, commit,
                                List.of("apps/" + Monorepo.app(app) + "/base/configmap.yaml"), "bench-" + i, "bench");
                        producer.send(new ProducerRecord<>(Topics.COMMITS, event.key(), codec.encode(event)))
                                .get(30, TimeUnit.SECONDS);
                        if (!reader.awaitCommit(commit, ENVS.size(), wait)) {
                            return new Figures(apps, targets, full, seconds, -1, "push " + i + " (" + Monorepo.app(app)
                                    + ") did not publish its " + ENVS.size() + " desired states within "
                                    + wait.toSeconds() + " s; see " + renderer.log());
                        }
                        seconds.add((reader.lastSeen - pushed) / 1e9);
                    }
                    // The renderer records a head's figure once its whole render is done, which may be just after
                    // its last desired state reached the topic: wait (briefly) until every push is counted.
                    double[] after = perCommit(renderer);
                    long countDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                    while (after[1] - atStart[1] < pushes && System.nanoTime() < countDeadline) {
                        Thread.sleep(100);
                        after = perCommit(renderer);
                    }
                    double built = after[0] - atStart[0];
                    return new Figures(apps, targets, full, seconds,
                            Double.isNaN(built) || built < 0 ? -1 : built / pushes, null);
                }
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("the renderer benchmark failed to run: " + e, e);
        }
    }

    private static final Pattern PER_COMMIT_SUM = Pattern.compile("(?m)^verity_targets_rendered_per_commit_sum(?:\\{[^}]*})? ([0-9.eE+-]+)$");
    private static final Pattern PER_COMMIT_COUNT = Pattern.compile("(?m)^verity_targets_rendered_per_commit_count(?:\\{[^}]*})? ([0-9.eE+-]+)$");

    /**
     * The renderer's total of targets built over rendered heads and the number of heads counted, from its
     * Prometheus metrics ({@code NaN} where not read).
     */
    private static double[] perCommit(ServiceProcess renderer) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(renderer.url() + "/q/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new double[] {value(PER_COMMIT_SUM, response.body()), value(PER_COMMIT_COUNT, response.body())};
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    private static double value(Pattern metric, String body) {
        Matcher m = metric.matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    /** Reads the desired-state topic as it fills. */
    private static final class Reader implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final EventCodec codec = new EventCodec();
        private final Set<String> keys = new HashSet<>();
        private final Map<String, Set<String>> byCommit = new java.util.HashMap<>();
        long lastSeen;

        Reader(String bootstrap) {
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "group.id", "bench-" + System.nanoTime(),
                    "auto.offset.reset", "earliest", "max.partition.fetch.bytes", 17 * 1024 * 1024),
                    new StringDeserializer(), new StringDeserializer());
            consumer.subscribe(List.of(LOCAL));
        }

        boolean awaitKeys(int count, Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (keys.size() < count && System.nanoTime() < deadline) poll();
            return keys.size() >= count;
        }

        boolean awaitCommit(String commit, int count, Duration wait) {
            long deadline = System.nanoTime() + wait.toNanos();
            while (byCommit.getOrDefault(commit, Set.of()).size() < count && System.nanoTime() < deadline) poll();
            return byCommit.getOrDefault(commit, Set.of()).size() >= count;
        }

        private void poll() {
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(20))) {
                if (r.value() == null) continue;
                if (codec.read(r.value()) instanceof Decoded.Known k && k.envelope().event() instanceof DesiredState d) {
                    keys.add(r.key());
                    byCommit.computeIfAbsent(d.commit(), c -> new HashSet<>()).add(r.key());
                    lastSeen = System.nanoTime();
                }
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
