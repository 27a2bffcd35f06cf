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

  /** Told after a stored write (the object as stored and whether its generation changed) and after a removal. */
  interface WriteListener {
    void written(ResourceType type, ObjectStore.Key key, ObjectNode stored, boolean generationChanged);

    /** The object is gone from the store; {@code last} is its last stored state. */
    default void removed(ResourceType type, ObjectStore.Key key, ObjectNode last) {
    }
  }

  private static final String ALPHANUMERIC = "bcdfghjklmnpqrstvwxz2456789";

  private final ObjectStore store;
  private final ResourceTypes types;
  private final List<WriteListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  SandboxApi(ObjectStore store, ResourceTypes types) {
    this.store = store;
    this.types = types;
  }

  /** Adds a listener told of every stored write and removal, in the writing thread, under the store lock. */
  void onWrite(WriteListener listener) {
    listeners.add(listener);
  }

  private void tellWritten(ResourceType type, ObjectStore.Key key, ObjectNode stored, boolean generationChanged) {
    for (WriteListener listener : listeners) {
      listener.written(type, key, stored, generationChanged);
    }
  }

  private void tellRemoved(ResourceType type, ObjectStore.Key key, ObjectNode last) {
    for (WriteListener listener : listeners) {
      listener.removed(type, key, last);
    }
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

  /**
   * Reads a create or update body: a built-in kind through its Go type ({@link TypedBodies}), a custom resource by its
   * CRD version's structural schema ({@link CustomResourceBodies}); strict-decoding problems go to {@code validation}.
   */
  ObjectNode decode(ResourceType type, String body, boolean yaml, FieldValidation validation) {
    boolean custom = store.locked(() -> types.isCustom(type));
    if (!custom) {
      return TypedBodies.body(type, body, yaml, validation);
    }
    JsonNode schema = store.locked(() -> types.schema(type));
    return CustomResourceBodies.body(type, body, yaml, schema, validation);
  }

  Outcome create(ResourceType type, String namespace, ObjectNode body, String manager, boolean dryRun) {
    return create(type, namespace, body, manager, dryRun, FieldValidation.ignore());
  }

  Outcome create(ResourceType type, String namespace, ObjectNode body, String manager, boolean dryRun,
      FieldValidation validation) {
    return store.locked(() -> {
      checkKind(type, body);
      ObjectNode metadata = Json.metadata(body);
      String name = Json.text(metadata, "name");
      if ((name == null || name.isEmpty()) && Json.text(metadata, "generateName") != null) {
        name = Json.text(metadata, "generateName") + randomSuffix();
        metadata.put("name", name);
      }
      checkName(type, name, body);
      checkNamespace(type, namespace, body);
      admitCreate(type, namespace, name);
      ObjectStore.Key key = key(type, namespace, name);
      ObjectNode existing = store.get(key);
      if (existing != null) {
        throw beingDeleted(type, existing, name);
      }
      ObjectNode candidate = (ObjectNode) FieldSchema.withoutNulls(body);
      List<ManagedEntry> given = ManagedEntry.requested(candidate) instanceof ManagedEntry.Requested.Replace replace
          ? replace.entries() : List.of();
      structural(type, candidate);
      Defaults.keys(candidate);
      if (type.statusSubresource()) {
        candidate.remove("status");
      }
      ObjectNode meta = Json.metadata(candidate);
      List.of("resourceVersion", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "uid",
          "creationTimestamp", "generation").forEach(meta::remove);
      initialise(type, namespace, candidate);
      candidate = withTypeMeta(type, candidate);
      admitFinalizers(type, name, null, candidate, validation);
      candidate = TypedBodies.stored(type, candidate);
      ManagedEntry.writeAll(candidate, FieldOwnership.update(given, null, candidate, types.objectSchema(type), type.apiVersion(),
          manager, Scope.MAIN, null));
      Defaults.registry(type, candidate, null, this::storedServices);
      return new Outcome(201, commit(type, key, null, candidate, dryRun));
    });
  }

  Outcome update(ResourceType type, String namespace, String name, ObjectNode body, String manager, boolean dryRun,
      Scope scope) {
    return update(type, namespace, name, body, manager, dryRun, scope, FieldValidation.ignore());
  }

  Outcome update(ResourceType type, String namespace, String name, ObjectNode body, String manager, boolean dryRun,
      Scope scope, FieldValidation validation) {
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
      ObjectNode candidate = (ObjectNode) FieldSchema.withoutNulls(body);
      if (scope == Scope.MAIN) {
        admitFinalizers(type, name, before, candidate, validation);
      }
      return new Outcome(200, write(type, key, before, candidate, manager, dryRun, scope));
    });
  }

  Outcome patch(ResourceType type, String namespace, String name, PatchType patchType, String patchBody, String manager,
      boolean dryRun, Scope scope) {
    return patch(type, namespace, name, patchType, patchBody, manager, dryRun, scope, FieldValidation.ignore());
  }

  Outcome patch(ResourceType type, String namespace, String name, PatchType patchType, String patchBody, String manager,
      boolean dryRun, Scope scope, FieldValidation validation) {
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
        case STRATEGIC -> Patches.strategicMergePatch(before, patch, types.objectSchema(type), List.of());
      };
      if (!(patched instanceof ObjectNode patchedObject)) {
        throw new ApiException(422, "Invalid", "the patch turned " + type.kind() + " \"" + name + "\" into a " + patched.getNodeType());
      }
      ObjectNode candidate = types.isCustom(type)
          ? CustomResourceBodies.patched(patchBody, patchType == PatchType.JSON, patchedObject, types.schema(type), validation)
          : TypedBodies.patched(type, patchBody, patchType == PatchType.JSON, patchType == PatchType.STRATEGIC, patchedObject,
              validation);
      if (!Objects.equals(Json.text(candidate.path("metadata"), "name"), name)) {
        throw new ApiException(422, "Invalid", type.kind() + " \"" + name + "\" is invalid: metadata.name: Invalid value: "
            + candidate.path("metadata").path("name") + ": field is immutable");
      }
      checkResourceVersion(type, name, before, candidate);
      if (scope == Scope.MAIN) {
        admitFinalizers(type, name, before, candidate, validation);
      }
      return new Outcome(200, write(type, key, before, candidate, manager, dryRun, scope));
    });
  }

  Outcome apply(ResourceType type, String namespace, String name, String body, String manager, boolean force,
      boolean dryRun, Scope scope) {
    return apply(type, namespace, name, body, manager, force, dryRun, scope, FieldValidation.ignore());
  }

  Outcome apply(ResourceType type, String namespace, String name, String body, String manager, boolean force,
      boolean dryRun, Scope scope, FieldValidation validation) {
    if (manager == null || manager.isBlank()) {
      throw new ApiException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: "
          + "is required for apply patch");
    }
    TypedBodies.applyYaml(body, validation);
    ObjectNode applied = Json.parseObject(body, true);
    JsonNode givenManagedFields = applied.path("metadata").get("managedFields");
    if (givenManagedFields != null && !givenManagedFields.isNull()) {
      throw ApiException.badRequest("metadata.managedFields must be nil");
    }
    TypedBodies.checkApplied(type, applied);
    TypedBodies.canonicalValues(type, applied);
    return store.locked(() -> {
      if (Json.text(applied, "apiVersion") == null || Json.text(applied, "kind") == null) {
        throw ApiException.badRequest("apply configuration must set apiVersion and kind (got apiVersion="
            + Json.text(applied, "apiVersion") + ", kind=" + Json.text(applied, "kind") + ")");
      }
      checkKind(type, applied);
      String bodyName = Json.text(applied.path("metadata"), "name");
      if (bodyName == null || bodyName.isEmpty()) {
        Json.metadata(applied).put("name", name);
        bodyName = name;
      }
      if (!bodyName.equals(name)) {
        throw ApiException.badRequest("the name of the object (" + bodyName + ") does not match the name on the URL (" + name + ")");
      }
      checkNamespace(type, namespace, applied);
      ObjectStore.Key key = key(type, namespace, name);
      ObjectNode before = store.get(key);
      if (scope == Scope.STATUS && !type.statusSubresource()) {
        throw new ApiException(404, "NotFound", "the server could not find the requested resource (" + type.qualifiedPlural()
            + " has no status subresource)");
      }
      if (before == null && scope == Scope.STATUS) {
        throw ApiException.notFound(type, name);
      }
      if (before == null) {
        checkName(type, name, applied);
        admitCreate(type, namespace, name);
      } else {
        checkResourceVersion(type, name, before, applied);
      }
      checkUid(type, name, before, applied);
      refuseDuplicateKeys(type, namespace, name, applied, scope);
      if (types.isCustom(type)) {
        List<String> undeclared = CustomResourceBodies.undeclaredInApply(applied, types.schema(type));
        if (!undeclared.isEmpty()) {
          throw TypedBodies.typedPatchObjectFailed(type, (type.namespaced() ? namespace : "") + "/" + name, undeclared);
        }
        StructuralSchema.pruneOnly(applied, types.schema(type));
      }
      ObjectNode live = before != null ? before : skeleton(type, namespace, name);
      FieldOwnership.Result result = FieldOwnership.apply(live, applied, ManagedEntry.readAll(live), types.objectSchema(type),
          type.apiVersion(), manager, force, scope, scope == Scope.STATUS ? "status" : null);
      ObjectNode candidate = result.object();
      Defaults.keys(candidate);
      candidate.put("apiVersion", type.apiVersion());
      candidate.put("kind", type.kind());
      ManagedEntry.writeAll(candidate, result.managed());
      structural(type, candidate);
      if (scope == Scope.MAIN) {
        admitFinalizers(type, name, before, candidate, validation);
      }
      if (before == null) {
        initialise(type, namespace, candidate);
        Defaults.registry(type, candidate, null, this::storedServices);
        return new Outcome(201, commit(type, key, null, candidate, dryRun));
      }
      Defaults.objects(type, candidate, before, this::storedServices);
      if (scope == Scope.MAIN) {
        ResetFields.restore(before, candidate, ResetFields.of(type, scope, types.isCustom(type)));
      }
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
      if (NamespaceController.isNamespace(type)) {
        if (NamespaceController.IMMORTAL.contains(name)) {
          throw new ApiException(403, "Forbidden", "namespaces \"" + name + "\" is forbidden: this namespace may not be deleted",
              name, "", "namespaces", List.of());
        }
        if (before.path("metadata").hasNonNull("deletionTimestamp") && heldBySpecFinalizers(type, before)) {
          throw new ApiException(409, "Conflict", "Operation cannot be fulfilled on namespaces \"" + name + "\": The system is "
              + "ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be "
              + "purged by the system.", name, "", "namespaces", List.of());
        }
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

  /** The autoscaling/v1 Scale of an object whose kind has a scale subresource (404 for other kinds, as a real server). */
  ObjectNode getScale(ResourceType type, String namespace, String name) {
    requireScale(type);
    return Scale.of(type, get(type, namespace, name));
  }

  private static void requireScale(ResourceType type) {
    if (!type.scaleSubresource()) {
      throw new ApiException(404, "NotFound", "the server could not find the requested resource (" + type.qualifiedPlural()
          + " has no scale subresource)");
    }
  }

  /**
   * Server-side apply of an autoscaling/v1 Scale: {@code spec.replicas} maps onto the object's {@code spec.replicas},
   * owned by an Apply entry of subresource scale, conflicting with (or, forced, taking over from) other owners.
   */
  ObjectNode applyScale(ResourceType type, String namespace, String name, String body, String manager, boolean force,
      boolean dryRun) {
    requireScale(type);
    if (manager == null || manager.isBlank()) {
      throw new ApiException(422, "Invalid", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: "
          + "is required for apply patch");
    }
    ObjectNode scale = Json.parseObject(body, true);
    return store.locked(() -> {
      ObjectStore.Key key = key(type, namespace, name);
      ObjectNode before = store.get(key);
      if (before == null) {
        throw ApiException.notFound(type, name);
      }
      checkResourceVersion(type, name, before, scale);
      ObjectNode applied = Json.object();
      applied.put("apiVersion", type.apiVersion());
      applied.put("kind", type.kind());
      Json.metadata(applied).put("name", name);
      JsonNode replicas = scale.path("spec").path("replicas");
      if (!replicas.isMissingNode() && !replicas.isNull()) {
        if (!replicas.canConvertToInt() || replicas.asInt() < 0) {
          throw ApiException.invalid(type, name, "spec.replicas", "Invalid value: " + replicas + ": must be greater than or equal to 0");
        }
        applied.putObject("spec").put("replicas", replicas.asInt());
      }
      FieldOwnership.Result result = FieldOwnership.apply(before, applied, ManagedEntry.readAll(before), types.objectSchema(type),
          type.apiVersion(), manager, force, Scope.MAIN, "scale");
      ObjectNode candidate = result.object();
      ManagedEntry.writeAll(candidate, result.managed());
      return Scale.of(type, commit(type, key, before, candidate, dryRun));
    });
  }

  /**
   * Reads or writes {@code spec.replicas} through the scale subresource, as {@code kubectl scale} does; the writer
   * owns {@code spec.replicas} (an Update of subresource scale).
   */
  ObjectNode scale(ResourceType type, String namespace, String name, java.util.function.UnaryOperator<ObjectNode> change,
      String manager, boolean dryRun) {
    requireScale(type);
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
      ManagedEntry.writeAll(next, FieldOwnership.update(ManagedEntry.readAll(before), before, next, types.objectSchema(type),
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
      ManagedEntry.writeAll(candidate, FieldOwnership.update(ManagedEntry.readAll(before), before, candidate, types.objectSchema(type),
          type.apiVersion(), manager, Scope.STATUS, "status"));
      commit(type, key, before, candidate, false);
      return null;
    });
  }

  // ---- internals ------------------------------------------------------------------------------------------------

  /**
   * An update or patch: the candidate as the new object, with the server-owned metadata kept, defaults set, and the
   * fields the endpoint resets ({@link ResetFields}: status on the main resource, spec and more on {@code /status})
   * put back as they were stored.
   */
  private ObjectNode write(ResourceType type, ObjectStore.Key key, ObjectNode before, ObjectNode candidate, String manager,
      boolean dryRun, Scope scope) {
    if (scope == Scope.STATUS && !type.statusSubresource()) {
      throw new ApiException(404, "NotFound", "the server could not find the requested resource (" + type.qualifiedPlural()
          + " has no status subresource)");
    }
    ManagedEntry.Requested requested = scope == Scope.STATUS ? new ManagedEntry.Requested.KeepLive()
        : ManagedEntry.requested(candidate);
    List<ManagedEntry> entries;
    if (requested instanceof ManagedEntry.Requested.Replace replace) {
      entries = replace.entries();
    } else if (requested instanceof ManagedEntry.Requested.Reset) {
      entries = List.of();
    } else {
      entries = ManagedEntry.readAll(before);
    }
    Defaults.keys(candidate);
    structural(type, candidate);
    ObjectNode next = candidate;
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
    if (scope == Scope.MAIN) {
      Defaults.decoded(type, next);
    }
    ResetFields.restore(before, next, ResetFields.of(type, scope, types.isCustom(type)));
    next = withTypeMeta(type, next);
    // an Update owns what changed in the object as the server writes it (zero values left out, structs written)
    next = TypedBodies.stored(type, next);
    ManagedEntry.writeAll(next, FieldOwnership.update(entries, before, next, types.objectSchema(type),
        type.apiVersion(), manager, scope, scope == Scope.STATUS ? "status" : null));
    if (scope != Scope.STATUS) {
      Defaults.registry(type, next, before, this::storedServices);
    }
    return commit(type, key, before, next, dryRun);
  }

  /**
   * The registry's checks of {@code metadata.finalizers} on a write: names must be qualified (422), and a custom
   * resource write warns, whatever {@code fieldValidation} says, about each added finalizer without a domain.
   */
  private void admitFinalizers(ResourceType type, String name, ObjectNode before, ObjectNode candidate,
      FieldValidation validation) {
    Finalizers.validate(type, name, candidate);
    if (types.isCustom(type)) {
      validation.always(Finalizers.warnings(candidate, before));
    }
  }

  /** Prunes and defaults a custom resource by its version's structural schema (built-in kinds are left alone). */
  private void structural(ResourceType type, ObjectNode object) {
    if (types.isCustom(type)) {
      StructuralSchema.apply(object, types.schema(type));
    }
  }

  /** An apply carrying {@code metadata.uid} is a precondition: it must name the live object (and cannot create one). */
  private static void checkUid(ResourceType type, String name, ObjectNode before, ObjectNode applied) {
    String uid = Json.text(applied.path("metadata"), "uid");
    if (uid == null || uid.isEmpty()) {
      return;
    }
    String liveUid = before == null ? "" : Json.text(before.path("metadata"), "uid");
    if (!uid.equals(liveUid)) {
      throw new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + type.qualifiedPlural() + " \"" + name
          + "\": Precondition failed: UID in precondition: " + uid + ", UID in object meta: " + (liveUid == null ? "" : liveUid),
          name, type.group(), type.plural(), List.of());
    }
  }

  /**
   * An apply configuration with duplicate keys in a keyed list is refused with the API server's 500 (objects created
   * or updated with duplicates are stored, and such items are owned by key only).
   */
  private void refuseDuplicateKeys(ResourceType type, String namespace, String name, ObjectNode applied, Scope scope) {
    ObjectSchema schema = types.objectSchema(type);
    List<String> errors = FieldSchema.duplicateKeys(FieldSchema.scoped(applied, scope, schema), schema);
    if (errors.isEmpty()) {
      return;
    }
    throw TypedBodies.typedPatchObjectFailed(type, (type.namespaced() ? namespace : "") + "/" + name, errors);
  }

  /**
   * A write that changes nothing but the times in {@code managedFields} keeps the stored ones, so it stays a no-op
   * (no new resourceVersion), as kube-apiserver's IgnoreManagedFieldsTimestampsTransformer does for updates and
   * patches since 1.26.
   */
  private static void keepManagedFieldTimesOfANoOp(ObjectNode before, ObjectNode candidate) {
    JsonNode kept = before.path("metadata").get("managedFields");
    JsonNode written = candidate.path("metadata").get("managedFields");
    if (kept == null || written == null || Objects.equals(kept, written)) {
      return;
    }
    if (withoutTimes(before).equals(withoutTimes(candidate))) {
      Json.metadata(candidate).set("managedFields", kept.deepCopy());
    }
  }

  private static ObjectNode withoutTimes(ObjectNode object) {
    ObjectNode copy = object.deepCopy();
    for (JsonNode entry : copy.path("metadata").path("managedFields")) {
      if (entry instanceof ObjectNode e) {
        e.remove("time");
      }
    }
    return copy;
  }

  /** Finishes a write: generation, no-op detection, finalizer-driven removal, dry run, storing, listeners. */
  private ObjectNode commit(ResourceType type, ObjectStore.Key key, ObjectNode before, ObjectNode written, boolean dryRun) {
    ObjectNode candidate = TypedBodies.stored(type, written);
    if (before != null) {
      Immutables.check(type, before, candidate);
      keepManagedFieldTimesOfANoOp(before, candidate);
    }
    ObjectNode meta = Json.metadata(candidate);
    boolean generationChanged = false;
    if (CrdController.isCrd(type)) {
      CrdController.defaults(candidate);
      if (before == null) {
        candidate.set("status", CrdController.initialStatus(candidate));
      } else {
        CrdController.recordStorageVersion(candidate);
      }
    }
    if (before != null) {
      meta.put("resourceVersion", Json.text(before.path("metadata"), "resourceVersion"));
      if (meta.has("generation") && !content(before).equals(content(candidate))) {
        meta.put("generation", before.path("metadata").path("generation").asLong(1) + 1);
        generationChanged = true;
      }
      if (candidate.equals(before)) {
        return before;
      }
      if (meta.hasNonNull("deletionTimestamp") && meta.path("finalizers").isEmpty() && !heldBySpecFinalizers(type, candidate)) {
        return deleteLocked(type, key, candidate, dryRun);
      }
    } else {
      generationChanged = true;
    }
    if (dryRun) {
      return candidate;
    }
    return store(type, key, candidate, generationChanged);
  }

  /** Stores an object and tells the listeners (a stored CRD is served, or not, by its state). */
  private ObjectNode store(ResourceType type, ObjectStore.Key key, ObjectNode candidate, boolean generationChanged) {
    ObjectNode stored = store.put(key, candidate);
    if (CrdController.isCrd(type)) {
      types.registerCrd(stored);
    }
    tellWritten(type, key, stored, generationChanged);
    return stored;
  }

  /** A namespace whose {@code spec.finalizers} are not empty stays until the namespace controller has finalized it. */
  private static boolean heldBySpecFinalizers(ResourceType type, JsonNode object) {
    return NamespaceController.isNamespace(type) && !object.path("spec").path("finalizers").isEmpty();
  }

  /**
   * Deletes an object as the registry does: a namespace is first marked Terminating (its controller empties and
   * finalizes it), a CRD first gets its cleanup finalizer and Terminating condition (its controller deletes its
   * custom resources), an object with finalizers is marked with a deletion timestamp; anything else is removed.
   */
  private ObjectNode deleteLocked(ResourceType type, ObjectStore.Key key, ObjectNode before, boolean dryRun) {
    ObjectNode meta = (ObjectNode) before.get("metadata");
    boolean marked = meta.hasNonNull("deletionTimestamp");
    if (NamespaceController.isNamespace(type) && (!marked || heldBySpecFinalizers(type, before))) {
      if (marked) {
        return before;
      }
      ObjectNode terminating = before.deepCopy();
      Json.metadata(terminating).put("deletionTimestamp", Json.now());
      ObjectNode status = terminating.get("status") instanceof ObjectNode st ? st : terminating.putObject("status");
      status.put("phase", "Terminating");
      return dryRun ? terminating : store(type, key, terminating, false);
    }
    if (CrdController.isCrd(type) && !marked) {
      ObjectNode terminating = CrdController.markForDeletion(before);
      return dryRun ? terminating : store(type, key, terminating, false);
    }
    if (dryRun) {
      return before;
    }
    if (!meta.path("finalizers").isEmpty()) {
      if (marked) {
        return before;
      }
      ObjectNode withTimestamp = before.deepCopy();
      Json.metadata(withTimestamp).put("deletionTimestamp", Json.now());
      Json.metadata(withTimestamp).put("deletionGracePeriodSeconds", 0);
      return store(type, key, withTimestamp, false);
    }
    if (NamespaceController.isNamespace(type)) {
      for (ResourceType t : namespacedTypes()) {
        for (ObjectNode child : store.list(t.group(), t.plural(), key.name())) {
          store.remove(key(t, key.name(), Json.text(child.path("metadata"), "name")));
        }
      }
    }
    if (CrdController.isCrd(type)) {
      ResourceType served = servedType(before);
      if (served != null) {
        for (ObjectNode child : store.list(served.group(), served.plural(), null)) {
          String ns = Json.text(child.path("metadata"), "namespace");
          store.remove(key(served, ns == null ? "" : ns, Json.text(child.path("metadata"), "name")));
        }
      }
      types.unregisterCrd(before);
    }
    ObjectNode gone = store.remove(key);
    if (gone != null) {
      tellRemoved(type, key, gone);
    }
    return gone;
  }

  private ResourceType servedType(JsonNode crd) {
    String group = crd.path("spec").path("group").asText();
    String plural = crd.path("spec").path("names").path("plural").asText();
    return types.all().stream().filter(t -> t.group().equals(group) && t.plural().equals(plural)).findFirst().orElse(null);
  }

  // ---- what the simulated controllers call -----------------------------------------------------------------------

  /**
   * A controller's write: {@code change} gets a copy of the stored object and returns the object to store (or null to
   * leave it); ownership moves as for an Update by {@code manager} on {@code subresource}. Returns the stored object,
   * or null when the object is gone or nothing changed.
   */
  ObjectNode controllerWrite(ResourceType type, ObjectStore.Key key, String manager, Scope scope, String subresource,
      java.util.function.UnaryOperator<ObjectNode> change) {
    return store.locked(() -> {
      ObjectNode before = store.get(key);
      if (before == null) {
        return null;
      }
      ObjectNode next = change.apply(before.deepCopy());
      if (next == null) {
        return null;
      }
      ManagedEntry.writeAll(next, FieldOwnership.update(ManagedEntry.readAll(before), before, next, types.objectSchema(type),
          type.apiVersion(), manager, scope, subresource));
      ObjectNode result = commit(type, key, before, next, false);
      return store.get(key) == null ? null : result;
    });
  }

  /** Deletes every custom resource of a CRD (marking those held by finalizers); returns how many are still stored. */
  int deleteInstances(JsonNode crd) {
    return store.locked(() -> {
      ResourceType served = servedType(crd);
      if (served == null) {
        return 0;
      }
      for (ObjectNode child : store.list(served.group(), served.plural(), null)) {
        String ns = Json.text(child.path("metadata"), "namespace");
        deleteLocked(served, key(served, ns == null ? "" : ns, Json.text(child.path("metadata"), "name")), child, false);
      }
      return store.list(served.group(), served.plural(), null).size();
    });
  }

  /**
   * Deletes everything in a namespace, as the namespace controller does; counts what remains (held by finalizers) by
   * resource ({@code configmaps.}, {@code widgets.example.com}) and by finalizer.
   */
  void deleteNamespaceContent(String namespace, java.util.Map<String, Integer> remaining, java.util.Map<String, Integer> finalizers) {
    store.locked(() -> {
      for (ResourceType t : namespacedTypes()) {
        for (ObjectNode child : store.list(t.group(), t.plural(), namespace)) {
          deleteLocked(t, key(t, namespace, Json.text(child.path("metadata"), "name")), child, false);
        }
        for (ObjectNode left : store.list(t.group(), t.plural(), namespace)) {
          remaining.merge(t.plural() + "." + t.group(), 1, Integer::sum);
          left.path("metadata").path("finalizers").forEach(f -> finalizers.merge(f.asText(), 1, Integer::sum));
        }
      }
      return null;
    });
  }

  /** Removes a namespace the controller has finalized, unless {@code metadata.finalizers} still hold it. */
  void removeFinalizedNamespace(ResourceType type, ObjectStore.Key key) {
    store.locked(() -> {
      ObjectNode current = store.get(key);
      if (current != null && current.path("metadata").hasNonNull("deletionTimestamp") && !heldBySpecFinalizers(type, current)) {
        deleteLocked(type, key, current, false);
      }
      return null;
    });
  }

  /**
   * Admission of a create (also an apply that creates): no new content in a Terminating namespace (403, as the
   * NamespaceLifecycle plugin answers), no new custom resources of a Terminating CRD (405, as the CRD handler answers).
   */
  private void admitCreate(ResourceType type, String namespace, String name) {
    if (type.namespaced() && namespace != null) {
      ObjectNode ns = store.get(new ObjectStore.Key("", "namespaces", "", namespace));
      if (NamespaceController.terminating(ns)) {
        throw new ApiException(403, "Forbidden", type.qualifiedPlural() + " \"" + name + "\" is forbidden: unable to create new "
            + "content in namespace " + namespace + " because it is being terminated", name, type.group(), type.plural(),
            List.of(new ApiException.Cause("NamespaceTerminating", "namespace " + namespace + " is being terminated",
                "metadata.namespace")));
      }
    }
    if (types.isCustom(type)) {
      ObjectNode crd = store.get(new ObjectStore.Key(CrdController.GROUP, "customresourcedefinitions", "",
          type.plural() + "." + type.group()));
      if (crd != null && CrdController.terminating(crd)) {
        throw new ApiException(405, "MethodNotAllowed", "create not allowed while custom resource definition is terminating",
            null, type.group(), type.plural(), List.of());
      }
    }
  }

  /** A real server says so when a create hits an object that is being deleted. */
  private static ApiException beingDeleted(ResourceType type, ObjectNode existing, String name) {
    ApiException alreadyExists = ApiException.alreadyExists(type, name);
    if (!existing.path("metadata").hasNonNull("deletionTimestamp")) {
      return alreadyExists;
    }
    return new ApiException(409, "AlreadyExists", "object is being deleted: " + alreadyExists.getMessage(), name,
        type.group(), type.plural(), List.of());
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
    Defaults.decoded(type, candidate);
  }

  /** The stored Services, whose cluster IPs and node ports a Service being defaulted must not take. */
  private List<ObjectNode> storedServices() {
    return store.list("", "services", null);
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

  /**
   * The object with {@code apiVersion} and {@code kind} of its URL, first, as the API server writes them: client-go's
   * typed clients send bodies without them, and cannot decode an answer that lacks them.
   */
  static ObjectNode withTypeMeta(ResourceType type, ObjectNode object) {
    ObjectNode typed = Json.object();
    typed.put("apiVersion", type.apiVersion());
    typed.put("kind", type.kind());
    object.fields().forEachRemaining(field -> {
      if (!field.getKey().equals("apiVersion") && !field.getKey().equals("kind")) {
        typed.set(field.getKey(), field.getValue());
      }
    });
    return typed;
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

  private void checkName(ResourceType type, String name, JsonNode object) {
    if (name == null || name.isEmpty()) {
      throw ApiException.invalid(type, "", "metadata.name", "Required value: name or generateName is required");
    }
    List<String> problems = NameRule.of(type).problems(name, object);
    if (!problems.isEmpty()) {
      throw ApiException.invalid(type, name, "metadata.name", "Invalid value: \"" + name + "\": " + String.join(", ", problems));
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
