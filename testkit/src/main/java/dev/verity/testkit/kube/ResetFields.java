package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

import dev.verity.testkit.kube.FieldSchema.Scope;

/**
 * The fields a write leaves as they were stored, by kind and endpoint, after the registry strategies'
 * {@code GetResetFields} and {@code PrepareForUpdate} in Kubernetes 1.32 (checked by
 * {@code test/integration/apiserver/apply/reset_fields_test.go}, {@code TestApplyResetFields}):
 *
 * <ul>
 *   <li>a write to the main resource of a kind with a status subresource keeps {@code status};</li>
 *   <li>a write to {@code /status} keeps {@code spec}, and for some kinds metadata fields too: Deployment
 *       {@code metadata.labels}; Pod {@code metadata.deletionTimestamp} and {@code metadata.ownerReferences};
 *       CustomResourceDefinition all of {@code metadata}; custom resources everything but {@code status} (their status
 *       strategy copies the stored object and takes only the new status). Other metadata (labels, annotations of most
 *       kinds) may change through {@code /status}, as on a real server.</li>
 * </ul>
 *
 * <p>Read: {@code reset_fields_test.go} at commit 025f2834a128, and {@code GetResetFields} of the strategies in
 * {@code pkg/registry/apps/{deployment,statefulset,replicaset}/strategy.go}, {@code pkg/registry/core/pod/strategy.go},
 * {@code staging/src/k8s.io/apiextensions-apiserver/pkg/registry/customresourcedefinition/strategy.go} and
 * {@code .../registry/customresource/status_strategy.go}; every other status strategy of the kinds served here resets
 * {@code spec} only.
 */
final class ResetFields {

  /** Every top-level field but status, for custom resources' status writes. */
  static final List<String> ALL_BUT_STATUS = List.of("*");

  private static final List<String> SPEC = List.of("spec");
  private static final Map<String, List<String>> STATUS_WRITES = Map.of(
      "apps/Deployment", List.of("spec", "metadata.labels"),
      "/Pod", List.of("spec", "metadata.deletionTimestamp", "metadata.ownerReferences"),
      "apiextensions.k8s.io/CustomResourceDefinition", List.of("spec", "metadata"));

  private ResetFields() {
  }

  /**
   * The reset fields of a write to {@code scope} of {@code type}, as dotted paths ({@code metadata.labels}); empty for
   * the main resource of a kind without a status subresource. {@code custom} marks a custom resource.
   */
  static List<String> of(ResourceType type, Scope scope, boolean custom) {
    if (!type.statusSubresource()) {
      return List.of();
    }
    if (scope == Scope.MAIN) {
      return List.of("status");
    }
    if (custom) {
      return ALL_BUT_STATUS;
    }
    return STATUS_WRITES.getOrDefault(type.group() + "/" + type.kind(), SPEC);
  }

  /** Puts back into {@code next} the stored values ({@code before}) of the given reset fields. */
  static void restore(ObjectNode before, ObjectNode next, List<String> paths) {
    if (paths == ALL_BUT_STATUS) {
      JsonNode status = next.get("status");
      List<String> names = new java.util.ArrayList<>();
      next.fieldNames().forEachRemaining(names::add);
      names.forEach(next::remove);
      before.fields().forEachRemaining(e -> next.set(e.getKey(), e.getValue().deepCopy()));
      if (status != null) {
        next.set("status", status);
      } else {
        next.remove("status");
      }
      return;
    }
    for (String path : paths) {
      String[] parts = path.split("\\.");
      ObjectNode from = before;
      ObjectNode to = next;
      for (int i = 0; i < parts.length - 1; i++) {
        JsonNode f = from == null ? null : from.get(parts[i]);
        from = f instanceof ObjectNode o ? o : null;
        JsonNode t = to.get(parts[i]);
        to = t instanceof ObjectNode o ? o : to.putObject(parts[i]);
      }
      String last = parts[parts.length - 1];
      JsonNode old = from == null ? null : from.get(last);
      if (old == null) {
        to.remove(last);
      } else {
        to.set(last, old.deepCopy());
      }
    }
  }
}
