package dev.verity.renderer.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The packaged renderer (target/quarkus-app) run as its own process, its output in a log file. */
record RendererProcess(Process process, Path logFile) implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(90);

    /** Starts the renderer with {@code properties} as system properties (work dir, repositories, Kafka). */
    static RendererProcess start(Path logFile, Map<String, String> properties) throws IOException {
        Path app = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
        assertThat(app).as("the renderer is packaged before the ITs run").exists();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dquarkus.http.port=0", "-Dquarkus.analytics.disabled=true"));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.addAll(List.of("-jar", app.toString()));
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        return new RendererProcess(process, logFile);
    }

    String log() {
        try {
            return Files.readString(logFile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void awaitLog(String text) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(process.isAlive()).as("renderer running; its log:\n%s", log()).isTrue();
            assertThat(log()).contains(text);
        });
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: a graceful shutdown, the consumer leaves its group
        if (!process.waitFor(30, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }
}
