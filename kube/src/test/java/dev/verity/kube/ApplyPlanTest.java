package dev.verity.kube;

import dev.verity.events.ObjectRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ApplyPlanTest {

    static final String NAMESPACE = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n";
    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop}
            spec: {replicas: 2}
            """;
    static final String SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n";
    static final String CLUSTER_ROLE = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: reader}\n";
    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              scope: Namespaced
              names: {kind: Widget, plural: widgets}
              versions: [{name: v1, served: true, storage: true}]
            """;
    static final String WIDGET = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, namespace: shop}\n";

    @Test
    void stagesCrdsThenNamespacesAndClusterScopedObjectsThenTheRestInDocumentOrder() {
        Validation v = ApplyPlan.validate(List.of(DEPLOYMENT, WIDGET, NAMESPACE, SERVICE, CRD, CLUSTER_ROLE),
                ResourceTypes.Discovery.NONE);

        assertThat(v.valid()).as("%s", v.problems()).isTrue();
        assertThat(ApplyPlan.stage(v.objects())).extracting(o -> o.ref().kind()).containsExactly(
                "CustomResourceDefinition", "Namespace", "ClusterRole", "Deployment", "Widget", "Service");
    }

    @Test
    void resolvesBuiltInKindsAndKindsOfTheTargetsOwnCrds() {
        Validation v = ApplyPlan.validate(List.of(CRD, WIDGET, DEPLOYMENT, CLUSTER_ROLE), ResourceTypes.Discovery.NONE);

        assertThat(v.objects()).extracting(PlannedObject::type).containsExactly(
                new ResourceType("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false),
                new ResourceType("example.com", "v1", "Widget", "widgets", true),
                new ResourceType("apps", "v1", "Deployment", "deployments", true),
                new ResourceType("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false));
    }

    @Test
    void asksTheClusterOnlyForKindsItCannotResolveItself() {
        List<String> asked = new java.util.ArrayList<>();
        ResourceTypes.Discovery cluster = (apiVersion, kind) -> {
            asked.add(apiVersion + " " + kind);
            return kind.equals("Gadget")
                    ? Optional.of(new ResourceType("example.org", "v1", "Gadget", "gadgets", false))
                    : Optional.empty();
        };

        Validation v = ApplyPlan.validate(List.of(DEPLOYMENT,
                "apiVersion: example.org/v1\nkind: Gadget\nmetadata: {name: g}\n"), cluster);

        assertThat(v.valid()).isTrue();
        assertThat(asked).containsExactly("example.org/v1 Gadget");
    }

    @Test
    void aNamespacedObjectWithoutNamespaceIsInvalidNeverDefaulted() {
        Validation v = ApplyPlan.validate(List.of(NAMESPACE,
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"), ResourceTypes.Discovery.NONE);

        assertThat(v.valid()).isFalse();
        assertThat(v.objects()).isEmpty();
        assertThat(v.problems()).singleElement().extracting(Problem::message).isEqualTo(
                "document 2 (Deployment web) has no metadata.namespace, and Deployment is namespaced; Verity does not"
                        + " default namespaces: set namespace in the overlay's kustomization.yaml or in the object");
        assertThat(v.firstInvalidObject()).isEqualTo(new ObjectRef("apps/v1", "Deployment", null, "web"));
    }

    @Test
    void aClusterScopedObjectWithANamespaceIsInvalid() {
        Validation v = ApplyPlan.validate(List.of("apiVersion: v1\nkind: Namespace\nmetadata: {name: a, namespace: b}\n"),
                ResourceTypes.Discovery.NONE);

        assertThat(v.problems()).extracting(Problem::message).containsExactly(
                "document 1 (Namespace b/a) has metadata.namespace, but Namespace is cluster-scoped; remove the namespace");
    }

    @Test
    void metadataOfTheWrongShapeIsInvalid() {
        Validation v = ApplyPlan.validate(List.of(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: s, labels: [x, y]}\n"),
                ResourceTypes.Discovery.NONE);

        assertThat(v.problems()).extracting(Problem::message).containsExactly("document 1 (ConfigMap s/a): metadata is"
                + " not valid Kubernetes object metadata; labels and annotations must map strings to strings");
    }

    @Test
    void anUnknownKindIsInvalid() {
        Validation v = ApplyPlan.validate(List.of(WIDGET), ResourceTypes.Discovery.NONE);

        assertThat(v.problems()).extracting(Problem::message).containsExactly(
                "document 1 (Widget shop/w): the cluster serves no kind Widget in example.com/v1 and no"
                        + " CustomResourceDefinition in this target defines it; install the CRD or add it to the target");
    }

    @Test
    void reportsEveryProblemInDocumentOrderAndStillListsWhatParsed() {
        Validation v = ApplyPlan.validate(List.of(NAMESPACE, WIDGET, "kind: ConfigMap\n", DEPLOYMENT),
                ResourceTypes.Discovery.NONE);

        assertThat(v.problems()).extracting(Problem::document).containsExactly(2, 3);
        assertThat(v.parsed()).extracting(ObjectRef::kind).containsExactly("Namespace", "Widget", "Deployment");
    }

    @Test
    void theKustomizeOutputOfTheExampleOverlayIsValidAndStaged() throws Exception {
        String rendered = new String(getClass().getResourceAsStream("/shop-prod.yaml").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        List<String> documents = List.of(rendered.split("(?m)^---\\n"));

        Validation v = ApplyPlan.validate(documents, ResourceTypes.Discovery.NONE);

        assertThat(v.valid()).as("%s", v.problems()).isTrue();
        assertThat(ApplyPlan.stage(v.objects())).extracting(o -> o.ref().toString()).containsExactly(
                "Namespace shop-prod", "ConfigMap shop-prod/shop-config-hkcffcccgk", "Service shop-prod/web",
                "Deployment shop-prod/web");
    }
}
