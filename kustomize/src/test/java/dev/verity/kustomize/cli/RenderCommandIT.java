package dev.verity.kustomize.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.snakeyaml.engine.v2.api.Load;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.YamlReader;

/**
 * {@code verity render} as a user runs it: a child JVM with only this module's classes and its runtime dependency on
 * the classpath, started in the case's folder with a relative DIR. Its stdout must be byte for byte what
 * {@code kubectl kustomize} printed (each conformance case's expected.yaml); a failing build must exit 1 with
 * kubectl's key phrase on stderr and nothing on stdout. One run goes through the {@code ./verity} launcher from
 * another directory, to show it keeps the caller's directory for DIR.
 */
class RenderCommandIT {

    static final Path CORPUS = Path.of("src/test/resources/conformance/kustomize").toAbsolutePath();

    record Run(int exitCode, String stdout, String stderr) {
    }

    @TestFactory
    Stream<DynamicTest> printsWhatKubectlPrintsForEveryConformanceCase() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> entries = Files.list(CORPUS)) {
            for (Path dir : entries.filter(p -> Files.isRegularFile(p.resolve("case.yaml"))).sorted().toList()) {
                tests.add(DynamicTest.dynamicTest(dir.getFileName().toString(), () -> checkCase(dir)));
            }
        }
        assertThat(tests).hasSizeGreaterThanOrEqualTo(40);
        return tests.stream();
    }

    private static void checkCase(Path dir) throws Exception {
        MapNode spec = (MapNode) YamlReader.readOne(Files.readString(dir.resolve("case.yaml")), "case.yaml");
        String root = spec.string("root") == null ? "." : spec.string("root");
        Run run = render(dir, List.of("input/" + root));
        if ("error".equals(spec.string("expect"))) {
            assertThat(run.exitCode()).as("exit code; stderr: " + run.stderr()).isEqualTo(1);
            assertThat(run.stdout()).isEmpty();
            assertThat(run.stderr()).startsWith("error: ").contains("input/");
            String phrase = spec.string("phrase") != null ? spec.string("phrase")
                    : ERROR_PHRASES.get(dir.getFileName().toString());
            assertThat(run.stderr()).contains(phrase);
            return;
        }
        assertThat(run.exitCode()).as("exit code; stderr: " + run.stderr()).isZero();
        assertThat(run.stderr()).isEmpty();
        assertThat(run.stdout()).isEqualTo(Files.readString(dir.resolve("expected.yaml"), StandardCharsets.UTF_8));
    }

    static final java.util.Map<String, String> ERROR_PHRASES = java.util.Map.of(
            "35-error-load-restrictor", "is not in or below",
            "36-error-missing-file", "no such file or directory",
            "37-error-duplicate-ids", "already registered id",
            "38-error-invalid-yaml", "invalid YAML in",
            "39-error-unknown-field", "unknown field \"namePrefx\"",
            "40-error-cycle", "cycle detected");

    @Test
    void aMissingDirectoryIsNamedOnStderrWithExitCodeOne() throws Exception {
        Run run = render(CORPUS, List.of("no-such-overlay"));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).startsWith("error: 'no-such-overlay' does not exist")
                .contains(CORPUS.resolve("no-such-overlay").toString());
    }

    @Test
    void aDirectoryWithoutKustomizationFails() throws Exception {
        Run run = render(CORPUS, List.of("01-plain-resources"));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr()).startsWith("error: ").contains("01-plain-resources").contains("kustomization");
    }

    @Test
    void wrongArgumentsPrintUsageWithExitCodeTwo() throws Exception {
        Run run = render(CORPUS, List.of("a", "b"));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("one directory only").contains("usage: verity render");
    }

    @Test
    void theLauncherKeepsTheCallersDirectoryForARelativeDir() throws Exception {
        Path launcher = Path.of("..", "verity").toAbsolutePath().normalize();
        Path caseDir = CORPUS.resolve("08-prefix-suffix-name-references");
        Run run = exec(caseDir, List.of(launcher.toString(), "render", "input/" + caseRoot(caseDir)));
        assertThat(run.exitCode()).as("stderr: " + run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Files.readString(caseDir.resolve("expected.yaml"), StandardCharsets.UTF_8));
    }

    private static String caseRoot(Path dir) throws IOException {
        MapNode spec = (MapNode) YamlReader.readOne(Files.readString(dir.resolve("case.yaml")), "case.yaml");
        return spec.string("root") == null ? "." : spec.string("root");
    }

    /** The render command in a child JVM started in {@code workingDirectory}. */
    static Run render(Path workingDirectory, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", runtimeClasspath(),
                RenderCommand.class.getName()));
        command.addAll(args);
        return exec(workingDirectory, command);
    }

    /** This module's classes and its one runtime dependency, as the launcher puts them on the classpath. */
    static String runtimeClasspath() throws URISyntaxException {
        Path classes = Path.of(RenderCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path yaml = Path.of(Load.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return classes + File.pathSeparator + yaml;
    }

    static Run exec(Path workingDirectory, List<String> command) throws IOException, InterruptedException {
        Path out = Files.createTempFile("render-out", ".txt");
        Path err = Files.createTempFile("render-err", ".txt");
        try {
            Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new AssertionError("did not finish in 5 minutes: " + command);
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
