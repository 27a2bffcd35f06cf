package dev.verity.receiver.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A small run of {@code ./verity bench receiver} against the packaged receiver, so the command does not rot: every
 * request answered, every push accepted, and exactly one event on the topic per 202. Counts, never times.
 */
class ReceiverBenchmarkIT {

    @Test
    void everyAcceptedPushIsExactlyOneEventOnTheTopic() throws Exception {
        ReceiverBenchmark.Result result = ReceiverBenchmark.run(new ReceiverBenchmark.Options(
                Path.of("target/quarkus-app/quarkus-run.jar"), 300, 50, 16, Path.of("target/bench-receiver"), 2));

        assertThat(result.health().statuses()).containsExactly(java.util.Map.entry(200, 300));
        assertThat(result.hooks().statuses()).containsExactly(java.util.Map.entry(202, 300));
        assertThat(result.hooks().failures()).isZero();
        assertThat(result.accepted()).isEqualTo(350);
        assertThat(result.events()).isEqualTo(350);
        assertThat(result.json()).contains("\"countsAgree\":true").contains("\"rounds\":2");
        assertThat(result.roundRatios()).hasSize(2).allSatisfy(r -> assertThat(r).isPositive());
    }
}
