package dev.verity.notifier.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.TargetKey;
import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code verity.undelivered} says about an alert that could not be delivered. */
class UndeliveredTest {

    @Test
    void aGroupedAnnouncementsReportListsItsIncidentsNotOnlyItsCount() throws Exception {
        Alert grouped = new Alert("5f1e/grouped-2", "dev.verity.drift.detected.v1", Severity.WARNING,
                "2 targets: drift at https://git.example.com/gitops@1a2b3c4d5e6f",
                List.of("local/shop/prod: Drift: ConfigMap shop-prod/a is in the cluster but not in Git",
                        "local/shop/dev: Drift: ConfigMap shop-dev/b is in the cluster but not in Git"),
                List.of("connection reset"), null, "https://git.example.com/gitops", "1a2b3c4d5e6f" + "0".repeat(28), null,
                List.of(), null, "Each target's detail follows in its own thread", null);

        JsonNode json = new ObjectMapper().readTree(new Undelivered(grouped, "slack", "slack", "Slack Web API to #alerts",
                4, "answered 503 (gave up after 4 attempts)", Instant.parse("2026-12-06T20:00:00Z")).toJson());

        assertThat(json.get("reason").asText()).isEqualTo("answered 503 (gave up after 4 attempts)");
        assertThat(json.get("target").asText()).isEqualTo("https://git.example.com/gitops");
        assertThat(json.at("/alert/title").asText()).startsWith("2 targets");
        assertThat(json.at("/alert/summary")).extracting(JsonNode::asText).containsExactly(
                "local/shop/prod: Drift: ConfigMap shop-prod/a is in the cluster but not in Git",
                "local/shop/dev: Drift: ConfigMap shop-dev/b is in the cluster but not in Git");
        assertThat(json.at("/alert/details")).extracting(JsonNode::asText).containsExactly("connection reset");
    }

    @Test
    void aTargetsAlertNamesItsTargetObjectAndFields() throws Exception {
        Alert drift = new Alert("e1", "dev.verity.drift.detected.v1", Severity.WARNING,
                "Drift: Deployment shop-prod/web was changed outside Git", List.of("Someone changed spec.replicas."),
                List.of(), new TargetKey("local", "shop", "prod"), "https://git.example.com/gitops", "f".repeat(40),
                null, List.of("spec.replicas"), null, "Revert it", null);

        JsonNode json = new ObjectMapper().readTree(new Undelivered(drift, "email", "email", "e-mail to oncall@example.com",
                1, "refused", Instant.parse("2026-12-06T20:00:00Z")).toJson());

        assertThat(json.get("target").asText()).isEqualTo("local/shop/prod");
        assertThat(json.get("channel").asText()).isEqualTo("email");
        assertThat(json.at("/alert/fields/0").asText()).isEqualTo("spec.replicas");
        assertThat(json.at("/alert/summary/0").asText()).isEqualTo("Someone changed spec.replicas.");
        assertThat(json.at("/alert/details")).isEmpty();
    }
}
