package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StructuralSchemaTest {

  private static final JsonNode SCHEMA = Json.parse("""
      {"type":"object","properties":{
        "spec":{"type":"object","properties":{
          "size":{"type":"integer","default":1},
          "mode":{"type":"object","default":{},"properties":{"name":{"type":"string","default":"fast"}}},
          "labels":{"type":"object","additionalProperties":{"type":"string"}},
          "ports":{"type":"array","items":{"type":"object","properties":{"port":{"type":"integer"},
            "protocol":{"type":"string","default":"TCP"}}}},
          "raw":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"properties":{"known":{"type":"object"}}},
          "nothing":{"type":"object"},
          "template":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object"}}},
          "maybe":{"type":"string","nullable":true},
          "never":{"type":"string"}}}}}
      """);

  private static ObjectNode widget(String spec) {
    return (ObjectNode) Json.parse("{\"apiVersion\":\"example.com/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\","
        + "\"labels\":{\"a\":\"b\"},\"whatever\":1},\"spec\":" + spec + ",\"top\":1}");
  }

  @Test
  void unknownFieldsArePrunedAndTheEnvelopeKept() {
    ObjectNode pruned = StructuralSchema.apply(widget("{\"size\":3,\"bogus\":true}"), SCHEMA);
    assertThat(pruned.has("top")).isFalse();
    assertThat(pruned.path("spec").has("bogus")).isFalse();
    assertThat(pruned.path("spec").path("size").asInt()).isEqualTo(3);
    assertThat(pruned.path("metadata").path("labels").path("a").asText()).isEqualTo("b");
    assertThat(pruned.path("apiVersion").asText()).isEqualTo("example.com/v1");
  }

  @Test
  void additionalPropertiesPreserveUnknownFieldsAndEmbeddedResourcesKeepWhatTheyDeclare() {
    ObjectNode pruned = StructuralSchema.apply(widget("""
        {"labels":{"x":"1","y":"2"},"raw":{"free":[1],"known":{"dropped":true}},"nothing":{"gone":1},
         "template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"x":1},"other":2},
         "ports":[{"port":80,"junk":1}]}"""), SCHEMA);
    JsonNode spec = pruned.path("spec");
    assertThat(spec.path("labels").toString()).isEqualTo("{\"x\":\"1\",\"y\":\"2\"}");
    assertThat(spec.path("raw").path("free").toString()).isEqualTo("[1]");
    assertThat(spec.path("raw").path("known").toString()).isEqualTo("{}");
    assertThat(spec.path("nothing").toString()).isEqualTo("{}");
    assertThat(spec.path("template").toString()).isEqualTo("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{}}");
    assertThat(spec.path("ports").toString()).isEqualTo("[{\"port\":80,\"protocol\":\"TCP\"}]");
  }

  @Test
  void trackedPruningAnswersTheRemovedPathsSortedAndKeepsPreservedOnes() {
    ObjectNode widget = widget("""
        {"size":3,"bogus":true,"ports":[{"port":80,"junk":1},{"port":81,"zap":2}],"raw":{"free":1,"known":{"dropped":1}},
         "template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"other":2},"never":null}""");
    assertThat(StructuralSchema.pruneTracked(widget, SCHEMA)).containsExactly("spec.bogus", "spec.ports[0].junk",
        "spec.ports[1].zap", "spec.raw.known.dropped", "spec.template.other", "top");
    assertThat(widget.path("spec").has("never")).as("a null the schema does not allow is dropped, not reported").isFalse();
    assertThat(widget.path("spec").path("raw").path("free").asInt()).isEqualTo(1);
    assertThat(widget.path("metadata").path("whatever").asInt()).as("metadata is not pruned by the schema").isEqualTo(1);
  }

  @Test
  void defaultsFillAbsentFieldsAndDefaultInsideDefaults() {
    ObjectNode defaulted = StructuralSchema.apply(widget("{}"), SCHEMA);
    assertThat(defaulted.path("spec").toString()).isEqualTo("{\"size\":1,\"mode\":{\"name\":\"fast\"}}");
    ObjectNode kept = StructuralSchema.apply(widget("{\"size\":5,\"mode\":{\"name\":\"slow\"}}"), SCHEMA);
    assertThat(kept.path("spec").toString()).isEqualTo("{\"size\":5,\"mode\":{\"name\":\"slow\"}}");
  }

  @Test
  void nullsAreDroppedUnlessNullableAndDefaultsReplaceThem() {
    ObjectNode result = StructuralSchema.apply(widget("{\"size\":null,\"maybe\":null,\"never\":null}"), SCHEMA);
    assertThat(result.path("spec").path("size").asInt()).isEqualTo(1);
    assertThat(result.path("spec").has("maybe")).isTrue();
    assertThat(result.path("spec").path("maybe").isNull()).isTrue();
    assertThat(result.path("spec").has("never")).isFalse();
  }

  @Test
  void pruneOnlySetsNoDefaults() {
    ObjectNode applied = StructuralSchema.pruneOnly(widget("{\"bogus\":1}"), SCHEMA);
    assertThat(applied.path("spec").toString()).isEqualTo("{}");
  }
}
