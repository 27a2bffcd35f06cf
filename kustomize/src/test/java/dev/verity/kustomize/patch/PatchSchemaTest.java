package dev.verity.kustomize.patch;

import static dev.verity.kustomize.patch.TestYaml.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verity.kustomize.yaml.MapNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The built-in table and user-supplied schemas. Merge expectations recorded with {@code kubectl kustomize} v1.32
 * (Kustomize v5.5.0) on a kustomization with {@code resources: [r.yaml]}, {@code openapi: {path: schema.json}} (or
 * {@code schema.yaml}) and the inline patch shown.
 */
class PatchSchemaTest {

    private static MapNode merged(String resource, String patch, PatchSchema schema) {
        return ((MergeOutcome.Merged) StrategicMerge.apply(map(resource), map(patch), schema)).resource();
    }

    @Test
    void builtinTableHoldsKubernetes1212MergeKeys() {
        PatchSchema schema = PatchSchema.builtin();
        SchemaType deployment = schema.forResource("apps/v1", "Deployment");
        SchemaType podSpec = schema.field(schema.field(schema.field(deployment, "spec"), "template"), "spec");
        SchemaType containers = schema.field(podSpec, "containers");
        assertThat(containers.mergesList()).isTrue();
        assertThat(containers.mergeKeys()).containsExactly("name");
        SchemaType ports = schema.field(schema.elements(containers), "ports");
        assertThat(ports.mergeKeys()).containsExactly("containerPort", "protocol");
        assertThat(schema.field(podSpec, "volumes").strategy()).isEqualTo("merge,retainKeys");
        assertThat(schema.field(podSpec, "tolerations")).satisfiesAnyOf(
                t -> assertThat(t).isNull(), t -> assertThat(t.mergesList()).isFalse());
        SchemaType finalizers = schema.field(schema.field(deployment, "metadata"), "finalizers");
        assertThat(finalizers.mergesList()).isTrue();
        assertThat(finalizers.mergeKeys()).isEmpty();
        // v1.21.2 knows batch/v1beta1 CronJob and policy/v1beta1 PodSecurityPolicy; custom resources are unknown
        assertThat(schema.forResource("batch/v1beta1", "CronJob")).isNotNull();
        assertThat(schema.forResource("policy/v1beta1", "PodSecurityPolicy")).isNotNull();
        assertThat(schema.forResource("monitoring.coreos.com/v1", "ServiceMonitor")).isNull();
        assertThat(schema.resourceTypeCount()).isGreaterThan(200);
    }

    @Test
    void aSuppliedSchemaReplacesTheBuiltinTable() {
        PatchSchema schema = PatchSchema.fromOpenApi("""
                {"definitions": {
                  "io.acme.v1.Thing": {
                    "type": "object",
                    "x-kubernetes-group-version-kind": [{"group": "acme.io", "kind": "Thing", "version": "v1"}],
                    "properties": {"spec": {"$ref": "#/definitions/io.acme.v1.ThingSpec"}}
                  },
                  "io.acme.v1.ThingSpec": {
                    "type": "object",
                    "properties": {
                      "items": {"type": "array", "items": {"type": "object"},
                                "x-kubernetes-patch-merge-key": "name", "x-kubernetes-patch-strategy": "merge"},
                      "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-patch-strategy": "merge"}
                    }
                  }
                }}
                """, "schema.json");
        // with the schema, the custom resource's lists merge ...
        assertThat(merged("""
                apiVersion: acme.io/v1
                kind: Thing
                metadata:
                  name: t
                spec:
                  items:
                  - name: a
                    v: 1
                  - name: b
                    v: 1
                  tags: [x, "y"]
                """, """
                apiVersion: acme.io/v1
                kind: Thing
                metadata:
                  name: t
                spec:
                  items:
                  - name: b
                    v: 2
                  tags: [z]
                """, schema).map("spec")).isEqualTo(map("""
                items:
                - name: b
                  v: 2
                - name: a
                  v: 1
                tags: [z, x, "y"]
                """));
        // ... and a Deployment's containers no longer merge by name: the built-in table is not used
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: d
                spec:
                  template:
                    spec:
                      containers:
                      - name: a
                        image: a
                      - name: b
                        image: b
                """;
        assertThat(merged(deployment, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: d
                spec:
                  template:
                    spec:
                      containers:
                      - name: b
                        image: b2
                """, schema).map("spec")).isEqualTo(map("""
                template:
                  spec:
                    containers:
                    - image: b2
                      name: b
                """));
    }

    @Test
    void yamlSchemaWithInlinePropertiesAndListMapKeysWhichNeedAStrategy() {
        PatchSchema schema = PatchSchema.fromOpenApi("""
                definitions:
                  io.acme.v1.Thing:
                    type: object
                    x-kubernetes-group-version-kind:
                    - group: acme.io
                      kind: Thing
                      version: v1
                    properties:
                      spec:
                        type: object
                        properties:
                          pairs:
                            type: array
                            items:
                              type: object
                            x-kubernetes-list-type: map
                            x-kubernetes-list-map-keys: [a, b]
                            x-kubernetes-patch-strategy: merge
                          nokeys:
                            type: array
                            items:
                              type: object
                            x-kubernetes-list-type: map
                            x-kubernetes-list-map-keys: [name]
                """, "schema.yaml");
        assertThat(merged("""
                apiVersion: acme.io/v1
                kind: Thing
                metadata:
                  name: t
                spec:
                  pairs:
                  - a: "1"
                    b: x
                    v: old
                  - a: "1"
                    b: "y"
                    v: other
                  nokeys:
                  - name: a
                    v: 1
                  - name: b
                    v: 1
                """, """
                apiVersion: acme.io/v1
                kind: Thing
                metadata:
                  name: t
                spec:
                  pairs:
                  - a: "1"
                    b: x
                    v: new
                  - a: "2"
                    v: added
                  nokeys:
                  - name: b
                    v: 2
                """, schema).map("spec")).isEqualTo(map("""
                nokeys:
                - name: b
                  v: 2
                pairs:
                - a: "2"
                  v: added
                - a: "1"
                  b: x
                  v: new
                - a: "1"
                  b: "y"
                  v: other
                """));
    }

    @Test
    void aSchemaWithoutDefinitionsIsAClearError() {
        assertThatThrownBy(() -> PatchSchema.fromOpenApi("swagger: '2.0'\n", "openapi/schema.yaml"))
                .isInstanceOf(PatchException.class)
                .hasMessageStartingWith("openapi/schema.yaml: the OpenAPI schema has no 'definitions' mapping");
        assertThatThrownBy(() -> PatchSchema.fromOpenApi("{definitions: [", "s.json"))
                .isInstanceOf(PatchException.class).hasMessageStartingWith("s.json: the OpenAPI schema is not valid");
    }

    @Test
    void openapiVersionNamesOnlyTheBuiltinOne() {
        // kubectl kustomize with openapi: {version: v1.21.2} builds; with v1.30.0:
        // error: the specified OpenAPI version is not built in
        assertThat(PatchSchema.builtin("v1.21.2")).isSameAs(PatchSchema.builtin());
        assertThatThrownBy(() -> PatchSchema.builtin("v1.30.0")).isInstanceOf(PatchException.class)
                .hasMessageStartingWith("the specified OpenAPI version is not built in");
    }

    @Test
    void theEmptySchemaReplacesEveryList() {
        assertThat(PatchSchema.empty().forResource("apps/v1", "Deployment")).isNull();
        assertThat(List.of(PatchSchema.builtin(), PatchSchema.builtin())).allMatch(s -> s == PatchSchema.builtin());
    }
}
