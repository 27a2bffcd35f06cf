package dev.verity.e2e;

import dev.verity.stack.RendererBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small run of the renderer benchmark ({@code ./verity bench renderer}), so that it does not rot: every push must
 * publish its app's 3 desired states, and the renderer must build only those 3 targets per push. It prints its
 * figures and asserts no time.
 */
class RendererBenchmarkE2EIT {

    @Test
    void eachOneAppPushRendersThatAppsTargetsOnlyAndPrintsItsFigures(@TempDir Path work) {
        RendererBenchmark.Figures figures = RendererBenchmark.run(20, 3, work, Duration.ofMinutes(2));
        System.out.println(figures.json());
        System.out.println(figures.line());

        assertThat(figures.failure()).isNull();
        assertThat(figures.targets()).isEqualTo(60);
        assertThat(figures.pushSeconds()).hasSize(3).allSatisfy(s -> assertThat(s).isPositive());
        assertThat(figures.builtPerPush()).as("targets built per one-app push").isEqualTo(3.0);
    }
}
