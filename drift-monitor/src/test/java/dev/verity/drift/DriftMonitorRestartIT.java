package dev.verity.drift;

import dev.verity.events.DriftDetected;
import dev.verity.events.DriftUpdated;
import dev.verity.events.DriftKind;
import dev.verity.events.DriftResolved;
import dev.verity.events.EventCodec;
import dev.verity.events.TargetEvent;
import dev.verity.events.Topics;
import dev.verity.events.TargetRemoved;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.otel.CollectedSpan;
import dev.verity.testkit.otel.OtlpCollector;
import dev.verity.testkit.otel.OtlpCollectorResource;
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
 * drift still open (reported, then updated) is kept without being reported again. With traces on: the inputs read
 * back at start are taken in spans that link to their events' traces instead of continuing them, and drift found
 * later from a change in the cluster is a trace of its own linked to the target's last input.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = SeededBeforeStart.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OtlpCollectorResource.class, restrictToAnnotatedClass = true)
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

        // traces: the desired states read back at start are replays, linked to the commit's trace, not continued
        OtlpCollector traces = OtlpCollectorResource.collector();
        String commitTrace = EventCodec.traceparentOf(new TargetRemoved(PROD, REPO, C1)).split("-")[1];
        List<CollectedSpan> replayed = await().atMost(Duration.ofSeconds(20)).until(() -> traces.spans().stream()
                .filter(sp -> sp.name().equals("track desired state")
                        && PROD.toString().equals(sp.attributes().get("verity.target"))).toList(), l -> l.size() >= 2);
        assertThat(replayed).allSatisfy(sp -> {
            assertThat(sp.root()).as(sp.readable()).isTrue();
            assertThat(sp.links()).hasSize(1);
            assertThat(sp.service()).isEqualTo("verity-drift-monitor");
        });
        assertThat(replayed).anySatisfy(sp -> assertThat(sp.links().get(0).traceId()).isEqualTo(commitTrace));
        // the drift of the scale is a trace of its own, linked to the span that last took in one of the target's inputs
        String traceparent = EmbeddedKafkaResource.kafka().readAll(Topics.DRIFT).stream()
                .filter(r -> !SeededBeforeStart.SEEDED_DRIFT_RECORDS.contains(r.partition() + "@" + r.offset()))
                .map(r -> codec.decodeEnvelope(r.value())).filter(e -> e.event() instanceof DriftDetected)
                .reduce((a, b) -> b).orElseThrow().traceparent();
        CollectedSpan detect = await().atMost(Duration.ofSeconds(20)).until(() -> traces.spans().stream()
                .filter(sp -> traceparent.equals("00-" + sp.traceId() + "-" + sp.spanId() + "-01")).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertThat(detect.name()).isEqualTo("detect drift");
        assertThat(detect.root()).isTrue();
        java.util.Set<String> inputSpans = new java.util.HashSet<>();
        traces.spans().stream().filter(sp -> PROD.toString().equals(sp.attributes().get("verity.target"))
                && !sp.name().equals("detect drift")).forEach(sp -> inputSpans.add(sp.spanId()));
        assertThat(detect.links()).singleElement().satisfies(l -> assertThat(l.spanId()).isIn(inputSpans));
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
