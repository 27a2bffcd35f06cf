package dev.verity.drift;

import dev.verity.events.DriftDetected;
import dev.verity.events.DriftUpdated;
import dev.verity.events.DriftKind;
import dev.verity.events.DriftResolved;
import dev.verity.events.EventCodec;
import dev.verity.events.TargetEvent;
import dev.verity.events.Topics;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.kube.KubeSandboxResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.verity.drift.SeededBeforeStart.C1;
import static dev.verity.drift.SeededBeforeStart.LEGACY;
import static dev.verity.drift.SeededBeforeStart.DEV;
import static dev.verity.drift.SeededBeforeStart.LEGACY_SETTINGS;
import static dev.verity.drift.SeededBeforeStart.PROD;
import static dev.verity.drift.SeededBeforeStart.REPO;
import static dev.verity.drift.SeededBeforeStart.WEB;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A drift monitor starting on topics with history (see {@link SeededBeforeStart}) rebuilds its state from the
 * beginning of every topic before it compares: the older desired state and its {@code Applied} are not compared
 * with the cluster, drift that ended while it was down is resolved, and so is the drift of a target that left Git;
 * drift still open (reported, then updated) is kept without being reported again.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SeededBeforeStart.class, restrictToAnnotatedClass = true)
class DriftMonitorRestartIT {

    final EventCodec codec = new EventCodec();

    @Test
    void rebuildsFromTheTopicsThenResolvesWhatEndedWhileItWasDown() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(
                () -> given().when().get("/q/health/ready").then().statusCode(200));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(published())
                .contains(new DriftResolved(PROD, REPO, C1, WEB, currentVersion()))
                .contains(new DriftResolved(LEGACY, REPO, SeededBeforeStart.C0, LEGACY_SETTINGS, "")));
        // longer than verity.drift.applied-state-wait (2 s in tests): local/shop/dev has no AppliedState, so its
        // ConfigMap is compared with its desired document once that wait is over, and found still drifted as reported
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                .until(() -> published().stream().noneMatch(e -> e instanceof DriftDetected || e instanceof DriftUpdated));
        assertThat(published()).as("open drift kept, not reported again").noneMatch(e -> e.target().equals(DEV));

        KubeSandboxResource.sandbox().client().apps().deployments().inNamespace("shop-prod").withName("web").scale(4);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(published())
                .anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(DriftDetected.class, d -> {
                    assertThat(d.commit()).isEqualTo(C1);
                    assertThat(d.kind()).isEqualTo(DriftKind.MODIFIED);
                    assertThat(d.fields()).containsExactly("spec.replicas");
                })));
    }

    /** The drift events the service published (the seeded history excluded). */
    List<TargetEvent> published() {
        return EmbeddedKafkaResource.kafka().readAll(Topics.DRIFT).stream()
                .filter(r -> !SeededBeforeStart.SEEDED_DRIFT_RECORDS.contains(r.partition() + "@" + r.offset()))
                .map(r -> codec.decode(r.value(), TargetEvent.class)).toList();
    }

    static String currentVersion() {
        return KubeSandboxResource.sandbox().client().apps().deployments().inNamespace("shop-prod").withName("web").get()
                .getMetadata().getResourceVersion();
    }
}
