package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TypedBodiesTest {

  private static final ResourceType DEPLOYMENTS = new ResourceType("apps", "v1", "Deployment", "deployments", true, true, true,
      List.of());

  private static ObjectNode deployment(String spec) {
    return (ObjectNode) Json.parse("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"d\"},\"spec\":"
        + spec + "}");
  }

  @Test
  void aStrictStrategicMergePatchIsRefusedWith422NamingThePatchAsGoPrintsItsMap() {
    String patch = "{\"spec\":{\"paused\":true,\"paused\":false,\"bogus\":[1,\"a\",null],\"replicas\":2}}";
    assertThatThrownBy(() -> TypedBodies.patched(DEPLOYMENTS, patch, false, true,
        deployment("{\"paused\":false,\"bogus\":[1,\"a\",null],\"replicas\":2}"), FieldValidation.of("Strict")))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(422);
          assertThat(e.getMessage()).isEqualTo(" \"\" is invalid: patch: Invalid value: \"map[spec:map[bogus:[1 a <nil>] "
              + "paused:false replicas:2]]\": strict decoding error: duplicate field \"spec.paused\", unknown field \"spec.bogus\"");
        });
  }

  @Test
  void aStrictMergePatchNamesThePatchedObjectAndWarnLetsItThrough() {
    String patch = "{\"spec\":{\"bogus\":1}}";
    assertThatThrownBy(() -> TypedBodies.patched(DEPLOYMENTS, patch, false, false, deployment("{\"bogus\":1}"),
        FieldValidation.of("Strict")))
        .hasMessage(" \"\" is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":\\\"apps/v1\\\",\\\"kind\\\":\\\"Deployment\\\","
            + "\\\"metadata\\\":{\\\"name\\\":\\\"d\\\"},\\\"spec\\\":{\\\"bogus\\\":1}}\": strict decoding error: unknown field \"spec.bogus\"");
    FieldValidation warn = FieldValidation.of("Warn");
    ObjectNode kept = TypedBodies.patched(DEPLOYMENTS, patch, false, false, deployment("{\"bogus\":1}"), warn);
    assertThat(warn.warnings()).containsExactly("unknown field \"spec.bogus\"");
    assertThat(kept.path("spec").has("bogus")).isFalse();
  }

  @Test
  void goValuesPrintAsPercentV() {
    assertThat(TypedBodies.goValue(Json.parse("{\"b\":1.5,\"a\":{\"z\":true},\"c\":1e21,\"d\":0.00001,\"e\":\"x y\"}")))
        .isEqualTo("map[a:map[z:true] b:1.5 c:1e+21 d:1e-05 e:x y]");
  }
}
