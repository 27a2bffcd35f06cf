package dev.verity.kustomize.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * A small run of {@code ./verity bench kustomize} (every conformance case, two generated apps, so six overlays) so that
 * the command does not rot: every output must be identical to kubectl's when kubectl is on PATH, and the figures must
 * be printed. Never asserts a time.
 */
class KustomizeBenchmarkIT {

    @Test
    void rendersLikeKubectlAndPrintsFigures() throws Exception {
        KustomizeBenchmark.Options options = new KustomizeBenchmark.Options(
                Path.of("src/test/resources/conformance/kustomize").toAbsolutePath(),
                Path.of("target/bench-kustomize").toAbsolutePath(), 2, Integer.MAX_VALUE, 2, 1, 1, "kubectl");

        KustomizeBenchmark.Figures figures = KustomizeBenchmark.run(options);
        System.out.println(figures.json());
        System.out.println(figures.line());

        assertThat(figures.conformanceCases()).isGreaterThanOrEqualTo(40);
        assertThat(figures.overlays()).isEqualTo(6);
        assertThat(Path.of("target/bench-kustomize/monorepo/apps/app-001/overlays/prod/kustomization.yaml")).isRegularFile();
        int renders = figures.conformanceCases() + figures.overlays();
        assertThat(figures.engineCold().count()).isEqualTo(renders);
        assertThat(figures.engineWarm().count()).isEqualTo(2 * renders);
        assertThat(figures.engineProcess().count()).isEqualTo(1);
        assertThat(figures.json()).contains("\"benchmark\":\"kustomize\"", "\"warmMs\":{\"n\":", "\"ratio\":{");
        if (KustomizeBenchmark.kubectlVersion("kubectl") != null) {
            assertThat(figures.differences()).as("outputs that differ from kubectl's").isEmpty();
            assertThat(figures.identical()).isEqualTo(renders);
            assertThat(figures.kubectlCold().count()).isEqualTo(renders);
            assertThat(figures.line()).contains("all identical to kubectl", "kubectl/engine");
        } else {
            assertThat(figures.line()).contains("engine only", "no kubectl on PATH");
        }
    }

    @Test
    void theGeneratedMonorepoIsTheSameForTheSameCount() throws Exception {
        Path a = Files.createTempDirectory("monorepo-a");
        Path b = Files.createTempDirectory("monorepo-b");
        MonorepoGenerator.write(a, 5);
        MonorepoGenerator.write(b, 5);
        Path file = Path.of("apps/app-004/overlays/staging/kustomization.yaml");
        assertThat(Files.readString(a.resolve(file))).isEqualTo(Files.readString(b.resolve(file)))
                .contains("namePrefix: staging-", "behavior: merge", "newTag: \"1.4.4\"");
    }
}
