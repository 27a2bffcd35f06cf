package dev.verity.kube;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.verity.kube.AdoptionTest.entry;
import static dev.verity.kube.FieldSetsTest.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AllowedWritersTest {

    static Map<String, Object> deployment(String... entries) {
        return set("{'metadata': {'name': 'web', 'managedFields': [" + String.join(",", entries) + "]}}");
    }

    static String scaleEntry(String manager) {
        return entry(manager, "Update", "{'f:spec': {'f:replicas': {}}}").replace("'apiVersion'",
                "'subresource': 'scale', 'apiVersion'");
    }

    @Test
    void parsesManagersSubresourcesAndFields() {
        AllowedWriters writers = AllowedWriters.parse(" kube-controller-manager/scale:spec.replicas, keda:spec.paused ,");

        assertThat(writers.writers()).containsExactly(
                new AllowedWriters.Writer("kube-controller-manager", "scale", List.of("spec", "replicas")),
                new AllowedWriters.Writer("keda", null, List.of("spec", "paused")));
        assertThat(AllowedWriters.DEFAULT.toString()).isEqualTo("kube-controller-manager/scale:spec.replicas");
        assertThat(AllowedWriters.parse("").writers()).isEmpty();
    }

    @Test
    void aMalformedEntryIsNamed() {
        assertThatThrownBy(() -> AllowedWriters.parse("hpa/scale"))
                .hasMessageContaining("allowed writer 'hpa/scale' is not manager[/subresource]:field.path");
        assertThatThrownBy(() -> AllowedWriters.parse("hpa:spec..replicas")).hasMessageContaining("'hpa:spec..replicas'");
    }

    @Test
    void aFieldTheAutoscalerHoldsAndVerityDoesNotIsHeld() {
        Map<String, Object> scaled = deployment(entry("verity", "Apply", "{'f:spec': {'f:template': {}}}"),
                scaleEntry("kube-controller-manager"));

        assertThat(AllowedWriters.DEFAULT.holding(scaled, "verity")).extracting(AllowedWriters.Writer::path)
                .containsExactly("spec.replicas");
    }

    @Test
    void notHeldWhenVerityOwnsItOrAnotherManagerOrSubresourceWroteIt() {
        assertThat(AllowedWriters.DEFAULT.holding(deployment(entry("verity", "Apply", "{'f:spec': {'f:replicas': {}}}"),
                scaleEntry("kube-controller-manager")), "verity")).isEmpty();
        assertThat(AllowedWriters.DEFAULT.holding(deployment(scaleEntry("kubectl-scale")), "verity")).isEmpty();
        assertThat(AllowedWriters.DEFAULT.holding(deployment(entry("kube-controller-manager", "Update",
                "{'f:spec': {'f:replicas': {}}}")), "verity")).isEmpty();
        assertThat(AllowedWriters.NONE.holding(deployment(scaleEntry("kube-controller-manager")), "verity")).isEmpty();
    }

    @Test
    void omittingAFieldDropsMapsItLeavesEmpty() {
        Map<String, Object> body = new LinkedHashMap<>(set("{'spec': {'replicas': 2, 'paused': true}, 'kind': 'X'}"));

        assertThat(AllowedWriters.omit(body, List.of("spec", "replicas"))).isTrue();
        assertThat(body).isEqualTo(set("{'spec': {'paused': true}, 'kind': 'X'}"));
        assertThat(AllowedWriters.omit(body, List.of("spec", "paused"))).isTrue();
        assertThat(body).isEqualTo(set("{'kind': 'X'}"));
        assertThat(AllowedWriters.omit(body, List.of("spec", "replicas"))).isFalse();
    }
}
