package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CustomResourceBodiesTest {

  private static final ResourceType NOXU = new ResourceType("schema.example.com", "v1beta1", "WishIHadChosenNoxu", "noxus",
      false, false, false, java.util.List.of());

  private static JsonNode schema(boolean preserve) {
    return Json.parse("""
        {"type":"object","properties":{"spec":{"type":"object",%s"properties":{
          "knownField1":{"type":"string"},
          "embeddedObj":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"metadata":{"type":"object"}}},
          "ports":{"type":"array","items":{"type":"object","properties":{"containerPort":{"type":"integer"}}}}}}}}
        """.formatted(preserve ? "\"x-kubernetes-preserve-unknown-fields\":true," : ""));
  }

  private static final String BODY = """
      {"apiVersion":"schema.example.com/v1beta1","kind":"WishIHadChosenNoxu",
       "metadata":{"name":"dupename","name":"n","unknownMeta":"x","labels":{"a":"b"}},
       "spec":{"zeta":1,"knownField1":"v1","knownField1":"v2","ports":[{"containerPort":80,"containerPort":81,"junk":1}],
               "embeddedObj":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","bogus":"y"}}}}""";

  @Test
  void problemsComeInTheServersOrderAndUnknownFieldsAreDroppedUnderWarn() {
    FieldValidation warn = FieldValidation.of("Warn");
    ObjectNode object = CustomResourceBodies.body(NOXU, BODY, false, schema(false), warn);
    assertThat(warn.warnings()).containsExactly("duplicate field \"metadata.name\"", "duplicate field \"spec.knownField1\"",
        "duplicate field \"spec.ports[0].containerPort\"", "unknown field \"metadata.unknownMeta\"",
        "unknown field \"spec.ports[0].junk\"", "unknown field \"spec.zeta\"",
        "unknown field \"spec.embeddedObj.metadata.bogus\"");
    assertThat(object.path("metadata").toString()).isEqualTo("{\"labels\":{\"a\":\"b\"},\"name\":\"n\"}");
    assertThat(object.path("spec").path("knownField1").asText()).isEqualTo("v2");
    assertThat(object.path("spec").path("ports").toString()).isEqualTo("[{\"containerPort\":81}]");
    assertThat(object.path("spec").path("embeddedObj").path("metadata").toString()).isEqualTo("{\"name\":\"cm\"}");
  }

  @Test
  void strictRefusesWithEveryProblemAndIgnoreStillDropsUnknownFields() {
    assertThatThrownBy(() -> CustomResourceBodies.body(NOXU, BODY, false, schema(false), FieldValidation.of("Strict")))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).startsWith("WishIHadChosenNoxu in version \"v1beta1\" cannot be handled as a "
              + "WishIHadChosenNoxu: strict decoding error: duplicate field \"metadata.name\", ").endsWith(
              "unknown field \"spec.zeta\", unknown field \"spec.embeddedObj.metadata.bogus\"");
        });
    FieldValidation ignore = FieldValidation.of("Ignore");
    ObjectNode object = CustomResourceBodies.body(NOXU, BODY, false, schema(false), ignore);
    assertThat(ignore.warnings()).isEmpty();
    assertThat(object.path("metadata").has("unknownMeta")).isFalse();
    assertThat(object.path("spec").has("zeta")).isFalse();
  }

  @Test
  void preservedUnknownFieldsAreNeitherReportedNorDropped() {
    FieldValidation warn = FieldValidation.of("Warn");
    ObjectNode object = CustomResourceBodies.body(NOXU, BODY, false, schema(true), warn);
    assertThat(warn.warnings()).doesNotContain("unknown field \"spec.zeta\"")
        .contains("unknown field \"spec.ports[0].junk\"", "unknown field \"spec.embeddedObj.metadata.bogus\"");
    assertThat(object.path("spec").path("zeta").asInt()).isEqualTo(1);
  }

  @Test
  void yamlDuplicateKeysComeFirstByLineAsOneStrictEntry() {
    String yaml = """
        apiVersion: schema.example.com/v1beta1
        kind: WishIHadChosenNoxu
        metadata:
          name: n
          name: n
        spec:
          knownField1: a
          other: b
        """;
    assertThatThrownBy(() -> CustomResourceBodies.body(NOXU, yaml, true, schema(false), FieldValidation.of("Strict")))
        .hasMessageEndingWith("strict decoding error: yaml: unmarshal errors:\n  line 5: key \"name\" already set in map, "
            + "unknown field \"spec.other\"");
  }

  @Test
  void aPatchedObjectReportsThePatchsOwnProblemsFirst() {
    ObjectNode patched = (ObjectNode) Json.parse("""
        {"apiVersion":"schema.example.com/v1beta1","kind":"WishIHadChosenNoxu","metadata":{"name":"n"},
         "spec":{"knownField1":"b","b":1,"a":2}}""");
    FieldValidation warn = FieldValidation.of("Warn");
    CustomResourceBodies.patched("{\"spec\":{\"knownField1\":\"a\",\"knownField1\":\"b\",\"b\":1,\"a\":2}}", false, patched,
        schema(false), warn);
    assertThat(warn.warnings()).isEqualTo(List.of("duplicate field \"spec.knownField1\"", "unknown field \"spec.a\"",
        "unknown field \"spec.b\""));
    FieldValidation jsonPatch = FieldValidation.of("Warn");
    CustomResourceBodies.patched("[{\"op\":\"add\",\"path\":\"/spec/a\",\"value\":1,\"foo\":1}]", true,
        (ObjectNode) Json.parse("{\"metadata\":{\"name\":\"n\"},\"spec\":{\"a\":1}}"), schema(false), jsonPatch);
    assertThat(jsonPatch.warnings()).containsExactly("json patch unknown field \"[0].foo\"", "unknown field \"spec.a\"");
  }

  @Test
  void aMalformedKnownMetadataFieldIsDroppedAndTheRestKept() {
    ObjectNode object = (ObjectNode) Json.parse("{\"metadata\":{\"name\":\"n\",\"labels\":\"not-a-map\"}}");
    assertThat(CustomResourceBodies.unknownFields(object, schema(false))).isEmpty();
    assertThat(object.path("metadata").toString()).isEqualTo("{\"name\":\"n\"}");
  }

  @Test
  void anApplyNamesTheFieldsNoSchemaDeclaresAsStructuredMergeDiffDoes() {
    JsonNode schema = Json.parse("""
        {"type":"object","properties":{"spec":{"type":"object","properties":{
          "ports":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["containerPort","protocol"],
                   "items":{"type":"object","properties":{"containerPort":{"type":"integer"},"protocol":{"type":"string"}}}},
          "free":{"type":"object"},
          "open":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"deep":{"type":"object",
                  "properties":{"a":{"type":"string"}}}}},
          "labels":{"type":"object","additionalProperties":{"type":"string"}},
          "embedded":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object"}}}}}}}
        """);
    ObjectNode applied = (ObjectNode) Json.parse("""
        {"apiVersion":"g/v1","kind":"K","metadata":{"name":"n","bogus":1},
         "spec":{"typo":1,"ports":[{"containerPort":80,"protocol":"TCP","extra":true}],"free":{"any":{"thing":1}},
                 "open":{"x":1,"deep":{"b":2}},"labels":{"k":"v"},
                 "embedded":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"},"spec":{"q":1},"data":{}}},
         "status":{}}""");
    assertThat(CustomResourceBodies.undeclaredInApply(applied, schema)).containsExactly(
        ".metadata.bogus: field not declared in schema",
        ".spec.typo: field not declared in schema",
        ".spec.ports[containerPort=80,protocol=\"TCP\"].extra: field not declared in schema",
        ".spec.embedded.data: field not declared in schema",
        ".status: field not declared in schema");
  }

  @Test
  void aStrictPatchIsRefusedWithThePatchHandlers422NamingThePatchedObject() {
    ObjectNode patched = (ObjectNode) Json.parse("{\"spec\":{\"zeta\":\"a\\\"b\"},\"metadata\":{\"name\":\"n\"}}");
    assertThatThrownBy(() -> CustomResourceBodies.patched("{\"spec\":{\"zeta\":\"a\\\"b\"}}", false, patched, schema(false),
        FieldValidation.of("Strict")))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(422);
          assertThat(e.reason()).isEqualTo("Invalid");
          assertThat(e.getMessage()).isEqualTo(" \"\" is invalid: patch: Invalid value: "
              + "\"{\\\"metadata\\\":{\\\"name\\\":\\\"n\\\"},\\\"spec\\\":{\\\"zeta\\\":\\\"a\\\\\\\"b\\\"}}\": "
              + "strict decoding error: unknown field \"spec.zeta\"");
          assertThat(e.causes()).singleElement().extracting(ApiException.Cause::field).isEqualTo("patch");
        });
  }
}
