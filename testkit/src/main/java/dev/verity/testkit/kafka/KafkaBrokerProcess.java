package dev.verity.testkit.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import dev.verity.testkit.net.LocalPorts;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node KRaft broker in a child JVM ({@code kafka.Kafka}), with its data in a directory that
 * survives {@link #stop()} and {@link #kill()}, so the same broker can be started again on the same port with
 * the same topics and offsets. The child's classpath is this JVM's unless another is given; its output goes
 * to {@code broker.log} in the data directory.
 */
public final class KafkaBrokerProcess implements KafkaBroker {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final String classpath;
    private final int routedPort;
    private final int routedAdvertisedPort;
    private Process process;

    private KafkaBrokerProcess(Path dataDir, int port, int controllerPort, String classpath, int routedAdvertisedPort) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.classpath = classpath;
        this.routedAdvertisedPort = routedAdvertisedPort;
        this.routedPort = routedAdvertisedPort == 0 ? 0 : freePort();
    }

    /** Formats {@code dataDir} on first use and starts the broker on {@code port} (0: a free port). */
    public static KafkaBrokerProcess start(Path dataDir, int port) {
        return start(dataDir, port, System.getProperty("java.class.path"));
    }

    public static KafkaBrokerProcess start(Path dataDir, int port, String classpath) {
        KafkaBrokerProcess broker = new KafkaBrokerProcess(dataDir.toAbsolutePath(), port == 0 ? freePort() : port,
                freePort(), classpath, 0);
        broker.startProcess();
        return broker;
    }

    /**
     * Like {@link #start(Path, int)}, with a second listener ({@code ROUTED}, on {@link #routedPort()}) that tells
     * its clients to reach the broker at {@code localhost:advertisedPort}: a test puts a TCP relay there to cut some
     * clients off (a network partition) while the others stay connected through {@link #bootstrapServers()}.
     */
    public static KafkaBrokerProcess startWithRoutedListener(Path dataDir, int advertisedPort) {
        KafkaBrokerProcess broker = new KafkaBrokerProcess(dataDir.toAbsolutePath(), freePort(), freePort(),
                System.getProperty("java.class.path"), advertisedPort);
        broker.startProcess();
        return broker;
    }

    /** The port of the {@code ROUTED} listener of {@link #startWithRoutedListener}, 0 without one. */
    public int routedPort() {
        return routedPort;
    }

    @Override
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the broker cleanly (SIGTERM) and waits for it to exit. */
    public void stop() {
        if (process == null) return;
        process.destroy();
        awaitExit(Duration.ofSeconds(30));
    }

    /** Kills the broker at once (SIGKILL), as a crash would. */
    public void kill() {
        if (process == null) return;
        process.destroyForcibly();
        awaitExit(Duration.ofSeconds(10));
    }

    /** Starts the broker again on the same port and data directory after {@link #stop()} or {@link #kill()}. */
    public void restart() {
        if (isRunning()) throw new IllegalStateException("broker on port " + port + " is still running");
        startProcess();
    }

    @Override
    public void close() {
        if (process == null) return;
        stop();
        if (process.isAlive()) kill();
    }

    private void startProcess() {
        try {
            Files.createDirectories(dataDir);
            Path config = writeConfig();
            if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
                format(config);
            }
            Path log = dataDir.resolve("broker.log");
            process = new ProcessBuilder(java("kafka.Kafka", config.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            awaitReady(log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker in " + dataDir, e);
        }
    }

    private void format(Path config) throws IOException {
        Path log = dataDir.resolve("format.log");
        Process format = new ProcessBuilder(java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IllegalStateException("formatting the Kafka data directory " + dataDir + " failed: "
                        + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while formatting " + dataDir, e);
        }
    }

    private Path writeConfig() throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        String routed = routedPort == 0 ? "" : ",ROUTED://localhost:" + routedPort;
        p.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort + routed);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + port
                + (routedPort == 0 ? "" : ",ROUTED://localhost:" + routedAdvertisedPort));
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
                + (routedPort == 0 ? "" : ",ROUTED:PLAINTEXT"));
        p.put("log.dirs", dataDir.resolve("logs").toString());
        p.putAll(BrokerSettings.forTests());
        Path config = dataDir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config)) {
            for (Map.Entry<String, String> e : p.entrySet()) {
                w.write(e.getKey() + "=" + e.getValue() + "\n");
            }
        }
        return config;
    }

    private List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Dorg.apache.logging.log4j.level=WARN");
        cmd.add("-cp");
        cmd.add(classpath);
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private void awaitReady(Path log) throws IOException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Kafka broker exited with " + process.exitValue()
                        + " while starting; its log " + log + " ends with:\n" + tail(log));
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
                if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) return;
            } catch (Exception e) {
                last = e;
            }
            sleep(300);
        }
        process.destroyForcibly();
        throw new IllegalStateException("the Kafka broker did not become ready on " + bootstrapServers() + " within "
                + START_TIMEOUT.toSeconds() + " s (last error: " + last + "); see " + log);
    }

    private void awaitExit(Duration timeout) {
        try {
            process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    /** Outside the ephemeral range, so that nothing else takes the port while the broker is stopped. */
    static int freePort() {
        return LocalPorts.freeOutsideEphemeralRange();
    }
}
