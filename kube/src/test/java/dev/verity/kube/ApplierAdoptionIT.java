package dev.verity.kube;

import dev.verity.events.Policy;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static dev.verity.kube.ApplierSandboxIT.desired;
import static dev.verity.kube.ApplierSandboxIT.namespace;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Objects made by {@code kubectl create} or client-side {@code kubectl apply} before Verity: once Verity applies them,
 * a field later removed from Git is removed from the cluster.
 */
class ApplierAdoptionIT extends OnSandbox {

    /** Creates an object as client-side {@code kubectl apply} does: a POST as its manager, with the annotation. */
    static void kubectlApply(String path, String json) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder()
                .uri(URI.create(sandbox.url().replaceAll("/$", "") + path + "?fieldManager=kubectl-client-side-apply"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.replace('\'', '"'))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    static String configMap(String data) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: adopt}\ndata: " + data + "\n";
    }

    @Test
    void aFieldRemovedFromGitIsGoneFromAnObjectKubectlApplied() throws Exception {
        applier.apply(desired("local/adopt/prod", "c1", Policy.DEFAULT, namespace("adopt")));
        kubectlApply("/api/v1/namespaces/adopt/configmaps", "{'apiVersion': 'v1', 'kind': 'ConfigMap',"
                + " 'metadata': {'name': 'cfg', 'namespace': 'adopt', 'annotations':"
                + " {'kubectl.kubernetes.io/last-applied-configuration': '{\\\"data\\\":{}}'}},"
                + " 'data': {'a': '1', 'b': '2', 'c': '3'}}");

        ApplyResult adopted = applier.apply(desired("local/adopt/prod", "c2", Policy.DEFAULT, namespace("adopt"),
                configMap("{a: '1', b: '2'}")));

        assertThat(adopted.succeeded()).as("%s", adopted.error()).isTrue();
        ConfigMap live = cluster.configMaps().inNamespace("adopt").withName("cfg").get();
        assertThat(live.getMetadata().getAnnotations()).doesNotContainKey(Adoption.LAST_APPLIED);
        assertThat(live.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager)
                .containsExactlyInAnyOrder("kubectl-client-side-apply", "verity");

        ApplyResult removed = applier.apply(desired("local/adopt/prod", "c3", Policy.DEFAULT, namespace("adopt"),
                configMap("{a: '1'}")));

        assertThat(removed.succeeded()).as("%s", removed.error()).isTrue();
        assertThat(cluster.configMaps().inNamespace("adopt").withName("cfg").get().getData())
                .as("b left Git and is gone; c was never Verity's and stays").containsOnlyKeys("a", "c");
    }

    static String deployment(String env) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: adopt}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: web
                        image: "nginx:1.27"
                        env: %s
                """.formatted(env);
    }

    @Test
    void aListItemRemovedFromGitIsGoneFromADeploymentKubectlCreated() throws Exception {
        applier.apply(desired("local/adopt/prod", "c1", Policy.DEFAULT, namespace("adopt")));
        kubectlApply("/apis/apps/v1/namespaces/adopt/deployments", "{'apiVersion': 'apps/v1', 'kind': 'Deployment',"
                + " 'metadata': {'name': 'web', 'namespace': 'adopt'}, 'spec': {'replicas': 1,"
                + " 'selector': {'matchLabels': {'app': 'web'}}, 'template': {'metadata': {'labels': {'app': 'web'}},"
                + " 'spec': {'containers': [{'name': 'web', 'image': 'nginx:1.27', 'env': [{'name': 'A', 'value': '1'},"
                + " {'name': 'B', 'value': '2'}]}]}}}}");

        ApplyResult adopted = applier.apply(desired("local/adopt-web/prod", "c2", Policy.DEFAULT,
                deployment("[{name: A, value: '1'}, {name: B, value: '2'}]")));
        assertThat(adopted.succeeded()).as("%s", adopted.error()).isTrue();

        ApplyResult removed = applier.apply(desired("local/adopt-web/prod", "c3", Policy.DEFAULT,
                deployment("[{name: A, value: '1'}]")));

        assertThat(removed.succeeded()).as("%s", removed.error()).isTrue();
        Deployment web = cluster.apps().deployments().inNamespace("adopt").withName("web").get();
        assertThat(web.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()).extracting(EnvVar::getName)
                .containsExactly("A");
    }
}
