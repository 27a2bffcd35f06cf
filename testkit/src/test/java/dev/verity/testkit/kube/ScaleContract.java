package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kubernetes' scale-subresource apply tests, transcribed: {@code test/integration/apiserver/apply/scale_test.go} of
 * kubernetes/kubernetes at commit {@value #COMMIT}. Objects go into this test's namespace rather than {@code default}.
 */
abstract class ScaleContract extends ContractBase {

  static final String COMMIT = "09649e58b5a1368929e194991a763afc8011795e";

  static String validAppsV1(String kind) {
    return """
        {
            "apiVersion": "apps/v1",
            "kind": "%s",
            "metadata": {
              "name": "test"
            },
            "spec": {
              "replicas": 1,
              "selector": {
                "matchLabels": {
                   "app": "nginx"
                }
              },
              "template": {
                "metadata": {
                  "labels": {
                    "app": "nginx"
                  }
                },
                "spec": {
                  "containers": [{
                    "name":  "nginx",
                    "image": "nginx:latest"
                  }]
                }
              }
            }
          }""".formatted(kind);
  }

  static final String VALID_V1_REPLICATION_CONTROLLER = """
      {
          "apiVersion": "v1",
          "kind": "ReplicationController",
          "metadata": {
            "name": "test"
          },
          "spec": {
            "replicas": 1,
            "selector": {
              "app": "nginx"
            },
            "template": {
              "metadata": {
                "labels": {
                  "app": "nginx"
                }
              },
              "spec": {
                "containers": [{
                  "name":  "nginx",
                  "image": "nginx:latest"
                }]
              }
            }
          }
        }""";

  static String scale(int replicas, String namespace) {
    return "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"test\",\"namespace\":\"" + namespace
        + "\"},\"spec\":{\"replicas\":" + replicas + "}}";
  }

  /** scale_test.go at {@value #COMMIT}, {@code TestScaleAllResources}, case Deployment. */
  @Test
  void scaleAllResourcesDeployment() {
    scaleAllResources(apps("deployments", "test"), validAppsV1("Deployment"));
  }

  /** scale_test.go at {@value #COMMIT}, {@code TestScaleAllResources}, case StatefulSet. */
  @Test
  void scaleAllResourcesStatefulSet() {
    scaleAllResources(apps("statefulsets", "test"), validAppsV1("StatefulSet"));
  }

  /** scale_test.go at {@value #COMMIT}, {@code TestScaleAllResources}, case ReplicaSet. */
  @Test
  void scaleAllResourcesReplicaSet() {
    scaleAllResources(apps("replicasets", "test"), validAppsV1("ReplicaSet"));
  }

  /** scale_test.go at {@value #COMMIT}, {@code TestScaleAllResources}, case ReplicationController. */
  @Test
  void scaleAllResourcesReplicationController() {
    scaleAllResources(core("replicationcontrollers", "test"), VALID_V1_REPLICATION_CONTROLLER);
  }

  private void scaleAllResources(String path, String validObject) {
    apply(path, "?fieldManager=apply_test", validObject).ok("create object using apply");
    assertReplicas(path, 1, "apply_test");

    patch(MERGE, path + "/scale", "?fieldManager=scale_test", "{\"spec\":{\"replicas\": 5}}").ok("scale object");
    assertReplicas(path, 5, "scale_test");

    Reply conflict = apply(path, "?fieldManager=apply_test", validObject);
    assertThat(conflict.code()).as("conflict re-applying the original object: %s", conflict).isEqualTo(409);

    apply(path, "?fieldManager=apply_test&force=true", validObject).ok("force-updating");
    assertReplicas(path, 1, "apply_test");

    Reply scaleConflict = apply(path + "/scale", "?fieldManager=apply_scale", scale(17, ns));
    assertThat(scaleConflict.code()).as("conflict applying a scale: %s", scaleConflict).isEqualTo(409);
    assertThat(scaleConflict.message()).as("conflict with apply_test").contains("apply_test");

    apply(path + "/scale", "?fieldManager=apply_scale&force=true", scale(17, ns)).ok("apply scale and force");
    assertReplicas(path, 17, "apply_scale");

    put(path + "/scale", "?fieldManager=replace_test", scale(7, ns)).ok("replace scale object");
    assertReplicas(path, 7, "replace_test");

    apply(path + "/scale", "?fieldManager=co_owning_test", scale(7, ns)).ok("apply the same number of replicas");
    assertReplicas(path, 7, "replace_test", "co_owning_test");

    patch(MERGE, path + "/scale", "?fieldManager=scale_test", "{\"spec\":{\"replicas\": 5}}").ok("scale object");
    assertReplicas(path, 5, "scale_test");
  }

  /** scale_test.go at {@value #COMMIT}, {@code TestScaleUpdateOnlyStatus}: a scale write of status only changes nothing and takes nothing. */
  @Test
  void scaleUpdateOnlyStatus() {
    String path = apps("deployments", "test");
    apply(path, "?fieldManager=apply_test", validAppsV1("Deployment")).ok("create object using apply");
    assertReplicas(path, 1, "apply_test");

    patch(MERGE, path + "/scale", "?fieldManager=scale_test", "{\"status\":{\"replicas\": 42}}").ok("scale object");
    assertReplicas(path, 1, "apply_test");
  }

  /** As the Go helpers {@code assertReplicasValue} and {@code assertReplicasOwnership}. */
  private void assertReplicas(String path, int value, String... managers) {
    JsonNode object = get(path).ok("retrieve object");
    assertThat(object.path("spec").path("replicas").isMissingNode()).as("Replicas field not found").isFalse();
    assertThat(object.path("spec").path("replicas").asInt()).as("replicas").isEqualTo(value);
    Set<String> owners = new HashSet<>();
    for (JsonNode entry : object.path("metadata").path("managedFields")) {
      if (entry.path("fieldsV1").path("f:spec").has("f:replicas")) {
        assertThat(List.of(managers)).as("unexpected field manager %s owning spec.replicas", entry.path("manager").asText())
            .contains(entry.path("manager").asText());
        owners.add(entry.path("manager").asText());
      }
    }
    assertThat(owners).as("replicas fields should be owned by").containsExactlyInAnyOrder(managers);
  }
}
