package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The naming controller's rules and the CRD strategy's status bookkeeping, without a server. */
class CrdControllerTest {

  private static ObjectNode crd(String names) {
    ObjectNode crd = (ObjectNode) Json.parse("{\"spec\":{\"group\":\"example.com\",\"names\":" + names + ",\"versions\":"
        + "[{\"name\":\"v1beta1\",\"storage\":false},{\"name\":\"v1\",\"storage\":true}]}}");
    CrdController.defaults(crd);
    crd.set("status", CrdController.initialStatus(crd));
    return crd;
  }

  private static ObjectNode accepted(String names) {
    ObjectNode crd = crd(names);
    CrdController.Naming naming = CrdController.naming(crd, List.of());
    ((ObjectNode) crd.get("status")).set("acceptedNames", naming.acceptedNames());
    return crd;
  }

  @Test
  void aNewCrdStartsWithItsStorageVersionAndNoAcceptedNames() {
    ObjectNode crd = crd("{\"plural\":\"widgets\",\"kind\":\"Widget\"}");
    assertThat(crd.path("status").toString()).isEqualTo("{\"acceptedNames\":{\"plural\":\"\",\"kind\":\"\"},\"storedVersions\":[\"v1\"]}");
    assertThat(crd.at("/spec/names/singular").asText()).isEqualTo("widget");
    assertThat(crd.at("/spec/names/listKind").asText()).isEqualTo("WidgetList");
  }

  @Test
  void namesWithoutConflictsAreAcceptedAndTheCrdIsInstalling() {
    CrdController.Naming naming = CrdController.naming(crd("{\"plural\":\"widgets\",\"kind\":\"Widget\",\"shortNames\":[\"wd\"]}"), List.of());
    assertThat(naming.acceptedNames().toString()).isEqualTo(
        "{\"plural\":\"widgets\",\"kind\":\"Widget\",\"singular\":\"widget\",\"shortNames\":[\"wd\"],\"listKind\":\"WidgetList\"}");
    assertThat(naming.namesAccepted().path("status").asText()).isEqualTo("True");
    assertThat(naming.namesAccepted().path("reason").asText()).isEqualTo("NoConflicts");
    assertThat(naming.namesAccepted().path("message").asText()).isEqualTo("no conflicts found");
    assertThat(naming.established().path("status").asText()).isEqualTo("False");
    assertThat(naming.established().path("reason").asText()).isEqualTo("Installing");
    assertThat(naming.established().path("message").asText()).isEqualTo("the initial names have been accepted");
  }

  @Test
  void aNameAnotherCrdOfTheGroupAcceptedIsAConflict() {
    ObjectNode widgets = accepted("{\"plural\":\"widgets\",\"kind\":\"Widget\",\"shortNames\":[\"wd\"]}");
    CrdController.Naming kind = CrdController.naming(crd("{\"plural\":\"gadgets\",\"kind\":\"Widget\",\"listKind\":\"GadgetList\"}"),
        List.of(widgets));
    assertThat(kind.namesAccepted().path("status").asText()).isEqualTo("False");
    assertThat(kind.namesAccepted().path("reason").asText()).isEqualTo("KindConflict");
    assertThat(kind.namesAccepted().path("message").asText()).isEqualTo("\"Widget\" is already in use");
    assertThat(kind.established().path("reason").asText()).isEqualTo("NotAccepted");
    assertThat(kind.established().path("message").asText()).isEqualTo("not all names are accepted");
    assertThat(kind.acceptedNames().path("kind").asText()).isEmpty();
    assertThat(kind.acceptedNames().path("plural").asText()).isEqualTo("gadgets");

    CrdController.Naming shortName = CrdController.naming(crd("{\"plural\":\"gadgets\",\"kind\":\"Gadget\",\"shortNames\":[\"wd\"]}"),
        List.of(widgets));
    assertThat(shortName.namesAccepted().path("reason").asText()).isEqualTo("ShortNamesConflict");

    CrdController.Naming plural = CrdController.naming(crd("{\"plural\":\"widget\",\"kind\":\"Gadget\",\"singular\":\"gadget\"}"),
        List.of(widgets));
    assertThat(plural.namesAccepted().path("reason").asText()).isEqualTo("PluralConflict");
    assertThat(plural.namesAccepted().path("message").asText()).isEqualTo("\"widget\" is already in use");
  }

  @Test
  void anEstablishedCrdStaysEstablished() {
    ObjectNode crd = accepted("{\"plural\":\"widgets\",\"kind\":\"Widget\"}");
    CrdController.setCondition(crd, CrdController.condition("Established", "True", "InitialNamesAccepted", "the initial names have been accepted", "t"));
    assertThat(CrdController.established(crd)).isTrue();
    CrdController.Naming again = CrdController.naming(crd, List.of());
    assertThat(again.established().path("status").asText()).isEqualTo("True");
  }

  @Test
  void deletionMarksTheCrdTerminatingWithTheCleanupFinalizer() {
    JsonNode marked = CrdController.markForDeletion(crd("{\"plural\":\"widgets\",\"kind\":\"Widget\"}"));
    assertThat(marked.at("/metadata/finalizers").toString()).isEqualTo("[\"customresourcecleanup.apiextensions.k8s.io\"]");
    assertThat(marked.at("/metadata/deletionTimestamp").asText()).isNotBlank();
    assertThat(CrdController.terminating(marked)).isTrue();
    assertThat(CrdController.condition(marked, "Terminating").path("reason").asText()).isEqualTo("InstanceDeletionPending");
  }

  @Test
  void aNewStorageVersionIsRecordedOnce() {
    ObjectNode crd = crd("{\"plural\":\"widgets\",\"kind\":\"Widget\"}");
    ((ObjectNode) crd.at("/spec/versions/0")).put("storage", true);
    ((ObjectNode) crd.at("/spec/versions/1")).put("storage", false);
    CrdController.recordStorageVersion(crd);
    CrdController.recordStorageVersion(crd);
    assertThat(crd.at("/status/storedVersions").toString()).isEqualTo("[\"v1\",\"v1beta1\"]");
  }
}
