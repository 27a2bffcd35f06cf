package dev.verity.e2e;

import dev.verity.stack.ApplierBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small run of the applier benchmark ({@code ./verity bench applier}), so that it does not rot: it must apply
 * every generated object and reach a health verdict. It prints its figures and asserts no time or size.
 */
class ApplierBenchmarkE2EIT {

    @Test
    void appliesEveryGeneratedObjectAndPrintsItsFigures(@TempDir Path work) {
        ApplierBenchmark.Figures figures = ApplierBenchmark.run(60, work, Duration.ofMinutes(2));
        System.out.println(figures.json());
        System.out.println(figures.line());

        assertThat(figures.failure()).isNull();
        assertThat(figures.applied()).as("objects in the Applied event").isEqualTo(60);
        assertThat(figures.applySeconds()).isPositive();
        assertThat(figures.healthy()).as("the health verdict").isEqualTo("Healthy");
        assertThat(figures.healthySeconds()).isGreaterThanOrEqualTo(figures.applySeconds());
        assertThat(figures.applierPeakRssMiB()).as("the applier's VmHWM was read").isPositive();
    }
}
