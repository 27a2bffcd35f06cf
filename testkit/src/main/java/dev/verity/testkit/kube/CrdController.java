package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The sandbox's stand-in for the apiextensions-apiserver's CRD controllers (naming, establishing, finalizer), as
 * status writes of manager {@code kube-apiserver} that every watch sees:
 *
 * <ol>
 *   <li>on create the CRD is stored with {@code status.storedVersions} = its storage version and empty
 *       {@code acceptedNames} (no conditions);</li>
 *   <li>at once the names are checked against the accepted names of the other CRDs of the same group:
 *       {@code NamesAccepted=True} (reason {@code NoConflicts}) and {@code Established=False} ({@code Installing}),
 *       {@code status.acceptedNames} set; or, on a conflict, {@code NamesAccepted=False} ({@code PluralConflict},
 *       {@code SingularConflict}, {@code ShortNamesConflict}, {@code KindConflict}, {@code ListKindConflict};
 *       message {@code "<name>" is already in use}) and {@code Established=False} ({@code NotAccepted}), for good;</li>
 *   <li>after {@link Lifecycle#crdEstablishedAfter()} {@code Established=True} ({@code InitialNamesAccepted}); only
 *       then are its kinds served and listed in discovery ({@link ResourceTypes#registerCrd});</li>
 *   <li>a delete marks it ({@code deletionTimestamp}, finalizer {@code customresourcecleanup.apiextensions.k8s.io},
 *       {@code Terminating=True} {@code InstanceDeletionPending}); then {@code InstanceDeletionInProgress}, its custom
 *       resources are deleted (creating new ones answers 405), {@code Terminating=False}
 *       {@code InstanceDeletionCompleted} (or {@code NeverEstablished}), the finalizer is removed and it is gone.</li>
 * </ol>
 *
 * <p>Read from kubernetes/kubernetes, {@code staging/src/k8s.io/apiextensions-apiserver/pkg/}:
 * {@code controller/status/naming_controller.go} (commit 01a3009a95fd), {@code controller/finalizer/crd_finalizer.go}
 * (045cf2a25f0a), {@code registry/customresourcedefinition/strategy.go} and {@code etcd.go} (the Delete that adds the
 * finalizer); the 405 is the CRD handler's answer to a create while the CRD is Terminating.
 */
final class CrdController implements SandboxApi.WriteListener {

  static final String KIND = "CustomResourceDefinition";
  static final String GROUP = "apiextensions.k8s.io";
  static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";
  static final String MANAGER = "kube-apiserver";

  /** The names part of a CRD's status and the two conditions the naming controller sets. */
  record Naming(ObjectNode acceptedNames, ObjectNode namesAccepted, ObjectNode established) {
  }

  private final SandboxApi api;
  private final Lifecycle lifecycle;
  private final Set<String> establishing = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Set<String> finalizing = java.util.concurrent.ConcurrentHashMap.newKeySet();

  CrdController(SandboxApi api, Lifecycle lifecycle) {
    this.api = api;
    this.lifecycle = lifecycle;
  }

  // ---- pure rules ------------------------------------------------------------------------------------------------

  static boolean isCrd(ResourceType type) {
    return type.group().equals(GROUP) && type.kind().equals(KIND);
  }

  static boolean established(JsonNode crd) {
    return "True".equals(Json.text(condition(crd, "Established"), "status"));
  }

  static boolean terminating(JsonNode crd) {
    return "True".equals(Json.text(condition(crd, "Terminating"), "status"));
  }

  static JsonNode condition(JsonNode crd, String type) {
    for (JsonNode condition : crd.path("status").path("conditions")) {
      if (type.equals(Json.text(condition, "type"))) {
        return condition;
      }
    }
    return null;
  }

  /** The version with {@code storage: true} (validation on a real server makes it exactly one). */
  static String storageVersion(JsonNode crd) {
    for (JsonNode version : crd.path("spec").path("versions")) {
      if (version.path("storage").asBoolean(false)) {
        return version.path("name").asText();
      }
    }
    JsonNode first = crd.path("spec").path("versions").path(0);
    return first.isMissingNode() ? null : first.path("name").asText();
  }

  /**
   * The status a freshly created CRD is stored with (the strategy's PrepareForCreate): empty accepted names, no
   * conditions, the storage version as the only stored version.
   */
  static ObjectNode initialStatus(JsonNode crd) {
    ObjectNode status = Json.object();
    status.putObject("acceptedNames").put("plural", "").put("kind", "");
    ArrayNode stored = status.putArray("storedVersions");
    String storage = storageVersion(crd);
    if (storage != null) {
      stored.add(storage);
    }
    return status;
  }

  /**
   * The naming controller's decision for {@code crd} given the other CRDs of its group: which requested names it
   * may have, and its NamesAccepted and Established conditions. A name conflicts when another CRD of the group has
   * already accepted it (plural, singular and short names share one space; kind and list kind another).
   */
  static Naming naming(JsonNode crd, List<? extends JsonNode> othersInGroup) {
    Set<String> resources = new HashSet<>();
    Set<String> kinds = new HashSet<>();
    for (JsonNode other : othersInGroup) {
      JsonNode accepted = other.path("status").path("acceptedNames");
      resources.add(accepted.path("plural").asText(""));
      resources.add(accepted.path("singular").asText(""));
      accepted.path("shortNames").forEach(n -> resources.add(n.asText()));
      kinds.add(accepted.path("kind").asText(""));
      kinds.add(accepted.path("listKind").asText(""));
    }
    resources.remove("");
    kinds.remove("");
    JsonNode requested = crd.path("spec").path("names");
    JsonNode accepted = crd.path("status").path("acceptedNames");
    ObjectNode names = accepted.isObject() ? (ObjectNode) accepted.deepCopy() : Json.object();
    if (!names.has("plural")) {
      names.put("plural", "");
    }
    if (!names.has("kind")) {
      names.put("kind", "");
    }
    String reason = null;
    String message = null;

    String plural = requested.path("plural").asText("");
    String conflict = conflict(plural, accepted.path("plural").asText(""), resources);
    if (conflict != null) {
      reason = "PluralConflict";
      message = conflict;
    } else {
      names.put("plural", plural);
    }
    String singular = requested.path("singular").asText(requested.path("kind").asText("").toLowerCase(java.util.Locale.ROOT));
    conflict = conflict(singular, accepted.path("singular").asText(""), resources);
    if (conflict != null) {
      reason = "SingularConflict";
      message = conflict;
    } else if (!singular.isEmpty()) {
      names.put("singular", singular);
    }
    List<String> requestedShort = texts(requested.path("shortNames"));
    List<String> acceptedShort = texts(accepted.path("shortNames"));
    if (!requestedShort.equals(acceptedShort)) {
      List<String> errors = new ArrayList<>();
      for (String shortName : requestedShort) {
        if (acceptedShort.contains(shortName) || shortName.equals(accepted.path("plural").asText(""))
            || shortName.equals(accepted.path("singular").asText(""))) {
          continue;
        }
        String c = conflict(shortName, "", resources);
        if (c != null) {
          errors.add(c);
        }
      }
      if (!errors.isEmpty()) {
        reason = "ShortNamesConflict";
        message = errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]";
      } else if (requestedShort.isEmpty()) {
        names.remove("shortNames");
      } else {
        ArrayNode array = names.putArray("shortNames");
        requestedShort.forEach(array::add);
      }
    }
    String kind = requested.path("kind").asText("");
    conflict = conflict(kind, accepted.path("kind").asText(""), kinds);
    if (conflict != null) {
      reason = "KindConflict";
      message = conflict;
    } else {
      names.put("kind", kind);
    }
    String listKind = requested.path("listKind").asText(kind.isEmpty() ? "" : kind + "List");
    conflict = conflict(listKind, accepted.path("listKind").asText(""), kinds);
    if (conflict != null) {
      reason = "ListKindConflict";
      message = conflict;
    } else if (!listKind.isEmpty()) {
      names.put("listKind", listKind);
    }
    if (requested.has("categories")) {
      names.set("categories", requested.get("categories").deepCopy());
    } else {
      names.remove("categories");
    }

    String now = Json.now();
    ObjectNode namesAccepted = reason == null
        ? condition("NamesAccepted", "True", "NoConflicts", "no conflicts found", now)
        : condition("NamesAccepted", "False", reason, message, now);
    JsonNode old = condition(crd, "Established");
    ObjectNode established = old instanceof ObjectNode o ? o.deepCopy()
        : condition("Established", "False", "NotAccepted", "not all names are accepted", now);
    if (!"True".equals(Json.text(established, "status")) && reason == null) {
      established = condition("Established", "False", "Installing", "the initial names have been accepted", now);
    }
    return new Naming(names, namesAccepted, established);
  }

  private static String conflict(String requested, String accepted, Set<String> used) {
    if (requested.equals(accepted) || !used.contains(requested)) {
      return null;
    }
    return "\"" + requested + "\" is already in use";
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  static ObjectNode condition(String type, String status, String reason, String message, String now) {
    ObjectNode condition = Json.object();
    condition.put("type", type);
    condition.put("status", status);
    condition.put("lastTransitionTime", now);
    condition.put("reason", reason);
    condition.put("message", message);
    return condition;
  }

  /** Sets a condition in {@code status.conditions}, keeping its lastTransitionTime when its status did not change. */
  static void setCondition(ObjectNode object, ObjectNode condition) {
    ObjectNode status = object.get("status") instanceof ObjectNode s ? s : object.putObject("status");
    ArrayNode conditions = status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
    for (int i = 0; i < conditions.size(); i++) {
      JsonNode existing = conditions.get(i);
      if (Objects.equals(Json.text(existing, "type"), Json.text(condition, "type"))) {
        ObjectNode next = condition.deepCopy();
        if (Objects.equals(Json.text(existing, "status"), Json.text(condition, "status")) && existing.has("lastTransitionTime")) {
          next.set("lastTransitionTime", existing.get("lastTransitionTime"));
        }
        conditions.set(i, next);
        return;
      }
    }
    conditions.add(condition);
  }

  /** The defaults of a CRD's spec the real server sets: names.singular, names.listKind, conversion.strategy None. */
  static void defaults(ObjectNode crd) {
    if (!(crd.get("spec") instanceof ObjectNode spec)) {
      return;
    }
    if (spec.get("names") instanceof ObjectNode names && names.hasNonNull("kind")) {
      String kind = names.get("kind").asText();
      if (!names.hasNonNull("singular") || names.get("singular").asText().isEmpty()) {
        names.put("singular", kind.toLowerCase(java.util.Locale.ROOT));
      }
      if (!names.hasNonNull("listKind") || names.get("listKind").asText().isEmpty()) {
        names.put("listKind", kind + "List");
      }
    }
    ObjectNode conversion = spec.get("conversion") instanceof ObjectNode c ? c : spec.putObject("conversion");
    if (!conversion.hasNonNull("strategy")) {
      conversion.put("strategy", "None");
    }
  }

  /** Adds the storage version to {@code status.storedVersions} when it is new (the strategy's PrepareForUpdate). */
  static void recordStorageVersion(ObjectNode crd) {
    String storage = storageVersion(crd);
    if (storage == null) {
      return;
    }
    ObjectNode status = crd.get("status") instanceof ObjectNode s ? s : crd.putObject("status");
    ArrayNode stored = status.get("storedVersions") instanceof ArrayNode a ? a : status.putArray("storedVersions");
    for (JsonNode version : stored) {
      if (version.asText().equals(storage)) {
        return;
      }
    }
    stored.add(storage);
  }

  /** The first delete of a CRD: deletion timestamp, cleanup finalizer, Terminating=True InstanceDeletionPending. */
  static ObjectNode markForDeletion(ObjectNode crd) {
    ObjectNode marked = crd.deepCopy();
    ObjectNode meta = Json.metadata(marked);
    if (!meta.hasNonNull("deletionTimestamp")) {
      meta.put("deletionTimestamp", Json.now());
      meta.put("deletionGracePeriodSeconds", 0);
    }
    ArrayNode finalizers = meta.get("finalizers") instanceof ArrayNode a ? a : meta.putArray("finalizers");
    if (!texts(finalizers).contains(CLEANUP_FINALIZER)) {
      finalizers.add(CLEANUP_FINALIZER);
    }
    setCondition(marked, condition("Terminating", "True", "InstanceDeletionPending",
        "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon", Json.now()));
    return marked;
  }

  // ---- the controller ------------------------------------------------------------------------------------------

  @Override
  public void written(ResourceType type, ObjectStore.Key key, ObjectNode stored, boolean generationChanged) {
    if (!isCrd(type)) {
      return;
    }
    String name = key.name();
    JsonNode meta = stored.path("metadata");
    if (meta.hasNonNull("deletionTimestamp")) {
      if (texts(meta.path("finalizers")).contains(CLEANUP_FINALIZER) && finalizing.add(name)) {
        lifecycle.run(() -> finalizeCrd(type, key), java.time.Duration.ZERO);
      }
      return;
    }
    if (!stored.path("spec").path("names").equals(stored.path("status").path("acceptedNames"))
        || condition(stored, "NamesAccepted") == null) {
      lifecycle.run(() -> name(type, key), java.time.Duration.ZERO);
      return;
    }
    if ("True".equals(Json.text(condition(stored, "NamesAccepted"), "status")) && !established(stored)
        && establishing.add(name)) {
      lifecycle.run(() -> establish(type, key), lifecycle.crdEstablishedAfter());
    }
  }

  @Override
  public void removed(ResourceType type, ObjectStore.Key key, ObjectNode last) {
    if (!isCrd(type)) {
      return;
    }
    // its names are free again: the other CRDs of its group are checked once more
    String group = last.path("spec").path("group").asText();
    for (ObjectNode other : api.store().locked(() -> api.store().list(GROUP, "customresourcedefinitions", ""))) {
      if (other.path("spec").path("group").asText().equals(group)) {
        String name = Json.text(other.path("metadata"), "name");
        lifecycle.run(() -> name(type, new ObjectStore.Key(GROUP, "customresourcedefinitions", "", name)), java.time.Duration.ZERO);
      }
    }
  }

  private void name(ResourceType type, ObjectStore.Key key) {
    api.controllerWrite(type, key, MANAGER, FieldSchema.Scope.STATUS, "status", crd -> {
      if (crd.path("metadata").hasNonNull("deletionTimestamp")) {
        return null;
      }
      String group = crd.path("spec").path("group").asText();
      List<ObjectNode> others = new ArrayList<>();
      for (ObjectNode other : api.store().list(GROUP, "customresourcedefinitions", "")) {
        if (other.path("spec").path("group").asText().equals(group) && !Objects.equals(Json.text(other.path("metadata"), "name"), key.name())) {
          others.add(other);
        }
      }
      Naming naming = naming(crd, others);
      ObjectNode status = crd.get("status") instanceof ObjectNode s ? s : crd.putObject("status");
      status.set("acceptedNames", naming.acceptedNames());
      setCondition(crd, naming.namesAccepted());
      setCondition(crd, naming.established());
      return crd;
    });
  }

  private void establish(ResourceType type, ObjectStore.Key key) {
    establishing.remove(key.name());
    api.controllerWrite(type, key, MANAGER, FieldSchema.Scope.STATUS, "status", crd -> {
      if (crd.path("metadata").hasNonNull("deletionTimestamp") || established(crd)
          || !"True".equals(Json.text(condition(crd, "NamesAccepted"), "status"))) {
        return null;
      }
      setCondition(crd, condition("Established", "True", "InitialNamesAccepted", "the initial names have been accepted",
          Json.now()));
      return crd;
    });
  }

  private void finalizeCrd(ResourceType type, ObjectStore.Key key) {
    ObjectNode crd = api.controllerWrite(type, key, MANAGER, FieldSchema.Scope.STATUS, "status", c -> {
      setCondition(c, condition("Terminating", "True", "InstanceDeletionInProgress", "CustomResource deletion is in progress",
          Json.now()));
      return c;
    });
    if (crd == null) {
      finalizing.remove(key.name());
      return;
    }
    ObjectNode outcome;
    if (established(crd)) {
      int remaining = api.deleteInstances(crd);
      if (remaining > 0) {
        // instances held by their own finalizers: look again later, as the real controller polls
        finalizing.remove(key.name());
        lifecycle.run(() -> {
          if (finalizing.add(key.name())) {
            finalizeCrd(type, key);
          }
        }, lifecycle.crdEstablishedAfter().isZero() ? java.time.Duration.ofMillis(100) : lifecycle.crdEstablishedAfter());
        return;
      }
      outcome = condition("Terminating", "False", "InstanceDeletionCompleted", "removed all instances", Json.now());
    } else {
      outcome = condition("Terminating", "False", "NeverEstablished", "resource was never established", Json.now());
    }
    api.controllerWrite(type, key, MANAGER, FieldSchema.Scope.STATUS, "status", c -> {
      setCondition(c, outcome);
      return c;
    });
    api.controllerWrite(type, key, MANAGER, FieldSchema.Scope.MAIN, null, c -> {
      ArrayNode finalizers = Json.MAPPER.createArrayNode();
      for (String f : new LinkedHashSet<>(texts(c.path("metadata").path("finalizers")))) {
        if (!f.equals(CLEANUP_FINALIZER)) {
          finalizers.add(f);
        }
      }
      if (finalizers.isEmpty()) {
        Json.metadata(c).remove("finalizers");
      } else {
        Json.metadata(c).set("finalizers", finalizers);
      }
      return c;
    });
    finalizing.remove(key.name());
  }
}
