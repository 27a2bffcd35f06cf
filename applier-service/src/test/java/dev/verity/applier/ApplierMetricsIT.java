package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.TargetKey;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.kube.KubeSandboxResource;
import dev.verity.testkit.metrics.PrometheusText;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.verity.applier.ApplierIT.awaitEvent;
import static dev.verity.applier.ApplierIT.cloudEvent;
import static dev.verity.applier.ApplierIT.desired;
import static dev.verity.applier.ApplierIT.kafka;
import static dev.verity.applier.ApplierIT.send;
import static dev.verity.applier.ApplierIT.shopDocuments;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The applier's {@code /q/metrics} as Prometheus scrapes it, after applies on the Kubernetes sandbox with a real
 * broker (the same test resources as {@link ApplierIT}).
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)
class ApplierMetricsIT {

    static final Map<String, String> CREATED = Map.of("cluster", "local", "outcome", "created");
    static final Map<String, String> CONFIGURED = Map.of("cluster", "local", "outcome", "configured");
    static final Map<String, String> UNCHANGED = Map.of("cluster", "local", "outcome", "unchanged");
    static final Map<String, String> APPLIED = Map.of("cluster", "local", "result", "applied");

    @Test
    void appliedObjectsAndApplyDurationsAreScrapedAsVerityMetrics() {
        PrometheusText before = scrape();
        assertThat(before.names("verity_")).contains("verity_objects_applied_total", "verity_objects_pruned_total",
                "verity_objects_kept_total");
        TargetKey metered = TargetKey.parse("local/metered/prod");

        send(desired(metered, "3e7e0001", shopDocuments("metered-prod", 1)));
        awaitEvent(metered, "3e7e0001", Applied.class);
        send(desired(metered, "3e7e0002", shopDocuments("metered-prod", 2)));
        awaitEvent(metered, "3e7e0002", Applied.class);

        PrometheusText after = scrape();
        // Namespace, ConfigMap, Deployment and Service: created by the first commit; the second scales the Deployment
        assertThat(after.count("verity_objects_applied_total", CREATED)
                - before.count("verity_objects_applied_total", CREATED)).isEqualTo(4.0);
        assertThat(after.count("verity_objects_applied_total", CONFIGURED)
                - before.count("verity_objects_applied_total", CONFIGURED)).isEqualTo(1.0);
        assertThat(after.count("verity_objects_applied_total", UNCHANGED)
                - before.count("verity_objects_applied_total", UNCHANGED)).isEqualTo(3.0);
        assertThat(after.count("verity_apply_duration_seconds_count", APPLIED)
                - before.count("verity_apply_duration_seconds_count", APPLIED)).isEqualTo(2.0);
        assertThat(after.value("verity_apply_duration_seconds_bucket",
                Map.of("cluster", "local", "result", "applied", "le", "+Inf"))).isPresent();
    }

    @Test
    void skippedEventsAreCountedPerType() {
        TargetKey future = TargetKey.parse("local/metered-future/prod");
        kafka().send(ApplierIT.DESIRED, future.toString(), cloudEvent("dev.verity.metrics.probe.v1", future));
        kafka().send(ApplierIT.DESIRED, future.toString(), cloudEvent("dev.verity.metrics.probe.v1", future));
        send(desired(future, "3e7e0003", List.of("apiVersion: v1\nkind: Namespace\nmetadata: {name: metered-future}\n")));
        awaitEvent(future, "3e7e0003", Applied.class); // the next known event on the same partition

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(scrape().value(
                "verity_events_skipped_total", Map.of("type", "dev.verity.metrics.probe.v1"))).contains(2.0));
    }

    static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }
}
