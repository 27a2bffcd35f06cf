package dev.verity.kustomize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Behaviours the conformance corpus does not cover, in the corpus's layout (case.yaml, input/, expected.yaml, or
 * expected-error.txt and a key phrase of the error in case.yaml's {@code phrase}): each expectation is what
 * {@code kubectl kustomize} (v1.32, Kustomize v5.5.0) printed for the input next to it, recorded with
 * {@code record.sh CASE} in that folder, never written by hand. The {@code krusty-*} cases take their inputs from
 * Kustomize's own tests ({@code api/krusty/*_test.go} at tag kustomize/v5.5.0; case.yaml's {@code source} names the
 * file, function and commit); their expectations are recorded with kubectl too, not copied from the Go file.
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
