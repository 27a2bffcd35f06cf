package dev.verity.kustomize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Behaviours the conformance corpus does not cover, in the corpus's layout (case.yaml, input/, expected.yaml or a
 * key phrase of the error): each expected.yaml is what {@code kubectl kustomize} (v1.32, Kustomize v5.5.0) printed
 * for the input next to it, recorded with {@code cd CASE && kubectl kustomize input/ROOT > expected.yaml}.
 */
class RecordedCasesTest {

    @TestFactory
    Stream<DynamicTest> recordedCasesBuildAsKubectlDoes() throws IOException {
        Path recorded = Path.of("src/test/resources/recorded");
        List<Path> cases;
        try (Stream<Path> entries = Files.list(recorded)) {
            cases = entries.filter(p -> Files.isRegularFile(p.resolve("case.yaml"))).sorted().toList();
        }
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                () -> KustomizeConformanceTest.runCase(dir.toAbsolutePath())));
    }
}
