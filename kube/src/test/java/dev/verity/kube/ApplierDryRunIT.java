package dev.verity.kube;

import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import org.junit.jupiter.api.Test;

import static dev.verity.kube.ApplierCrdEstablishedIT.crd;
import static dev.verity.kube.ApplierSandboxIT.configMap;
import static dev.verity.kube.ApplierSandboxIT.desired;
import static dev.verity.kube.ApplierSandboxIT.namespace;
import static org.assertj.core.api.Assertions.assertThat;

/** The dry run before each stage: a refused object writes nothing of its stage, and the result says what was written. */
class ApplierDryRunIT extends OnSandbox {

    static String badDeployment(String ns) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: %s}
                spec:
                  replicas: "three"
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: nginx}]}
                """.formatted(ns);
    }

    @Test
    void aRefusalInStageThreeLeavesOnlyStagesOneAndTwoWritten() {
        ApplyResult refused = applier.apply(desired("local/dry/prod", "c1", Policy.DEFAULT,
                configMap("dry", "before", "x"), badDeployment("dry"), configMap("dry", "after", "y"),
                namespace("dry"), crd("dries", "Dry")));

        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.failedAt()).isEqualTo(ApplyStep.DRY_RUN);
        assertThat(refused.failedObject()).isEqualTo(new ObjectRef("apps/v1", "Deployment", "dry", "web"));
        assertThat(refused.clusterUnchanged()).isFalse();
        assertThat(refused.error()).startsWith("local/dry/prod@c1: the dry run of stage 3 (namespaced objects) refused"
                        + " Deployment dry/web: the API server answered 500")
                .contains("spec.replicas")
                .endsWith("stages 1-2 (CustomResourceDefinitions, Namespaces and other cluster-scoped objects) were"
                        + " applied; nothing of stage 3 was written");
        assertThat(refused.objects()).extracting(o -> o.object().kind() + " " + o.outcome()).containsExactly(
                "CustomResourceDefinition CREATED", "Namespace CREATED", "ConfigMap SKIPPED", "Deployment FAILED",
                "ConfigMap SKIPPED");
        assertThat(cluster.apiextensions().v1().customResourceDefinitions().withName("dries.shop.example").get())
                .isNotNull();
        assertThat(cluster.namespaces().withName("dry").get()).isNotNull();
        assertThat(cluster.configMaps().inNamespace("dry").list().getItems()).isEmpty();
        assertThat(cluster.apps().deployments().inNamespace("dry").list().getItems()).isEmpty();
    }

    @Test
    void aRefusalInTheFirstStageWritesNothing() {
        String badNamespace = "apiVersion: v1\nkind: Namespace\nmetadata: {name: dry-first}\nspec: {finalizers: 7}\n";

        ApplyResult refused = applier.apply(desired("local/dry-first/prod", "c1", Policy.DEFAULT,
                badNamespace, configMap("dry-first", "cfg", "x")));

        assertThat(refused.failedAt()).isEqualTo(ApplyStep.DRY_RUN);
        assertThat(refused.clusterUnchanged()).isTrue();
        assertThat(refused.error()).contains("the dry run of stage 2 (Namespaces and other cluster-scoped objects)"
                + " refused Namespace dry-first").contains("stage 1 (CustomResourceDefinitions) was applied; nothing of"
                + " stage 2 or of the stages after it was written");
        assertThat(cluster.namespaces().withName("dry-first").get()).isNull();
    }
}
