package dev.verity.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.Applied;
import dev.verity.events.ApplyCounts;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The status page's JSON: {@code ./verity status --output json}'s fields, plus each target's history. */
class FleetViewTest {

    static final String REPO = "https://git.example.com/acme/gitops";
    static final String C1 = "1111111111111111111111111111111111111111";
    static final TargetKey SHOP = new TargetKey("prod", "shop", "prod");
    static final TargetKey DEV = new TargetKey("dev", "shop", "dev");
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop", "web");
    static final String SCRIPT = "<script>document.title='owned'</script>";

    private final Fleet fleet = new Fleet();
    private Instant now = Instant.parse("2026-12-06T10:00:00Z");
    private long offset;

    @Test
    void jsonHasStatusFieldsPerTargetAndHistoryByTargetWithPayloadTextAsItWas() throws Exception {
        DesiredState shop = DesiredState.of(SHOP, REPO, C1, "apps/shop/overlays/prod", Policy.DEFAULT, List.of("a: 1"));
        put(Topics.desired("prod"), shop);
        put(Topics.desired("dev"), DesiredState.of(DEV, REPO, C1, "apps/shop/overlays/dev", Policy.DEFAULT, List.of("a: 2")));
        put(Topics.ROLLOUT, new Applied(SHOP, REPO, C1, shop.digest(), List.of(WEB), new ApplyCounts(1, 0, 0, 0, 0)));
        put(Topics.DRIFT, new DriftDetected(SHOP, REPO, C1, WEB, DriftKind.MODIFIED, List.of("metadata.annotations." + SCRIPT), "7"));
        put(Topics.ROLLOUT, new RenderFailed(DEV, REPO, C1, "apps/shop/overlays/dev", "kustomization.yaml: unknown field '" + SCRIPT + "'"));

        FleetView view = FleetView.of(fleet, now);
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(view));

        assertThat(names(json)).containsExactly("targets", "unreadableRecords", "history", "updatedAt", "error");
        assertThat(names(json.path("targets").get(0))).as("the fields of ./verity status --output json").containsExactly(
                "target", "repo", "path", "commit", "digest", "renderedAt", "sync", "syncDetail", "appliedCommit",
                "health", "healthDetail", "drift", "incidents");
        assertThat(json.path("targets").findValuesAsText("target")).containsExactly("dev/shop/dev", "prod/shop/prod");
        JsonNode prod = json.path("targets").get(1);
        assertThat(prod.path("sync").asText()).isEqualTo("OutOfSync");
        assertThat(prod.path("drift").get(0).asText()).isEqualTo("Deployment shop/web: metadata.annotations." + SCRIPT);
        assertThat(json.path("targets").get(0).path("syncDetail").asText()).endsWith("unknown field '" + SCRIPT + "'");
        JsonNode line = json.path("history").path("prod/shop/prod").get(0);
        assertThat(names(line)).containsExactly("time", "topic", "type", "commit", "summary");
        assertThat(line.path("summary").asText()).isEqualTo("drift MODIFIED Deployment shop/web: metadata.annotations." + SCRIPT);
        assertThat(json.path("history").path("dev/shop/dev")).isEmpty();
        assertThat(json.path("updatedAt").asText()).isEqualTo(now.toString());
        assertThat(json.path("error").isNull()).isTrue();
    }

    @Test
    void aClusterFilterKeepsItsTargetsAndTheirHistoryAndStaleSaysWhy() {
        put(Topics.desired("prod"), DesiredState.of(SHOP, REPO, C1, "apps/shop/overlays/prod", Policy.DEFAULT, List.of("a: 1")));
        put(Topics.desired("dev"), DesiredState.of(DEV, REPO, C1, "apps/shop/overlays/dev", Policy.DEFAULT, List.of("a: 2")));
        put(Topics.DRIFT, new DriftDetected(DEV, REPO, C1, WEB, DriftKind.DELETED, List.of(), "7"));
        FleetView view = FleetView.of(fleet, now);

        FleetView dev = view.ofCluster("dev");
        assertThat(dev.targets()).extracting(TargetStatus::target).containsExactly("dev/shop/dev");
        assertThat(dev.history()).containsOnlyKeys("dev/shop/dev");
        assertThat(dev.history().get("dev/shop/dev")).extracting(EventLine::summary).containsExactly("drift DELETED Deployment shop/web: ");
        assertThat(view.ofCluster(null)).isSameAs(view);
        assertThat(view.ofCluster("pro").targets()).as("a cluster is a whole segment").isEmpty();

        FleetView stale = view.stale("Kafka at localhost:9092 did not answer within 10 s");
        assertThat(stale.targets()).isEqualTo(view.targets());
        assertThat(stale.error()).isEqualTo("Kafka at localhost:9092 did not answer within 10 s");
        assertThat(FleetView.nothingYet(null)).extracting(FleetView::targets, FleetView::updatedAt, FleetView::error)
                .containsExactly(List.of(), null, null);
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) names.add(it.next());
        return names;
    }

    private void put(String topic, VerityEvent event) {
        now = now.plusSeconds(1);
        fleet.accept(new TopicReader.Record(topic, 0, offset++, event.key(),
                new EventCodec(Clock.fixed(now, ZoneOffset.UTC)).encode(event), now.toEpochMilli()));
    }
}
