package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kubernetes' server-side apply integration tests, transcribed: {@code test/integration/apiserver/apply/apply_test.go}
 * of kubernetes/kubernetes at commit {@value #COMMIT}. Each test sends the requests the Go test sends (bodies,
 * content types, {@code fieldManager}, {@code force}) and asserts only what the Go test asserts. The Go tests work in
 * namespace {@code default}; these work in their own namespace (see {@link ContractBase}).
 */
abstract class ApplyContract extends ContractBase {

  static final String COMMIT = "4a37f009ca615534484b1116d0f147f1f23cf067";

  static final String NGINX_DEPLOYMENT = """
      {
      	"apiVersion": "apps/v1",
      	"kind": "Deployment",
      	"metadata": {
      		"name": "deployment",
      		"labels": {"app": "nginx"}
      	},
      	"spec": {
      		"replicas": 3,
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
      }""";

  static final String TEST_CM = """
      {
      	"apiVersion": "v1",
      	"kind": "ConfigMap",
      	"metadata": {
      		"name": "test-cm",
      		"namespace": "default",
      		"labels": {
      			"test-label": "test"
      		}
      	},
      	"data": {
      		"key": "value"
      	}
      }""";

  static final String JUST_A_POD = """
      {
      	"apiVersion": "v1",
      	"kind": "Pod",
      	"metadata": {
      		"name": "just-a-pod"
      	},
      	"spec": {
      		"containers": [{
      			"name":  "test-container-a",
      			"image": "test-image-one"
      		}]
      	}
      }""";

  static final String FIELD_MANAGER = "?fieldManager=apply_test";

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyAlsoCreates}, case {@code test-pod}. */
  @Test
  void applyAlsoCreatesPod() {
    applyAlsoCreates("pods", "test-pod", """
        {
        	"apiVersion": "v1",
        	"kind": "Pod",
        	"metadata": {
        		"name": "test-pod"
        	},
        	"spec": {
        		"containers": [{
        			"name":  "test-container",
        			"image": "test-image"
        		}]
        	}
        }""");
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyAlsoCreates}, case {@code test-svc}. */
  @Test
  void applyAlsoCreatesService() {
    applyAlsoCreates("services", "test-svc", """
        {
        	"apiVersion": "v1",
        	"kind": "Service",
        	"metadata": {
        		"name": "test-svc"
        	},
        	"spec": {
        		"ports": [{
        			"port": 8080,
        			"protocol": "UDP"
        		}]
        	}
        }""");
  }

  private void applyAlsoCreates(String resource, String name, String body) {
    apply(core(resource, name), FIELD_MANAGER, body).ok("create object using Apply patch");
    get(core(resource, name)).ok("retrieve object");
    apply(core(resource, name), "?fieldManager=apply_test_2", body).ok("re-apply object using Apply patch");
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestNoOpUpdateSameResourceVersion}: a PUT that changes nothing keeps the resourceVersion. */
  @Test
  void noOpUpdateSameResourceVersion() throws InterruptedException {
    String pod = """
        {
        	"apiVersion": "v1",
        	"kind": "Pod",
        	"metadata": {
        		"name": "no-op",
        		"labels": {
        			"a": "one",
        			"c": "two",
        			"b": "three"
        		}
        	},
        	"spec": {
        		"containers": [{
        			"name":  "test-container-a",
        			"image": "test-image-one"
        		},{
        			"name":  "test-container-c",
        			"image": "test-image-two"
        		},{
        			"name":  "test-container-b",
        			"image": "test-image-three"
        		}]
        	}
        }""";
    apply(core("pods", "no-op"), FIELD_MANAGER, pod).ok("create object");
    Thread.sleep(1000);
    Reply created = get(core("pods", "no-op"));
    created.ok("retrieve created object");

    put(core("pods", "no-op"), "", created.body()).ok("apply no-op update");

    Reply updated = get(core("pods", "no-op"));
    assertThat(updated.resourceVersion()).as("resourceVersion after a no-op PUT").isEqualTo(created.resourceVersion());
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestNoOpApplyWithEmptyMap}: re-applying an object with an empty map keeps the resourceVersion. */
  @Test
  void noOpApplyWithEmptyMap() throws InterruptedException {
    String deployment = """
        {
        	"apiVersion": "apps/v1",
        	"kind": "Deployment",
        	"metadata": {
        		"name": "no-op",
        		"labels": {
        			"app": "nginx"
        		}
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
        				"annotations": {},
        				"labels": {
        					"app": "nginx"
        				}
        			},
        			"spec": {
        				"containers": [{
        					"name": "nginx",
        					"image": "nginx:1.14.2",
        					"ports": [{
        						"containerPort": 80
        					}]
        				}]
        			}
        		}
        	}
        }""";
    apply(apps("deployments", "no-op"), FIELD_MANAGER, deployment).ok("create object");
    Thread.sleep(1000);
    Reply created = get(apps("deployments", "no-op"));
    created.ok("retrieve created object");

    apply(apps("deployments", "no-op"), FIELD_MANAGER, deployment).ok("re-apply object");

    Reply updated = get(apps("deployments", "no-op"));
    assertThat(updated.resourceVersion()).as("resourceVersion after a no-op apply").isEqualTo(created.resourceVersion());
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyEmptyMarkerStructDifferentFromNil}: dropping {@code emptyDir: {}} is a change. */
  @Test
  void applyEmptyMarkerStructDifferentFromNil() throws InterruptedException {
    String withEmptyDir = """
        {
        	"apiVersion": "v1",
        	"kind": "Pod",
        	"metadata": {
        		"name": "pod-with-empty-dir"
        	},
        	"spec": {
        		"containers": [{
        			"name":  "test-container-a",
        			"image": "test-image-one",
        			"volumeMounts": [{
        				"mountPath": "/cache",
        				"name": "cache-volume"
        			}],
        		}],
        		"volumes": [{
        			"name": "cache-volume",
        			"emptyDir": {}
        		}]
        	}
        }""";
    apply(core("pods", "pod-with-empty-dir"), FIELD_MANAGER, withEmptyDir).ok("create object");
    Thread.sleep(1000);
    Reply created = get(core("pods", "pod-with-empty-dir"));
    created.ok("retrieve created object");

    String noEmptyDir = """
        {
        	"apiVersion": "v1",
        	"kind": "Pod",
        	"metadata": {
        		"name": "pod-with-empty-dir"
        	},
        	"spec": {
        		"containers": [{
        			"name":  "test-container-a",
        			"image": "test-image-one",
        			"volumeMounts": [{
        				"mountPath": "/cache",
        				"name": "cache-volume"
        			}],
        		}],
        		"volumes": [{
        			"name": "cache-volume"
        		}]
        	}
        }""";
    apply(core("pods", "pod-with-empty-dir"), FIELD_MANAGER, noEmptyDir).ok("apply without emptyDir");

    Reply updated = get(core("pods", "pod-with-empty-dir"));
    assertThat(updated.resourceVersion()).as("resourceVersion after dropping emptyDir").isNotEqualTo(created.resourceVersion());
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestNoopChangeCreationTime}: a no-op apply answers exactly the object it answered before. */
  @Test
  void noopChangeCreationTime() throws InterruptedException {
    String configMap = """
        {
        	"apiVersion": "v1",
        	"kind": "ConfigMap",
        	"metadata": {
        		"name": "myconfig",
        		"creationTimestamp": null,
        		"resourceVersion": null
        	},
        	"data": {
        		"key": "value"
        	}
        }""";
    JsonNode first = apply(core("configmaps", "myconfig"), FIELD_MANAGER, configMap).ok("create object");
    Thread.sleep(1200);
    JsonNode second = apply(core("configmaps", "myconfig"), FIELD_MANAGER, configMap).ok("re-apply object");
    assertThat(second).isEqualTo(first);
  }

  static final String NGINX_STATEFULSET = """
      {
      	"apiVersion": "apps/v1",
      	"kind": "StatefulSet",
      	"metadata": {
      		"name": "nginx",
      		"labels": {"app": "nginx"}
      	},
      	"spec": {
      		"serviceName": "nginx",
      		"selector": { "matchLabels": {"app": "nginx"}},
      		"template": {
      			"metadata": {
      				"labels": {"app": "nginx"}
      			},
      			"spec": {
      				"containers": [{
      					"name":  "nginx",
      					"image": "nginx",
      					"resources": {
      						"limits": {"memory": "2048Mi"}
      					}
      				}]
      			}
      		},
      		"volumeClaimTemplates": [{
      			"metadata": {"name": "nginx"},
      			"spec": {
      				"accessModes": ["ReadWriteOnce"],
      				"resources": {"requests": {"storage": "1Gi"}}
      			}
      		}]
      	}
      }""";

  /** apply_test.go at {@value #COMMIT}, {@code TestNoSemanticUpdateApplySameResourceVersion}. */
  @Test
  void noSemanticUpdateApplySameResourceVersion() throws InterruptedException {
    String created = apply(apps("statefulsets", "nginx"), FIELD_MANAGER, NGINX_STATEFULSET).ok("create object")
        .path("metadata").path("resourceVersion").asText();
    Thread.sleep(1200);
    String applied = apply(apps("statefulsets", "nginx"), FIELD_MANAGER, NGINX_STATEFULSET).ok("re-apply object")
        .path("metadata").path("resourceVersion").asText();
    assertThat(applied).as("ResourceVersion changed after apply").isEqualTo(created);
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestNoSemanticUpdatePutSameResourceVersion}. */
  @Test
  void noSemanticUpdatePutSameResourceVersion() throws InterruptedException {
    String created = post(apps("statefulsets", null), FIELD_MANAGER, NGINX_STATEFULSET).ok("create object")
        .path("metadata").path("resourceVersion").asText();
    Thread.sleep(1200);
    String put = put(apps("statefulsets", "nginx"), FIELD_MANAGER, NGINX_STATEFULSET).ok("PUT the same object")
        .path("metadata").path("resourceVersion").asText();
    assertThat(put).as("ResourceVersion changed after similar PUT").isEqualTo(created);
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestCreateOnApplyFailsWithUID}: an apply that would create, with a uid, is a conflict. */
  @Test
  void createOnApplyFailsWithUid() {
    Reply reply = apply(core("pods", "test-pod-uid"), FIELD_MANAGER, """
        {
        	"apiVersion": "v1",
        	"kind": "Pod",
        	"metadata": {
        		"name": "test-pod-uid",
        		"uid":  "88e00824-7f0e-11e8-94a1-c8d3ffb15800"
        	},
        	"spec": {
        		"containers": [{
        			"name":  "test-container",
        			"image": "test-image"
        		}]
        	}
        }""");
    assertConflict(reply);
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyUpdateApplyConflictForced}. */
  @Test
  void applyUpdateApplyConflictForced() {
    String path = apps("deployments", "deployment");
    apply(path, FIELD_MANAGER, NGINX_DEPLOYMENT).ok("create object using Apply patch");
    patch(MERGE, path, "", "{\"spec\":{\"replicas\": 5}}").ok("patch object");

    Reply conflict = apply(path, FIELD_MANAGER, NGINX_DEPLOYMENT);
    assertThat(conflict.ok()).as("expecting conflicts when applying object: %s", conflict).isFalse();
    assertThat(conflict.causes()).as("conflicts as API error causes: %s", conflict).isNotEmpty();

    apply(path, "?force=true&fieldManager=apply_test", NGINX_DEPLOYMENT).ok("apply object with force");
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyManagedFields}: the exact shape of managedFields after an apply and two updates. */
  @Test
  void applyManagedFields() throws InterruptedException {
    String path = core("configmaps", "test-cm");
    apply(path, FIELD_MANAGER, inNamespace(TEST_CM)).ok("create object using Apply patch");
    patch(MERGE, path, "?fieldManager=updater", "{\"data\":{\"new-key\": \"value\"}}").ok("patch object");
    Thread.sleep(1000);
    patch(MERGE, path, "?fieldManager=updater", "{\"data\":{\"key\": \"new value\"}}").ok("patch object");

    ObjectNode object = (ObjectNode) get(path).ok("retrieve object");
    object.remove(List.of("apiVersion", "kind"));
    JsonNode meta = object.path("metadata");
    JsonNode managed = meta.path("managedFields");
    JsonNode expected = Json.parse("""
        {
          "metadata": {
            "name": "test-cm",
            "namespace": "%s",
            "uid": "%s",
            "resourceVersion": "%s",
            "creationTimestamp": "%s",
            "labels": {
              "test-label": "test"
            },
            "managedFields": [
              {
                "manager": "apply_test",
                "operation": "Apply",
                "apiVersion": "v1",
                "time": "%s",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                  "f:metadata": {
                    "f:labels": {
                      "f:test-label": {}
                    }
                  }
                }
              },
              {
                "manager": "updater",
                "operation": "Update",
                "apiVersion": "v1",
                "time": "%s",
                "fieldsType": "FieldsV1",
                "fieldsV1": {
                  "f:data": {
                    "f:key": {},
                    "f:new-key": {}
                  }
                }
              }
            ]
          },
          "data": {
            "key": "new value",
            "new-key": "value"
          }
        }""".formatted(ns, meta.path("uid").asText(), meta.path("resourceVersion").asText(),
        meta.path("creationTimestamp").asText(), managed.path(0).path("time").asText(),
        managed.path(1).path("time").asText()));
    assertThat(object).isEqualTo(expected);
    assertThat(managed.path(0).path("time").asText()).as("Expected times to be different")
        .isNotEqualTo(managed.path(1).path("time").asText());
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyRemovesEmptyManagedFields}: no manager without fields is kept. */
  @Test
  void applyRemovesEmptyManagedFields() {
    String body = inNamespace("""
        {
        	"apiVersion": "v1",
        	"kind": "ConfigMap",
        	"metadata": {
        		"name": "test-cm",
        		"namespace": "default"
        	}
        }""");
    String path = core("configmaps", "test-cm");
    apply(path, FIELD_MANAGER, body).ok("create object using Apply patch");
    apply(path, FIELD_MANAGER, body).ok("patch object");
    assertThat(get(path).ok("retrieve object").path("metadata").has("managedFields"))
        .as("Object contains unexpected managedFields").isFalse();
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyRequiresFieldManager}. */
  @Test
  void applyRequiresFieldManager() {
    String body = inNamespace("""
        {
        	"apiVersion": "v1",
        	"kind": "ConfigMap",
        	"metadata": {
        		"name": "test-cm",
        		"namespace": "default"
        	}
        }""");
    String path = core("configmaps", "test-cm");
    assertThat(apply(path, "", body).ok()).as("Apply should fail to create without fieldManager").isFalse();
    apply(path, FIELD_MANAGER, body).ok("Apply with fieldManager");
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyRemoveContainerPort}. */
  @Test
  void applyRemoveContainerPort() {
    String path = apps("deployments", "deployment");
    apply(path, FIELD_MANAGER, """
        {
        	"apiVersion": "apps/v1",
        	"kind": "Deployment",
        	"metadata": {
        		"name": "deployment",
        		"labels": {"app": "nginx"}
        	},
        	"spec": {
        		"replicas": 3,
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
        					"image": "nginx:latest",
        					"ports": [{
        						"containerPort": 80,
        						"protocol": "TCP"
        					}]
        				}]
        			}
        		}
        	}
        }""").ok("create object using Apply patch");
    apply(path, FIELD_MANAGER, NGINX_DEPLOYMENT)
        .ok("remove container port using Apply patch");
    JsonNode deployment = get(path).ok("retrieve object");
    assertThat(deployment.path("spec").path("template").path("spec").path("containers").path(0).path("ports"))
        .as("Expected no container ports").isEmpty();
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyFailsWithVersionMismatch}: an apply body of another apiVersion is a 400. */
  @Test
  void applyFailsWithVersionMismatch() {
    String path = apps("deployments", "deployment");
    apply(path, FIELD_MANAGER, NGINX_DEPLOYMENT).ok("create object using Apply patch");
    Reply mismatch = apply(path, FIELD_MANAGER, NGINX_DEPLOYMENT.replace("\"apiVersion\": \"apps/v1\"",
        "\"apiVersion\": \"extensions/v1beta\"").replace("\"replicas\": 3", "\"replicas\": 100"));
    assertThat(mismatch.code()).as("version mismatch: %s", mismatch).isEqualTo(400);
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyConvertsManagedFieldsVersion}: managedFields given on create are honoured. */
  @Test
  void applyConvertsManagedFieldsVersion() {
    post(apps("deployments", null), "", """
        {
        	"apiVersion": "apps/v1",
        	"kind": "Deployment",
        	"metadata": {
        		"name": "deployment",
        		"labels": {"app": "nginx"},
        		"managedFields": [
        			{
        				"manager": "sidecar_controller",
        				"operation": "Apply",
        				"apiVersion": "extensions/v1beta1",
        				"fieldsV1": {
        					"f:metadata": {
        						"f:labels": {
        							"f:sidecar_version": {}
        						}
        					},
        					"f:spec": {
        						"f:template": {
        							"f: spec": {
        								"f:containers": {
        									"k:{\\"name\\":\\"sidecar\\"}": {
        										".": {},
        										"f:image": {}
        									}
        								}
        							}
        						}
        					}
        				}
        			}
        		]
        	},
        	"spec": {
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
        }""").ok("create object");

    apply(apps("deployments", "deployment"), "?fieldManager=sidecar_controller", """
        {
        	"apiVersion": "apps/v1",
        	"kind": "Deployment",
        	"metadata": {
        		"name": "deployment",
        		"labels": {"sidecar_version": "release"}
        	},
        	"spec": {
        		"template": {
        			"spec": {
        				"containers": [{
        					"name":  "sidecar",
        					"image": "sidecar:latest"
        				}]
        			}
        		}
        	}
        }""").ok("apply object");

    List<JsonNode> managed = get(apps("deployments", "deployment")).managedFields();
    assertThat(managed).as("Expected 2 field managers").hasSize(2);
    JsonNode actual = managed.stream()
        .filter(e -> e.path("manager").asText().equals("sidecar_controller") && e.path("apiVersion").asText().equals("apps/v1"))
        .findFirst().orElseThrow(() -> new AssertionError("no sidecar_controller entry at apps/v1 in " + managed));
    ObjectNode expected = (ObjectNode) Json.parse("""
        {"manager": "sidecar_controller", "operation": "Apply", "apiVersion": "apps/v1", "fieldsType": "FieldsV1",
         "fieldsV1": {"f:metadata":{"f:labels":{"f:sidecar_version":{}}},"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"sidecar\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}}""");
    expected.set("time", actual.path("time"));
    assertThat(actual).isEqualTo(expected);
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestClearManagedFieldsWithMergePatch}: {@code managedFields: [{}]} resets ownership. */
  @Test
  void clearManagedFieldsWithMergePatch() {
    String path = core("configmaps", "test-cm");
    apply(path, FIELD_MANAGER, inNamespace(TEST_CM)).ok("create object using Apply patch");
    patch(MERGE, path, "", "{\"metadata\":{\"managedFields\": [{}]}}").ok("patch object");
    assertThat(get(path).managedFields()).as("Failed to clear managedFields").isEmpty();
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestClearManagedFieldsWithStrategicMergePatch}. */
  @Test
  void clearManagedFieldsWithStrategicMergePatch() {
    String path = core("configmaps", "test-cm");
    apply(path, FIELD_MANAGER, inNamespace(TEST_CM)).ok("create object using Apply patch");
    patch(STRATEGIC, path, "", "{\"metadata\":{\"managedFields\": [{}]}}").ok("patch object");
    Reply object = get(path);
    assertThat(object.managedFields()).as("Failed to clear managedFields").isEmpty();
    assertThat(object.json().path("metadata").path("labels")).as("Expected other fields to stay untouched").isNotEmpty();
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestClearManagedFieldsWithJSONPatch}. */
  @Test
  void clearManagedFieldsWithJsonPatch() {
    String path = core("configmaps", "test-cm");
    apply(path, FIELD_MANAGER, inNamespace(TEST_CM)).ok("create object using Apply patch");
    patch(JSON_PATCH, path, "", "[{\"op\": \"replace\", \"path\": \"/metadata/managedFields\", \"value\": [{}]}]").ok("patch object");
    assertThat(get(path).managedFields()).as("Failed to clear managedFields").isEmpty();
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestClearManagedFieldsWithUpdate}. */
  @Test
  void clearManagedFieldsWithUpdate() {
    String path = core("configmaps", "test-cm");
    apply(path, FIELD_MANAGER, inNamespace(TEST_CM)).ok("create object using Apply patch");
    put(path, "", inNamespace("""
        {
        	"apiVersion": "v1",
        	"kind": "ConfigMap",
        	"metadata": {
        		"name": "test-cm",
        		"namespace": "default",
        		"managedFields": [{}],
        		"labels": {
        			"test-label": "test"
        		}
        	},
        	"data": {
        		"key": "value"
        	}
        }""")).ok("update object");
    Reply object = get(path);
    assertThat(object.managedFields()).as("Failed to clear managedFields").isEmpty();
    assertThat(object.json().path("metadata").path("labels")).as("Expected other fields to stay untouched").isNotEmpty();
  }

  static final String EMPTY_FIELDS_TYPE_ENTRY = """
      {
      				"manager": "apply_test",
      				"operation": "Apply",
      				"apiVersion": "v1",
      				"time": "2019-07-08T09:31:18Z",
      				"fieldsType": "",
      				"fieldsV1": {}
      			}""";

  /** apply_test.go at {@value #COMMIT}, {@code TestErrorsDontFail}: a create whose managedFields cannot be decoded still succeeds. */
  @Test
  void errorsDontFail() {
    post(core("configmaps", null), FIELD_MANAGER, inNamespace(TEST_CM.replace("\"namespace\": \"default\",",
        "\"namespace\": \"default\",\n\t\t\"managedFields\": [" + EMPTY_FIELDS_TYPE_ENTRY + "],")))
        .ok("create object with empty fieldsType");
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestErrorsDontFailUpdate}. */
  @Test
  void errorsDontFailUpdate() {
    post(core("configmaps", null), FIELD_MANAGER, inNamespace(TEST_CM)).ok("create object");
    put(core("configmaps", "test-cm"), FIELD_MANAGER, inNamespace(TEST_CM.replace("\"namespace\": \"default\",",
        "\"namespace\": \"default\",\n\t\t\"managedFields\": [" + EMPTY_FIELDS_TYPE_ENTRY + "],")))
        .ok("update object with empty fieldsType");
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestErrorsDontFailPatch}. */
  @Test
  void errorsDontFailPatch() {
    post(core("configmaps", null), FIELD_MANAGER, inNamespace(TEST_CM)).ok("create object");
    patch(JSON_PATCH, core("configmaps", "test-cm"), FIELD_MANAGER,
        "[{\"op\": \"replace\", \"path\": \"/metadata/managedFields\", \"value\": [" + EMPTY_FIELDS_TYPE_ENTRY + "]}]")
        .ok("patch object with empty FieldsType");
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyDoesNotChangeManagedFieldsViaSubresources}. */
  @Test
  void applyDoesNotChangeManagedFieldsViaSubresources() {
    JsonNode live = apply(core("pods", "just-a-pod"), FIELD_MANAGER, JUST_A_POD).ok("create object");
    Reply updated = patch(MERGE, core("pods", "just-a-pod") + "/status", "?fieldManager=update_managedfields_test", """
        {
        	"metadata": {
        		"managedFields": [{
        			"manager":"testing",
        			"operation":"Update",
        			"apiVersion":"v1",
        			"fieldsType":"FieldsV1",
        			"fieldsV1":{
        				"f:spec":{
        					"f:containers":{
        						"k:{\\"name\\":\\"testing\\"}":{
        							".":{},
        							"f:image":{},
        							"f:name":{}
        						}
        					}
        				}
        			}
        		}]
        	},
        	"status": {
        		"conditions": [{"type": "MyStatus", "status":"true"}]
        	}
        }""");
    JsonNode newObject = updated.ok("update subresource");
    JsonNode liveManaged = live.path("metadata").path("managedFields");
    JsonNode newManaged = newObject.path("metadata").path("managedFields");
    assertThat(liveManaged).as("live managedFields").hasSize(1);
    assertThat(newManaged).as("new managedFields").hasSize(2);
    assertThat(newManaged.get(0)).as("managedFields updated via subresource").isEqualTo(liveManaged.get(0));
    assertThat(newManaged.get(1).path("manager").asText()).isEqualTo("update_managedfields_test");
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestClearManagedFieldsWithUpdateEmptyList}: {@code managedFields: []} stops tracking. */
  @Test
  void clearManagedFieldsWithUpdateEmptyList() {
    String path = core("configmaps", "test-cm");
    apply(path, FIELD_MANAGER, inNamespace(TEST_CM)).ok("create object using Apply patch");
    put(path, "", inNamespace("""
        {
        	"apiVersion": "v1",
        	"kind": "ConfigMap",
        	"metadata": {
        		"name": "test-cm",
        		"namespace": "default",
        		"managedFields": [],
        		"labels": {
        			"test-label": "test"
        		}
        	},
        	"data": {
        		"key": "value"
        	}
        }""")).ok("update object");
    patch(MERGE, path, "", "{\"metadata\":{\"labels\": { \"test-label\": \"v1\" }}}").ok("patch object");
    Reply object = get(path);
    assertThat(object.managedFields()).as("Failed to stop tracking managedFields").isEmpty();
    assertThat(object.json().path("metadata").path("labels")).as("Expected other fields to stay untouched").isNotEmpty();
  }

  static final String EXCLUSIVE_UNSET = """
      {
      	"apiVersion": "apps/v1",
      	"kind": "Deployment",
      	"metadata": {
      		"name": "%s",
      		"labels": {"app": "nginx"}
      	},
      	"spec": {
      		"replicas": 3,
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
      				"hostname": "test-hostname",
      				"containers": [{
      					"name":  "nginx",
      					"image": "nginx:latest"
      				}]
      			}
      		}
      	}
      }""";

  static final String EXCLUSIVE_UNSET_LATER = """
      {
      	"apiVersion": "apps/v1",
      	"kind": "Deployment",
      	"metadata": {
      		"name": "%s",
      		"labels": {"app": "nginx"}
      	},
      	"spec": {
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
      }""";

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyUnsetExclusivelyOwnedFields}: fields only the applier owned go (replicas back to its default). */
  @Test
  void applyUnsetExclusivelyOwnedFields() {
    String path = apps("deployments", "deployment-exclusive-unset");
    apply(path, FIELD_MANAGER, EXCLUSIVE_UNSET.formatted("deployment-exclusive-unset")).ok("create object using Apply patch");
    JsonNode deployment = apply(path, FIELD_MANAGER, EXCLUSIVE_UNSET_LATER.formatted("deployment-exclusive-unset"))
        .ok("apply without replicas and hostname");
    assertThat(deployment.path("spec").path("replicas").asInt()).as("spec.replicas back to its default").isEqualTo(1);
    assertThat(deployment.path("spec").path("template").path("spec").path("hostname").asText(""))
        .as("spec.template.spec.hostname unset").isEmpty();
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyUnsetSharedFields}: fields another manager also owns stay. */
  @Test
  void applyUnsetSharedFields() {
    String path = apps("deployments", "deployment-shared-unset");
    for (String manager : List.of("shared_owner_1", "shared_owner_2")) {
      apply(path, "?fieldManager=" + manager, EXCLUSIVE_UNSET.formatted("deployment-shared-unset")).ok("apply as " + manager);
    }
    JsonNode deployment = apply(path, "?fieldManager=shared_owner_1", EXCLUSIVE_UNSET_LATER.formatted("deployment-shared-unset"))
        .ok("apply without replicas and hostname");
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(3);
    assertThat(deployment.path("spec").path("template").path("spec").path("hostname").asText()).isEqualTo("test-hostname");
  }

  static final String SHARED_MAP_ITEM = """
      {
      	"apiVersion": "apps/v1",
      	"kind": "Deployment",
      	"metadata": {
      		"name": "deployment-shared-map-item-removal",
      		"labels": {"app": "nginx"}
      	},
      	"spec": {
      		%s"selector": {
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
      				%s"containers": [{
      					"name":  "%s",
      					"image": "nginx:latest",
      				}]
      			}
      		}
      	}
      }""";

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyCanTransferFieldOwnershipToController}. */
  @Test
  void applyCanTransferFieldOwnershipToController() {
    String path = apps("deployments", "deployment-shared-map-item-removal");
    ObjectNode applied = (ObjectNode) apply(path, "?fieldManager=test_applier",
        SHARED_MAP_ITEM.formatted("\"replicas\": 3,\n\t\t", "", "nginx")).ok("create object using Apply patch");
    ((ObjectNode) applied.path("spec")).put("replicas", 4);
    put(path, "?fieldManager=test_updater", Json.write(applied)).ok("update replicas as a controller");

    JsonNode deployment = apply(path, "?fieldManager=test_applier", SHARED_MAP_ITEM.formatted("", "", "nginx"))
        .ok("apply without replicas");
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(4);
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyCanRemoveMapItemsContributedToByControllers}. */
  @Test
  void applyCanRemoveMapItemsContributedToByControllers() {
    String path = apps("deployments", "deployment-shared-map-item-removal");
    ObjectNode applied = (ObjectNode) apply(path, "?fieldManager=test_applier", SHARED_MAP_ITEM.formatted("", "", "nginx"))
        .ok("create object using Apply patch");
    ((ObjectNode) applied.path("spec").path("template").path("spec").path("containers").path(0))
        .put("workingDir", "/home/replacement");
    put(path, "?fieldManager=test_updater", Json.write(applied)).ok("update workingDir as a controller");

    JsonNode deployment = apply(path, "?fieldManager=test_applier", SHARED_MAP_ITEM.formatted("\"replicas\": 3,\n\t\t",
        "\"hostname\": \"test-hostname\",\n\t\t\t\t", "other-container")).ok("apply with another container");
    JsonNode containers = deployment.path("spec").path("template").path("spec").path("containers");
    assertThat(containers).as("containers after apply").hasSize(1);
    assertThat(containers.path(0).path("name").asText()).isEqualTo("other-container");
  }

  static final String PORTS_DEPLOYMENT = """
      {
      	"apiVersion": "apps/v1",
      	"kind": "Deployment",
      	"metadata": {
      		"name": "deployment-shared-map-item-removal",
      		"labels": {"app": "nginx"}
      	},
      	"spec": {
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
      					"image": "nginx:latest",
      					"ports": [{
      						%s
      					}]
      				}]
      			}
      		}
      	}
      }""";

  /** apply_test.go at {@value #COMMIT}, {@code TestDefaultMissingKeys}: a defaulted key field (port protocol) matches an explicit one. */
  @Test
  void defaultMissingKeys() {
    String path = apps("deployments", "deployment-shared-map-item-removal");
    apply(path, "?fieldManager=test_applier", PORTS_DEPLOYMENT.formatted("\"name\": \"foo\",\n\t\t\t\t\t\t\"containerPort\": 80"))
        .ok("create object using Apply patch");
    Reply conflict = apply(path, "?fieldManager=test_applier_conflict", PORTS_DEPLOYMENT.formatted(
        "\"name\": \"bar\",\n\t\t\t\t\t\t\"containerPort\": 80,\n\t\t\t\t\t\t\"protocol\": \"TCP\""));
    assertThat(conflict.ok()).as("conflict expected: %s", conflict).isFalse();
    assertThat(conflict.causes()).as("one conflict: %s", conflict).hasSize(1);
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestUpgradeClientSideToServerSideApply}: kubectl's last-applied fields may be taken over. */
  @Test
  void upgradeClientSideToServerSideApply() {
    post(apps("deployments", null), "", yamlToJson("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: my-deployment
          annotations:
            "kubectl.kubernetes.io/last-applied-configuration": |
              {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"my-deployment","labels":{"app":"my-app"}},"spec":{"replicas": 3,"template":{"metadata":{"labels":{"app":"my-app"}},"spec":{"containers":[{"name":"my-c","image":"my-image"}]}}}}
          labels:
            app: my-app
        spec:
          replicas: 100000
          selector:
            matchLabels:
              app: my-app
          template:
            metadata:
              labels:
                app: my-app
            spec:
              containers:
              - name: my-c
                image: my-image
        """)).ok("create object");

    String path = apps("deployments", "my-deployment");
    Reply conflict = apply(path, "?fieldManager=kubectl", yamlToJson("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: my-deployment
          labels:
            app: my-new-label
        spec:
          replicas: 3 # expect conflict
          template:
            metadata:
              labels:
                app: my-app
            spec:
              containers:
              - name: my-c
                image: my-image
        """));
    assertConflict(conflict);

    apply(path, "?fieldManager=kubectl", yamlToJson("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: my-deployment
          labels:
            app: my-new-label
        spec:
          template:
            metadata:
              labels:
                app: my-app
            spec:
              containers:
              - name: my-c
                image: my-image-new
        """)).ok("apply object");

    JsonNode deployment = get(path).ok("get object");
    assertThat(deployment.path("spec").path("replicas").asInt()).isEqualTo(100000);
    assertThat(deployment.path("spec").path("template").path("spec").path("containers").path(0).path("image").asText())
        .isEqualTo("my-image-new");
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestRenamingAppliedFieldManagers}: renamed Apply managers merge, the later one winning. */
  @Test
  void renamingAppliedFieldManagers() {
    String pod = """
        {
        	"apiVersion": "v1",
        	"kind": "Pod",
        	"metadata": {
        		"name": "just-a-pod",
        		"labels": {
        			"a": "one"
        		}
        	},
        	"spec": {
        		"containers": [{
        			"name":  "test-container-a",
        			"image": "test-image-one"
        		}]
        	}
        }""";
    String path = core("pods", "just-a-pod");
    apply(path, "?fieldManager=multi_manager_one", pod).ok("apply");
    apply(path, "?fieldManager=multi_manager_two", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"labels\":{\"b\":\"two\"}}}")
        .ok("apply");

    ObjectNode live = (ObjectNode) get(path).ok("get object");
    assertThat(live.path("metadata").path("labels")).isEqualTo(Json.parse("{\"a\":\"one\",\"b\":\"two\"}"));
    live.path("metadata").path("managedFields").forEach(e -> ((ObjectNode) e).put("manager", "multi_manager"));

    List<JsonNode> managed = put(path, "", Json.write(live)).managedFields();
    assertThat(managed).as("managedFields after the rename").hasSize(1);
    JsonNode entry = managed.get(0);
    assertThat(entry.path("manager").asText()).isEqualTo("multi_manager");
    assertThat(entry.path("operation").asText()).isEqualTo("Apply");
    assertThat(entry.path("fieldsV1")).isEqualTo(Json.parse("{\"f:metadata\":{\"f:labels\":{\"f:b\":{}}}}"));
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestRenamingUpdatedFieldManagers}: renamed Update managers merge, the later one winning. */
  @Test
  void renamingUpdatedFieldManagers() {
    String path = core("pods", "just-a-pod");
    apply(path, "?fieldManager=first", JUST_A_POD).ok("create object");
    patch(MERGE, path, "?fieldManager=multi_manager_one", "{\"metadata\":{\"labels\":{\"a\":\"one\"}}}").ok("update");
    patch(MERGE, path, "?fieldManager=multi_manager_two", "{\"metadata\":{\"labels\":{\"b\":\"two\"}}}").ok("update");

    ObjectNode live = (ObjectNode) get(path).ok("get object");
    assertThat(live.path("metadata").path("labels")).isEqualTo(Json.parse("{\"a\":\"one\",\"b\":\"two\"}"));
    live.path("metadata").path("managedFields").forEach(e -> ((ObjectNode) e).put("manager", "multi_manager"));

    List<JsonNode> managed = put(path, "", Json.write(live)).managedFields();
    assertThat(managed).as("managedFields after the rename").hasSize(2);
    JsonNode entry = managed.get(1);
    assertThat(entry.path("manager").asText()).isEqualTo("multi_manager");
    assertThat(entry.path("operation").asText()).isEqualTo("Update");
    assertThat(entry.path("fieldsV1")).isEqualTo(Json.parse("{\"f:metadata\":{\"f:labels\":{\"f:b\":{}}}}"));
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestDroppingSubresourceField}: entries that differ only by subresource merge when it is dropped. */
  @Test
  void droppingSubresourceField() {
    String path = core("pods", "just-a-pod");
    apply(path, "?fieldManager=first", JUST_A_POD).ok("create object");
    apply(path, "?fieldManager=label_manager", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"labels\":{\"a\":\"one\"}}}")
        .ok("apply");
    apply(path + "/status", "?fieldManager=label_manager",
        "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"labels\":{\"b\":\"two\"}}}").ok("apply to status");

    ObjectNode live = (ObjectNode) get(path).ok("get object");
    assertThat(live.path("metadata").path("labels")).isEqualTo(Json.parse("{\"a\":\"one\",\"b\":\"two\"}"));
    JsonNode managed = live.path("metadata").path("managedFields");
    assertThat(managed).as("managedFields").hasSize(3);
    assertEntry(managed.get(1), "label_manager", "Apply", "");
    assertEntry(managed.get(2), "label_manager", "Apply", "status");
    managed.forEach(e -> ((ObjectNode) e).remove("subresource"));

    List<JsonNode> after = put(path, "", Json.write(live)).managedFields();
    assertThat(after).as("managedFields after dropping the subresource").hasSize(2);
    assertEntry(after.get(1), "label_manager", "Apply", "");
    assertThat(after.get(1).path("fieldsV1")).isEqualTo(Json.parse("{\"f:metadata\":{\"f:labels\":{\"f:b\":{}}}}"));
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestDroppingSubresourceFromSpecField}. */
  @Test
  void droppingSubresourceFromSpecField() {
    String path = core("pods", "just-a-pod");
    apply(path, "?fieldManager=first", JUST_A_POD).ok("create object");
    patch(MERGE, path, "?fieldManager=manager", "{\"metadata\":{\"labels\":{\"a\":\"two\"}}}").ok("update");
    patch(MERGE, path + "/status", "?fieldManager=manager", "{\"status\":{\"phase\":\"Running\"}}").ok("update status");

    ObjectNode live = (ObjectNode) get(path).ok("get object");
    assertThat(live.path("metadata").path("labels")).isEqualTo(Json.parse("{\"a\":\"two\"}"));
    assertThat(live.path("status").path("phase").asText()).isEqualTo("Running");
    JsonNode managed = live.path("metadata").path("managedFields");
    assertThat(managed).as("managedFields").hasSize(3);
    assertEntry(managed.get(1), "manager", "Update", "");
    assertEntry(managed.get(2), "manager", "Update", "status");
    managed.forEach(e -> ((ObjectNode) e).remove("subresource"));

    List<JsonNode> after = put(path, "", Json.write(live)).managedFields();
    assertThat(after).as("managedFields after dropping the subresource").hasSize(2);
    assertEntry(after.get(1), "manager", "Update", "");
    assertThat(after.get(1).path("fieldsV1")).isEqualTo(Json.parse("{\"f:status\":{\"f:phase\":{}}}"));
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestSubresourceField}: a scale write is an Update entry of subresource scale. */
  @Test
  void subresourceField() {
    String path = apps("deployments", "deployment");
    apply(path, "?fieldManager=manager", NGINX_DEPLOYMENT).ok("apply object");
    patch(MERGE, path + "/scale", "?fieldManager=manager", "{\"spec\":{\"replicas\":32}}").ok("update scale");

    JsonNode managed = get(path).ok("get object").path("metadata").path("managedFields");
    assertThat(managed).as("managedFields").hasSize(2);
    assertEntry(managed.get(0), "manager", "Apply", "");
    assertEntry(managed.get(1), "manager", "Update", "scale");
    assertThat(managed.get(1).path("fieldsV1")).isEqualTo(Json.parse("{\"f:spec\":{\"f:replicas\":{}}}"));
  }

  /** apply_test.go at {@value #COMMIT}, {@code TestApplyFormerlyAtomicFields}: claimRef is granular again; managedFields set by a patch are kept. */
  @Test
  void applyFormerlyAtomicFields() {
    deleteAfterwards("/api/v1/persistentvolumes/pv-storage");
    JsonNode original = post("/api/v1/persistentvolumes", FIELD_MANAGER, """
        {
        	"apiVersion": "v1",
        	"kind": "PersistentVolume",
        	"metadata": {
        		"creationTimestamp": "2022-06-08T23:46:32Z",
        		"finalizers": [
        			"kubernetes.io/pv-protection"
        		],
        		"labels": {
        			"type": "local"
        		},
        		"name": "pv-storage",
        		"uid": "112b18f7-fde6-4e48-aa61-f5168bd576b8"
        	},
        	"spec": {
        		"accessModes": [
        			"ReadWriteOnce"
        		],
        		"capacity": {
        			"storage": "16Mi"
        		},
        		"claimRef": {
        			"apiVersion": "v1",
        			"kind": "PersistentVolumeClaim",
        			"name": "pvc-storage",
        			"namespace": "default",
        			"resourceVersion": "15499",
        			"uid": "2018e302-7b12-406c-9fa2-e52535d29e48"
        		},
        		"hostPath": {
        			"path": "“/tmp/mydata",
        			"type": ""
        		},
        		"persistentVolumeReclaimPolicy": "Retain",
        		"volumeMode": "Filesystem"
        	},
        	"status": {
        		"phase": "Bound"
        	}
        }""").ok("create the PersistentVolume");

    patch(STRATEGIC, "/api/v1/persistentvolumes/pv-storage", FIELD_MANAGER, """
        {
        	"apiVersion": "v1",
        	"kind": "PersistentVolume",
        	"metadata": {
        		"name": "pv-storage",
        		"managedFields": [
        			{
        				"apiVersion": "v1",
        				"fieldsType": "FieldsV1",
        				"fieldsV1": {
        					"f:metadata": {
        						"f:labels": {
        							"f:type": {}
        						}
        					},
        					"f:spec": {
        						"f:accessModes": {},
        						"f:capacity": {
        							"f:storage": {}
        						},
        						"f:hostPath": {
        							"f:path": {}
        						},
        						"f:storageClassName": {}
        					}
        				},
        				"manager": "apply_test",
        				"operation": "Apply",
        				"time": "2022-06-08T23:46:32Z"
        			},
        			{
        				"apiVersion": "v1",
        				"fieldsType": "FieldsV1",
        				"fieldsV1": {
        					"f:status": {
        						"f:phase": {}
        					}
        				},
        				"manager": "kube-controller-manager",
        				"operation": "Update",
        				"subresource": "status",
        				"time": "2022-06-08T23:46:32Z"
        			},
        			{
        				"apiVersion": "v1",
        				"fieldsType": "FieldsV1",
        				"fieldsV1": {
        					"f:spec": {
        						"f:claimRef": {}
        					}
        				},
        				"manager": "kube-controller-manager",
        				"operation": "Update",
        				"time": "2022-06-08T23:46:37Z"
        			}
        		]
        	}
        }""").ok("set managedFields directly");

    JsonNode applied = apply("/api/v1/persistentvolumes/pv-storage", FIELD_MANAGER, """
        {
        	"kind": "PersistentVolume",
        	"apiVersion": "v1",
        	"metadata": {
        		"labels": {
        			"type": "local"
        		},
        		"name": "pv-storage",
        	},
        	"spec": {
        		"storageClassName": "",
        		"capacity": {
        			"storage": "16Mi"
        		},
        		"accessModes": [
        			"ReadWriteOnce"
        		],
        		"hostPath": {
        			"path": "“/tmp/mydata"
        		},
        		"claimRef": {
        			"name": "pvc-storage",
        			"namespace": "default"
        		}
        	}
        }""").ok("apply the original PersistentVolume");

    assertThat(applied.path("spec").path("claimRef")).as("claimRef changed unexpectedly")
        .isEqualTo(original.path("spec").path("claimRef"));
    ArrayNode expected = (ArrayNode) Json.parse("""
        [
        	{
        		"apiVersion": "v1",
        		"fieldsType": "FieldsV1",
        		"fieldsV1": {"f:metadata":{"f:labels":{"f:type":{}}},"f:spec":{"f:accessModes":{},"f:capacity":{"f:storage":{}},"f:claimRef":{"f:name":{},"f:namespace":{}},"f:hostPath":{"f:path":{}},"f:storageClassName":{}}},
        		"manager": "apply_test",
        		"operation": "Apply"
        	},
        	{
        		"apiVersion": "v1",
        		"fieldsType": "FieldsV1",
        		"fieldsV1": {"f:status":{"f:phase":{}}},
        		"manager": "kube-controller-manager",
        		"operation": "Update",
        		"subresource": "status"
        	},
        	{
        		"apiVersion": "v1",
        		"fieldsType": "FieldsV1",
        		"fieldsV1": {"f:spec":{"f:claimRef":{}}},
        		"manager": "kube-controller-manager",
        		"operation": "Update"
        	}
        ]""");
    List<JsonNode> actual = new ArrayList<>();
    applied.path("metadata").path("managedFields").forEach(e -> actual.add(((ObjectNode) e.deepCopy()).without("time")));
    assertThat(actual).containsExactlyElementsOf(expected::elements);
  }

  /**
   * apply_test.go at {@value #COMMIT}, {@code TestDuplicatesInAssociativeLists}: duplicates written by create and update are stored and owned
   * by key only; an apply takes over and replaces them.
   */
  @Test
  void duplicatesInAssociativeLists() {
    JsonNode daemon = post(apps("daemonsets", null), "?fieldManager=create", DuplicateLists.CREATE).ok("create the object");
    assertThat(env(daemon)).hasSize(3);
    assertThat(ports(daemon)).hasSize(3);
    expectManagedFields(daemon, "[" + DuplicateLists.CREATE_ENTRY + "]");

    daemon = apply(apps("daemonsets", "example-daemonset"), "?fieldManager=apply", DuplicateLists.APPLY).ok("apply the first object");
    assertThat(env(daemon)).hasSize(4);
    assertThat(ports(daemon)).hasSize(4);
    expectManagedFields(daemon, "[" + DuplicateLists.APPLY_ENTRY + "," + DuplicateLists.CREATE_ENTRY + "]");

    daemon = put(apps("daemonsets", "example-daemonset"), "?fieldManager=update", DuplicateLists.UPDATE).ok("update the object");
    assertThat(env(daemon)).hasSize(4);
    assertThat(ports(daemon)).hasSize(4);
    expectManagedFields(daemon, "[" + DuplicateLists.APPLY_ENTRY + "," + DuplicateLists.CREATE_ENTRY_AFTER_UPDATE + ","
        + DuplicateLists.UPDATE_ENTRY + "]");

    daemon = apply(apps("daemonsets", "example-daemonset"), "?fieldManager=apply&force=true", DuplicateLists.FORCE_APPLY)
        .ok("apply the second object");
    assertThat(env(daemon)).hasSize(2);
    assertThat(ports(daemon)).hasSize(2);
    expectManagedFields(daemon, "[" + DuplicateLists.FORCE_APPLY_ENTRY + "," + DuplicateLists.CREATE_ENTRY_AFTER_UPDATE + ","
        + DuplicateLists.UPDATE_ENTRY_AFTER_FORCE + "]");
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  static JsonNode env(JsonNode daemon) {
    return daemon.path("spec").path("template").path("spec").path("containers").path(0).path("env");
  }

  static JsonNode ports(JsonNode daemon) {
    return daemon.path("spec").path("template").path("spec").path("containers").path(0).path("ports");
  }

  /** As the Go helper: managedFields compared as JSON, with every {@code time} wiped. */
  static void expectManagedFields(JsonNode object, String expected) {
    ArrayNode actual = ((ArrayNode) object.path("metadata").path("managedFields")).deepCopy();
    actual.forEach(e -> ((ObjectNode) e).putNull("time"));
    assertThat(actual).isEqualTo(Json.parse(expected));
  }

  static void assertEntry(JsonNode entry, String manager, String operation, String subresource) {
    assertThat(entry.path("manager").asText()).as("manager of %s", entry).isEqualTo(manager);
    assertThat(entry.path("operation").asText()).as("operation of %s", entry).isEqualTo(operation);
    assertThat(entry.path("subresource").asText("")).as("subresource of %s", entry).isEqualTo(subresource);
  }

  static void assertConflict(Reply reply) {
    assertThat(reply.code()).as("expected a conflict: %s", reply).isEqualTo(409);
    assertThat(reply.reason()).as("expected a conflict: %s", reply).isEqualTo("Conflict");
  }

  /** What {@code yamlutil.ToJSON} does in the Go test. */
  static String yamlToJson(String yaml) {
    try {
      return Json.write(Json.YAML.readTree(yaml));
    } catch (java.io.IOException e) {
      throw new AssertionError("bad YAML in the test: " + e.getMessage(), e);
    }
  }
}
