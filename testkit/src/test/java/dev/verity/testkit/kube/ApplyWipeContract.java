package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kubernetes' managed-fields wipe integration tests, transcribed: {@code test/integration/apiserver/apply/apply_wipe_test.go}
 * of kubernetes/kubernetes at commit {@value #COMMIT} (the forerunner of reset_fields_test.go, from the days of the
 * ServerSideApply feature gate, which is always on now). Pods go into this test's namespace rather than
 * {@code default}, the per-resource objects into it rather than {@code reset-fields-namespace}.
 */
abstract class ApplyWipeContract extends ContractBase {

  static final String COMMIT = "e3bb2f2bc67e470f98b4b723d446a8f412453ecc";

  /** apply_wipe_test.go at {@value #COMMIT}, {@code TestWipeManagedFieldsForPod}: the status an apply sends is reset, and not owned. */
  @Test
  void wipeManagedFieldsForPod() {
    apply(core("pods", "test-pod-with-status"), "?fieldManager=apply_test", """
        {
        	"apiVersion": "v1",
        	"kind": "Pod",
        	"metadata": {
        		"name": "test-pod-with-status"
        	},
        	"spec": {
        		"containers": [{
        			"name":  "test-container",
        			"image": "test-image"
        		}]
        	},
        	"status": {
        		"phase": "testing"
        	}
        }""").ok("create object using Apply patch");

    JsonNode pod = get(core("pods", "test-pod-with-status")).ok("retrieve object");
    assertThat(pod.path("status").path("phase").asText()).as("Pod status should have been reset").isNotEqualTo("testing");
    JsonNode fieldsV1 = pod.path("metadata").path("managedFields").path(0).path("fieldsV1");
    assertThat(fieldsV1).isEqualTo(Json.parse(
        "{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"test-container\\\"}\":{\".\":{},\"f:image\":{},\"f:name\":{}}}}}"));
  }

  /**
   * apply_wipe_test.go at {@value #COMMIT}, {@code TestApplyWipeManagedFields}, subtest per resource with a status
   * subresource that the sandbox serves (the Go test skips customresourcedefinitions): an object created with a
   * status, then that status applied to the status subresource by another manager without force, which must not
   * conflict because the create owned no status. The create sends the stub as the Go test's dynamic client does,
   * without apiVersion and kind (the server takes them from the URL).
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"services.v1", "pods.v1", "resourcequotas.v1", "namespaces.v1", "nodes.v1", "persistentvolumes.v1",
      "persistentvolumeclaims.v1", "replicationcontrollers.v1", "daemonsets.apps.v1", "deployments.apps.v1",
      "statefulsets.apps.v1", "replicasets.apps.v1", "horizontalpodautoscalers.autoscaling.v1",
      "horizontalpodautoscalers.autoscaling.v2", "jobs.batch.v1", "cronjobs.batch.v1", "ingresses.networking.k8s.io.v1",
      "poddisruptionbudgets.policy.v1"})
  void applyWipeManagedFields(String resource) {
    EtcdStubs.Stub stub = EtcdStubs.find(ns, resource).orElseThrow();
    if (!stub.namespaced()) {
      deleteAfterwards(stub.path(ns));
    }
    String status = StatusContract.STATUS_DATA.getOrDefault(resource, StatusContract.STATUS_DEFAULT);
    ObjectNode created = (ObjectNode) Json.parse(stub.json());
    ResetFieldsContract.unmarshalInto(created, status);
    String collection = stub.path(ns).substring(0, stub.path(ns).lastIndexOf('/'));
    post(collection, "?fieldManager=create_test", Json.write(created)).ok("create " + stub);

    ObjectNode statusObject = (ObjectNode) Json.parse(status);
    statusObject.put("apiVersion", stub.apiVersion());
    statusObject.put("kind", stub.kind());
    statusObject.putObject("metadata").put("name", stub.name());
    apply(stub.path(ns) + "/status", "?fieldManager=apply_status_test", StatusContract.yaml(statusObject))
        .ok("an unforced apply of the status of " + stub);

    call("DELETE", stub.path(ns), JSON, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0}")
        .ok("deleting final object");
  }
}
