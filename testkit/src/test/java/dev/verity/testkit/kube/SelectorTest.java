package dev.verity.testkit.kube;

import org.junit.jupiter.api.Test;

import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SelectorTest {

  private static final JsonNode FRONT = Json.parse("{\"metadata\":{\"name\":\"a\",\"labels\":{\"tier\":\"front\",\"team\":\"x\"}}}");
  private static final JsonNode BARE = Json.parse("{\"metadata\":{\"name\":\"b\"}}");

  @Test
  void equalityAndSetBasedRequirementsMatchAsOnTheApiServer() {
    assertThat(matches("tier=front")).containsExactly(true, false);
    assertThat(matches("tier==front,team=x")).containsExactly(true, false);
    assertThat(matches("tier!=front")).containsExactly(false, true);
    assertThat(matches("tier in (front, back)")).containsExactly(true, false);
    assertThat(matches("tier notin (back)")).containsExactly(true, true);
    assertThat(matches("tier")).containsExactly(true, false);
    assertThat(matches("!tier")).containsExactly(false, true);
    assertThat(matches("")).containsExactly(true, true);
  }

  @Test
  void aMalformedSelectorIsABadRequest() {
    for (String bad : new String[] {"tier in (front", "tier in ()", "ti$r=x", "tier=a=b"}) {
      ApiException e = catchThrowableOfType(ApiException.class, () -> Selector.labels(bad));
      assertThat(e).as(bad).isNotNull();
      assertThat(e.code()).isEqualTo(400);
    }
  }

  @Test
  void fieldSelectorsSupportNameAndNamespaceOnly() {
    assertThat(Selector.fields("metadata.name=a").test(FRONT)).isTrue();
    assertThat(Selector.fields("metadata.name!=a").test(FRONT)).isFalse();
    assertThat(catchThrowableOfType(ApiException.class, () -> Selector.fields("spec.x=1")).getMessage())
        .contains("field label not supported: spec.x");
  }

  private static Boolean[] matches(String selector) {
    Predicate<JsonNode> predicate = Selector.labels(selector);
    return new Boolean[] {predicate.test(FRONT), predicate.test(BARE)};
  }
}
