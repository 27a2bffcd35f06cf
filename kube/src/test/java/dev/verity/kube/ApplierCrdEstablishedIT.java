package dev.verity.kube;

import dev.verity.events.DesiredState;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import dev.verity.testkit.kube.KubeSandbox;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The applier waits for a CRD it applied to be Established before its custom resources, as a real server needs. */
class ApplierCrdEstablishedIT {

    static KubeSandbox sandbox;
    static KubernetesClient cluster;

    @BeforeAll
    static void start() {
        sandbox = KubeSandbox.start();
        sandbox.lifecycle().crdEstablishedAfter(Duration.ofMillis(1500));
        cluster = sandbox.client();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    static String crd(String plural, String kind) {
        return """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: %1$s.shop.example}
                spec:
                  group: shop.example
                  scope: Namespaced
                  names: {kind: %2$s, plural: %1$s}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema:
                        type: object
                        properties:
                          spec: {type: object, properties: {size: {type: integer}, tier: {type: string, default: basic}}}
                """.formatted(plural, kind);
    }

    static String namespace(String name) {
        return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + "}\n";
    }

    static DesiredState desired(String target, String... documents) {
        return DesiredState.of(TargetKey.parse(target), "https://git.example/gitops.git", "c1", "apps/x", Policy.DEFAULT,
                List.of(documents));
    }

    @Test
    void aCustomResourceIsAppliedOnceItsNewCrdIsEstablished() {
        String cart = "apiVersion: shop.example/v1\nkind: Cart\nmetadata: {name: c1, namespace: carts}\nspec: {size: 3}\n";
        long started = System.nanoTime();

        ApplyResult result = new Applier(cluster).apply(desired("local/carts/prod", cart, namespace("carts"), crd("carts", "Cart")));

        assertThat(result.succeeded()).as("%s", result.error()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        assertThat(result.objects()).extracting(o -> o.object().kind() + " " + o.outcome())
                .containsExactly("CustomResourceDefinition CREATED", "Namespace CREATED", "Cart CREATED");
        var live = cluster.genericKubernetesResources("shop.example/v1", "Cart").inNamespace("carts").withName("c1").get();
        assertThat(live.getAdditionalProperties().get("spec")).isEqualTo(java.util.Map.of("size", 3, "tier", "basic"));

        // applied again, nothing waits: the CRD is unchanged and Established
        long again = System.nanoTime();
        ApplyResult unchanged = new Applier(cluster).apply(desired("local/carts/prod", cart, namespace("carts"), crd("carts", "Cart")));
        assertThat(unchanged.succeeded()).as("%s", unchanged.error()).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void aCrdThatIsNeverEstablishedFailsTheTargetNamingIt() {
        ApplyResult first = new Applier(cluster).apply(desired("local/orders/prod", crd("orders", "Order")));
        assertThat(first.succeeded()).as("%s", first.error()).isTrue();
        // same group, same kind: the naming controller refuses the second CRD's names for good
        String order = "apiVersion: shop.example/v1\nkind: Order\nmetadata: {name: o1, namespace: purchases}\nspec: {size: 1}\n";

        ApplyResult failed = new Applier(cluster, Duration.ofSeconds(10), InventoryStore.DEFAULT_NAMESPACE).apply(desired("local/purchases/prod",
                namespace("purchases"), crd("purchases", "Order"), order));

        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.failedObject()).isEqualTo(new ObjectRef("shop.example/v1", "Order", "purchases", "o1"));
        assertThat(failed.error()).contains("its CustomResourceDefinition purchases.shop.example is not Established after",
                "NamesAccepted=False ListKindConflict: \"OrderList\" is already in use",
                "stages 1-2 (CustomResourceDefinitions, Namespaces and other cluster-scoped objects) were applied;"
                        + " nothing of stage 3 was written");
        assertThat(failed.objects()).extracting(o -> o.object().kind() + " " + o.outcome())
                .containsExactly("CustomResourceDefinition CREATED", "Namespace CREATED", "Order FAILED");
    }
}
