package dev.verity.kube;

import dev.verity.events.DesiredState;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The apply against the Kubernetes sandbox: what lands in the cluster, and what the result reports. */
class ApplierSandboxIT extends OnSandbox {

    static final String REPO = "https://git.example/gitops.git";
    static final Policy NO_FORCE = new Policy(false, true, false, false, false, List.of());

    static String namespace(String name) {
        return "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + name + "}\n";
    }

    static String configMap(String ns, String name, String value) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + ", namespace: " + ns + "}\n"
                + "data: {value: \"" + value + "\"}\n";
    }

    static String deployment(String ns, int replicas) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: %s}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - {name: web, image: "nginx:1.27"}
                """.formatted(ns, replicas);
    }

    static DesiredState desired(String target, String commit, Policy policy, String... documents) {
        return DesiredState.of(TargetKey.parse(target), REPO, commit, "apps/x", policy, List.of(documents));
    }

    @Test
    void createsThenConfiguresThenLeavesUnchangedInStageOrder() {
        ApplyResult created = applier.apply(desired("local/a/prod", "c1", Policy.DEFAULT,
                deployment("a-prod", 1), configMap("a-prod", "cfg", "one"), namespace("a-prod")));

        assertThat(created.succeeded()).as("%s", created.error()).isTrue();
        assertThat(created.objects()).extracting(o -> o.object().kind() + " " + o.outcome())
                .containsExactly("Namespace CREATED", "Deployment CREATED", "ConfigMap CREATED");
        Deployment web = cluster.apps().deployments().inNamespace("a-prod").withName("web").get();
        assertThat(web.getMetadata().getAnnotations()).containsEntry(Ownership.TARGET_ANNOTATION, "local/a/prod");
        assertThat(web.getMetadata().getManagedFields()).filteredOn(f -> f.getManager().equals("verity"))
                .extracting(ManagedFieldsEntry::getOperation).containsExactly("Apply");

        ApplyResult configured = applier.apply(desired("local/a/prod", "c2", Policy.DEFAULT,
                deployment("a-prod", 2), configMap("a-prod", "cfg", "one"), namespace("a-prod")));

        assertThat(configured.objects()).extracting(o -> o.object().kind() + " " + o.outcome())
                .containsExactly("Namespace UNCHANGED", "Deployment CONFIGURED", "ConfigMap UNCHANGED");
        assertThat(cluster.apps().deployments().inNamespace("a-prod").withName("web").get().getSpec().getReplicas())
                .isEqualTo(2);
    }

    @Test
    void refusesTheWholeTargetWhenAnotherTargetOwnsAnObject() {
        applier.apply(desired("local/b/prod", "c1", Policy.DEFAULT, namespace("b-prod"),
                configMap("b-prod", "shared", "from-b")));

        ApplyResult refused = applier.apply(desired("local/c/prod", "c9", Policy.DEFAULT,
                configMap("b-prod", "c-own", "from-c"), configMap("b-prod", "shared", "from-c")));

        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.failedAt()).isEqualTo(ApplyStep.CHECK_OWNERSHIP);
        assertThat(refused.failedObject()).isEqualTo(new ObjectRef("v1", "ConfigMap", "b-prod", "shared"));
        assertThat(refused.error()).contains("local/c/prod@c9: ConfigMap b-prod/shared belongs to target local/b/prod");
        assertThat(cluster.configMaps().inNamespace("b-prod").withName("shared").get().getData())
                .containsEntry("value", "from-b");
        assertThat(cluster.configMaps().inNamespace("b-prod").withName("c-own").get()).isNull();
    }

    @Test
    void adoptsAnObjectNoTargetOwns() {
        applier.apply(desired("local/d/prod", "c1", Policy.DEFAULT, namespace("d-prod")));
        cluster.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("by-hand")
                .withNamespace("d-prod").endMetadata().addToData("value", "manual").build()).create();

        ApplyResult adopted = applier.apply(desired("local/d/prod", "c2", Policy.DEFAULT, namespace("d-prod"),
                configMap("d-prod", "by-hand", "from-git")));

        assertThat(adopted.objects()).extracting(ObjectOutcome::outcome)
                .containsExactly(Outcome.UNCHANGED, Outcome.CONFIGURED);
        ConfigMap live = cluster.configMaps().inNamespace("d-prod").withName("by-hand").get();
        assertThat(live.getData()).containsEntry("value", "from-git");
        assertThat(live.getMetadata().getAnnotations()).containsEntry(Ownership.TARGET_ANNOTATION, "local/d/prod");
    }

    @Test
    void withoutForceAConflictIsRefusedByTheDryRunAndNothingOfItsStageIsWritten() {
        applier.apply(desired("local/e/prod", "c1", Policy.DEFAULT, namespace("e-prod"), deployment("e-prod", 1)));
        Deployment scaled = cluster.apps().deployments().inNamespace("e-prod").withName("web").get();
        scaled.getSpec().setReplicas(5);
        scaled.getMetadata().setManagedFields(null);
        scaled.getMetadata().setResourceVersion(null);
        cluster.resource(scaled).fieldManager("kubectl-scale").forceConflicts().serverSideApply();

        ApplyResult stopped = applier.apply(desired("local/e/prod", "c2", NO_FORCE, namespace("e-prod"),
                configMap("e-prod", "before", "x"), deployment("e-prod", 1), configMap("e-prod", "after", "y")));

        assertThat(stopped.failedAt()).isEqualTo(ApplyStep.DRY_RUN);
        assertThat(stopped.objects()).extracting(ObjectOutcome::outcome).containsExactly(
                Outcome.UNCHANGED, Outcome.SKIPPED, Outcome.FAILED, Outcome.SKIPPED);
        assertThat(stopped.error()).contains("the dry run of stage 3 (namespaced objects) refused Deployment e-prod/web:"
                        + " the API server answered 409")
                .contains("stages 1-2 (CustomResourceDefinitions, Namespaces and other cluster-scoped objects) were"
                        + " applied; nothing of stage 3 was written");
        assertThat(cluster.configMaps().inNamespace("e-prod").withName("before").get()).isNull();
        assertThat(cluster.apps().deployments().inNamespace("e-prod").withName("web").get().getSpec().getReplicas())
                .isEqualTo(5);
        assertThat(cluster.configMaps().inNamespace("e-prod").withName("after").get()).isNull();

        ApplyResult forced = applier.apply(desired("local/e/prod", "c2", Policy.DEFAULT, namespace("e-prod"),
                configMap("e-prod", "before", "x"), deployment("e-prod", 1), configMap("e-prod", "after", "y")));

        assertThat(forced.succeeded()).as("%s", forced.error()).isTrue();
        assertThat(cluster.apps().deployments().inNamespace("e-prod").withName("web").get().getSpec().getReplicas())
                .isEqualTo(1);
    }

    @Test
    void aStringDataKeyRemovedFromGitIsGoneFromTheSecret() {
        String both = "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: s-prod}\n"
                + "stringData: {a: one, b: two}\n";
        String onlyA = "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: s-prod}\n"
                + "stringData: {a: one}\n";
        ApplyResult first = applier.apply(desired("local/s/prod", "c1", Policy.DEFAULT, namespace("s-prod"), both));
        assertThat(first.succeeded()).as("%s", first.error()).isTrue();
        assertThat(cluster.secrets().inNamespace("s-prod").withName("db").get().getData())
                .containsOnlyKeys("a", "b").containsEntry("a", "b25l");

        ApplyResult second = applier.apply(desired("local/s/prod", "c2", Policy.DEFAULT, namespace("s-prod"), onlyA));

        assertThat(second.succeeded()).as("%s", second.error()).isTrue();
        assertThat(cluster.secrets().inNamespace("s-prod").withName("db").get().getData())
                .containsOnlyKeys("a").containsEntry("a", "b25l");
    }

    /** Writes {@code /scale} of Deployment web as {@code manager} does (an Update of the scale subresource). */
    static void scale(String ns, String manager, int replicas) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder()
                        .uri(java.net.URI.create(sandbox.url().replaceAll("/$", "") + "/apis/apps/v1/namespaces/" + ns
                                + "/deployments/web/scale?fieldManager=" + manager))
                        .header("Content-Type", "application/json")
                        .PUT(java.net.http.HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"autoscaling/v1\","
                                + "\"kind\":\"Scale\",\"metadata\":{\"name\":\"web\",\"namespace\":\"" + ns
                                + "\"},\"spec\":{\"replicas\":" + replicas + "}}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void replicasTheAutoscalerSetAreLeftAloneAndOtherWritersAreForcedBack() throws Exception {
        for (String ns : List.of("hpa-prod", "manual-prod")) {
            ApplyResult first = applier.apply(desired("local/" + ns + "/x", "c1", Policy.DEFAULT, namespace(ns),
                    deployment(ns, 2)));
            assertThat(first.succeeded()).as("%s", first.error()).isTrue();
        }
        scale("hpa-prod", "kube-controller-manager", 5);
        scale("manual-prod", "kubectl-scale", 5);

        for (String ns : List.of("hpa-prod", "manual-prod")) {
            ApplyResult again = applier.apply(desired("local/" + ns + "/x", "c2", Policy.DEFAULT, namespace(ns),
                    deployment(ns, 2)));
            assertThat(again.succeeded()).as("%s", again.error()).isTrue();
        }

        assertThat(cluster.apps().deployments().inNamespace("hpa-prod").withName("web").get().getSpec().getReplicas())
                .as("the HPA's replicas").isEqualTo(5);
        assertThat(cluster.apps().deployments().inNamespace("manual-prod").withName("web").get().getSpec().getReplicas())
                .as("kubectl scale's replicas").isEqualTo(2);
    }

    @Test
    void anObjectInANamespaceThatDoesNotExistFailsWithoutQuotingSecretData() {
        String secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: nowhere}\n"
                + "stringData: {password: hunter2-very-secret}\n";

        ApplyResult failed = applier.apply(desired("local/f/prod", "c1", Policy.DEFAULT, secret,
                configMap("nowhere", "cfg", "x")));

        assertThat(failed.failedObject()).isEqualTo(new ObjectRef("v1", "Secret", "nowhere", "db"));
        assertThat(failed.failedAt()).isEqualTo(ApplyStep.DRY_RUN);
        assertThat(failed.error()).contains("refused Secret nowhere/db: the API server answered 404")
                .doesNotContain("hunter2");
        assertThat(failed.objects()).extracting(ObjectOutcome::outcome).containsExactly(Outcome.FAILED, Outcome.SKIPPED);
    }

    @Test
    void appliesACustomResourceAfterItsDefinitionInOneDesiredState() {
        String crd = """
                apiVersion: apiextensions.k8s.io/v1
                kind: CustomResourceDefinition
                metadata: {name: widgets.example.com}
                spec:
                  group: example.com
                  scope: Namespaced
                  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
                  versions:
                  - name: v1
                    served: true
                    storage: true
                    schema:
                      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
                """;
        String widget = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1, namespace: g-prod}\nspec: {size: 3}\n";

        ApplyResult result = applier.apply(desired("local/g/prod", "c1", Policy.DEFAULT, widget, namespace("g-prod"), crd));

        assertThat(result.succeeded()).as("%s", result.error()).isTrue();
        assertThat(result.objects()).extracting(o -> o.object().kind() + " " + o.outcome()).containsExactly(
                "CustomResourceDefinition CREATED", "Namespace CREATED", "Widget CREATED");
        var live = cluster.genericKubernetesResources("example.com/v1", "Widget").inNamespace("g-prod").withName("w1").get();
        assertThat(live.getMetadata().getAnnotations()).containsEntry(Ownership.TARGET_ANNOTATION, "local/g/prod");
        assertThat(live.getAdditionalProperties().get("spec")).isEqualTo(java.util.Map.of("size", 3));
    }

    @Test
    void manyObjectsOfOneKindAreReadWithOneListAndStillRefusedWhenAnotherTargetOwnsOne() {
        String[] docs = new String[13];
        docs[0] = namespace("many");
        for (int i = 1; i < docs.length; i++) docs[i] = configMap("many", "cfg-" + i, "v" + i);
        sandbox.requests().clear();

        ApplyResult created = applier.apply(desired("local/many/prod", "m1", Policy.DEFAULT, docs));

        assertThat(created.succeeded()).as("%s", created.error()).isTrue();
        assertThat(created.count(Outcome.CREATED)).isEqualTo(13);
        assertThat(sandbox.requests().count(dev.verity.testkit.kube.RequestMatch.of("get", "configmaps")
                .inNamespace("many"), 404)).as("no GET per ConfigMap").isZero();
        assertThat(sandbox.requests().matching(dev.verity.testkit.kube.RequestMatch.of("list", "configmaps")
                .inNamespace("many"))).as("one list of the namespace's ConfigMaps").hasSize(1);

        ApplyResult again = applier.apply(desired("local/many/prod", "m2", Policy.DEFAULT, docs));
        assertThat(again.count(Outcome.UNCHANGED)).as("listed objects compare like read ones").isEqualTo(13);

        ApplyResult other = applier.apply(desired("local/other/prod", "o1", Policy.DEFAULT, docs));
        assertThat(other.succeeded()).isFalse();
        assertThat(other.failedAt()).isEqualTo(ApplyStep.CHECK_OWNERSHIP);
        assertThat(other.error()).contains("local/many/prod");
    }
}
