package dev.verity.kube;

import dev.verity.events.TargetKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InventoryTest {

    static final TargetKey TARGET = TargetKey.parse("local/shop/prod");
    static final ResourceType DEPLOYMENTS = new ResourceType("apps", "v1", "Deployment", "deployments", true);
    static final ResourceType HPA_V1 = new ResourceType("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true);
    static final ResourceType HPA_V2 = new ResourceType("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true);
    static final ResourceType NAMESPACES = new ResourceType("", "v1", "Namespace", "namespaces", false);

    @Test
    void roundTripsThroughItsStoredForm() {
        Inventory inventory = new Inventory(TARGET, List.of(
                new Inventory.Entry(NAMESPACES, null, "shop", "u1", Stage.CLUSTER_SCOPED),
                new Inventory.Entry(DEPLOYMENTS, "shop", "web", null, Stage.RESOURCES)), "abc123", null);

        Inventory read = Inventory.fromJson(TARGET, inventory.toJson(), "42");

        assertThat(read.entries()).isEqualTo(inventory.entries());
        assertThat(read.commit()).isEqualTo("abc123");
        assertThat(read.resourceVersion()).isEqualTo("42");
        assertThat(read.entries().get(0).ref().toString()).isEqualTo("Namespace shop");
    }

    @Test
    void anObjectIsTheSameWhateverItsApiVersionAndKeepsItsUid() {
        Inventory old = new Inventory(TARGET, List.of(new Inventory.Entry(HPA_V1, "shop", "web", "u7", Stage.RESOURCES)), "c1", "5");

        List<Inventory.Entry> union = old.union(List.of(new Inventory.Entry(HPA_V2, "shop", "web", null, Stage.RESOURCES),
                new Inventory.Entry(DEPLOYMENTS, "shop", "web", null, Stage.RESOURCES)));

        assertThat(union).extracting(e -> e.type().version() + " " + e.ref() + " " + e.uid())
                .containsExactly("v2 HorizontalPodAutoscaler shop/web u7", "v1 Deployment shop/web null");
    }

    @Test
    void anotherTargetsInventoryOrTextThatIsNoneIsRefusedByName() {
        String json = Inventory.empty(TargetKey.parse("local/other/prod")).toJson();
        assertThatThrownBy(() -> Inventory.fromJson(TARGET, json, "1"))
                .hasMessageContaining("local/other/prod").hasMessageContaining("local/shop/prod");
        assertThatThrownBy(() -> Inventory.fromJson(TARGET, "not json", "1")).hasMessageContaining("not JSON");
    }

    @Test
    void pathsAddressCoreGroupAndClusterScopedObjects() {
        assertThat(Pruner.path(new Inventory.Entry(DEPLOYMENTS, "shop", "web", null, Stage.RESOURCES)))
                .isEqualTo("/apis/apps/v1/namespaces/shop/deployments/web");
        assertThat(Pruner.path(new Inventory.Entry(NAMESPACES, null, "shop", null, Stage.CLUSTER_SCOPED)))
                .isEqualTo("/api/v1/namespaces/shop");
    }
}
