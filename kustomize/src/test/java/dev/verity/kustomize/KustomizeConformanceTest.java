package dev.verity.kustomize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.YamlReader;

/**
 * Builds every case of the Kustomize conformance corpus (expected files recorded with kubectl 1.32 / Kustomize
 * v5.5.0) and compares as its README says: the documents in order, scalars by value and type; a case that expects
 * an error must fail, with a key phrase of kubectl's message. The corpus is read from
 * {@code ../shared/conformance/kustomize} next to the repository when it exists (new cases are picked up), else from
 * the copy in this module's test resources.
 */
class KustomizeConformanceTest {

    /** The phrase each error case's message must contain (kubectl's own wording for the failure). */
    static final Map<String, String> ERROR_PHRASES = Map.of(
            "35-error-load-restrictor", "is not in or below",
            "36-error-missing-file", "no such file or directory",
            "37-error-duplicate-ids", "already registered id",
            "38-error-invalid-yaml", "invalid YAML in",
            "39-error-unknown-field", "unknown field \"namePrefx\"",
            "40-error-cycle", "cycle detected");

    static Path corpus() {
        Path repositoryRoot = Path.of("").toAbsolutePath().getParent();
        Path sibling = repositoryRoot.resolve("../shared/conformance/kustomize").normalize();
        if (Files.isDirectory(sibling)) {
            return sibling;
        }
        return Path.of("src/test/resources/conformance/kustomize").toAbsolutePath();
    }

    static List<Path> cases() throws IOException {
        Path corpus = corpus();
        if (!Files.isDirectory(corpus)) {
            fail("the conformance corpus is missing: " + corpus);
        }
        try (Stream<Path> entries = Files.list(corpus)) {
            return entries.filter(p -> Files.isRegularFile(p.resolve("case.yaml"))).sorted().toList();
        }
    }

    @Test
    void corpusHoldsAtLeastFortyCases() throws IOException {
        assertThat(cases()).as("cases in " + corpus()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(Path.of("src/test/resources/conformance/kustomize")).isDirectory();
    }

    @TestFactory
    Stream<DynamicTest> everyCaseBuildsAsKubectlDoes() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path dir : cases()) {
            String name = dir.getFileName().toString();
            tests.add(DynamicTest.dynamicTest(name, () -> {
                runCase(dir);
            }));
        }
        return tests.stream();
    }

    static void runCase(Path dir) throws IOException {
        String name = dir.getFileName().toString();
        MapNode spec = (MapNode) YamlReader.readOne(Files.readString(dir.resolve("case.yaml")), "case.yaml");
        String root = spec.string("root") == null ? "." : spec.string("root");
        String target = dir.resolve("input").resolve(root).normalize().toAbsolutePath().toString();
        if ("error".equals(spec.string("expect"))) {
            String phrase = spec.string("phrase") != null ? spec.string("phrase") : ERROR_PHRASES.get(name);
            assertThat(phrase).as(name + ": a key phrase of the error is known").isNotNull();
            assertThatThrownBy(() -> Kustomizer.onDisk().build(target))
                    .as(name + " must fail like kubectl: " + Files.readString(dir.resolve("expected-error.txt")))
                    .isInstanceOf(KustomizeException.class)
                    .hasMessageContaining(phrase)
                    .hasMessageContaining(dir.resolve("input").toString());
            return;
        }
        String output = Kustomizer.onDisk().build(target).yaml();
        List<Node> actual = YamlReader.readAll(output, "output of " + name);
        List<Node> expected = YamlReader.readAll(
                new String(Files.readAllBytes(dir.resolve("expected.yaml")), StandardCharsets.UTF_8), "expected.yaml");
        assertThat(actual).as(name + ": documents in order\n--- output:\n" + output).isEqualTo(expected);
    }
}
