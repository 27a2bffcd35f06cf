package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import dev.verity.testkit.kube.FieldSchema.Scope;

import static org.assertj.core.api.Assertions.assertThat;

class ResetFieldsTest {

  private static final ResourceType DEPLOYMENTS = new ResourceType("apps", "v1", "Deployment", "deployments", true, true, true, List.of());
  private static final ResourceType PODS = new ResourceType("", "v1", "Pod", "pods", true, true, false, List.of());
  private static final ResourceType SERVICES = new ResourceType("", "v1", "Service", "services", true, true, false, List.of());
  private static final ResourceType CONFIGMAPS = new ResourceType("", "v1", "ConfigMap", "configmaps", true, false, false, List.of());
  private static final ResourceType CRDS = new ResourceType("apiextensions.k8s.io", "v1", "CustomResourceDefinition",
      "customresourcedefinitions", false, true, false, List.of());

  @Test
  void theMainResourceResetsStatusWhereThereIsAStatusSubresource() {
    assertThat(ResetFields.of(DEPLOYMENTS, Scope.MAIN, false)).containsExactly("status");
    assertThat(ResetFields.of(CONFIGMAPS, Scope.MAIN, false)).isEmpty();
  }

  @Test
  void statusWritesResetTheSpecAndPerKindMetadata() {
    assertThat(ResetFields.of(SERVICES, Scope.STATUS, false)).containsExactly("spec");
    assertThat(ResetFields.of(DEPLOYMENTS, Scope.STATUS, false)).containsExactly("spec", "metadata.labels");
    assertThat(ResetFields.of(PODS, Scope.STATUS, false)).containsExactly("spec", "metadata.deletionTimestamp",
        "metadata.ownerReferences");
    assertThat(ResetFields.of(CRDS, Scope.STATUS, false)).containsExactly("spec", "metadata");
    assertThat(ResetFields.of(DEPLOYMENTS, Scope.STATUS, true)).isSameAs(ResetFields.ALL_BUT_STATUS);
  }

  @Test
  void restorePutsBackStoredValuesAndRemovesWhatWasNotStored() {
    ObjectNode before = (ObjectNode) Json.parse("{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"x\":1},\"status\":{\"s\":1}}");
    ObjectNode next = (ObjectNode) Json.parse("{\"metadata\":{\"labels\":{\"a\":\"c\"},\"annotations\":{\"n\":\"1\"},"
        + "\"ownerReferences\":[]},\"spec\":{\"x\":2},\"status\":{\"s\":2}}");
    ResetFields.restore(before, next, List.of("spec", "metadata.labels", "metadata.ownerReferences"));
    assertThat(next.toString()).isEqualTo("{\"metadata\":{\"labels\":{\"a\":\"b\"},\"annotations\":{\"n\":\"1\"}},"
        + "\"spec\":{\"x\":1},\"status\":{\"s\":2}}");
  }

  @Test
  void customResourceStatusWritesKeepEverythingButStatus() {
    ObjectNode before = (ObjectNode) Json.parse("{\"metadata\":{\"name\":\"w\"},\"spec\":{\"x\":1},\"other\":true}");
    ObjectNode next = (ObjectNode) Json.parse("{\"metadata\":{\"name\":\"w\",\"labels\":{\"a\":\"b\"}},\"spec\":{\"x\":2},"
        + "\"status\":{\"ready\":true}}");
    ResetFields.restore(before, next, ResetFields.ALL_BUT_STATUS);
    assertThat(next.toString()).isEqualTo("{\"metadata\":{\"name\":\"w\"},\"spec\":{\"x\":1},\"other\":true,\"status\":{\"ready\":true}}");
  }
}
