package dev.verity.e2e;

import dev.verity.stack.StackBenchmark;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small run of the whole-stack benchmark ({@code ./verity bench stack}), so that it does not rot: every commit is
 * applied and healthy, every edit behind Verity's back is detected and alerted, and the figures agree with each other
 * (a commit is healthy no sooner than applied, alerted no sooner than detected; a process's peak resident set is at
 * least what it used at any reading). It prints its figures and asserts no time.
 */
class StackBenchmarkE2EIT {

    @Test
    void commitsAndDriftsGoThroughTheWholeStackAndTheFiguresAreConsistent(@TempDir Path work) {
        StackBenchmark.Figures figures = StackBenchmark.run(new StackBenchmark.Options(3, 30, 2, Duration.ofSeconds(2),
                Duration.ZERO, Duration.ofMinutes(2)), work);
        System.out.println(figures.json());
        System.out.println(figures.table());

        assertThat(figures.failure()).isNull();
        assertThat(figures.firstApplySeconds()).isPositive();
        assertThat(figures.applied()).hasSize(3).allSatisfy(s -> assertThat(s).isPositive());
        assertThat(figures.healthy()).hasSize(3);
        IntStream.range(0, 3).forEach(i -> assertThat(figures.healthy().get(i)).as("commit %d healthy after applied", i)
                .isGreaterThanOrEqualTo(figures.applied().get(i)));
        assertThat(figures.detected()).hasSize(2).allSatisfy(s -> assertThat(s).isPositive());
        assertThat(figures.alerted()).hasSize(2);
        IntStream.range(0, 2).forEach(i -> assertThat(figures.alerted().get(i)).as("edit %d alerted after detected", i)
                .isGreaterThanOrEqualTo(figures.detected().get(i)));
        assertThat(figures.events()).as("each commit writes at least its desired state, ApplyStarted and Applied")
                .isGreaterThanOrEqualTo(3 * 3);
        assertThat(figures.memory()).extracting(StackBenchmark.Memory::process).contains("webhook-receiver",
                "renderer-service", "applier-service", "drift-monitor", "notifier", "kafka");
        assertThat(figures.memory()).allSatisfy(m -> {
            assertThat(m.idleBeforeMiB()).isPositive();
            assertThat(m.peakMiB()).isGreaterThanOrEqualTo(m.idleBeforeMiB()).isGreaterThanOrEqualTo(m.idleAfterMiB());
        });
        assertThat(figures.json()).contains("\"benchmark\":\"stack\"", "\"commitToApplied\":{\"n\":3",
                "\"driftToAlert\":{\"n\":2");
        assertThat(figures.table()).contains("commit -> applied", "drift -> alert", "notifier");
        assertThat(StackBenchmark.percentile(java.util.List.of(3.0, 1.0, 2.0), 50)).isEqualTo(2.0);
    }
}
