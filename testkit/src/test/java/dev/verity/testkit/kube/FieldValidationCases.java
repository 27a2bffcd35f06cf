package dev.verity.testkit.kube;

import java.util.List;

/**
 * The bodies and table cases of {@code test/integration/apiserver/field_validation_test.go}, kubernetes/kubernetes at
 * commit {@value FieldValidationContract#COMMIT}, kept apart from {@link FieldValidationContract} for their length.
 * Bodies are the Go test's raw strings character for character (tabs, leading and trailing newlines), since YAML
 * duplicate-key errors name lines; the bodies only its benchmarks use are left out.
 */
final class FieldValidationCases {

  private FieldValidationCases() {
  }

  /**
   * One table case: its name, the {@code fieldValidation} option ("" for none), the body, the content type ("" for
   * client-go's JSON), the patch type where the case is a patch, the strict decoding error the answer's message must
   * end with ("" for none: the request must succeed), and the exact warnings, in order.
   */
  record Case(String name, String validation, String body, String contentType, String patchType, String error,
      List<String> warnings) {

    String query(String fieldManager) {
      StringBuilder query = new StringBuilder();
      if (!validation.isEmpty()) {
        query.append("fieldValidation=").append(validation);
      }
      if (fieldManager != null) {
        query.append(query.isEmpty() ? "" : "&").append("fieldManager=").append(fieldManager);
      }
      return query.isEmpty() ? "" : "?" + query;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * A case of {@code testFinalizerValidationApplyCreateAndUpdateCRD}: the finalizers applied on create and (when not
   * empty) on the update, and the exact warnings each answer carries.
   */
  record FinalizerCase(String name, List<String> finalizer, List<String> updatedFinalizer, List<String> createWarnings,
      List<String> updateWarnings) {

    @Override
    public String toString() {
      return name;
    }
  }

  private static Case c(String name, String validation, String body, String contentType, String error, List<String> warnings) {
    return new Case(name, validation, body, contentType, "", error, warnings);
  }

  private static Case p(String name, String validation, String patchType, String body, String error, List<String> warnings) {
    return new Case(name, validation, body, "", patchType, error, warnings);
  }

  private static final String YAML = "application/yaml";
  private static final String NONE = "";

  /** Go's {@code strict decoding error: } followed by the errors joined by {@code ", "}. */
  private static String strict(List<String> errors) {
    return "strict decoding error: " + String.join(", ", errors);
  }

  /** A YAML body's errors: its duplicate keys as one {@code yaml: unmarshal errors} entry, then the rest. */
  private static String strictYaml(List<String> lines, List<String> rest) {
    return strict(java.util.stream.Stream.concat(
        java.util.stream.Stream.of("yaml: unmarshal errors:\n  " + String.join("\n  ", lines)), rest.stream()).toList());
  }

  /** What apply answers for duplicate keys under Strict. */
  private static String applyStrict(List<String> lines) {
    return "error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  " + String.join("\n  ", lines);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }

  // ---- the Go test's package-level bodies -----------------------------------------------------------------------------

  /** {@code invalidBodyJSON}. */
  static final String INVALID_BODY_JSON = """

      	{
      		"apiVersion": "apps/v1",
      		"kind": "Deployment",
      		"metadata": {
      			"name": "dupename",
      			"name": "%s",
      			"labels": {"app": "nginx"},
      			"unknownMeta": "metaVal"
      		},
      		"spec": {
      			"unknown1": "val1",
      			"unknownDupe": "valDupe",
      			"unknownDupe": "valDupe2",
      			"paused": true,
      			"paused": false,
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
      						"unknownNested": "val1",
      						"imagePullPolicy": "Always",
      						"imagePullPolicy": "Never"
      					}]
      				}
      			}
      		}
      	}
      \t\t\
      """;

  /** {@code validBodyJSON}. */
  static final String VALID_BODY_JSON = """

      {
      	"apiVersion": "apps/v1",
      	"kind": "Deployment",
      	"metadata": {
      		"name": "%s",
      		"labels": {"app": "nginx"},
      		"annotations": {"a1": "foo", "a2": "bar"}
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
      					"imagePullPolicy": "Always"
      				}]
      			}
      		},
      		"replicas": 2
      	}
      }\
      """;

  /** {@code invalidBodyYAML}. */
  static final String INVALID_BODY_YAML = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: dupename
        name: %s
        unknownMeta: metaVal
        labels:
          app: nginx
      spec:
        unknown1: val1
        unknownDupe: valDupe
        unknownDupe: valDupe2
        paused: true
        paused: false
        selector:
          matchLabels:
            app: nginx
        template:
          metadata:
            labels:
              app: nginx
          spec:
            containers:
            - name: nginx
              image: nginx:latest
              unknownNested: val1
              imagePullPolicy: Always
              imagePullPolicy: Never\
      """;

  /** {@code applyInvalidBody}. */
  static final String APPLY_INVALID_BODY = """
      {
      		"apiVersion": "apps/v1",
      		"kind": "Deployment",
      		"metadata": {
      			"name": "%s",
      			"labels": {"app": "nginx"}
      		},
      		"spec": {
      			"paused": false,
      			"paused": true,
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
      						"imagePullPolicy": "Never",
      						"imagePullPolicy": "Always"
      					}]
      				}
      			}
      		}
      	}\
      """;

  /** {@code crdInvalidBody}. */
  static final String CRD_INVALID_BODY = """

      {
      	"apiVersion": "%s",
      	"kind": "%s",
      	"metadata": {
      		"name": "dupename",
      		"name": "%s",
      		"unknownMeta": "metaVal",
      		"resourceVersion": "%s"
      	},
      	"spec": {
      		"unknown1": "val1",
      		"unknownDupe": "valDupe",
      		"unknownDupe": "valDupe2",
      		"knownField1": "val1",
      		"knownField1": "val2",
      			"ports": [{
      				"name": "portName",
      				"containerPort": 8080,
      				"protocol": "TCP",
      				"hostPort": 8081,
      				"hostPort": 8082,
      				"unknownNested": "val"
      			}],
      		"embeddedObj": {
      			"apiVersion": "v1",
      			"kind": "ConfigMap",
      			"metadata": {
      				"name": "my-cm",
      				"namespace": "my-ns",
      				"unknownEmbeddedMeta": "foo"
      			}
      		}
      	}
      }\
      """;

  /** {@code crdValidBody}. */
  static final String CRD_VALID_BODY = """

      {
      	"apiVersion": "%s",
      	"kind": "%s",
      	"metadata": {
      		"name": "%s",
      		"resourceVersion": "%s"
      	},
      	"spec": {
      		"knownField1": "val1",
      			"ports": [{
      				"name": "portName",
      				"containerPort": 8080,
      				"protocol": "TCP",
      				"hostPort": 8081
      			}],
      		"embeddedObj": {
      			"apiVersion": "v1",
      			"kind": "ConfigMap",
      			"metadata": {
      				"name": "my-cm"
      			}
      		}
      	}
      }
      \t\
      """;

  /** {@code crdInvalidBodyYAML}. */
  static final String CRD_INVALID_BODY_YAML = """

      apiVersion: "%s"
      kind: "%s"
      metadata:
        name: dupename
        name: "%s"
        resourceVersion: "%s"
        unknownMeta: metaVal
      spec:
        unknown1: val1
        unknownDupe: valDupe
        unknownDupe: valDupe2
        knownField1: val1
        knownField1: val2
        ports:
        - name: portName
          containerPort: 8080
          protocol: TCP
          hostPort: 8081
          hostPort: 8082
          unknownNested: val
        embeddedObj:
          apiVersion: v1
          kind: ConfigMap
          metadata:
            name: my-cm
            namespace: my-ns
            unknownEmbeddedMeta: foo\
      """;

  /** {@code crdApplyInvalidBody}. */
  static final String CRD_APPLY_INVALID_BODY = """

      {
      	"apiVersion": "%s",
      	"kind": "%s",
      	"metadata": {
      		"name": "%s"
      	},
      	"spec": {
      		"knownField1": "val1",
      		"knownField1": "val2",
      		"ports": [{
      			"name": "portName",
      			"containerPort": 8080,
      			"protocol": "TCP",
      			"hostPort": 8081,
      			"hostPort": 8082
      		}],
      		"embeddedObj": {
      			"apiVersion": "v1",
      			"kind": "ConfigMap",
      			"metadata": {
      				"name": "my-cm",
      				"namespace": "my-ns"
      			}
      		}
      	}
      }\
      """;

  /** {@code crdApplyValidBody}. */
  static final String CRD_APPLY_VALID_BODY = """

      {
      	"apiVersion": "%s",
      	"kind": "%s",
      	"metadata": {
      		"name": "%s"
      	},
      	"spec": {
      		"knownField1": "val1",
      		"ports": [{
      			"name": "portName",
      			"containerPort": 8080,
      			"protocol": "TCP",
      			"hostPort": 8082
      		}],
      		"embeddedObj": {
      			"apiVersion": "v1",
      			"kind": "ConfigMap",
      			"metadata": {
      				"name": "my-cm",
      				"namespace": "my-ns"
      			}
      		}
      	}
      }\
      """;

  /** {@code crdApplyFinalizerBody}. */
  static final String CRD_APPLY_FINALIZER_BODY = """

      {
      	"apiVersion": "%s",
      	"kind": "%s",
      	"metadata": {
      		"name": "%s",
      		"finalizers": %s
      	},
      	"spec": {
      		"knownField1": "val1",
      		"ports": [{
      			"name": "portName",
      			"containerPort": 8080,
      			"protocol": "TCP",
      			"hostPort": 8082
      		}],
      		"embeddedObj": {
      			"apiVersion": "v1",
      			"kind": "ConfigMap",
      			"metadata": {
      				"name": "my-cm",
      				"namespace": "my-ns"
      			}
      		}
      	}
      }\
      """;

  /** {@code patchYAMLBody} (package level): creates the CR of a {@code testFieldValidationPatchCRDSchemaless} case. */
  static final String PATCH_YAML_BODY = """

      apiVersion: %s
      kind: %s
      metadata:
        name: %s
        finalizers:
        - test/finalizer
      spec:
        cronSpec: "* * * * */5"
        ports:
        - name: x
          containerPort: 80
          protocol: TCP
      \
      """;

  /** {@code patchYAMLBody} local to {@code testFieldValidationPatchCRD} (the package one without its last newline). */
  static final String PATCH_CRD_YAML_BODY = """

      apiVersion: %s
      kind: %s
      metadata:
        name: %s
        finalizers:
        - test/finalizer
      spec:
        cronSpec: "* * * * */5"
        ports:
        - name: x
          containerPort: 80
          protocol: TCP\
      """;

  /** {@code crdSchemaBase}: the CRDs' schema; {@code %s} takes the schemaless CRD's preserve-unknown-fields line. */
  static final String CRD_SCHEMA_BASE = """

      {
      		"openAPIV3Schema": {
      			"type": "object",
      			"properties": {
      				"spec": {
      					"type": "object",
      					%s
      					"properties": {
      						"cronSpec": {
      							"type": "string",
      							"pattern": "^(\\\\d+|\\\\*)(/\\\\d+)?(\\\\s+(\\\\d+|\\\\*)(/\\\\d+)?){4}$"
      						},
      						"knownField1": {
      							"type": "string"
      						},
      						"embeddedObj": {
      							"x-kubernetes-embedded-resource": true,
      							"type": "object",
      							"properties": {
      								"apiversion": {
      									"type": "string"
      								},
      								"kind": {
      									"type": "string"
      								},
      								"metadata": {
      									"type": "object"
      								}
      							}
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
      	}
      \t\
      """;

  /** {@code mergePatchBody}, local to {@code testFieldValidationPatchTyped}. */
  static final String MERGE_PATCH_BODY = """

      {
      	"spec": {
      		"unknown1": "val1",
      		"unknownDupe": "valDupe",
      		"unknownDupe": "valDupe2",
      		"paused": true,
      		"paused": false,
      		"template": {
      			"spec": {
      				"containers": [{
      					"name": "nginx",
      					"image": "nginx:latest",
      					"unknownNested": "val1",
      					"imagePullPolicy": "Always",
      					"imagePullPolicy": "Never"
      				}]
      			}
      		}
      	}
      }
      \t\
      """;

  /** {@code jsonPatchBody}, local to {@code testFieldValidationPatchTyped}. */
  static final String JSON_PATCH_BODY = """

      			[
      				{"op": "add", "path": "/spec/unknown1", "value": "val1", "foo":"bar"},
      				{"op": "add", "path": "/spec/unknown2", "path": "/spec/unknown3", "value": "val1"},
      				{"op": "add", "path": "/spec/unknownDupe", "value": "valDupe"},
      				{"op": "add", "path": "/spec/unknownDupe", "value": "valDupe2"},
      				{"op": "add", "path": "/spec/paused", "value": true},
      				{"op": "add", "path": "/spec/paused", "value": false},
      				{"op": "add", "path": "/spec/template/spec/containers/0/unknownNested", "value": "val1"},
      				{"op": "add", "path": "/spec/template/spec/containers/0/imagePullPolicy", "value": "Always"},
      				{"op": "add", "path": "/spec/template/spec/containers/0/imagePullPolicy", "value": "Never"}
      			]
      \t\t\t\
      """;

  /** {@code nonconflictingMergePatchBody}, local to {@code testFieldValidationPatchTyped}. */
  static final String NONCONFLICTING_MERGE_PATCH_BODY = """

      {
      	"spec": {
      		"paused": true,
      		"paused": false,
      		"template": {
      			"spec": {
      				"containers": [{
      					"name": "nginx",
      					"image": "nginx:latest",
      					"imagePullPolicy": "Always",
      					"imagePullPolicy": "Never"
      				}]
      			}
      		}
      	}
      }
      \t\t\t\
      """;

  /** {@code nonconflictingSMPBody}, local to {@code testFieldValidationSMP}. */
  static final String NONCONFLICTING_SMP_BODY = """

      	{
      		"spec": {
      			"paused": true,
      			"paused": false,
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
      						"name": "nginx",
      						"imagePullPolicy": "Always",
      						"imagePullPolicy": "Never"
      					}]
      				}
      			}
      		}
      	}
      \t\
      """;

  /** {@code smpBody}, local to {@code testFieldValidationSMP}. */
  static final String SMP_BODY = """

      	{
      		"spec": {
      			"unknown1": "val1",
      			"unknownDupe": "valDupe",
      			"unknownDupe": "valDupe2",
      			"paused": true,
      			"paused": false,
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
      						"name": "nginx",
      						"unknownNested": "val1",
      						"imagePullPolicy": "Always",
      						"imagePullPolicy": "Never"
      					}]
      				}
      			}
      		}
      	}
      \t\
      """;

  /** {@code mergePatchBody}, local to {@code testFieldValidationPatchCRD[Schemaless]} (the same in both). */
  static final String CRD_MERGE_PATCH_BODY = """

      {
      	"spec": {
      		"unknown1": "val1",
      		"unknownDupe": "valDupe",
      		"unknownDupe": "valDupe2",
      		"knownField1": "val1",
      		"knownField1": "val2",
      			"ports": [{
      				"name": "portName",
      				"containerPort": 8080,
      				"protocol": "TCP",
      				"hostPort": 8081,
      				"hostPort": 8082,
      				"unknownNested": "val"
      			}]
      	}
      }
      \t\
      """;

  /** {@code jsonPatchBody}, local to {@code testFieldValidationPatchCRD[Schemaless]} (the same in both). */
  static final String CRD_JSON_PATCH_BODY = """

      			[
      				{"op": "add", "path": "/spec/unknown1", "value": "val1", "foo": "bar"},
      				{"op": "add", "path": "/spec/unknown2", "path": "/spec/unknown3", "value": "val2"},
      				{"op": "add", "path": "/spec/unknownDupe", "value": "valDupe"},
      				{"op": "add", "path": "/spec/unknownDupe", "value": "valDupe2"},
      				{"op": "add", "path": "/spec/knownField1", "value": "val1"},
      				{"op": "add", "path": "/spec/knownField1", "value": "val2"},
      				{"op": "add", "path": "/spec/ports/0/name", "value": "portName"},
      				{"op": "add", "path": "/spec/ports/0/containerPort", "value": 8080},
      				{"op": "add", "path": "/spec/ports/0/protocol", "value": "TCP"},
      				{"op": "add", "path": "/spec/ports/0/hostPort", "value": 8081},
      				{"op": "add", "path": "/spec/ports/0/hostPort", "value": 8082},
      				{"op": "add", "path": "/spec/ports/0/unknownNested", "value": "val"}
      			]
      \t\t\t\
      """;

  // ---- typed objects (Deployments) ------------------------------------------------------------------------------------

  static final List<String> TYPED_JSON = List.of("duplicate field \"metadata.name\"", "unknown field \"metadata.unknownMeta\"",
      "unknown field \"spec.unknown1\"", "unknown field \"spec.unknownDupe\"", "duplicate field \"spec.paused\"",
      "unknown field \"spec.template.spec.containers[0].unknownNested\"",
      "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"");
  static final List<String> TYPED_YAML_LINES = List.of("line 5: key \"name\" already set in map",
      "line 12: key \"unknownDupe\" already set in map", "line 14: key \"paused\" already set in map",
      "line 28: key \"imagePullPolicy\" already set in map");
  static final List<String> TYPED_YAML_UNKNOWN = List.of("unknown field \"metadata.unknownMeta\"",
      "unknown field \"spec.template.spec.containers[0].unknownNested\"", "unknown field \"spec.unknown1\"",
      "unknown field \"spec.unknownDupe\"");

  /** The table of {@code testFieldValidationPost} ({@code prefix} "post-") and of {@code testFieldValidationPut} ("put-"). */
  static List<Case> typedWrite(String prefix) {
    return List.of(
        c(prefix + "strict-validation", "Strict", INVALID_BODY_JSON, NONE, strict(TYPED_JSON), List.of()),
        c(prefix + "warn-validation", "Warn", INVALID_BODY_JSON, NONE, "", TYPED_JSON),
        c(prefix + "ignore-validation", "Ignore", INVALID_BODY_JSON, NONE, "", List.of()),
        c(prefix + "no-validation", "", INVALID_BODY_JSON, NONE, "", TYPED_JSON),
        c(prefix + "strict-validation-yaml", "Strict", INVALID_BODY_YAML, YAML, strictYaml(TYPED_YAML_LINES, TYPED_YAML_UNKNOWN),
            List.of()),
        c(prefix + "warn-validation-yaml", "Warn", INVALID_BODY_YAML, YAML, "", concat(TYPED_YAML_LINES, TYPED_YAML_UNKNOWN)),
        c(prefix + "ignore-validation-yaml", "Ignore", INVALID_BODY_YAML, YAML, "", List.of()),
        c(prefix + "no-validation-yaml", "", INVALID_BODY_YAML, YAML, "", concat(TYPED_YAML_LINES, TYPED_YAML_UNKNOWN)));
  }

  static final List<String> MERGE = List.of("duplicate field \"spec.unknownDupe\"", "duplicate field \"spec.paused\"",
      "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"",
      "unknown field \"spec.template.spec.containers[0].unknownNested\"", "unknown field \"spec.unknown1\"",
      "unknown field \"spec.unknownDupe\"");
  static final List<String> JSON_PATCH = List.of("json patch unknown field \"[0].foo\"", "json patch duplicate field \"[1].path\"",
      "unknown field \"spec.template.spec.containers[0].unknownNested\"", "unknown field \"spec.unknown1\"",
      "unknown field \"spec.unknown3\"", "unknown field \"spec.unknownDupe\"");
  static final List<String> NONCONFLICTING = List.of("duplicate field \"spec.paused\"",
      "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"");

  /** The table of {@code testFieldValidationPatchTyped} (its patch bodies are local to that function). */
  static final List<Case> PATCH_TYPED = List.of(
      p("merge-patch-strict-validation", "Strict", ContractBase.MERGE, MERGE_PATCH_BODY, strict(MERGE), List.of()),
      p("merge-patch-warn-validation", "Warn", ContractBase.MERGE, MERGE_PATCH_BODY, "", MERGE),
      p("merge-patch-ignore-validation", "Ignore", ContractBase.MERGE, MERGE_PATCH_BODY, "", List.of()),
      p("merge-patch-no-validation", "", ContractBase.MERGE, MERGE_PATCH_BODY, "", MERGE),
      p("json-patch-strict-validation", "Strict", ContractBase.JSON_PATCH, JSON_PATCH_BODY, strict(JSON_PATCH), List.of()),
      p("json-patch-warn-validation", "Warn", ContractBase.JSON_PATCH, JSON_PATCH_BODY, "", JSON_PATCH),
      p("json-patch-ignore-validation", "Ignore", ContractBase.JSON_PATCH, JSON_PATCH_BODY, "", List.of()),
      p("json-patch-no-validation", "", ContractBase.JSON_PATCH, JSON_PATCH_BODY, "", JSON_PATCH),
      p("nonconflicting-merge-patch-strict-validation", "Strict", ContractBase.MERGE, NONCONFLICTING_MERGE_PATCH_BODY,
          strict(NONCONFLICTING), List.of()),
      p("nonconflicting-merge-patch-warn-validation", "Warn", ContractBase.MERGE, NONCONFLICTING_MERGE_PATCH_BODY, "",
          NONCONFLICTING),
      p("nonconflicting-merge-patch-ignore-validation", "Ignore", ContractBase.MERGE, NONCONFLICTING_MERGE_PATCH_BODY, "",
          List.of()),
      p("nonconflicting-merge-patch-no-validation", "", ContractBase.MERGE, NONCONFLICTING_MERGE_PATCH_BODY, "",
          NONCONFLICTING));

  /** The table of {@code testFieldValidationSMP} (its bodies are local to that function). */
  static final List<Case> SMP = List.of(
      p("smp-strict-validation", "Strict", ContractBase.STRATEGIC, SMP_BODY, strict(MERGE), List.of()),
      p("smp-warn-validation", "Warn", ContractBase.STRATEGIC, SMP_BODY, "", MERGE),
      p("smp-ignore-validation", "Ignore", ContractBase.STRATEGIC, SMP_BODY, "", List.of()),
      p("smp-no-validation", "", ContractBase.STRATEGIC, SMP_BODY, "", MERGE),
      p("nonconflicting-smp-strict-validation", "Strict", ContractBase.STRATEGIC, NONCONFLICTING_SMP_BODY,
          strict(NONCONFLICTING), List.of()),
      p("nonconflicting-smp-warn-validation", "Warn", ContractBase.STRATEGIC, NONCONFLICTING_SMP_BODY, "", NONCONFLICTING),
      p("nonconflicting-smp-ignore-validation", "Ignore", ContractBase.STRATEGIC, NONCONFLICTING_SMP_BODY, "", List.of()),
      p("nonconflicting-smp-no-validation", "", ContractBase.STRATEGIC, NONCONFLICTING_SMP_BODY, "", NONCONFLICTING));

  static final List<String> APPLY_LINES = List.of("line 10: key \"paused\" already set in map",
      "line 27: key \"imagePullPolicy\" already set in map");

  /**
   * The table of {@code testFieldValidationApplyCreate} and of {@code testFieldValidationApplyUpdate} (the same);
   * every case has {@code fieldManager=mgr}.
   */
  static final List<Case> APPLY = List.of(
      c("strict-validation", "Strict", APPLY_INVALID_BODY, NONE, applyStrict(APPLY_LINES), List.of()),
      c("warn-validation", "Warn", APPLY_INVALID_BODY, NONE, "", APPLY_LINES),
      c("ignore-validation", "Ignore", APPLY_INVALID_BODY, NONE, "", List.of()),
      c("no-validation", "", APPLY_INVALID_BODY, NONE, "", APPLY_LINES));

  // ---- custom resources -----------------------------------------------------------------------------------------------

  static final List<String> CRD_DUPLICATES = List.of("duplicate field \"metadata.name\"", "duplicate field \"spec.unknownDupe\"",
      "duplicate field \"spec.knownField1\"", "duplicate field \"spec.ports[0].hostPort\"");
  static final List<String> CRD_YAML_LINES = List.of("line 6: key \"name\" already set in map",
      "line 12: key \"unknownDupe\" already set in map", "line 14: key \"knownField1\" already set in map",
      "line 20: key \"hostPort\" already set in map");
  /** The unknown fields of the CR bodies as the schema CRD reports them (metadata, pruned, embedded metadata). */
  static final List<String> CRD_UNKNOWN = List.of("unknown field \"metadata.unknownMeta\"",
      "unknown field \"spec.ports[0].unknownNested\"", "unknown field \"spec.unknown1\"", "unknown field \"spec.unknownDupe\"",
      "unknown field \"spec.embeddedObj.metadata.unknownEmbeddedMeta\"");
  /** The same for the schemaless CRD, whose {@code spec} preserves unknown fields. */
  static final List<String> SCHEMALESS_UNKNOWN = List.of("unknown field \"metadata.unknownMeta\"",
      "unknown field \"spec.ports[0].unknownNested\"", "unknown field \"spec.embeddedObj.metadata.unknownEmbeddedMeta\"");

  /**
   * The tables of {@code testFieldValidationPostCRD} ({@code prefix} "crd-post-"), {@code testFieldValidationPutCRD}
   * ("crd-put-") and their schemaless twins ("schemaless-crd-post-", "schemaless-crd-put-"), which differ only in the
   * unknown fields reported.
   */
  static List<Case> crdWrite(String prefix, boolean schemaless) {
    List<String> unknown = schemaless ? SCHEMALESS_UNKNOWN : CRD_UNKNOWN;
    List<String> json = concat(CRD_DUPLICATES, unknown);
    List<String> yaml = concat(CRD_YAML_LINES, unknown);
    return List.of(
        c(prefix + "strict-validation", "Strict", CRD_INVALID_BODY, NONE, strict(json), List.of()),
        c(prefix + "warn-validation", "Warn", CRD_INVALID_BODY, NONE, "", json),
        c(prefix + "ignore-validation", "Ignore", CRD_INVALID_BODY, NONE, "", List.of()),
        c(prefix + "no-validation", "", CRD_INVALID_BODY, NONE, "", json),
        c(prefix + "strict-validation-yaml", "Strict", CRD_INVALID_BODY_YAML, YAML, strictYaml(CRD_YAML_LINES, unknown), List.of()),
        c(prefix + "warn-validation-yaml", "Warn", CRD_INVALID_BODY_YAML, YAML, "", yaml),
        c(prefix + "ignore-validation-yaml", "Ignore", CRD_INVALID_BODY_YAML, YAML, "", List.of()),
        c(prefix + "no-validation-yaml", "", CRD_INVALID_BODY_YAML, YAML, "", yaml));
  }

  static final List<String> CRD_MERGE = List.of("duplicate field \"spec.unknownDupe\"", "duplicate field \"spec.knownField1\"",
      "duplicate field \"spec.ports[0].hostPort\"", "unknown field \"spec.ports[0].unknownNested\"",
      "unknown field \"spec.unknown1\"", "unknown field \"spec.unknownDupe\"");
  static final List<String> SCHEMALESS_MERGE = CRD_MERGE.subList(0, 4);
  static final List<String> CRD_JSON_PATCH = List.of("json patch unknown field \"[0].foo\"",
      "json patch duplicate field \"[1].path\"", "unknown field \"spec.ports[0].unknownNested\"",
      "unknown field \"spec.unknown1\"", "unknown field \"spec.unknown3\"", "unknown field \"spec.unknownDupe\"");
  static final List<String> SCHEMALESS_JSON_PATCH = CRD_JSON_PATCH.subList(0, 3);

  /** The tables of {@code testFieldValidationPatchCRD} and {@code testFieldValidationPatchCRDSchemaless}. */
  static List<Case> crdPatch(boolean schemaless) {
    String prefix = schemaless ? "schemaless-crd-" : "crd-";
    List<String> merge = schemaless ? SCHEMALESS_MERGE : CRD_MERGE;
    List<String> jsonPatch = schemaless ? SCHEMALESS_JSON_PATCH : CRD_JSON_PATCH;
    return List.of(
        p(prefix + "merge-patch-strict-validation", "Strict", ContractBase.MERGE, CRD_MERGE_PATCH_BODY, strict(merge), List.of()),
        p(prefix + "merge-patch-warn-validation", "Warn", ContractBase.MERGE, CRD_MERGE_PATCH_BODY, "", merge),
        p(prefix + "merge-patch-ignore-validation", "Ignore", ContractBase.MERGE, CRD_MERGE_PATCH_BODY, "", List.of()),
        p(prefix + "merge-patch-no-validation", "", ContractBase.MERGE, CRD_MERGE_PATCH_BODY, "", merge),
        p(prefix + "json-patch-strict-validation", "Strict", ContractBase.JSON_PATCH, CRD_JSON_PATCH_BODY, strict(jsonPatch),
            List.of()),
        p(prefix + "json-patch-warn-validation", "Warn", ContractBase.JSON_PATCH, CRD_JSON_PATCH_BODY, "", jsonPatch),
        p(prefix + "json-patch-ignore-validation", "Ignore", ContractBase.JSON_PATCH, CRD_JSON_PATCH_BODY, "", List.of()),
        p(prefix + "json-patch-no-validation", "", ContractBase.JSON_PATCH, CRD_JSON_PATCH_BODY, "", jsonPatch));
  }

  static final List<String> CRD_APPLY_LINES = List.of("line 10: key \"knownField1\" already set in map",
      "line 16: key \"hostPort\" already set in map");

  /**
   * The tables of {@code testFieldValidationApply{Create,Update}CRD} and their schemaless twins (the same cases, names
   * prefixed "schemaless-"); every case has {@code fieldManager=mgr}.
   */
  static List<Case> crdApply(boolean schemaless) {
    String prefix = schemaless ? "schemaless-" : "";
    return List.of(
        c(prefix + "strict-validation", "Strict", CRD_APPLY_INVALID_BODY, NONE, applyStrict(CRD_APPLY_LINES), List.of()),
        c(prefix + "warn-validation", "Warn", CRD_APPLY_INVALID_BODY, NONE, "", CRD_APPLY_LINES),
        c(prefix + "ignore-validation", "Ignore", CRD_APPLY_INVALID_BODY, NONE, "", List.of()),
        c(prefix + "no-validation", "", CRD_APPLY_INVALID_BODY, NONE, "", CRD_APPLY_LINES));
  }

  /** The warning a custom resource write gets for a newly added finalizer name without a domain. */
  static String undomainedFinalizer(String finalizer) {
    return "metadata.finalizers: \"" + finalizer + "\": prefer a domain-qualified finalizer name to avoid accidental "
        + "conflicts with other finalizer writers";
  }

  /** The table of {@code testFinalizerValidationApplyCreateAndUpdateCRD}. */
  static final List<FinalizerCase> FINALIZERS = List.of(
      new FinalizerCase("create-crd-with-invalid-finalizer", List.of("invalid-finalizer"), List.of(),
          List.of(undomainedFinalizer("invalid-finalizer")), List.of()),
      new FinalizerCase("create-crd-with-valid-finalizer", List.of("kubernetes.io/valid-finalizer"), List.of(), List.of(),
          List.of()),
      new FinalizerCase("update-crd-with-invalid-finalizer", List.of("invalid-finalizer"), List.of("another-invalid-finalizer"),
          List.of(undomainedFinalizer("invalid-finalizer")), List.of(undomainedFinalizer("another-invalid-finalizer"))),
      new FinalizerCase("update-crd-with-valid-finalizer", List.of("kubernetes.io/valid-finalizer"),
          List.of("kubernetes.io/another-valid-finalizer"), List.of(), List.of()),
      new FinalizerCase("update-crd-with-valid-finalizer-leaving-an-existing-invalid-finalizer", List.of("invalid-finalizer"),
          List.of("kubernetes.io/another-valid-finalizer"), List.of(undomainedFinalizer("invalid-finalizer")), List.of()));
}
