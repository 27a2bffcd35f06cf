package dev.verity.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One packaged Quarkus service ({@code <module>/target/quarkus-app}) running as a child process on its own port,
 * configured by system properties and environment variables, logging to its own file.
 */
public final class ServiceProcess implements AutoCloseable {

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;
    private final List<String> command;
    private final Path appDir;
    private final Map<String, String> environment;

    private ServiceProcess(String name, int port, Path log, Process process, List<String> command, Path appDir,
            Map<String, String> environment) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
        this.command = List.copyOf(command);
        this.appDir = appDir;
        this.environment = Map.copyOf(environment);
    }

    /** Replaces {@link #DEFAULT_JVM_OPTIONS} for every service when set (space-separated), e.g. to try another GC. */
    public static final String JVM_OPTIONS_ENV = "VERITY_SERVICE_JVM_OPTIONS";

    /**
     * A small heap floor, a heap grown only while less than 10 % of it is free after a collection and shrunk when more
     * than 20 % is (Serial GC's defaults, 40 % and 70 %, left the applier and the drift monitor over 200 MiB after a
     * load), and native memory given back to the OS every 5 s (glibc: what zstd and other native code freed) keep an
     * idle service's resident set low; docs/benchmarks.md (the whole stack) has the figures.
     */
    public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC",
            "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
            "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000");

    /** The JVM options of a service: {@code override} split at spaces when it is set, else the defaults. */
    static List<String> jvmOptions(String override) {
        if (override == null || override.isBlank()) return DEFAULT_JVM_OPTIONS;
        return List.of(override.trim().split("\\s+"));
    }

    /** Starts the service; call {@link #awaitReady(Duration)} before relying on it. */
    public static ServiceProcess start(String name, Path appDir, int port, Map<String, String> properties,
            Map<String, String> environment, Path log) {
        Path jar = appDir.resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + " is not packaged: " + jar + " is missing; run ./mvnw -B package -DskipTests first");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions(System.getenv(JVM_OPTIONS_ENV)));
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dquarkus.analytics.disabled=true");
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar.toString());
        return launch(name, appDir, port, cmd, environment, log, ProcessBuilder.Redirect.to(log.toFile()));
    }

    private static ServiceProcess launch(String name, Path appDir, int port, List<String> cmd,
            Map<String, String> environment, Path log, ProcessBuilder.Redirect output) {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(appDir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output);
            pb.environment().putAll(environment);
            return new ServiceProcess(name, port, log, pb.start(), cmd, appDir, environment);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " from " + appDir, e);
        }
    }

    /**
     * Starts the service again with the same command, port, configuration and environment, its output appended to
     * the same log; this process must have ended ({@link #kill()}, {@link #close()} or a crash). Call
     * {@link #awaitReady(Duration)} on the returned process before relying on it.
     */
    public ServiceProcess restart() {
        if (process.isAlive()) throw new IllegalStateException(name + " (pid " + pid() + ") is still running");
        return launch(name, appDir, port, command, environment, log, ProcessBuilder.Redirect.appendTo(log.toFile()));
    }

    /** The exit code once the process has ended, empty while it runs. */
    public java.util.OptionalInt exitCode() {
        return process.isAlive() ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(process.exitValue());
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    /** The operating system's id of the service's process. */
    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public String url() {
        return "http://localhost:" + port;
    }

    /** Waits until {@code /q/health/ready} answers 200; fails with the end of the service's log otherwise. */
    public void awaitReady(Duration timeout) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " while starting; "
                        + log + " ends with:\n" + tail(40));
            }
            try {
                HttpResponse<String> r = http.send(ready, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) return;
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
            sleep(250);
        }
        throw new IllegalStateException(name + " was not ready on " + url() + " within " + timeout.toSeconds()
                + " s (last answer: " + last + "); " + log + " ends with:\n" + tail(40));
    }

    /**
     * The service's {@code GET /verity/leadership} answer (JSON: {@code leader} and what the service says it does as
     * leader), or empty when the process is gone or does not answer 200 within 5 s.
     */
    public String leadership() {
        if (!process.isAlive()) return "";
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url() + "/verity/leadership")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The last lines of the service's log. */
    public String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    /**
     * Kills the service at once (SIGKILL on Linux: no shutdown hook runs, no consumer leaves its group), as a crash
     * or an OOM kill would, and waits until it is gone.
     */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the service and every process it started: politely, then by force. */
    @Override
    public void close() {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
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
