package dev.verity.testkit.kube;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PatchesTest {

  @Test
  void mergePatchDeletesNullsAndReplacesLists() {
    var result = Patches.mergePatch(Json.parse("{\"a\":{\"b\":1,\"c\":2},\"l\":[1,2]}"),
        Json.parse("{\"a\":{\"b\":null,\"d\":3},\"l\":[3]}"));
    assertThat(Json.write(result)).isEqualTo("{\"a\":{\"c\":2,\"d\":3},\"l\":[3]}");
  }

  @Test
  void strategicMergePatchMergesByPatchMergeKeyAndHonoursDirectives() {
    var live = Json.parse("""
        {"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"E","value":"1"}]},{"name":"b","image":"y"}],
                 "args":["1"]}}""");
    var patch = Json.parse("""
        {"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],
         "spec":{"containers":[{"name":"a","image":"x2","env":[{"name":"F","value":"2"}]},{"name":"b","$patch":"delete"}],
                 "args":["2"]}}""");

    var result = Patches.strategicMergePatch(live, patch, ObjectSchema.builtin("v1", "Pod"), List.of());

    assertThat(Json.write(result)).isEqualTo("{\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"x2\",\"env\":"
        + "[{\"name\":\"E\",\"value\":\"1\"},{\"name\":\"F\",\"value\":\"2\"}]}],\"args\":[\"2\"]}}");
  }
}
