package dev.verity.receiver.bench;

import dev.verity.events.Topics;
import dev.verity.receiver.Fixtures;
import dev.verity.receiver.HmacSignature;
import dev.verity.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * {@code ./verity bench receiver}: the packaged receiver (its own process, as the stack runs it) on a real broker in
 * this JVM. Sends the same load — {@code --requests} at {@code --concurrency} in flight — to the receiver's health
 * endpoint (the HTTP ceiling of this server on this machine) and as distinct, individually signed GitHub pushes to
 * {@code /hooks/github/bench}, in {@code --rounds} turns of health checks then pushes (so that the machine's changes
 * of speed during the run weigh on both); prints req/s and p50/p99 of both, their ratio (and each round's), as one
 * JSON line and one
 * sentence, and checks that the {@code CommitPushed} events on {@code verity.commits} are exactly as many as the 202
 * answers. Figures only: nothing here is a timed assertion. Exit 1 when the counts differ.
 */
public final class ReceiverBenchmark {

    static final String SECRET = "bench-secret";
    static final String REPO_URL = "https://github.com/binkkatal/sample_app.git";
    /** The most health checks, and pushes, sent in one turn of the warm-up. */
    static final int WARMUP_TURN = 20_000;

    /** What to run. */
    public record Options(Path app, int requests, int warmup, int concurrency, Path workDir, String client,
            List<String> receiverJvmOptions, int rounds) {
        public Options {
            if (!client.equals("raw") && !client.equals("jdk")) {
                throw new IllegalArgumentException("--client " + client + ": use raw (a one-thread NIO client, the"
                        + " default) or jdk (the JDK's HttpClient)");
            }
            if (rounds < 1 || rounds > requests) {
                throw new IllegalArgumentException("--rounds " + rounds + ": use 1 to --requests (" + requests + ")");
            }
        }

        public Options(Path app, int requests, int warmup, int concurrency, Path workDir, int rounds) {
            this(app, requests, warmup, concurrency, workDir, "raw", List.of("-Xmx256m"), rounds);
        }

        static Options parse(String[] args) {
            Map<String, String> values = new HashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("unexpected argument " + args[i] + "; use --app PATH --requests N"
                            + " --warmup N --concurrency N --rounds N --work-dir DIR --client raw|jdk"
                            + " --receiver-jvm-options '-Xmx256m ...'");
                }
                values.put(args[i].substring(2), args[++i]);
            }
            return new Options(Path.of(values.getOrDefault("app", "webhook-receiver/target/quarkus-app/quarkus-run.jar")),
                    Integer.parseInt(values.getOrDefault("requests", "50000")),
                    Integer.parseInt(values.getOrDefault("warmup", "200000")),
                    Integer.parseInt(values.getOrDefault("concurrency", "64")),
                    Path.of(values.getOrDefault("work-dir", ".verity/bench-receiver")),
                    values.getOrDefault("client", "raw"),
                    List.of(values.getOrDefault("receiver-jvm-options", "-Xmx256m").trim().split("\\s+")),
                    Integer.parseInt(values.getOrDefault("rounds", "5")));
        }
    }

    /** One load's figures; {@code latencyNanos} sorted. */
    public record Load(int requests, double seconds, Map<Integer, Integer> statuses, long[] latencyNanos, int failures,
            double receiverCpuMicros, double benchmarkCpuMicros, double receiverKernelCpuMicros, double clientCpuMicros) {
        Load(int requests, double seconds, Map<Integer, Integer> statuses, long[] latencyNanos, int failures) {
            this(requests, seconds, statuses, latencyNanos, failures, 0, 0, 0, 0);
        }

        /**
         * This load with the CPU time the receiver and this JVM (client and broker) spent on it, per request, and the
         * part of the receiver's spent in the kernel (system calls, thread wake-ups; a JFR profile does not see it), and
         * the part of this JVM's spent by the client (the thread that sent the load, with the raw client; the rest is the
         * broker's. With {@code --client jdk} the requests go out on the HttpClient's threads and this part means nothing).
         */
        Load withCpu(Duration receiver, Duration benchmark, Duration receiverKernel, Duration client) {
            return new Load(requests, seconds, statuses, latencyNanos, failures,
                    receiver.toNanos() / 1e3 / requests, benchmark.toNanos() / 1e3 / requests,
                    receiverKernel.toNanos() / 1e3 / requests, client.toNanos() / 1e3 / requests);
        }

        /** The rounds of one kind of load as one: their requests, time, answers, latencies and CPU together. */
        static Load combined(List<Load> rounds) {
            int requests = rounds.stream().mapToInt(Load::requests).sum();
            Map<Integer, Integer> statuses = new HashMap<>();
            rounds.forEach(r -> r.statuses().forEach((status, n) -> statuses.merge(status, n, Integer::sum)));
            long[] latencies = rounds.stream().flatMapToLong(r -> Arrays.stream(r.latencyNanos())).sorted().toArray();
            return new Load(requests, rounds.stream().mapToDouble(Load::seconds).sum(), Map.copyOf(statuses), latencies,
                    rounds.stream().mapToInt(Load::failures).sum(),
                    rounds.stream().mapToDouble(r -> r.receiverCpuMicros() * r.requests()).sum() / requests,
                    rounds.stream().mapToDouble(r -> r.benchmarkCpuMicros() * r.requests()).sum() / requests,
                    rounds.stream().mapToDouble(r -> r.receiverKernelCpuMicros() * r.requests()).sum() / requests,
                    rounds.stream().mapToDouble(r -> r.clientCpuMicros() * r.requests()).sum() / requests);
        }

        double perSecond() {
            return requests / seconds;
        }

        double p50Millis() {
            return percentile(latencyNanos, 0.50);
        }

        double p99Millis() {
            return percentile(latencyNanos, 0.99);
        }

        int count(int status) {
            return statuses.getOrDefault(status, 0);
        }
    }

    /** The run's figures; {@code accepted} counts every 202 (warm-up included), {@code events} the records read. */
    public record Result(Load health, Load hooks, int accepted, int events, double loadAverageBefore,
            double loadAverageAfter, int cores, String client, List<Double> roundRatios) {
        boolean countsAgree() {
            return accepted == events;
        }

        String json() {
            return String.format(Locale.ROOT, "{\"benchmark\":\"receiver\",\"client\":\"%s\",\"requests\":%d,\"cores\":%d,"
                            + "\"loadAverage\":[%.2f,%.2f],"
                            + "\"health\":%s,\"hooks\":%s,"
                            + "\"ratio\":%.2f,\"rounds\":%d,\"roundRatios\":%s,"
                            + "\"accepted\":%d,\"eventsOnTopic\":%d,\"countsAgree\":%b}",
                    client, hooks.requests(), cores, loadAverageBefore, loadAverageAfter,
                    json(health), json(hooks), hooks.perSecond() / health.perSecond(), roundRatios.size(),
                    roundRatios.stream().map(r -> String.format(Locale.ROOT, "%.2f", r))
                            .collect(Collectors.joining(",", "[", "]")),
                    accepted, events, countsAgree());
        }

        String sentence() {
            return String.format(Locale.ROOT, "signed pushes: %.0f req/s, p50 %.1f ms, p99 %.1f ms; health endpoint"
                            + " (ceiling): %.0f req/s, p50 %.1f ms, p99 %.1f ms; pushes/ceiling %.2f (%s); %d accepted (202),"
                            + " %d events on %s%s; CPU per request: receiver %.0f µs for a push, %.0f µs for health (kernel"
                            + " %.0f / %.0f), client and broker %.0f / %.0f µs (client %.0f / %.0f); %d cores, load average"
                            + " %.2f before, %.2f after; %s client",
                    hooks.perSecond(), hooks.p50Millis(), hooks.p99Millis(), health.perSecond(), health.p50Millis(),
                    health.p99Millis(), hooks.perSecond() / health.perSecond(), rounds(), accepted, events, Topics.COMMITS,
                    countsAgree() ? " (equal)" : " (DIFFERENT)", hooks.receiverCpuMicros(),
                    health.receiverCpuMicros(), hooks.receiverKernelCpuMicros(), health.receiverKernelCpuMicros(),
                    hooks.benchmarkCpuMicros(), health.benchmarkCpuMicros(), hooks.clientCpuMicros(),
                    health.clientCpuMicros(), cores,
                    loadAverageBefore, loadAverageAfter, client);
        }

        /** "one round", or "5 rounds, each 0.35 to 0.41": how far the rounds' ratios spread. */
        private String rounds() {
            if (roundRatios.size() == 1) return "one round";
            return String.format(Locale.ROOT, "%d rounds, each %.2f to %.2f", roundRatios.size(),
                    roundRatios.stream().mapToDouble(Double::doubleValue).min().orElse(0),
                    roundRatios.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        }

        private static String json(Load load) {
            return String.format(Locale.ROOT, "{\"reqPerSec\":%.0f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"statuses\":%s,"
                            + "\"failures\":%d,\"receiverCpuMicrosPerRequest\":%.0f,\"receiverKernelCpuMicrosPerRequest\":%.0f,"
                            + "\"benchmarkCpuMicrosPerRequest\":%.0f,\"clientCpuMicrosPerRequest\":%.0f}",
                    load.perSecond(), load.p50Millis(), load.p99Millis(), statuses(load), load.failures(),
                    load.receiverCpuMicros(), load.receiverKernelCpuMicros(), load.benchmarkCpuMicros(),
                    load.clientCpuMicros());
        }

        private static String statuses(Load load) {
            return load.statuses().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> "\"" + e.getKey() + "\":" + e.getValue()).collect(Collectors.joining(",", "{", "}"));
        }
    }

    public static void main(String[] args) throws Exception {
        Result result = run(Options.parse(args));
        System.out.println(result.json());
        System.out.println(result.sentence());
        if (!result.countsAgree()) {
            System.err.println("receiver benchmark: " + result.accepted() + " deliveries answered 202 but "
                    + result.events() + " events on " + Topics.COMMITS + ": a 202 must mean exactly one event");
            System.exit(1);
        }
        System.exit(0);
    }

    public static Result run(Options options) throws Exception {
        if (!Files.isRegularFile(options.app())) {
            throw new IllegalArgumentException(options.app() + " does not exist: package the receiver first"
                    + " (./mvnw -pl webhook-receiver -am package -DskipTests) or pass --app");
        }
        Files.createDirectories(options.workDir());
        quietBroker();
        double loadBefore = loadAverage();
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            int port = freePort();
            Process receiver = startReceiver(options, kafka.bootstrapServers(), port);
            try {
                URI base = URI.create("http://127.0.0.1:" + port);
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(10)).build();
                waitUntilReady(client, base, receiver, options.workDir().resolve("receiver.log"));
                String template = new String(Fixtures.github("push.json"), StandardCharsets.UTF_8);
                AtomicInteger sequence = new AtomicInteger();
                Sender sender = options.client().equals("jdk") ? jdkSender(client, base) : rawSender(port);
                int warmAccepted = warmUp(sender, template, sequence, options);
                // health checks and pushes in turns, so that a change in the machine's speed during the run (large
                // on a shared machine) weighs on both alike
                List<Load> healthRounds = new ArrayList<>();
                List<Load> hookRounds = new ArrayList<>();
                List<Double> ratios = new ArrayList<>();
                for (int round = 0; round < options.rounds(); round++) {
                    int n = options.requests() / options.rounds()
                            + (round < options.requests() % options.rounds() ? 1 : 0);
                    Load health = withCpu(receiver, () -> sender.health(n, options.concurrency()));
                    // built and signed before the measured CPU and time: only sending them is the client's share
                    Pushes pushes = sender.pushes(template, sequence, n);
                    Load hooks = withCpu(receiver, () -> pushes.send(options.concurrency()));
                    healthRounds.add(health);
                    hookRounds.add(hooks);
                    ratios.add(hooks.perSecond() / health.perSecond());
                }
                Load hooksLoad = Load.combined(hookRounds);
                int accepted = warmAccepted + hooksLoad.count(202);
                int events = countEvents(kafka.bootstrapServers(), accepted);
                return new Result(Load.combined(healthRounds), hooksLoad, accepted, events, loadBefore, loadAverage(),
                        Runtime.getRuntime().availableProcessors(), options.client(), List.copyOf(ratios));
            } finally {
                receiver.descendants().forEach(ProcessHandle::destroy);
                receiver.destroy();
                if (!receiver.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) receiver.destroyForcibly();
            }
        }
    }

    /**
     * Sends {@code --warmup} health checks and as many pushes, in turns of at most {@link #WARMUP_TURN} of each, so that
     * the receiver's and the broker's JIT compilers have compiled both paths before anything is measured; each turn's
     * pushes are built just before they are sent, so the warm-up can be as long as needed in this JVM's heap (built all
     * at once, 150,000 did not fit in 1 GiB). Returns how many pushes were answered 202.
     */
    private static int warmUp(Sender sender, String template, AtomicInteger sequence, Options options) throws Exception {
        int accepted = 0;
        for (int done = 0; done < options.warmup(); done += WARMUP_TURN) {
            int n = Math.min(WARMUP_TURN, options.warmup() - done);
            sender.health(n, options.concurrency());
            accepted += sender.pushes(template, sequence, n).send(options.concurrency()).count(202);
        }
        return accepted;
    }

    /**
     * The broker's loggers at the levels its own distribution ships (INFO; the request logger, which renders every
     * request and response as JSON at DEBUG, at WARN). Nothing configures logging in this JVM, and JBoss LogManager's
     * root logger is then at ALL: the broker built a trace line for every request and record batch, a third of its
     * CPU, which the figures counted as the cost of a push.
     */
    private static void quietBroker() {
        org.jboss.logmanager.LogContext logging = org.jboss.logmanager.LogContext.getSystemLogContext();
        logging.getLogger("").setLevel(java.util.logging.Level.INFO);
        logging.getLogger("kafka.request.logger").setLevel(java.util.logging.Level.WARNING);
        if (org.slf4j.LoggerFactory.getLogger("kafka.request.logger").isDebugEnabled()) {
            System.err.println("receiver benchmark: the broker's request logger is at DEBUG (this JVM's SLF4J binding is"
                    + " not JBoss LogManager): its CPU per push includes rendering every request");
        }
    }

    private static Process startReceiver(Options options, String bootstrap, int port) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString()));
        command.addAll(options.receiverJvmOptions());
        command.addAll(List.of("-Dquarkus.http.port=" + port,
                "-Dkafka.bootstrap.servers=" + bootstrap,
                "-Dverity.receiver.repositories.bench.url=" + REPO_URL,
                "-Dverity.receiver.repositories.bench.secret=" + SECRET,
                "-Dverity.receiver.repositories.bench.branch=master",
                "-jar", options.app().toAbsolutePath().toString()));
        Path log = options.workDir().resolve("receiver.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(options.workDir().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // one client sends everything: the per-source limits would measure themselves, not the receiver (an
        // environment variable, which a receiver without rate limits ignores, so older builds can be compared)
        builder.environment().put("VERITY_RECEIVER_RATE_LIMIT_ENABLED", "false");
        return builder.start();
    }

    private static void waitUntilReady(HttpClient client, URI base, Process receiver, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            if (!receiver.isAlive()) {
                throw new IllegalStateException("the receiver exited with " + receiver.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> ready = client.send(HttpRequest.newBuilder(base.resolve("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the receiver was not ready within 90 s; see " + log);
    }

    /** A load, with the CPU time it cost the receiver's process and this one (the client and the broker). */
    private static Load withCpu(Process receiver, java.util.concurrent.Callable<Load> load) throws Exception {
        Duration receiverBefore = cpu(receiver.toHandle());
        Duration benchmarkBefore = cpu(ProcessHandle.current());
        Duration kernelBefore = kernelCpu(receiver.pid());
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long clientBefore = threads.getCurrentThreadCpuTime(); // the raw client sends from this thread
        Load measured = load.call();
        return measured.withCpu(cpu(receiver.toHandle()).minus(receiverBefore),
                cpu(ProcessHandle.current()).minus(benchmarkBefore), kernelCpu(receiver.pid()).minus(kernelBefore),
                Duration.ofNanos(threads.getCurrentThreadCpuTime() - clientBefore));
    }

    /**
     * The CPU time {@code pid} spent in the kernel ({@code stime} of {@code /proc/<pid>/stat}, in clock ticks of
     * 10 ms), zero where there is no such file.
     */
    static Duration kernelCpu(long pid) {
        try {
            String stat = Files.readAllLines(Path.of("/proc", Long.toString(pid), "stat")).get(0);
            // the command name (field 2) is in parentheses and may hold spaces: count fields after its closing one
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Duration.ofMillis(Long.parseLong(fields[12]) * 10); // field 15, stime
        } catch (IOException | RuntimeException e) {
            return Duration.ZERO;
        }
    }

    private static Duration cpu(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /** Sends a load of health checks or of signed pushes and measures it. */
    private interface Sender {
        Load health(int total, int concurrency) throws Exception;

        /** {@code total} distinct signed pushes, built now; sent by {@link Pushes#send}. */
        Pushes pushes(String template, AtomicInteger sequence, int total);
    }

    /** Pushes built and signed, ready to send. */
    private interface Pushes {
        Load send(int concurrency) throws Exception;
    }

    /** The one-thread NIO client ({@link RawHttpLoad}); every request's bytes are built before the load starts. */
    private static Sender rawSender(int port) {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        Duration timeout = Duration.ofMinutes(10);
        return new Sender() {
            @Override
            public Load health(int total, int concurrency) throws IOException {
                byte[] request = RawHttpLoad.request("GET", address, "/q/health/live", Map.of(), new byte[0]);
                return RawHttpLoad.run(address, java.util.Collections.nCopies(total, request), concurrency, timeout);
            }

            @Override
            public Pushes pushes(String template, AtomicInteger sequence, int total) {
                List<byte[]> requests = new ArrayList<>(total);
                for (int i = 0; i < total; i++) {
                    int n = sequence.incrementAndGet();
                    byte[] body = pushBody(template, n);
                    requests.add(RawHttpLoad.request("POST", address, "/hooks/github/bench", pushHeaders(n, body), body));
                }
                return concurrency -> RawHttpLoad.run(address, requests, concurrency, timeout);
            }
        };
    }

    /** The JDK's {@code HttpClient}, building each request as it goes (the figures before the raw client). */
    private static Sender jdkSender(HttpClient client, URI base) {
        return new Sender() {
            @Override
            public Load health(int total, int concurrency) throws Exception {
                return load(client, i -> HttpRequest.newBuilder(base.resolve("/q/health/live")).GET().build(), total,
                        concurrency);
            }

            @Override
            public Pushes pushes(String template, AtomicInteger sequence, int total) {
                return concurrency -> load(client, i -> {
                    int n = sequence.incrementAndGet();
                    byte[] body = pushBody(template, n);
                    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve("/hooks/github/bench"));
                    pushHeaders(n, body).forEach(request::header);
                    return request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                }, total, concurrency);
            }
        };
    }

    /** The GitHub fixture push with a distinct head commit. */
    static byte[] pushBody(String template, int n) {
        String word = String.format(Locale.ROOT, "%08x", n * 0x9E3779B1); // distinct for distinct n (odd factor)
        String after = word + word + word + word + word;
        return template.replace("fd489864e7642b48eaad6e3f155c10e46810ec72", after).getBytes(StandardCharsets.UTF_8);
    }

    /** GitHub's headers for push {@code n}, signed on its own bytes. */
    static Map<String, String> pushHeaders(int n, byte[] body) {
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("X-GitHub-Event", "push");
        headers.put("X-GitHub-Delivery", "bench-" + n);
        headers.put("X-Hub-Signature-256", HmacSignature.sign(SECRET, body));
        return headers;
    }

    /** {@code total} requests with at most {@code concurrency} in flight; latency from send to the whole answer. */
    static Load load(HttpClient client, IntFunction<HttpRequest> requests, int total, int concurrency) throws Exception {
        Semaphore inFlight = new Semaphore(concurrency);
        long[] latencies = new long[total];
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        AtomicInteger failures = new AtomicInteger();
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            HttpRequest request = requests.apply(i);
            inFlight.acquire();
            int index = i;
            long sent = System.nanoTime();
            pending.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                latencies[index] = System.nanoTime() - sent;
                if (error != null) failures.incrementAndGet();
                else statuses.merge(response.statusCode(), 1, Integer::sum);
                inFlight.release();
            }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).handle((v, e) -> null).get();
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        return new Load(total, seconds, Map.copyOf(statuses), latencies, failures.get());
    }

    static double percentile(long[] sorted, double q) {
        if (sorted.length == 0) return 0;
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    /** Reads {@code verity.commits} to its end (waiting up to 30 s for {@code expected} records) and counts. */
    static int countEvents(String bootstrap, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.COMMITS, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            long count = 0;
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
                count = partitions.stream().mapToLong(p -> ends.get(p) - begins.get(p)).sum();
                if (count >= expected) break;
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return (int) count;
        }
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
