package dev.verity.testkit.kube;

import java.util.List;

/**
 * The bodies and table cases of {@code test/integration/apiserver/field_validation_test.go} (kubernetes/kubernetes at
 * commit {@value FieldValidationContract#COMMIT}), kept apart from {@link FieldValidationContract} for their length.
 */
final class FieldValidationCases {

  private FieldValidationCases() {
  }

  /**
   * One table case: its name, the {@code fieldValidation} option ("" for none), the request body and content type
   * ("" for JSON), the patch type where the case is a patch, and the error fragments and exact warnings expected.
   */
  record Case(String name, String validation, String body, String contentType, String patchType, List<String> errors,
      List<String> warnings) {

    /** Cases the sandbox passes today: nothing to detect (Ignore), so no error and no warning. */
    boolean expectsNothing() {
      return errors.isEmpty() && warnings.isEmpty();
    }

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

  static Case c(String name, String validation, String body, String contentType, List<String> errors, List<String> warnings) {
    return new Case(name, validation, body, contentType, "", errors, warnings);
  }

  static Case p(String name, String validation, String patchType, String body, List<String> errors, List<String> warnings) {
    return new Case(name, validation, body, "", patchType, errors, warnings);
  }

  static final String INVALID_BODY_JSON = """

      	{
      		"apiVersion": "apps/v1",
      		"kind": "Deployment",
      		"metadata": {
      			"name": "%s",
      			"labels": {"app": "nginx"}
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
      		""";

  static final String INVALID_BODY_YAML = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: %s
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
              imagePullPolicy: Never""";

  static final String VALID_BODY_JSON = """

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
      					"image": "nginx:latest",
      					"imagePullPolicy": "Always"
      				}]
      			}
      		}
      	}
      }""";

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
      	}""";

  static final String CRD_INVALID_BODY = """

      {
      	"apiVersion": "%s",
      	"kind": "%s",
      	"metadata": {
      		"name": "%s",
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
      			}]
      	}
      }""";

  static final String CRD_VALID_BODY = """

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
      				"hostPort": 8081
      			}]
      	}
      }
      	""";

  static final String CRD_INVALID_BODY_YAML = """

      apiVersion: "%s"
      kind: "%s"
      metadata:
        name: "%s"
        resourceVersion: "%s"
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
          unknownNested: val""";

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
      		}]
      	}
      }""";

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
      		}]
      	}
      }""";

  static final String PATCH_YAML_BODY = """

      apiVersion: %s
      kind: %s
      metadata:
        name: %s
        finalizers:
        - test-finalizer
      spec:
        cronSpec: "* * * * */5"
        ports:
        - name: x
          containerPort: 80
          protocol: TCP""";

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
      	""";

  // ---- typed objects ------------------------------------------------------------------------------------------------

  static final List<String> TYPED_ERRORS = List.of("unknown field \"unknown1\"", "unknown field \"unknownDupe\"",
      "duplicate field \"paused\"", "unknown field \"unknownNested\"", "duplicate field \"imagePullPolicy\"");
  static final List<String> TYPED_YAML_ERRORS = List.of("line 10: key \"unknownDupe\" already set in map",
      "line 12: key \"paused\" already set in map", "line 26: key \"imagePullPolicy\" already set in map",
      "unknown field \"unknown1\"", "unknown field \"unknownDupe\"", "unknown field \"unknownNested\"");
  static final List<String> TYPED_YAML_WARNINGS = List.of("line 10: key \"unknownDupe\" already set in map",
      "line 12: key \"paused\" already set in map", "line 26: key \"imagePullPolicy\" already set in map",
      "unknown field \"unknownNested\"", "unknown field \"unknown1\"", "unknown field \"unknownDupe\"");

  /** {@code testFieldValidationPost}. */
  static final List<Case> POST = List.of(
      c("post-strict-validation", "Strict", INVALID_BODY_JSON, "", TYPED_ERRORS, List.of()),
      c("post-warn-validation", "Warn", INVALID_BODY_JSON, "", List.of(), TYPED_ERRORS),
      c("post-ignore-validation", "Ignore", INVALID_BODY_JSON, "", List.of(), List.of()),
      c("post-default-ignore-validation", "", INVALID_BODY_JSON, "", List.of(), TYPED_ERRORS),
      c("post-strict-validation-yaml", "Strict", INVALID_BODY_YAML, "application/yaml", TYPED_YAML_ERRORS, List.of()),
      c("post-warn-validation-yaml", "Warn", INVALID_BODY_YAML, "application/yaml", List.of(), TYPED_YAML_WARNINGS),
      c("post-ignore-validation-yaml", "Ignore", INVALID_BODY_YAML, "application/yaml", List.of(), List.of()),
      c("post-no-validation-yaml", "", INVALID_BODY_YAML, "application/yaml", List.of(), TYPED_YAML_WARNINGS));

  /** {@code testFieldValidationPut}. */
  static final List<Case> PUT = List.of(
      c("put-strict-validation", "Strict", INVALID_BODY_JSON, "", TYPED_ERRORS, List.of()),
      c("put-warn-validation", "Warn", INVALID_BODY_JSON, "", List.of(), TYPED_ERRORS),
      c("put-default-ignore-validation", "Ignore", INVALID_BODY_JSON, "", List.of(), List.of()),
      c("put-ignore-validation", "", INVALID_BODY_JSON, "", List.of(), TYPED_ERRORS),
      c("put-strict-validation-yaml", "Strict", INVALID_BODY_YAML, "application/yaml", TYPED_YAML_ERRORS, List.of()),
      c("put-warn-validation-yaml", "Warn", INVALID_BODY_YAML, "application/yaml", List.of(), TYPED_YAML_WARNINGS),
      c("put-ignore-validation-yaml", "Ignore", INVALID_BODY_YAML, "application/yaml", List.of(), List.of()),
      c("put-no-validation-yaml", "", INVALID_BODY_YAML, "application/yaml", List.of(), TYPED_YAML_WARNINGS));

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
      	""";

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
      			""";

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
      			""";

  static final List<String> MERGE_ERRORS = List.of("duplicate field \"unknownDupe\"", "duplicate field \"paused\"",
      "duplicate field \"imagePullPolicy\"", "unknown field \"unknownNested\"", "unknown field \"unknown1\"",
      "unknown field \"unknownDupe\"");
  static final List<String> JSON_PATCH_ERRORS = List.of("json patch unknown field \"foo\"", "json patch duplicate field \"path\"",
      "unknown field \"unknownNested\"", "unknown field \"unknown1\"", "unknown field \"unknown3\"", "unknown field \"unknownDupe\"");
  static final List<String> NONCONFLICTING_ERRORS = List.of("duplicate field \"paused\"", "duplicate field \"imagePullPolicy\"");

  /** {@code testFieldValidationPatchTyped}. */
  static final List<Case> PATCH_TYPED = List.of(
      p("merge-patch-strict-validation", "Strict", ContractBase.MERGE, MERGE_PATCH_BODY, MERGE_ERRORS, List.of()),
      p("merge-patch-warn-validation", "Warn", ContractBase.MERGE, MERGE_PATCH_BODY, List.of(), MERGE_ERRORS),
      p("merge-patch-ignore-validation", "Ignore", ContractBase.MERGE, MERGE_PATCH_BODY, List.of(), List.of()),
      p("merge-patch-no-validation", "", ContractBase.MERGE, MERGE_PATCH_BODY, List.of(), MERGE_ERRORS),
      p("json-patch-strict-validation", "Strict", ContractBase.JSON_PATCH, JSON_PATCH_BODY, JSON_PATCH_ERRORS, List.of()),
      p("json-patch-warn-validation", "Warn", ContractBase.JSON_PATCH, JSON_PATCH_BODY, List.of(), JSON_PATCH_ERRORS),
      p("json-patch-ignore-validation", "Ignore", ContractBase.JSON_PATCH, JSON_PATCH_BODY, List.of(), List.of()),
      p("json-patch-no-validation", "", ContractBase.JSON_PATCH, JSON_PATCH_BODY, List.of(), JSON_PATCH_ERRORS),
      p("nonconflicting-merge-patch-strict-validation", "Strict", ContractBase.MERGE, NONCONFLICTING_MERGE_PATCH_BODY,
          NONCONFLICTING_ERRORS, List.of()),
      p("nonconflicting-merge-patch-warn-validation", "Warn", ContractBase.MERGE, NONCONFLICTING_MERGE_PATCH_BODY, List.of(),
          NONCONFLICTING_ERRORS),
      p("nonconflicting-merge-patch-ignore-validation", "Ignore", ContractBase.MERGE, NONCONFLICTING_MERGE_PATCH_BODY,
          List.of(), List.of()),
      p("nonconflicting-merge-patch-no-validation", "", ContractBase.MERGE, NONCONFLICTING_MERGE_PATCH_BODY, List.of(),
          NONCONFLICTING_ERRORS));

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
      	""";

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
      	""";

  static final List<String> SMP_ERRORS = List.of("duplicate field \"unknownDupe\"", "duplicate field \"paused\"",
      "duplicate field \"imagePullPolicy\"", "unknown field \"spec.template.spec.containers[0].unknownNested\"",
      "unknown field \"spec.unknown1\"", "unknown field \"spec.unknownDupe\"");

  /** {@code testFieldValidationSMP}. */
  static final List<Case> SMP = List.of(
      p("smp-strict-validation", "Strict", ContractBase.STRATEGIC, SMP_BODY, SMP_ERRORS, List.of()),
      p("smp-warn-validation", "Warn", ContractBase.STRATEGIC, SMP_BODY, List.of(), SMP_ERRORS),
      p("smp-ignore-validation", "Ignore", ContractBase.STRATEGIC, SMP_BODY, List.of(), List.of()),
      p("smp-no-validation", "", ContractBase.STRATEGIC, SMP_BODY, List.of(), SMP_ERRORS),
      p("nonconflicting-smp-strict-validation", "Strict", ContractBase.STRATEGIC, NONCONFLICTING_SMP_BODY, NONCONFLICTING_ERRORS,
          List.of()),
      p("nonconflicting-smp-warn-validation", "Warn", ContractBase.STRATEGIC, NONCONFLICTING_SMP_BODY, List.of(),
          NONCONFLICTING_ERRORS),
      p("nonconflicting-smp-ignore-validation", "Ignore", ContractBase.STRATEGIC, NONCONFLICTING_SMP_BODY, List.of(), List.of()),
      p("nonconflicting-smp-no-validation", "", ContractBase.STRATEGIC, NONCONFLICTING_SMP_BODY, List.of(),
          NONCONFLICTING_ERRORS));

  static final List<String> APPLY_WARNINGS = List.of("line 10: key \"paused\" already set in map",
      "line 27: key \"imagePullPolicy\" already set in map");

  /** {@code testFieldValidationApplyCreate} and {@code testFieldValidationApplyUpdate} (the same table). */
  static final List<Case> APPLY = List.of(
      c("strict-validation", "Strict", APPLY_INVALID_BODY, "",
          List.of("key \"paused\" already set in map", "key \"imagePullPolicy\" already set in map"), List.of()),
      c("warn-validation", "Warn", APPLY_INVALID_BODY, "", List.of(), APPLY_WARNINGS),
      c("ignore-validation", "Ignore", APPLY_INVALID_BODY, "", List.of(), List.of()),
      c("no-validation", "", APPLY_INVALID_BODY, "", List.of(), APPLY_WARNINGS));

  // ---- custom resources ---------------------------------------------------------------------------------------------

  static final List<String> CRD_ERRORS = List.of("duplicate field \"hostPort\"", "duplicate field \"knownField1\"",
      "duplicate field \"unknownDupe\"", "unknown field \"spec.ports[0].unknownNested\"", "unknown field \"spec.unknown1\"",
      "unknown field \"spec.unknownDupe\"");
  static final List<String> CRD_WARNINGS = List.of("duplicate field \"unknownDupe\"", "duplicate field \"knownField1\"",
      "duplicate field \"hostPort\"", "unknown field \"spec.ports[0].unknownNested\"", "unknown field \"spec.unknown1\"",
      "unknown field \"spec.unknownDupe\"");
  static final List<String> CRD_YAML = List.of("line 10: key \"unknownDupe\" already set in map",
      "line 12: key \"knownField1\" already set in map", "line 18: key \"hostPort\" already set in map",
      "unknown field \"spec.ports[0].unknownNested\"", "unknown field \"spec.unknown1\"", "unknown field \"spec.unknownDupe\"");

  /** Schemaless ({@code x-kubernetes-preserve-unknown-fields}) variants report only what is not preserved. */
  static List<String> schemaless(List<String> messages) {
    return messages.stream().filter(m -> !m.equals("unknown field \"spec.unknown1\"") && !m.equals("unknown field \"spec.unknownDupe\"")
        && !m.equals("unknown field \"spec.unknown3\"")).toList();
  }

  /** {@code testFieldValidationPostCRD} and {@code testFieldValidationPutCRD} (names prefixed crd-post- or crd-put-). */
  static List<Case> crdWrite(String prefix, boolean schemaless) {
    String p = (schemaless ? "schemaless-" : "") + prefix;
    java.util.function.UnaryOperator<List<String>> f = schemaless ? FieldValidationCases::schemaless : m -> m;
    List<String> errors = prefix.equals("crd-post-") ? CRD_ERRORS : List.of("duplicate field \"unknownDupe\"",
        "duplicate field \"knownField1\"", "duplicate field \"hostPort\"", "unknown field \"spec.ports[0].unknownNested\"",
        "unknown field \"spec.unknown1\"", "unknown field \"spec.unknownDupe\"");
    return List.of(
        c(p + "strict-validation", "Strict", CRD_INVALID_BODY, "", f.apply(errors), List.of()),
        c(p + "warn-validation", "Warn", CRD_INVALID_BODY, "", List.of(), f.apply(CRD_WARNINGS)),
        c(p + "ignore-validation", "Ignore", CRD_INVALID_BODY, "", List.of(), List.of()),
        c(p + "no-validation", "", CRD_INVALID_BODY, "", List.of(), f.apply(CRD_WARNINGS)),
        c(p + "strict-validation-yaml", "Strict", CRD_INVALID_BODY_YAML, "application/yaml", f.apply(CRD_YAML), List.of()),
        c(p + "warn-validation-yaml", "Warn", CRD_INVALID_BODY_YAML, "application/yaml", List.of(), f.apply(CRD_YAML)),
        c(p + "ignore-validation-yaml", "Ignore", CRD_INVALID_BODY_YAML, "application/yaml", List.of(), List.of()),
        c(p + "no-validation-yaml", "", CRD_INVALID_BODY_YAML, "application/yaml", List.of(), f.apply(CRD_YAML)));
  }

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
      	""";

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
      			""";

  static final List<String> CRD_JSON_PATCH = List.of("json patch unknown field \"foo\"", "json patch duplicate field \"path\"",
      "unknown field \"spec.ports[0].unknownNested\"", "unknown field \"spec.unknown1\"", "unknown field \"spec.unknown3\"",
      "unknown field \"spec.unknownDupe\"");

  /** {@code testFieldValidationPatchCRD} and {@code testFieldValidationPatchCRDSchemaless}. */
  static List<Case> crdPatch(boolean schemaless) {
    String p = schemaless ? "schemaless-crd-" : "crd-";
    java.util.function.UnaryOperator<List<String>> f = schemaless ? FieldValidationCases::schemaless : m -> m;
    List<String> mergeErrors = List.of("duplicate field \"unknownDupe\"", "duplicate field \"knownField1\"",
        "duplicate field \"hostPort\"", "unknown field \"spec.ports[0].unknownNested\"", "unknown field \"spec.unknown1\"",
        "unknown field \"spec.unknownDupe\"");
    return List.of(
        p(p + "merge-patch-strict-validation", "Strict", ContractBase.MERGE, CRD_MERGE_PATCH_BODY, f.apply(mergeErrors), List.of()),
        p(p + "merge-patch-warn-validation", "Warn", ContractBase.MERGE, CRD_MERGE_PATCH_BODY, List.of(), f.apply(mergeErrors)),
        p(p + "merge-patch-ignore-validation", "Ignore", ContractBase.MERGE, CRD_MERGE_PATCH_BODY, List.of(), List.of()),
        p(p + "merge-patch-no-validation", "", ContractBase.MERGE, CRD_MERGE_PATCH_BODY, List.of(), f.apply(mergeErrors)),
        p(p + "json-patch-strict-validation", "Strict", ContractBase.JSON_PATCH, CRD_JSON_PATCH_BODY, f.apply(CRD_JSON_PATCH), List.of()),
        p(p + "json-patch-warn-validation", "Warn", ContractBase.JSON_PATCH, CRD_JSON_PATCH_BODY, List.of(), f.apply(CRD_JSON_PATCH)),
        p(p + "json-patch-ignore-validation", "Ignore", ContractBase.JSON_PATCH, CRD_JSON_PATCH_BODY, List.of(), List.of()),
        p(p + "json-patch-no-validation", "", ContractBase.JSON_PATCH, CRD_JSON_PATCH_BODY, List.of(), f.apply(CRD_JSON_PATCH)));
  }

  static final List<String> CRD_APPLY_WARNINGS = List.of("line 10: key \"knownField1\" already set in map",
      "line 16: key \"hostPort\" already set in map");

  /** {@code testFieldValidationApply{Create,Update}CRD[Schemaless]} (the same table). */
  static List<Case> crdApply(boolean schemaless) {
    String p = schemaless ? "schemaless-" : "";
    return List.of(
        c(p + "strict-validation", "Strict", CRD_APPLY_INVALID_BODY, "",
            List.of("key \"knownField1\" already set in map", "key \"hostPort\" already set in map"), List.of()),
        c(p + "warn-validation", "Warn", CRD_APPLY_INVALID_BODY, "", List.of(), CRD_APPLY_WARNINGS),
        c(p + "ignore-validation", "Ignore", CRD_APPLY_INVALID_BODY, "", List.of(), List.of()),
        c(p + "no-validation", "", CRD_APPLY_INVALID_BODY, "", List.of(), CRD_APPLY_WARNINGS));
  }
}
