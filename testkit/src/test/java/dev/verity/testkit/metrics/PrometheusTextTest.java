package dev.verity.testkit.metrics;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusTextTest {

    static final String TEXT = """
            # HELP verity_objects_applied_total Objects server-side applied
            # TYPE verity_objects_applied_total counter
            verity_objects_applied_total{cluster="local",outcome="created",} 4.0
            verity_objects_applied_total{cluster="local",outcome="unchanged",} 0.0
            verity_events_skipped_total{type="dev.verity.new.v1"} 2.0 1700000000000
            verity_apply_duration_seconds_bucket{cluster="local",result="applied",le="+Inf",} 1.0
            process_uptime_seconds 12.5
            """;

    @Test
    void findsASampleByNameAndSomeOfItsLabels() {
        PrometheusText metrics = PrometheusText.parse(TEXT);
        assertThat(metrics.value("verity_objects_applied_total", Map.of("outcome", "created"))).contains(4.0);
        assertThat(metrics.count("verity_events_skipped_total", Map.of("type", "dev.verity.new.v1"))).isEqualTo(2.0);
        assertThat(metrics.count("verity_objects_pruned_total", Map.of())).isZero();
        assertThat(metrics.value("verity_apply_duration_seconds_bucket", Map.of("le", "+Inf"))).contains(1.0);
        assertThat(metrics.value("process_uptime_seconds", Map.of())).contains(12.5);
        assertThat(metrics.names("verity_")).containsExactly("verity_objects_applied_total",
                "verity_events_skipped_total", "verity_apply_duration_seconds_bucket");
    }

    @Test
    void anAmbiguousOrUnreadableLineIsRefused() {
        assertThatThrownBy(() -> PrometheusText.parse(TEXT).value("verity_objects_applied_total", Map.of()))
                .hasMessageContaining("2 samples of verity_objects_applied_total");
        assertThatThrownBy(() -> PrometheusText.parse("verity_x{a=\"b\"}\n"))
                .hasMessageContaining("not a Prometheus sample line: verity_x{a=\"b\"}");
    }

    @Test
    void anExemplarAfterTheValueIsSkipped() {
        PrometheusText metrics = PrometheusText.parse("""
                http_server_bytes_read_count 11.0 # {span_id="60f74931297ec597",trace_id="27651e98fb2f563a9bbdc7112efd0cf9"} 1.0 1796538949.936
                verity_apply_duration_seconds_bucket{cluster="local",le="0.5"} 3.0 # {trace_id="27651e98fb2f563a9bbdc7112efd0cf9"} 0.2
                """);
        assertThat(metrics.value("http_server_bytes_read_count", Map.of())).contains(11.0);
        assertThat(metrics.value("verity_apply_duration_seconds_bucket", Map.of("le", "0.5"))).contains(3.0);
        assertThat(metrics.samples()).hasSize(2);
    }
}
