package dev.verity.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SuiteReportTest {

    private static ScenarioResult row(String name, int lost, boolean checkPassed) {
        return new ScenarioResult(name, "broker SIGKILL", 50, lost, 1, Duration.ofMillis(7400), 61.23,
                List.of(new ScenarioResult.Check("every push answered", checkPassed, "202: 40, 503: 10")), List.of("pushed"));
    }

    @Test
    void theTableHasOneRowPerScenarioWithEveryColumn() {
        SuiteReport report = new SuiteReport("short", List.of(row("broker killed mid-burst", 0, true)));

        assertThat(report.table()).contains("scenario", "faults injected", "events", "lost", "duplicated",
                "time to recover", "seconds", "broker killed mid-burst", "7.4 s", "61.2", "passed: nothing lost");
        assertThat(report.passed()).isTrue();
    }

    @Test
    void anyLossOrFailedCheckFailsTheReport() throws Exception {
        SuiteReport lost = new SuiteReport("short", List.of(row("a", 1, true), row("b", 0, true)));
        SuiteReport failed = new SuiteReport("short", List.of(row("a", 0, false)));

        assertThat(lost.passed()).isFalse();
        assertThat(lost.failures()).containsExactly("a: 1 input(s) lost");
        assertThat(failed.passed()).isFalse();
        assertThat(failed.table()).contains("FAILED");
        JsonNode json = new ObjectMapper().readTree(lost.json());
        assertThat(json.get("lost").asInt()).isEqualTo(1);
        assertThat(json.get("scenarios").get(0).get("timeToRecoverSeconds").asDouble()).isEqualTo(7.4);
        assertThat(json.get("scenarios").get(0).get("checks").get(0).get("seen").asText()).isEqualTo("202: 40, 503: 10");
    }
}
