package dev.verity.e2e;

import dev.verity.stack.DriftBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small run of the drift benchmark ({@code ./verity bench drift}), so that it does not rot: 60 objects in 4 targets
 * through the real applier, one drift monitor, 12 edits behind Verity's back, each of which must be reported exactly
 * once, with no false alarm. It prints its figures and asserts no time or size.
 */
class DriftBenchmarkE2EIT {

    @Test
    void reportsEveryEditExactlyOnceAndPrintsItsFigures(@TempDir Path work) {
        DriftBenchmark.Figures figures = DriftBenchmark.run(new DriftBenchmark.Options(60, 4, 12, Duration.ofSeconds(3),
                Duration.ofSeconds(3), Duration.ofMinutes(2), 9), work);
        System.out.println(figures.json());
        System.out.println(figures.line());

        assertThat(figures.failure()).isNull();
        assertThat(figures.detected()).as("edits reported exactly once").isEqualTo(12);
        assertThat(figures.missed()).isZero();
        assertThat(figures.doubled()).isZero();
        assertThat(figures.falseAlarms()).isZero();
        assertThat(figures.p99Millis()).as("a latency was measured").isNotNegative();
        assertThat(figures.monitorPeakRssMiB()).as("the monitor's VmHWM was read").isPositive();
        assertThat(figures.idleLow().objects()).as("idle measured at a tenth of the targets (at least one)").isEqualTo(15);
        assertThat(figures.idleHigh().objects()).isEqualTo(60);
    }
}
