package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kubernetes' apply tests on custom resources, transcribed: {@code test/integration/apiserver/apply/apply_crd_test.go}
 * of kubernetes/kubernetes at commit {@value #COMMIT}. That version creates apiextensions.k8s.io/v1beta1 CRDs, which
 * Kubernetes 1.22 removed; the CRDs here are their v1 equivalents (the same group, names, version and schema; "no
 * schema" is v1's allow-all schema, {@code x-kubernetes-preserve-unknown-fields: true}). The requests to the custom
 * resources are the Go test's.
 */
abstract class ApplyCrdContract extends ContractBase {

  static final String COMMIT = "0475d32faf554eee6a13c8df1c213009c2f9162a";
  static final String GROUP = "mygroup.example.com";
  static final String CRD = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/noxus." + GROUP;
  static final String COLLECTION = "/apis/" + GROUP + "/v1beta1/noxus";
  static final String API_VERSION = GROUP + "/v1beta1";
  static final String KIND = "WishIHadChosenNoxu";

  static final String ALLOW_ALL = "{\"openAPIV3Schema\": {\"type\": \"object\", \"x-kubernetes-preserve-unknown-fields\": true}}";

  static final String STRUCTURAL = """
      {
      	"openAPIV3Schema": {
      		"type": "object",
      		"properties": {
      			"spec": {
      				"type": "object",
      				"x-kubernetes-preserve-unknown-fields": true,
      				"properties": {
      					"cronSpec": {
      						"type": "string",
      						"pattern": "^(\\\\d+|\\\\*)(/\\\\d+)?(\\\\s+(\\\\d+|\\\\*)(/\\\\d+)?){4}$"
      					},
      					"ports": {
      						"type": "array",
      						"x-kubernetes-list-map-keys": [
      							"containerPort",
      							"protocol"
      						],
      						"x-kubernetes-list-type": "map",
      						"items": {
      							"properties": {
      								"containerPort": {
      									"format": "int32",
      									"type": "integer"
      								},
      								"hostIP": {
      									"type": "string"
      								},
      								"hostPort": {
      									"format": "int32",
      									"type": "integer"
      								},
      								"name": {
      									"type": "string"
      								},
      								"protocol": {
      									"type": "string"
      								}
      							},
      							"required": [
      								"containerPort",
      								"protocol"
      							],
      							"type": "object"
      						}
      					}
      				}
      			}
      		}
      	}
      }""";

  /** apply_crd_test.go at {@value #COMMIT}, {@code TestApplyCRDNoSchema}: apply, conflict after a merge patch, force. */
  @Test
  void applyCrdNoSchema() {
    createNoxuCrd(ALLOW_ALL);
    String path = COLLECTION + "/mytest";
    String yaml = """

        apiVersion: %s
        kind: %s
        metadata:
          name: %s
        spec:
          replicas: 1""".formatted(API_VERSION, KIND, "mytest");
    verifyReplicas(apply(path, "?fieldManager=apply_test", yaml).ok("create custom resource with apply"), 1);
    verifyReplicas(patch(MERGE, path, "", "{\"spec\":{\"replicas\": 5}}").ok("update number of replicas with merge patch"), 5);

    Reply conflict = apply(path, "?fieldManager=apply_test", yaml);
    assertThat(conflict.ok()).as("conflicts expected: %s", conflict).isFalse();
    assertThat(conflict.causes()).as("one conflict: %s", conflict).hasSize(1);

    verifyReplicas(apply(path, "?force=true&fieldManager=apply_test", yaml).ok("apply object with force"), 1);
  }

  /** apply_crd_test.go at {@value #COMMIT}, {@code TestApplyCRDStructuralSchema}: the CRD's schema gives list types and map keys to apply. */
  @Test
  void applyCrdStructuralSchema() {
    createNoxuCrd(STRUCTURAL);
    String path = COLLECTION + "/mytest";
    String yaml = """

        apiVersion: %s
        kind: %s
        metadata:
          name: %s
          finalizers:
          - test-finalizer
        spec:
          cronSpec: "* * * * */5"
          replicas: 1
          ports:
          - name: x
            containerPort: 80
            protocol: TCP""".formatted(API_VERSION, KIND, "mytest");
    JsonNode result = apply(path, "?fieldManager=apply_test", yaml).ok("create custom resource with apply");
    verifyFinalizers(result, "test-finalizer");
    verifyReplicas(result, 1);
    assertThat(result.path("spec").path("ports")).hasSize(1);

    result = patch(MERGE, path, "", "{\"metadata\":{\"finalizers\":[\"test-finalizer\",\"another-one\"]}}").ok("add finalizer");
    verifyFinalizers(result, "test-finalizer", "another-one");

    result = apply(path, "?fieldManager=apply_test", yaml).ok("apply same config after adding a finalizer");
    verifyFinalizers(result, "test-finalizer", "another-one");

    verifyReplicas(patch(MERGE, path, "", "{\"spec\":{\"replicas\": 5}}").ok("update number of replicas with merge patch"), 5);

    Reply conflict = apply(path, "?fieldManager=apply_test", yaml);
    assertThat(conflict.ok()).as("conflicts expected: %s", conflict).isFalse();
    assertThat(conflict.causes()).as("one conflict: %s", conflict).hasSize(1);

    verifyReplicas(apply(path, "?force=true&fieldManager=apply_test", yaml).ok("apply object with force"), 1);

    Reply itemConflict = apply(path, "?fieldManager=apply_test_2", """

        apiVersion: %s
        kind: %s
        metadata:
          name: %s
        spec:
          ports:
          - name: "y"
            containerPort: 80
            protocol: TCP""".formatted(API_VERSION, KIND, "mytest"));
    assertThat(itemConflict.ok()).as("conflict on an existing list item: %s", itemConflict).isFalse();
    assertThat(itemConflict.causes()).as("one conflict: %s", itemConflict).hasSize(1);

    result = apply(path, "?fieldManager=apply_test_2", """

        apiVersion: %s
        kind: %s
        metadata:
          name: %s
        spec:
          ports:
          - name: "y"
            containerPort: 8080
            protocol: TCP""".formatted(API_VERSION, KIND, "mytest")).ok("add a new list item as a different applier");
    assertThat(result.path("spec").path("ports")).hasSize(2);

    Reply createOnUpdate = put(COLLECTION + "/should-not-exist", "?fieldManager=apply_test", """

        	{
        		"apiVersion": "%s",
        		"kind": "%s",
        		"metadata": {
        		  "name": "%s",
        		  "finalizers": [
        			"test-finalizer"
        		  ]
        		},
        		"spec": {
        		  "cronSpec": "* * * * */5",
        		  "replicas": 1,
        		  "ports": [
        			{
        			  "name": "x",
        			  "containerPort": 80
        			}
        		  ]
        		},
        		"protocol": "TCP"
        	}""".formatted(API_VERSION, KIND, "should-not-exist"));
    assertThat(createOnUpdate.code()).as("create on update should fail with notFound: %s", createOnUpdate).isEqualTo(404);
  }

  @AfterEach
  void deleteNoxuCrd() {
    Reply mytest = get(COLLECTION + "/mytest");
    if (mytest.ok()) {
      patch(MERGE, COLLECTION + "/mytest", "", "{\"metadata\":{\"finalizers\":null}}");
    }
    call("DELETE", CRD, JSON, "");
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> get(CRD).code() == 404);
  }

  /** {@code NewMultipleVersionNoxuCRD} (cluster-scoped), in v1, with the given schema on each version; waits until served. */
  private void createNoxuCrd(String schema) {
    post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "", """
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "noxus.%s"},
         "spec": {"group": "%s", "scope": "Cluster",
                  "versions": [
                    {"name": "v1beta1", "served": true, "storage": true, "schema": %s},
                    {"name": "v1beta2", "served": true, "storage": false, "schema": %s},
                    {"name": "v0", "served": false, "storage": false, "schema": %s}],
                  "names": {"plural": "noxus", "singular": "nonenglishnoxu", "kind": "%s", "listKind": "NoxuItemList",
                            "shortNames": ["foo", "bar", "abc", "def"], "categories": ["all"]}}}"""
        .formatted(GROUP, GROUP, schema, schema, schema, KIND)).ok("create the noxu CRD");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> get(COLLECTION).code() == 200);
  }

  static void verifyReplicas(JsonNode object, int replicas) {
    JsonNode value = object.path("spec").path("replicas");
    assertThat(value.isIntegralNumber()).as("replicas is an integer in %s", object).isTrue();
    assertThat(value.asInt()).isEqualTo(replicas);
  }

  static void verifyFinalizers(JsonNode object, String... finalizers) {
    assertThat(object.path("metadata").path("finalizers")).hasSize(finalizers.length);
    for (String finalizer : finalizers) {
      assertThat(object.path("metadata").path("finalizers").toString()).contains("\"" + finalizer + "\"");
    }
  }
}
