package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.kube.schema.ApiSchema;
import dev.verity.kube.schema.SchemaNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a real API server returns for a body, as {@code kubectl create -f x.yaml -o json} shows it. */
class GoEncodingTest {

  private static final ApiSchema API = ApiSchema.kubernetes();

  private static ObjectNode written(String apiVersion, String kind, String json) {
    SchemaNode root = API.root(apiVersion, kind).orElseThrow();
    return GoEncoding.object(root, TypedDecoder.json(json, root).object());
  }

  @Test
  void zeroValuesOfOmitemptyFieldsAreDropped() {
    ObjectNode pod = written("v1", "Pod", """
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {}},
         "spec": {"hostNetwork": false, "containers": [{"name": "a", "image": "nginx", "env": [{"name": "X", "value": ""}],
           "args": [], "volumeMounts": [{"name": "v", "mountPath": "/v", "readOnly": false}]}]}}""");

    assertThat(pod.at("/spec/containers/0/env/0").toString()).isEqualTo("{\"name\":\"X\"}");
    assertThat(pod.at("/spec").has("hostNetwork")).isFalse();
    assertThat(pod.at("/spec/containers/0").has("args")).isFalse();
    assertThat(pod.at("/spec/containers/0/volumeMounts/0").has("readOnly")).isFalse();
    assertThat(pod.at("/metadata").has("labels")).isFalse();
  }

  @Test
  void pointersKeepTheirZeroValues() {
    ObjectNode deployment = written("apps/v1", "Deployment", """
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
         "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "d"}},
           "template": {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "a", "image": "nginx"}]}}}}""");

    assertThat(deployment.at("/spec/replicas").asInt(-1)).isZero();
  }

  @Test
  void structsAreAlwaysWrittenSoATemplateGetsANullCreationTimestamp() {
    ObjectNode deployment = written("apps/v1", "Deployment", """
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
         "spec": {"selector": {"matchLabels": {"app": "d"}},
           "template": {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "a", "image": "nginx"}]}}}}""");

    assertThat(deployment.at("/spec/template/metadata").has("creationTimestamp")).isTrue();
    assertThat(deployment.at("/spec/template/metadata/creationTimestamp").isNull()).isTrue();
    assertThat(deployment.at("/spec/template/spec/containers/0/resources").toString()).isEqualTo("{}");
    assertThat(deployment.at("/status").toString()).isEqualTo("{}");
  }

  @Test
  void quantitiesAreCanonical() {
    ObjectNode limitRange = written("v1", "LimitRange", """
        {"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "l"},
         "spec": {"limits": [{"type": "Container", "default": {"cpu": "1000m", "memory": "1024Mi"}, "max": {"cpu": 2}}]}}""");

    assertThat(limitRange.at("/spec/limits/0/default/cpu").asText()).isEqualTo("1");
    assertThat(limitRange.at("/spec/limits/0/default/memory").asText()).isEqualTo("1Gi");
    assertThat(limitRange.at("/spec/limits/0/max/cpu").asText()).isEqualTo("2");
  }
}
