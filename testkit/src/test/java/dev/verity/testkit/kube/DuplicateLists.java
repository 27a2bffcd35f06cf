package dev.verity.testkit.kube;

/**
 * Requests and expected managedFields of {@code TestDuplicatesInAssociativeLists} (apply_test.go at commit
 * {@value ApplyContract#COMMIT}), kept apart from {@link ApplyContract} for their length.
 */
final class DuplicateLists {

  private DuplicateLists() {
  }

  static final String CREATE = """
      {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {
          "name": "example-daemonset",
          "labels": {
            "app": "example"
          }
        },
        "spec": {
          "selector": {
            "matchLabels": {
              "app": "example"
            }
          },
          "template": {
            "metadata": {
              "labels": {
                "app": "example"
              }
            },
            "spec": {
              "containers": [
                {
                  "name": "nginx",
                  "image": "nginx",
                  "ports": [
                    {
                      "name": "port0",
                      "containerPort": 1
                    },
                    {
                    	"name": "port1",
                      "containerPort": 80
                    },
                    {
                    	"name": "port2",
                      "containerPort": 80
                    }
                  ],
                  "env": [
                    {
                      "name": "ENV0",
                      "value": "/env0value"
                    },
                    {
                      "name": "PATH",
                      "value": "/bin"
                    },
                    {
                      "name": "PATH",
                      "value": "$PATH:/usr/bin"
                    }
                  ]
                }
              ]
            }
          }
        }
      }""";

  static final String APPLY = """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: example-daemonset
        labels:
          app: example
      spec:
        selector:
          matchLabels:
            app: example
        template:
          spec:
            containers:
              - name: nginx
                image: nginx
                ports:
                  - name: port3
                    containerPort: 443
                env:
                  - name: HOME
                    value: "/usr/home"
      """;

  static final String UPDATE = """
      {
        "apiVersion": "apps/v1",
        "kind": "DaemonSet",
        "metadata": {
          "name": "example-daemonset",
          "labels": {
            "app": "example"
          }
        },
        "spec": {
          "selector": {
            "matchLabels": {
              "app": "example"
            }
          },
          "template": {
            "metadata": {
              "labels": {
                "app": "example"
              }
            },
            "spec": {
              "containers": [
                {
                  "name": "nginx",
                  "image": "nginx",
                  "ports": [
                    {
                      "name": "port0",
                      "containerPort": 1
                    },
                    {
                    	"name": "port3",
                      "containerPort": 443
                    },
                    {
                    	"name": "port4",
                      "containerPort": 80
                    },
                    {
                    	"name": "port5",
                      "containerPort": 80
                    }
                  ],
                  "env": [
                    {
                      "name": "ENV0",
                      "value": "/env0value"
                    },
                    {
                      "name": "PATH",
                      "value": "/bin"
                    },
                    {
                      "name": "PATH",
                      "value": "$PATH:/usr/bin:/usr/local/bin"
                    },
                    {
                      "name": "HOME",
                      "value": "/usr/home"
                    }
                  ]
                }
              ]
            }
          }
        }
      }""";

  static final String FORCE_APPLY = """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata:
        name: example-daemonset
        labels:
          app: example
      spec:
        selector:
          matchLabels:
            app: example
        template:
          spec:
            containers:
              - name: nginx
                image: nginx
                ports:
                  - name: port80
                    containerPort: 80
                env:
                  - name: PATH
                    value: "/bin:/usr/bin:/usr/local/bin"
      """;

  private static final String CREATE_SPEC_TAIL = """
              "f:image": {},
              "f:imagePullPolicy": {},
              "f:name": {},
              "f:ports": {
                ".": {},
                "k:{\\"containerPort\\":1,\\"protocol\\":\\"TCP\\"}": {
                  ".": {},
                  "f:containerPort": {},
                  "f:name": {},
                  "f:protocol": {}
                }%s
              },
              "f:resources": {},
              "f:terminationMessagePath": {},
              "f:terminationMessagePolicy": {}
            }
          },
          "f:dnsPolicy": {},
          "f:restartPolicy": {},
          "f:schedulerName": {},
          "f:securityContext": {},
          "f:terminationGracePeriodSeconds": {}
        }
      },
      "f:updateStrategy": {
        "f:rollingUpdate": {
          ".": {},
          "f:maxSurge": {},
          "f:maxUnavailable": {}
        },
        "f:type": {}
      }
      }
      }
      }""";

  private static String createEntry(String annotations, String pathEntry, String portEntry) {
    return """
        {
        "manager": "create",
        "operation": "Update",
        "apiVersion": "apps/v1",
        "time": null,
        "fieldsType": "FieldsV1",
        "fieldsV1": {
        "f:metadata": {
          "f:annotations": %s,
          "f:labels": {
            ".": {},
            "f:app": {}
          }
        },
        "f:spec": {
        "f:revisionHistoryLimit": {},
        "f:selector": {},
        "f:template": {
          "f:metadata": {
            "f:labels": {
              ".": {},
              "f:app": {}
            }
          },
          "f:spec": {
            "f:containers": {
              "k:{\\"name\\":\\"nginx\\"}": {
              ".": {},
              "f:env": {
                ".": {},
                "k:{\\"name\\":\\"ENV0\\"}": {
                  ".": {},
                  "f:name": {},
                  "f:value": {}
                }%s
              },
        """.formatted(annotations, pathEntry) + CREATE_SPEC_TAIL.formatted(portEntry);
  }

  static final String CREATE_ENTRY = createEntry(
      "{\".\": {}, \"f:deprecated.daemonset.template.generation\": {}}",
      ",\n\"k:{\\\"name\\\":\\\"PATH\\\"}\": {}",
      ",\n\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\": {}");

  static final String CREATE_ENTRY_AFTER_UPDATE = createEntry("{}", "", "");

  private static String applyEntry(String env, String port, String portFields) {
    return """
        {
        "manager": "apply",
        "operation": "Apply",
        "apiVersion": "apps/v1",
        "time": null,
        "fieldsType": "FieldsV1",
        "fieldsV1": {
          "f:metadata": {
            "f:labels": {
              "f:app": {}
            }
          },
          "f:spec": {
            "f:selector": {},
            "f:template": {
              "f:spec": {
                "f:containers": {
                  "k:{\\"name\\":\\"nginx\\"}": {
                    ".": {},
                    "f:env": {
                      "k:{\\"name\\":\\"%s\\"}": {
                        ".": {},
                        "f:name": {},
                        "f:value": {}
                      }
                    },
                    "f:image": {},
                    "f:name": {},
                    "f:ports": {
                      "k:{\\"containerPort\\":%s,\\"protocol\\":\\"TCP\\"}": {
                        ".": {},
                        "f:containerPort": {},
                        "f:name": {}%s
                      }
                    }
                  }
                }
              }
            }
          }
        }
        }""".formatted(env, port, portFields);
  }

  static final String APPLY_ENTRY = applyEntry("HOME", "443", "");

  static final String FORCE_APPLY_ENTRY = applyEntry("PATH", "80", "");

  static final String UPDATE_ENTRY = """
      {
        "manager": "update",
        "operation": "Update",
        "apiVersion": "apps/v1",
        "time": null,
        "fieldsType": "FieldsV1",
        "fieldsV1": {
          "f:metadata": {
            "f:annotations": {
            "f:deprecated.daemonset.template.generation": {}
            }
          },
          "f:spec": {
            "f:template": {
              "f:spec": {
                "f:containers": {
                  "k:{\\"name\\":\\"nginx\\"}": {
                    "f:env": {
                      "k:{\\"name\\":\\"PATH\\"}": {}
                    },
                    "f:ports": {
                      "k:{\\"containerPort\\":80,\\"protocol\\":\\"TCP\\"}": {}
                    }
                  }
                }
              }
            }
          }
        }
      }""";

  static final String UPDATE_ENTRY_AFTER_FORCE = """
      {
        "manager": "update",
        "operation": "Update",
        "apiVersion": "apps/v1",
        "time": null,
        "fieldsType": "FieldsV1",
        "fieldsV1": {
          "f:metadata": {
            "f:annotations": {
              "f:deprecated.daemonset.template.generation": {}
            }
          }
        }
      }""";
}
