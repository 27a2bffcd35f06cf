package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The sandbox's stand-in for kube-controller-manager's namespace controller. A deleted namespace is first marked
 * (by {@link SandboxApi}: {@code metadata.deletionTimestamp}, {@code status.phase: Terminating}); then this
 * controller, at once, deletes everything in it and writes the five deletion conditions the real controller keeps
 * ({@code NamespaceDeletionDiscoveryFailure}, {@code NamespaceDeletionGroupVersionParsingFailure},
 * {@code NamespaceDeletionContentFailure}, {@code NamespaceContentRemaining}, {@code NamespaceFinalizersRemaining}:
 * all {@code False} with the real "ok" reasons once the content is gone, or the last two {@code True} while objects
 * held by finalizers remain); after {@link Lifecycle#namespaceTerminatedAfter()} it removes the {@code kubernetes}
 * entry of {@code spec.finalizers} (as the {@code finalize} subresource does) and the namespace is gone (unless
 * {@code metadata.finalizers} still hold it). While it is Terminating, creating anything in it is refused with 403.
 *
 * <p>Read from kubernetes/kubernetes: {@code pkg/controller/namespace/deletion/status_condition_utils.go} (commit
 * 0355f4482be1: condition types, ok reasons and messages), {@code pkg/registry/core/namespace/storage/storage.go}
 * (the first delete marks, a later one while {@code spec.finalizers} remain is 409; the finalize write that empties
 * them deletes the namespace at once, so watchers see no separate update), and
 * {@code staging/src/k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle/admission.go} (commit 04791b490660:
 * the 403 and its {@code NamespaceTerminating} cause, the namespaces that may not be deleted).
 */
final class NamespaceController implements SandboxApi.WriteListener {

  static final String MANAGER = "kube-controller-manager";
  static final String KUBERNETES_FINALIZER = "kubernetes";
  /** Namespaces the NamespaceLifecycle admission plugin never lets anyone delete. */
  static final Set<String> IMMORTAL = Set.of("default", "kube-system", "kube-public");

  private static final List<String> CONDITION_TYPES = List.of("NamespaceDeletionDiscoveryFailure",
      "NamespaceDeletionGroupVersionParsingFailure", "NamespaceDeletionContentFailure", "NamespaceContentRemaining",
      "NamespaceFinalizersRemaining");
  private static final Map<String, String[]> OK = Map.of(
      "NamespaceDeletionDiscoveryFailure", new String[] {"ResourcesDiscovered", "All resources successfully discovered"},
      "NamespaceDeletionGroupVersionParsingFailure", new String[] {"ParsedGroupVersions", "All legacy kube types successfully parsed"},
      "NamespaceDeletionContentFailure", new String[] {"ContentDeleted", "All content successfully deleted, may be waiting on finalization"},
      "NamespaceContentRemaining", new String[] {"ContentRemoved", "All content successfully removed"},
      "NamespaceFinalizersRemaining", new String[] {"ContentRemoved", "All content successfully removed"});

  private final SandboxApi api;
  private final Lifecycle lifecycle;
  private final Set<String> working = java.util.concurrent.ConcurrentHashMap.newKeySet();

  NamespaceController(SandboxApi api, Lifecycle lifecycle) {
    this.api = api;
    this.lifecycle = lifecycle;
  }

  static boolean isNamespace(ResourceType type) {
    return type.group().isEmpty() && type.kind().equals("Namespace");
  }

  static boolean terminating(JsonNode namespace) {
    return namespace != null && "Terminating".equals(namespace.path("status").path("phase").asText());
  }

  /**
   * The namespace's deletion conditions after a content sweep that left {@code remaining} objects (counted by
   * resource, e.g. {@code configmaps.} for the core group) held by {@code finalizers} (counted by finalizer).
   */
  static void conditions(ObjectNode namespace, Map<String, Integer> remaining, Map<String, Integer> finalizers) {
    String now = Json.now();
    for (String type : CONDITION_TYPES) {
      ObjectNode condition;
      if (type.equals("NamespaceContentRemaining") && !remaining.isEmpty()) {
        List<String> parts = remaining.entrySet().stream().map(e -> e.getKey() + " has " + e.getValue() + " resource instances").sorted().toList();
        condition = CrdController.condition(type, "True", "SomeResourcesRemain", "Some resources are remaining: "
            + String.join(", ", parts), now);
      } else if (type.equals("NamespaceFinalizersRemaining") && !finalizers.isEmpty()) {
        List<String> parts = finalizers.entrySet().stream().map(e -> e.getKey() + " in " + e.getValue() + " resource instances").sorted().toList();
        condition = CrdController.condition(type, "True", "SomeFinalizerRemain", "Some finalizers are remaining: "
            + String.join(", ", parts), now);
      } else {
        condition = CrdController.condition(type, "False", OK.get(type)[0], OK.get(type)[1], now);
      }
      CrdController.setCondition(namespace, condition);
    }
  }

  @Override
  public void written(ResourceType type, ObjectStore.Key key, ObjectNode stored, boolean generationChanged) {
    if (isNamespace(type) && stored.path("metadata").hasNonNull("deletionTimestamp") && working.add(key.name())) {
      lifecycle.run(() -> sweep(type, key), Duration.ZERO);
    }
  }

  /** Deletes the namespace's content and records the conditions; finalizes after the delay once nothing remains. */
  private void sweep(ResourceType type, ObjectStore.Key key) {
    Map<String, Integer> remaining = new TreeMap<>();
    Map<String, Integer> finalizers = new TreeMap<>();
    api.deleteNamespaceContent(key.name(), remaining, finalizers);
    ObjectNode namespace = api.controllerWrite(type, key, MANAGER, FieldSchema.Scope.STATUS, "status", ns -> {
      conditions(ns, remaining, finalizers);
      return ns;
    });
    if (namespace == null) {
      working.remove(key.name());
      return;
    }
    Duration delay = lifecycle.namespaceTerminatedAfter();
    if (!remaining.isEmpty()) {
      lifecycle.run(() -> sweep(type, key), delay.isZero() ? Duration.ofMillis(100) : delay);
      return;
    }
    lifecycle.run(() -> finalizeNamespace(type, key), delay);
  }

  private void finalizeNamespace(ResourceType type, ObjectStore.Key key) {
    try {
      api.controllerWrite(type, key, MANAGER, FieldSchema.Scope.MAIN, "finalize", ns -> {
        if (!(ns.path("spec").path("finalizers") instanceof ArrayNode finalizers)) {
          return ns; // nothing to finalize: the write below removes it when no metadata.finalizers hold it
        }
        ArrayNode kept = Json.MAPPER.createArrayNode();
        finalizers.forEach(f -> {
          if (!f.asText().equals(KUBERNETES_FINALIZER)) {
            kept.add(f);
          }
        });
        if (kept.isEmpty()) {
          ((ObjectNode) ns.get("spec")).remove("finalizers");
        } else {
          ((ObjectNode) ns.get("spec")).set("finalizers", kept);
        }
        return ns;
      });
      api.removeFinalizedNamespace(type, key);
    } finally {
      working.remove(key.name());
    }
  }
}
