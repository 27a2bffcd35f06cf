package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import dev.verity.testkit.kube.FieldSchema.Scope;

/**
 * The API semantics of the sandbox, independent of HTTP: create, get, list, update, patch, apply, delete, each with
 * the bookkeeping of a real API server (uid, resourceVersion, generation, managedFields, namespace existence,
 * finalizers, dry run). Every operation runs under the store lock.
 */
final class SandboxApi {

  /** The patch formats of {@code PATCH}. */
  enum PatchType { JSON, MERGE, STRATEGIC }

  /** An HTTP status code and the object (or list, or Status) to answer with. */
  record Outcome(int code, ObjectNode body) {
  }

  /** Told after a stored write: the object as stored and whether its generation changed. */
  interface WriteListener {
    void written(ResourceType type, ObjectStore.Key key, ObjectNode stored, boolean generationChanged);
  }

  private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final String ALPHANUMERIC = "bcdfghjklmnpqrstvwxz2456789";

  private final ObjectStore store;
  private final ResourceTypes types;
  private volatile WriteListener listener = (type, key, stored, changed) -> { };

  SandboxApi(ObjectStore store, ResourceTypes types) {
    this.store = store;
    this.types = types;
  }

  void onWrite(WriteListener listener) {
    this.listener = listener;
  }

  ObjectStore store() {
    return store;
  }

  ResourceTypes types() {
    return types;
  }

  static ObjectStore.Key key(ResourceType type, String namespace, String name) {
    return new ObjectStore.Key(type.group(), type.plural(), type.namespaced() ? namespace : "", name);
  }

  // ---- reads ----------------------------------------------------------------------------------------------------

  ObjectNode get(ResourceType type, String namespace, String name) {
    return store.locked(() -> {
      ObjectNode object = store.get(key(type, namespace, name));
      if (object == null) {
        throw ApiException.notFound(type, name);
      }
      return object;
    });
  }

  ObjectNode list(ResourceType type, String namespace, Predicate<JsonNode> filter) {
    return list(type, namespace, filter, ListRequest.ALL);
  }

  /** A list as the options ask for it: a page, a snapshot, or everything now (see {@link ListRequest}). */
  ObjectNode list(ResourceType type, String namespace, Predicate<JsonNode> filter, ListRequest options) {
    return options.read(store, type, namespace, filter);
  }

  // ---- writes ---------------------------------------------------------------------------------------------------

  Outcome create(ResourceType type, String namespace, ObjectNode body, String manager, boolean dryRun) {
    return store.locked(() -> {
      checkKind(type, body);
      ObjectNode metadata = Json.metadata(body);
      String name = Json.text(metadata, "name");
      if ((name == null || name.isEmpty()) && Json.text(metadata, "generateName") != null) {
        name = Json.text(metadata, "generateName") + randomSuffix();
        metadata.put("name", name);
      }
      checkName(type, name);
      checkNamespace(type, namespace, body);
      ObjectStore.Key key = key(type, namespace, name);
      if (store.get(key) != null) {
        throw ApiException.alreadyExists(type, name);
      }
      ObjectNode candidate = (ObjectNode) FieldSchema.withoutNulls(body);
      Defaults.keys(candidate);
      if (type.statusSubresource()) {
        candidate.remove("status");
      }
      ObjectNode meta = Json.metadata(candidate);
      List.of("resourceVersion", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "uid",
          "creationTimestamp", "generation").forEach(meta::remove);
      initialise(type, namespace, candidate);
      ManagedEntry.writeAll(candidate, FieldOwnership.update(List.of(), null, candidate, type.kind(), type.apiVersion(),
          manager, Scope.MAIN, null));
      return new Outcome(201, commit(type, key, null, candidate, dryRun));
    });
  }

  Outcome update(ResourceType type, String namespace, String name, ObjectNode body, String manager, boolean dryRun,
      Scope scope) {
    return store.locked(() -> {
      checkKind(type, body);
      String bodyName = Json.text(body.path("metadata"), "name");
      if (bodyName != null && !bodyName.equals(name)) {
        throw ApiException.badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
      }
      checkNamespace(type, namespace, body);
      ObjectStore.Key key = key(type, namespace, name);
      ObjectNode before = store.get(key);
      if (before == null) {
        throw ApiException.notFound(type, name);
      }
      checkResourceVersion(type, name, before, body);
      return new Outcome(200, write(type, key, before, (ObjectNode) FieldSchema.withoutNulls(body), manager, dryRun, scope));
    });
  }

  Outcome patch(ResourceType type, String namespace, String name, PatchType patchType, String patchBody, String manager,
      boolean dryRun, Scope scope) {
    return store.locked(() -> {
      ObjectStore.Key key = key(type, namespace, name);
      ObjectNode before = store.get(key);
      if (before == null) {
        throw ApiException.notFound(type, name);
      }
      JsonNode patch = Json.parse(patchBody);
      if (patchType != PatchType.JSON && !patch.isObject()) {
        throw ApiException.badRequest("a " + patchType.name().toLowerCase() + " patch must be a JSON object, got " + patch.getNodeType());
      }
      JsonNode patched = switch (patchType) {
        case JSON -> Patches.jsonPatch(before, patch);
        case MERGE -> Patches.mergePatch(before, patch);
        case STRATEGIC -> Patches.strategicMergePatch(before, patch, type.kind(), List.of());
      };
      if (!(patched instanceof ObjectNode candidate)) {
        throw new ApiException(422, "Invalid", "the patch turned " + type.kind() + " \"" + name + "\" into a " + patched.getNodeType());
      }
      if (!Objects.equals(Json.text(candidate.path("metadata"), "name"), name)) {
        throw new ApiException(422, "Invalid", type.kind() + " \"" + name + "\" is invalid: metadata.name: Invalid value: "
            + candidate.path("metadata").path("name") + ": field is immutable");
      }
      checkResourceVersion(type, name, before, candidate);
      return new Outcome(200, write(type, key, before, candidate, manager, dryRun, scope));
    });
  }

  Outcome apply(ResourceType type, String namespace, String name, String body, String manager, boolean force,
      boolean dryRun, Scope scope) {
    if (manager == null || manager.isBlank()) {
      throw new ApiException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: "
          + "is required for apply patch");
    }
    ObjectNode applied = Json.parseObject(body, true);
    return store.locked(() -> {
      if (Json.text(applied, "apiVersion") == null || Json.text(applied, "kind") == null) {
        throw ApiException.badRequest("apply configuration must set apiVersion and kind (got apiVersion="
            + Json.text(applied, "apiVersion") + ", kind=" + Json.text(applied, "kind") + ")");
      }
      checkKind(type, applied);
      String bodyName = Json.text(applied.path("metadata"), "name");
      if (bodyName == null || !bodyName.equals(name)) {
        throw ApiException.badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
      }
      checkNamespace(type, namespace, applied);
      ObjectStore.Key key = key(type, namespace, name);
      ObjectNode before = store.get(key);
      if (before == null && scope == Scope.STATUS) {
        throw ApiException.notFound(type, name);
      }
      if (before == null) {
        checkName(type, name);
      } else {
        checkResourceVersion(type, name, before, applied);
      }
      Defaults.keys(applied);
      ObjectNode live = before != null ? before : skeleton(type, namespace, name);
      FieldOwnership.Result result = FieldOwnership.apply(live, applied, type.kind(), type.apiVersion(), manager, force,
          scope, scope == Scope.STATUS ? "status" : null);
      ObjectNode candidate = result.object();
      candidate.put("apiVersion", type.apiVersion());
      candidate.put("kind", type.kind());
      ManagedEntry.writeAll(candidate, result.managed());
      if (before == null) {
        initialise(type, namespace, candidate);
        return new Outcome(201, commit(type, key, null, candidate, dryRun));
      }
      Defaults.objects(type.kind(), candidate);
      return new Outcome(200, commit(type, key, before, candidate, dryRun));
    });
  }

  Outcome delete(ResourceType type, String namespace, String name, boolean dryRun, String uid, String resourceVersion) {
    return store.locked(() -> {
      ObjectStore.Key key = key(type, namespace, name);
      ObjectNode before = store.get(key);
      if (before == null) {
        throw ApiException.notFound(type, name);
      }
      String liveUid = Json.text(before.path("metadata"), "uid");
      if (uid != null && !uid.equals(liveUid)) {
        throw new ApiException(409, "Conflict", "Precondition failed: UID in precondition: " + uid
            + ", UID in object meta: " + liveUid, name, type.group(), type.plural(), List.of());
      }
      String liveVersion = Json.text(before.path("metadata"), "resourceVersion");
      if (resourceVersion != null && !resourceVersion.equals(liveVersion)) {
        throw new ApiException(409, "Conflict", "Precondition failed: ResourceVersion in precondition: " + resourceVersion
            + ", ResourceVersion in object meta: " + liveVersion, name, type.group(), type.plural(), List.of());
      }
      return new Outcome(200, deleteLocked(type, key, before, dryRun));
    });
  }

  ObjectNode deleteCollection(ResourceType type, String namespace, Predicate<JsonNode> filter, boolean dryRun) {
    return store.locked(() -> {
      ObjectNode list = list(type, namespace, filter);
      ArrayNode deleted = Json.MAPPER.createArrayNode();
      for (JsonNode item : list.path("items")) {
        ObjectNode object = (ObjectNode) item;
        String ns = Json.text(object.path("metadata"), "namespace");
        ObjectStore.Key key = key(type, ns == null ? "" : ns, Json.text(object.path("metadata"), "name"));
        deleted.add(deleteLocked(type, key, object, dryRun));
      }
      list.set("items", deleted);
      return list;
    });
  }

  /**
   * Reads or writes {@code spec.replicas} through the scale subresource, as {@code kubectl scale} does; the writer
   * owns {@code spec.replicas} (an Update of subresource scale).
   */
  ObjectNode scale(ResourceType type, String namespace, String name, java.util.function.UnaryOperator<ObjectNode> change,
      String manager, boolean dryRun) {
    if (!type.scaleSubresource()) {
      throw new ApiException(404, "NotFound", "the server could not find the requested resource (" + type.qualifiedPlural()
          + " has no scale subresource)");
    }
    return store.locked(() -> {
      ObjectStore.Key key = key(type, namespace, name);
      ObjectNode before = store.get(key);
      if (before == null) {
        throw ApiException.notFound(type, name);
      }
      ObjectNode scale = Scale.of(type, before);
      ObjectNode wanted = change.apply(scale.deepCopy());
      checkResourceVersion(type, name, before, wanted);
      JsonNode replicas = wanted.path("spec").path("replicas");
      if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
        throw ApiException.invalid(type, name, "spec.replicas", "Invalid value: " + replicas + ": must be greater than or equal to 0");
      }
      ObjectNode next = before.deepCopy();
      ((ObjectNode) next.with("spec")).put("replicas", replicas.asInt());
      ManagedEntry.writeAll(next, FieldOwnership.update(ManagedEntry.readAll(before), before, next, type.kind(),
          type.apiVersion(), manager, Scope.MAIN, "scale"));
      return Scale.of(type, commit(type, key, before, next, dryRun));
    });
  }

  /** Writes a new status as a controller would (an Update of the status subresource by {@code manager}). */
  void writeStatus(ResourceType type, ObjectStore.Key key, long generation, ObjectNode status, String manager) {
    store.locked(() -> {
      ObjectNode before = store.get(key);
      if (before == null || before.path("metadata").path("generation").asLong(0) != generation) {
        return null;
      }
      ObjectNode candidate = before.deepCopy();
      candidate.set("status", status);
      ManagedEntry.writeAll(candidate, FieldOwnership.update(ManagedEntry.readAll(before), before, candidate, type.kind(),
          type.apiVersion(), manager, Scope.STATUS, "status"));
      commit(type, key, before, candidate, false);
      return null;
    });
  }

  // ---- internals ------------------------------------------------------------------------------------------------

  private ObjectNode write(ResourceType type, ObjectStore.Key key, ObjectNode before, ObjectNode candidate, String manager,
      boolean dryRun, Scope scope) {
    Defaults.keys(candidate);
    ObjectNode next;
    if (scope == Scope.STATUS) {
      next = before.deepCopy();
      if (candidate.has("status")) {
        next.set("status", candidate.get("status"));
      } else {
        next.remove("status");
      }
    } else {
      next = candidate;
      if (type.statusSubresource()) {
        if (before.has("status")) {
          next.set("status", before.get("status"));
        } else {
          next.remove("status");
        }
      }
      ObjectNode meta = Json.metadata(next);
      ObjectNode old = (ObjectNode) before.get("metadata");
      for (String field : List.of("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation",
          "namespace", "name")) {
        if (old.has(field)) {
          meta.set(field, old.get(field));
        } else {
          meta.remove(field);
        }
      }
      meta.remove("selfLink");
      Defaults.objects(type.kind(), next);
    }
    next.put("apiVersion", type.apiVersion());
    next.put("kind", type.kind());
    ManagedEntry.writeAll(next, FieldOwnership.update(ManagedEntry.readAll(before), before, next, type.kind(),
        type.apiVersion(), manager, scope, scope == Scope.STATUS ? "status" : null));
    return commit(type, key, before, next, dryRun);
  }

  /** Finishes a write: generation, no-op detection, finalizer-driven removal, dry run, storing, listeners. */
  private ObjectNode commit(ResourceType type, ObjectStore.Key key, ObjectNode before, ObjectNode candidate, boolean dryRun) {
    ObjectNode meta = Json.metadata(candidate);
    boolean generationChanged = false;
    if (before != null) {
      meta.put("resourceVersion", Json.text(before.path("metadata"), "resourceVersion"));
      if (meta.has("generation") && !content(before).equals(content(candidate))) {
        meta.put("generation", before.path("metadata").path("generation").asLong(1) + 1);
        generationChanged = true;
      }
      if (candidate.equals(before)) {
        return before;
      }
      if (meta.hasNonNull("deletionTimestamp") && meta.path("finalizers").isEmpty()) {
        return deleteLocked(type, key, candidate, dryRun);
      }
    } else {
      generationChanged = true;
    }
    if (dryRun) {
      return candidate;
    }
    ObjectNode stored = store.put(key, candidate);
    if (type.kind().equals("CustomResourceDefinition")) {
      types.registerCrd(stored);
    }
    listener.written(type, key, stored, generationChanged);
    return stored;
  }

  private ObjectNode deleteLocked(ResourceType type, ObjectStore.Key key, ObjectNode before, boolean dryRun) {
    if (dryRun) {
      return before;
    }
    ObjectNode meta = (ObjectNode) before.get("metadata");
    if (!meta.path("finalizers").isEmpty()) {
      if (meta.hasNonNull("deletionTimestamp")) {
        return before;
      }
      ObjectNode marked = before.deepCopy();
      Json.metadata(marked).put("deletionTimestamp", Json.now());
      Json.metadata(marked).put("deletionGracePeriodSeconds", 0);
      return store.put(key, marked);
    }
    if (type.kind().equals("Namespace")) {
      for (ResourceType t : namespacedTypes()) {
        for (ObjectNode child : store.list(t.group(), t.plural(), key.name())) {
          store.remove(key(t, key.name(), Json.text(child.path("metadata"), "name")));
        }
      }
    }
    if (type.kind().equals("CustomResourceDefinition")) {
      String group = before.path("spec").path("group").asText();
      String plural = before.path("spec").path("names").path("plural").asText();
      ResourceType served = types.all().stream()
          .filter(t -> t.group().equals(group) && t.plural().equals(plural)).findFirst().orElse(null);
      if (served != null) {
        for (ObjectNode child : store.list(served.group(), served.plural(), null)) {
          String ns = Json.text(child.path("metadata"), "namespace");
          store.remove(key(served, ns == null ? "" : ns, Json.text(child.path("metadata"), "name")));
        }
      }
      types.unregisterCrd(before);
    }
    return store.remove(key);
  }

  /** One served type per namespaced resource (versions share storage), custom resources included. */
  private List<ResourceType> namespacedTypes() {
    java.util.Map<String, ResourceType> byResource = new java.util.LinkedHashMap<>();
    for (ResourceType type : types.all()) {
      if (type.namespaced()) {
        byResource.putIfAbsent(type.group() + "/" + type.plural(), type);
      }
    }
    return new ArrayList<>(byResource.values());
  }

  /** Everything but metadata and status: what a change of bumps {@code metadata.generation}. */
  private static ObjectNode content(ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    copy.remove(List.of("metadata", "status", "apiVersion", "kind"));
    return copy;
  }

  private void initialise(ResourceType type, String namespace, ObjectNode candidate) {
    ObjectNode meta = Json.metadata(candidate);
    if (type.namespaced()) {
      meta.put("namespace", namespace);
    } else {
      meta.remove("namespace");
    }
    meta.put("uid", UUID.randomUUID().toString());
    meta.put("creationTimestamp", Json.now());
    if (candidate.has("spec") && !type.kind().equals("Namespace")) {
      meta.put("generation", 1);
    }
    Defaults.objects(type.kind(), candidate);
  }

  private static ObjectNode skeleton(ResourceType type, String namespace, String name) {
    ObjectNode object = Json.object();
    object.put("apiVersion", type.apiVersion());
    object.put("kind", type.kind());
    ObjectNode meta = object.putObject("metadata");
    meta.put("name", name);
    if (type.namespaced()) {
      meta.put("namespace", namespace);
    }
    return object;
  }

  private static void checkKind(ResourceType type, ObjectNode body) {
    String kind = Json.text(body, "kind");
    if (kind != null && !kind.equals(type.kind())) {
      throw ApiException.badRequest("the body kind " + kind + " does not match the resource " + type.qualifiedPlural()
          + " on the URL (expected kind " + type.kind() + ")");
    }
    String apiVersion = Json.text(body, "apiVersion");
    if (apiVersion != null && !apiVersion.equals(type.apiVersion())) {
      throw ApiException.badRequest("the body apiVersion " + apiVersion + " does not match " + type.apiVersion()
          + " on the URL");
    }
  }

  private void checkName(ResourceType type, String name) {
    if (name == null || name.isEmpty()) {
      throw ApiException.invalid(type, "", "metadata.name", "Required value: name or generateName is required");
    }
    Pattern pattern = type.kind().equals("Namespace") ? LABEL : SUBDOMAIN;
    int max = type.kind().equals("Namespace") ? 63 : 253;
    if (!pattern.matcher(name).matches() || name.length() > max) {
      throw ApiException.invalid(type, name, "metadata.name", "Invalid value: \"" + name + "\": a lowercase RFC 1123 "
          + (type.kind().equals("Namespace") ? "label" : "subdomain") + " must consist of lower case alphanumeric characters, "
          + "'-' or '.', and must start and end with an alphanumeric character");
    }
  }

  /** The namespace of the URL must match the body's, and must exist (as on a real server, where the lifecycle admission refuses it). */
  private void checkNamespace(ResourceType type, String namespace, ObjectNode body) {
    String bodyNamespace = Json.text(body.path("metadata"), "namespace");
    if (!type.namespaced()) {
      return;
    }
    if (bodyNamespace != null && !bodyNamespace.isEmpty() && !bodyNamespace.equals(namespace)) {
      throw ApiException.badRequest("the namespace of the provided object (" + bodyNamespace
          + ") does not match the namespace sent on the request (" + namespace + ")");
    }
    if (store.get(new ObjectStore.Key("", "namespaces", "", namespace)) == null) {
      throw ApiException.namespaceNotFound(namespace);
    }
  }

  private static void checkResourceVersion(ResourceType type, String name, ObjectNode before, ObjectNode body) {
    String wanted = Json.text(body.path("metadata"), "resourceVersion");
    if (wanted != null && !wanted.isEmpty() && !wanted.equals(Json.text(before.path("metadata"), "resourceVersion"))) {
      throw ApiException.modified(type, name);
    }
  }

  private static String randomSuffix() {
    StringBuilder suffix = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      suffix.append(ALPHANUMERIC.charAt(ThreadLocalRandom.current().nextInt(ALPHANUMERIC.length())));
    }
    return suffix.toString();
  }
}
