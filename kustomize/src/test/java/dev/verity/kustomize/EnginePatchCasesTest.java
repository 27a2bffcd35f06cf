package dev.verity.kustomize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.YamlReader;

/**
 * The patch package's recorded cases ({@code patch/cases}, each a kustomization with the output or error of
 * {@code kubectl kustomize} 1.32) built through the whole engine: the same documents in the same order, or a failure
 * where kubectl failed.
 */
class EnginePatchCasesTest {

    /** Known differences from kubectl, each with its reason (none left). */
    static final Map<String, String> KNOWN_DIFFERENCES = Map.of();

    @TestFactory
    Stream<DynamicTest> everyPatchCaseBuildsThroughTheEngineAsKubectlDoes() throws IOException {
        Path root = Path.of("src/test/resources/dev/verity/kustomize/patch/cases");
        List<Path> cases;
        try (Stream<Path> list = Files.list(root)) {
            cases = list.filter(p -> Files.isRegularFile(p.resolve("kustomization.yaml"))).sorted().toList();
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(75);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            String name = dir.getFileName().toString();
            Assumptions.assumeFalse(KNOWN_DIFFERENCES.containsKey(name), KNOWN_DIFFERENCES.get(name));
            String target = dir.toAbsolutePath().toString();
            if (Files.exists(dir.resolve("expected-error.txt"))) {
                assertThatThrownBy(() -> Kustomizer.onDisk().build(target))
                        .as(name + " fails like kubectl: " + Files.readString(dir.resolve("expected-error.txt")))
                        .isInstanceOf(KustomizeException.class)
                        .hasMessageContaining(target);
                return;
            }
            String output = Kustomizer.onDisk().build(target).yaml();
            List<Node> expected = YamlReader.readAll(Files.readString(dir.resolve("expected.yaml")), "expected.yaml");
            assertThat(YamlReader.readAll(output, name)).as(name + "\n--- output:\n" + output).isEqualTo(expected);
        }));
    }
}
