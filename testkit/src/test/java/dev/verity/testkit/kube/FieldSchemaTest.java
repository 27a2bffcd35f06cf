package dev.verity.testkit.kube;

import org.junit.jupiter.api.Test;

import java.util.List;

import dev.verity.testkit.kube.FieldSchema.ListKind;
import dev.verity.testkit.kube.FieldSchema.Scope;

import static org.assertj.core.api.Assertions.assertThat;

/** How the sandbox reads list types and keys: built-in kinds from the 1.32 table, custom resources from their CRD. */
class FieldSchemaTest {

  private static final String PORTS_SCHEMA = """
      {"type": "object", "properties": {"spec": {"type": "object", "properties": {
        "ports": {"type": "array", "x-kubernetes-list-type": "map",
                  "x-kubernetes-list-map-keys": ["containerPort", "protocol"],
                  "items": {"type": "object", "required": ["containerPort", "protocol"], "properties": {
                    "name": {"type": "string"}, "containerPort": {"type": "integer"}, "protocol": {"type": "string"}}}},
        "containers": {"type": "array", "items": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
        "tags": {"type": "array", "x-kubernetes-list-type": "set", "items": {"type": "string"}},
        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}""";

  private static final ObjectSchema CUSTOM = ObjectSchema.custom("Deployment", Json.parse(PORTS_SCHEMA));

  @Test
  void customResourceListsTakeTheirTypeAndKeysFromTheCrdSchema() {
    // keyed by both fields, neither with a default: an item must carry both
    assertThat(FieldSchema.listKind(CUSTOM, List.of("f:spec", "f:ports")))
        .isEqualTo(new ListKind(FieldSchema.ListType.MAP, List.of("containerPort", "protocol")));
    ObjectSchema defaulted = ObjectSchema.custom("Widget", Json.parse(PORTS_SCHEMA.replace(
        "\"protocol\": {\"type\": \"string\"}", "\"protocol\": {\"type\": \"string\", \"default\": \"UDP\"}")));
    ListKind ports = FieldSchema.listKind(defaulted, List.of("f:spec", "f:ports"));
    assertThat(FieldSchema.keyElement(Json.parse("{\"containerPort\": 53}"), ports, List.of("f:spec", "f:ports")))
        .isEqualTo("k:{\"containerPort\":53,\"protocol\":\"UDP\"}");
    // built-in port lists default their protocol key from the table
    assertThat(FieldSchema.listKind(ObjectSchema.builtin("v1", "Service"), List.of("f:spec", "f:ports")).keyDefaults())
        .containsEntry("protocol", Json.parse("\"TCP\""));
    assertThat(FieldSchema.listKind(CUSTOM, List.of("f:spec", "f:tags"))).isEqualTo(ListKind.SET);
    // metadata is the built-in ObjectMeta on every custom resource
    assertThat(FieldSchema.listKind(CUSTOM, List.of("f:metadata", "f:finalizers"))).isEqualTo(ListKind.SET);
    assertThat(FieldSchema.listKind(CUSTOM, List.of("f:metadata", "f:ownerReferences"))).isEqualTo(ListKind.map("uid"));
  }

  @Test
  void customResourceListsTheSchemaDoesNotTypeAreAtomicWhateverTheirName() {
    // a built-in Deployment's containers are keyed by name; a custom kind of the same name follows its own schema
    assertThat(FieldSchema.listKind(ObjectSchema.builtin("apps/v1", "Deployment"),
        List.of("f:spec", "f:template", "f:spec", "f:containers"))).isEqualTo(ListKind.map("name"));
    assertThat(FieldSchema.listKind(CUSTOM, List.of("f:spec", "f:containers"))).isEqualTo(ListKind.ATOMIC);
    assertThat(FieldSchema.listKind(CUSTOM, List.of("f:spec", "f:free", "f:env"))).isEqualTo(ListKind.ATOMIC);
    assertThat(FieldSchema.listKind(ObjectSchema.custom("Widget", null), List.of("f:spec", "f:containers")))
        .isEqualTo(ListKind.ATOMIC);
    assertThat(FieldSchema.atomicMap(CUSTOM, List.of("f:spec", "f:free", "f:selector"))).isFalse();
  }

  @Test
  void applyOwnsCustomResourceListItemsByTheirKeys() {
    var object = Json.parseObject("""
        {"apiVersion": "example.com/v1", "kind": "Deployment", "metadata": {"name": "x"},
         "spec": {"ports": [{"name": "a", "containerPort": 80, "protocol": "TCP"}], "tags": ["b"]}}""", false);
    FieldSet fields = FieldSchema.fieldsOf(FieldSchema.scoped(object, Scope.MAIN), CUSTOM);
    assertThat(fields.paths()).contains(
        List.of("f:spec", "f:ports", "k:{\"containerPort\":80,\"protocol\":\"TCP\"}", "f:name"),
        List.of("f:spec", "f:tags", "v:\"b\""));
  }
}
