package dev.verity.renderer.render;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Runs Kustomize as a child process: {@code kustomize build <dir>} or {@code kubectl kustomize <dir>}, whichever
 * is on PATH (looked up once, when built), or a command given explicitly. Each build has a timeout; stdout and
 * stderr go to files, so a large render cannot block on a full pipe.
 */
public final class KustomizeCli {

    /** What one build produced. */
    public sealed interface Result {
    }

    /** The build succeeded: the YAML stream Kustomize printed. */
    public record Built(String yaml) implements Result {
    }

    /** Kustomize exited non-zero: its exit code and what it printed on stderr. */
    public record Failed(int exitCode, String stderr) implements Result {
    }

    /** The build ran longer than the timeout and was killed. */
    public record TimedOut(Duration timeout) implements Result {
    }

    private final List<String> command;
    private final Duration timeout;

    private KustomizeCli(List<String> command, Duration timeout) {
        this.command = List.copyOf(command);
        this.timeout = timeout;
    }

    /**
     * The explicit command (e.g. {@code "kustomize build"} or {@code "/opt/bin/kubectl kustomize"}; the overlay
     * folder is appended), or else {@code kustomize build} or {@code kubectl kustomize} from {@code path}.
     *
     * @throws IllegalStateException when nothing usable is found, saying what to install or configure
     */
    public static KustomizeCli detect(Optional<String> explicit, String path, Duration timeout) {
        if (explicit.isPresent() && !explicit.get().isBlank()) {
            List<String> command = Arrays.asList(explicit.get().trim().split("\\s+"));
            if (find(command.get(0), path).isEmpty()) {
                throw new IllegalStateException("the configured Kustomize command '" + explicit.get() + "' cannot run: '"
                        + command.get(0) + "' is not an executable file nor on PATH (" + path + ")");
            }
            return new KustomizeCli(command, timeout);
        }
        Optional<Path> kustomize = find("kustomize", path);
        if (kustomize.isPresent()) return new KustomizeCli(List.of(kustomize.get().toString(), "build"), timeout);
        Optional<Path> kubectl = find("kubectl", path);
        if (kubectl.isPresent()) return new KustomizeCli(List.of(kubectl.get().toString(), "kustomize"), timeout);
        throw new IllegalStateException("neither 'kustomize' nor 'kubectl' is on PATH (" + path + "): install kubectl "
                + "(it includes Kustomize) or kustomize, or configure the Kustomize command explicitly");
    }

    /** The command run for each build, before the overlay folder. */
    public List<String> command() {
        return command;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Builds the overlay folder {@code overlay}, relative to {@code root} (the checkout), with {@code root} as working dir. */
    public Result build(Path root, String overlay) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("kustomize-", ".out");
            err = Files.createTempFile("kustomize-", ".err");
            List<String> argv = new ArrayList<>(command);
            argv.add(overlay);
            Process process = new ProcessBuilder(argv).directory(root.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new TimedOut(timeout);
            }
            if (process.exitValue() != 0) {
                return new Failed(process.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Built(Files.readString(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", command) + " " + overlay + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command) + " " + overlay, e);
        } finally {
            delete(out);
            delete(err);
        }
    }

    private static File nullFile() {
        return new File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    private static Optional<Path> find(String executable, String path) {
        if (executable.contains(File.separator)) {
            Path p = Path.of(executable);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        if (path == null) return Optional.empty();
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) continue;
            Path candidate = Path.of(dir, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) return Optional.of(candidate);
        }
        return Optional.empty();
    }

    private static void delete(Path file) {
        if (file == null) return;
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}
