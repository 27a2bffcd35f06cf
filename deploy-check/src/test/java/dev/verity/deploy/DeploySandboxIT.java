package dev.verity.deploy;

import dev.verity.events.DesiredState;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import dev.verity.kube.Applier;
import dev.verity.kube.ApplyResult;
import dev.verity.kustomize.Kustomizer;
import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.YamlPrinter;
import dev.verity.testkit.kube.KubeSandbox;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.verity.deploy.Rendered.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Verity installs itself: the rendered single-cluster overlay, applied to the Kubernetes sandbox by Verity's own
 * applier as one target, is all there afterwards — every object, with Verity's ownership annotation.
 */
class DeploySandboxIT {

    @Test
    void theSingleClusterOverlayAppliesAndEveryObjectIsInTheCluster() {
        List<MapNode> resources = Kustomizer.onDisk().build(Rendered.ROOT.resolve("deploy/overlays/single-cluster").toString(),
                Duration.ofSeconds(30)).resources();
        List<String> documents = resources.stream().map(YamlPrinter::print).toList();
        Rendered rendered = Rendered.build("overlays/single-cluster");
        assertThat(documents).hasSameSizeAs(rendered.objects()).hasSizeGreaterThan(30);

        try (KubeSandbox sandbox = KubeSandbox.start()) {
            KubernetesClient cluster = sandbox.client();
            ApplyResult result = new Applier(cluster).apply(DesiredState.of(TargetKey.parse("local/verity/system"),
                    "file:///verity.git", "0123456789abcdef0123456789abcdef01234567", "deploy/overlays/single-cluster",
                    Policy.DEFAULT, documents));

            assertThat(result.succeeded()).as("%s", result.error()).isTrue();
            assertThat(result.objects()).hasSameSizeAs(documents);
            List<String> missing = new ArrayList<>();
            for (Map<String, Object> object : rendered.objects()) {
                String apiVersion = (String) object.get("apiVersion");
                String kind = (String) object.get("kind");
                String namespace = (String) at(object, "metadata", "namespace");
                String name = (String) at(object, "metadata", "name");
                var resource = cluster.genericKubernetesResources(apiVersion, kind);
                GenericKubernetesResource live = namespace == null ? resource.withName(name).get()
                        : resource.inNamespace(namespace).withName(name).get();
                if (live == null) {
                    missing.add(kind + " " + (namespace == null ? "" : namespace + "/") + name);
                } else {
                    assertThat(live.getMetadata().getAnnotations()).as("%s %s", kind, name)
                            .containsEntry("verity.dev/target", "local/verity/system");
                }
            }
            assertThat(missing).as("rendered but not in the cluster").isEmpty();
            // what the applier keeps for the target: its inventory in verity-system
            assertThat(cluster.configMaps().inNamespace("verity-system").list().getItems())
                    .extracting(cm -> cm.getMetadata().getName())
                    .containsAll(rendered.names("ConfigMap"))
                    .hasSizeGreaterThan(rendered.names("ConfigMap").size());
        }
    }
}
