package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kubernetes' apply tests on custom resources, transcribed: {@code test/integration/apiserver/apply/apply_crd_test.go}
 * of kubernetes/kubernetes at commit {@value #COMMIT} ({@code TestApplyCRDStructuralSchema},
 * {@code TestDefaultMissingKeyCRD}, {@code TestNoOpApplyWithDefaultsSameResourceVersionCRD}), and at the older commit
 * {@value #OLD_COMMIT} for {@code TestApplyCRDNoSchema}, which the newer version no longer has. The older version
 * creates apiextensions.k8s.io/v1beta1 CRDs, which Kubernetes 1.22 removed; its CRD here is the v1 equivalent ("no
 * schema" is v1's allow-all schema, {@code x-kubernetes-preserve-unknown-fields: true}). The requests to the custom
 * resources are the Go tests'.
 */
abstract class ApplyCrdContract extends ContractBase {

  static final String COMMIT = "d57acd327f0c7de5b526fdd272059ad7d456c707";
  static final String OLD_COMMIT = "0475d32faf554eee6a13c8df1c213009c2f9162a";
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

  /** apply_crd_test.go at {@value #OLD_COMMIT}, {@code TestApplyCRDNoSchema}: apply, conflict after a merge patch, force. */
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

    Reply itemConflict = apply(path, "?fieldManager=apply_test_2", portY(80));
    assertThat(itemConflict.ok()).as("conflict on an existing list item: %s", itemConflict).isFalse();
    assertThat(itemConflict.causes()).as("one conflict: %s", itemConflict).hasSize(1);

    result = apply(path, "?fieldManager=apply_test_2", portY(8080)).ok("add a new list item as a different applier");
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

  /**
   * apply_crd_test.go at {@value #COMMIT}, {@code TestDefaultMissingKeyCRD}: a list-map key the applied item leaves out
   * takes its schema default ({@code protocol: TCP}), so another applier's item with the same key conflicts.
   */
  @Test
  void defaultMissingKeyCrd() {
    // the Go test's schema is the structural one with a default for protocol, and only containerPort required
    var schema = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(STRUCTURAL);
    var items = (com.fasterxml.jackson.databind.node.ObjectNode) schema.path("openAPIV3Schema").path("properties")
        .path("spec").path("properties").path("ports").path("items");
    ((com.fasterxml.jackson.databind.node.ObjectNode) items.path("properties").path("protocol")).put("default", "TCP");
    items.putArray("required").add("containerPort");
    createNoxuV1Crd(Json.write(schema));
    String path = COLLECTION + "/mytest";
    apply(path, "?fieldManager=apply_test", """

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
            containerPort: 80""".formatted(API_VERSION, KIND, "mytest")).ok("create custom resource with apply");

    Reply itemConflict = apply(path, "?fieldManager=apply_test_2", portY(80));
    assertThat(itemConflict.ok()).as("conflict on an existing list item: %s", itemConflict).isFalse();
    assertThat(itemConflict.causes()).as("one conflict: %s", itemConflict).hasSize(1);
  }

  /**
   * apply_crd_test.go at {@value #COMMIT}, {@code TestNoOpApplyWithDefaultsSameResourceVersionCRD}: re-applying a
   * configuration whose atomic map the server defaults is a no-op, keeping the resourceVersion.
   */
  @Test
  void noOpApplyWithDefaultsSameResourceVersionCrd() throws InterruptedException {
    createNoxuV1Crd("""
        {
        	"openAPIV3Schema": {
        		"type": "object",
        		"properties": {
        			"spec": {
        				"type": "object",
        				"properties": {
        					"infrastructureRef": {
        						"type": "object",
        						"properties": {
        							"name": {
        								"type": "string"
        							},
        							"namespace": {
        								"type": "string",
        								"default": "default-namespace"
        							}
        						},
        						"x-kubernetes-map-type": "atomic"
        					}
        				}
        			}
        		}
        	}
        }""");
    String path = COLLECTION + "/mytest";
    String body = infrastructureConfiguration(API_VERSION, KIND, "mytest");
    JsonNode created = apply(path, "?fieldManager=apply_test", body).ok("create custom resource with apply");
    // the Go test sleeps so that the times of the two operations differ
    Thread.sleep(1000);
    JsonNode updated = apply(path, "?fieldManager=apply_test", body).ok("update custom resource with apply");
    assertThat(updated.path("metadata").path("resourceVersion").asText())
        .as("resourceVersion after a no-op apply; old object %s, new object %s", created, updated)
        .isEqualTo(created.path("metadata").path("resourceVersion").asText());
  }

  /** The Go test's unstructured apply configuration, as the dynamic client sends it (JSON). */
  private static String infrastructureConfiguration(String apiVersion, String kind, String name) {
    var object = Json.object();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    object.putObject("metadata").put("name", name);
    object.putObject("spec").putObject("infrastructureRef").put("name", "infrastructure-machine-1\n");
    return Json.write(object);
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

  /** {@code NewNoxuV1CustomResourceDefinition} (cluster-scoped, one version v1beta1) with the given schema; waits until served. */
  private void createNoxuV1Crd(String schema) {
    post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "", """
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "noxus.%s"},
         "spec": {"group": "%s", "scope": "Cluster",
                  "versions": [{"name": "v1beta1", "served": true, "storage": true, "schema": %s}],
                  "names": {"plural": "noxus", "singular": "nonenglishnoxu", "kind": "%s", "listKind": "NoxuItemList",
                            "shortNames": ["foo", "bar", "abc", "def"], "categories": ["all"]}}}"""
        .formatted(GROUP, GROUP, schema, KIND)).ok("create the noxu CRD");
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> get(COLLECTION).code() == 200);
  }

  /** The Go tests' second applier's configuration: one port named y on {@code containerPort}, TCP. */
  static String portY(int containerPort) {
    return """

        apiVersion: %s
        kind: %s
        metadata:
          name: %s
        spec:
          ports:
          - name: "y"
            containerPort: %d
            protocol: TCP""".formatted(API_VERSION, KIND, "mytest", containerPort);
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
