package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FinalizersTest {

  private static final ResourceType NOXU = new ResourceType("schema.example.com", "v1beta1", "WishIHadChosenNoxu", "noxus",
      false, false, false, java.util.List.of());

  private static ObjectNode withFinalizers(String finalizers) {
    return (ObjectNode) Json.parse("{\"metadata\":{\"name\":\"n\",\"finalizers\":" + finalizers + "}}");
  }

  @Test
  void addedFinalizersWithoutADomainAreWarnedAboutInSortedOrder() {
    assertThat(Finalizers.warnings(withFinalizers("[\"zeta\",\"alpha\",\"example.com/ok\",\"kubernetes\",\"a.b\"]"), null))
        .containsExactly(
            "metadata.finalizers: \"a.b\": prefer a domain-qualified finalizer name including a path (/) to avoid "
                + "accidental conflicts with other finalizer writers",
            "metadata.finalizers: \"alpha\": prefer a domain-qualified finalizer name to avoid accidental conflicts with "
                + "other finalizer writers",
            "metadata.finalizers: \"zeta\": prefer a domain-qualified finalizer name to avoid accidental conflicts with "
                + "other finalizer writers");
  }

  @Test
  void onUpdateOnlyNewlyAddedFinalizersAreWarnedAbout() {
    assertThat(Finalizers.warnings(withFinalizers("[\"old\",\"new\"]"), withFinalizers("[\"old\"]")))
        .containsExactly("metadata.finalizers: \"new\": prefer a domain-qualified finalizer name to avoid accidental "
            + "conflicts with other finalizer writers");
    assertThat(Finalizers.warnings(withFinalizers("[\"example.com/x\"]"), withFinalizers("[\"invalid\"]"))).isEmpty();
  }

  @Test
  void qualifiedNamesAreCheckedAsApimachineryDoes() {
    assertThat(Finalizers.qualifiedNameErrors("kubernetes.io/valid-finalizer")).isEmpty();
    assertThat(Finalizers.qualifiedNameErrors("test/finalizer")).isEmpty();
    assertThat(Finalizers.qualifiedNameErrors("-bad")).containsExactly("name part must consist of alphanumeric characters, "
        + "'-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
        + "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
    assertThat(Finalizers.qualifiedNameErrors("Bad_Prefix/x")).singleElement().asString()
        .startsWith("prefix part a lowercase RFC 1123 subdomain must consist of");
    assertThat(Finalizers.qualifiedNameErrors("/x")).containsExactly("prefix part must be non-empty");
    assertThat(Finalizers.qualifiedNameErrors("a/b/c")).singleElement().asString().startsWith("a qualified name must consist");
  }

  @Test
  void anUnqualifiedFinalizerIsRefusedWith422() {
    assertThatThrownBy(() -> Finalizers.validate(NOXU, "n", withFinalizers("[\"ok\",\"no way\"]")))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(422);
          assertThat(e.getMessage()).startsWith("WishIHadChosenNoxu \"n\" is invalid: metadata.finalizers: Invalid value: "
              + "\"no way\": name part must consist of alphanumeric characters");
        });
  }
}
