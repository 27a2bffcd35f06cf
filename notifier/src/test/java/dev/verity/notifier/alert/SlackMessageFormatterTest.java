package dev.verity.notifier.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.DriftKind;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SlackMessageFormatterTest {

    private final AlertComposer composer = new AlertComposer();
    private final SlackMessageFormatter formatter = new SlackMessageFormatter();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void driftMessageHasAHeaderFieldsNamingObjectFieldTargetCommitAndAContextWithTrace() throws Exception {
        var event = SampleEvents.replicasChanged("1234");
        JsonNode message = json.readTree(formatter.format(composer.compose(event).orElseThrow()));

        assertThat(message.get("text").asText())
                .isEqualTo(":warning: Drift: Deployment shop-prod/web was changed outside Git (local/shop/prod@3f2c1e9a7b6d)");
        JsonNode blocks = message.get("blocks");
        assertThat(blocks).extracting(b -> b.get("type").asText())
                .containsExactly("header", "section", "section", "section", "context");
        assertThat(blocks.get(0).at("/text/type").asText()).isEqualTo("plain_text");
        assertThat(blocks.get(0).at("/text/text").asText()).isEqualTo("Drift: Deployment shop-prod/web was changed outside Git");
        assertThat(blocks.get(1).at("/text/text").asText())
                .isEqualTo("Someone changed spec.replicas of Deployment shop-prod/web outside Git.\n"
                        + "Target local/shop/prod is at commit 3f2c1e9a7b6d.");
        assertThat(texts(blocks.get(2).get("fields"))).containsExactly(
                "*Severity*\n:warning: WARNING",
                "*Target*\n`local/shop/prod`",
                "*Object*\n`Deployment shop-prod/web`",
                "*Fields*\n`spec.replicas`",
                "*Commit*\n`3f2c1e9a7b6d`");
        assertThat(blocks.get(3).at("/text/text").asText()).startsWith("*What to do:* Revert spec.replicas in the cluster");
        assertThat(blocks.get(4).at("/elements/0/text").asText())
                .contains(SampleEvents.REPO, "commit `" + SampleEvents.COMMIT + "`",
                        "trace `" + EventCodec.traceparentOf(event).split("-")[1] + "`",
                        "event `" + EventCodec.idOf(event) + "`");
    }

    @Test
    void renderFailureShowsTheOverlayPathAndTheErrorAsCode() throws Exception {
        Alert alert = composer.compose(SampleEvents.renderFailed(
                "kustomize: map[string]interface {} <nil> is not a list\n(apps/shop/overlays/prod/kustomization.yaml)")).orElseThrow();
        JsonNode blocks = json.readTree(formatter.format(alert)).get("blocks");

        assertThat(texts(blocks.get(2).get("fields"))).contains("*Path*\n`apps/shop/overlays/prod`");
        assertThat(blocks.get(3).at("/text/text").asText()).isEqualTo(
                "```kustomize: map[string]interface {} &lt;nil&gt; is not a list\n(apps/shop/overlays/prod/kustomization.yaml)```");
        assertThat(blocks.get(0).at("/text/text").asText()).isEqualTo("Render failed: local/shop/prod at commit 3f2c1e9a7b6d");
    }

    @Test
    void staysWithinBlockKitLimits() throws Exception {
        String longName = "x".repeat(240);
        Alert alert = composer.compose(SampleEvents.drift(new ObjectRef("v1", "ConfigMap", "shop-prod", longName.substring(0, 200)),
                DriftKind.MODIFIED, List.of("data." + longName), "1")).orElseThrow();
        JsonNode blocks = json.readTree(formatter.format(alert)).get("blocks");
        assertThat(blocks.get(0).at("/text/text").asText()).hasSizeLessThanOrEqualTo(150).endsWith("…");
        blocks.forEach(b -> {
            if (b.has("text")) assertThat(b.at("/text/text").asText()).hasSizeLessThanOrEqualTo(3000);
            if (b.has("fields")) b.get("fields").forEach(f -> assertThat(f.get("text").asText()).hasSizeLessThanOrEqualTo(2000));
        });
    }

    @Test
    void aLongSummaryIsSpreadOverSectionsAndWhatDoesNotFitInFiftyBlocksIsCutWithANote() throws Exception {
        List<String> summary = new ArrayList<>();
        for (int i = 0; i < 5000; i++) summary.add("prod-eu/app-" + i + "/prod: Apply failed: admission webhook denied it");
        Alert alert = new Alert("e1", "dev.verity.rollout.failed.v1", Severity.ERROR, "5000 targets: rollout failure",
                summary, List.of("x".repeat(5000)), null, SampleEvents.REPO, SampleEvents.COMMIT, null, List.of(),
                null, "git revert 3f2c1e9a7b6d", null);
        JsonNode blocks = json.readTree(formatter.format(alert)).get("blocks");

        assertThat(blocks.size()).isEqualTo(50);
        List<String> sections = new ArrayList<>();
        blocks.forEach(b -> {
            if (b.get("type").asText().equals("section") && b.has("text")) {
                assertThat(b.at("/text/text").asText()).hasSizeLessThanOrEqualTo(3000);
                sections.add(b.at("/text/text").asText());
            }
        });
        assertThat(sections.get(0)).startsWith("prod-eu/app-0/prod: Apply failed");
        String lastSummary = sections.get(sections.size() - 3);
        assertThat(lastSummary).containsPattern("… and \\d+ more line\\(s\\) _\\(cut to Slack's limits");
        assertThat(sections.get(sections.size() - 2)).as("the details").endsWith("…```" + SlackMessageFormatter.CUT_NOTE);
        int shown = (int) sections.stream().flatMap(t -> t.lines()).filter(l -> l.startsWith("prod-eu/app-")).count();
        assertThat(lastSummary).contains("… and " + (5000 - shown) + " more line(s)");
    }

    @Test
    void aShortSummaryIsOneSection() {
        assertThat(SlackMessageFormatter.summarySections(List.of("a", "b"), 10)).containsExactly("a\nb");
    }

    @Test
    void controlCharactersOfSlackMarkupAreEscaped() {
        assertThat(SlackMessageFormatter.escape("<!channel> & <@U123>")).isEqualTo("&lt;!channel&gt; &amp; &lt;@U123&gt;");
    }

    private static List<String> texts(JsonNode fields) {
        List<String> out = new ArrayList<>();
        fields.forEach(f -> out.add(f.get("text").asText()));
        return out;
    }
}
