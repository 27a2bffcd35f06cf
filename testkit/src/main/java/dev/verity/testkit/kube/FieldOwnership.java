package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.verity.testkit.kube.FieldSchema.Scope;

/**
 * Server-side apply and field ownership, after structured-merge-diff and the API server's field manager: what an
 * apply merges, removes and takes over, which conflicts it raises (with every other manager, the applier's own
 * Update entries included), how kubectl's client-side-apply fields may be taken over, and how ordinary updates move
 * ownership of the fields they change.
 */
final class FieldOwnership {

  /** The annotation kubectl's client-side apply keeps its last applied configuration in. */
  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  /** How many Update entries an object keeps before the oldest are merged, as the API server does. */
  static final int MAX_UPDATE_MANAGERS = 10;
  static final String ANCIENT_CHANGES = "ancient-changes";

  /** The object after an apply (bookkeeping metadata untouched) and its new managed fields. */
  record Result(ObjectNode object, List<ManagedEntry> managed) {
  }

  private FieldOwnership() {
  }

  /** Applies {@code applied} for {@code manager} onto {@code live}, whose managers are its own managedFields. */
  static Result apply(ObjectNode live, ObjectNode applied, ObjectSchema schema, String apiVersion, String manager, boolean force,
      Scope scope, String subresource) {
    return apply(live, applied, ManagedEntry.readAll(live), schema, apiVersion, manager, force, scope, subresource);
  }

  /**
   * Applies {@code applied} for {@code manager} onto {@code live}, whose managers are {@code entries}.
   *
   * @throws ApiException 409 Conflict naming the managers and fields when a field another manager owns would change
   *         value and {@code force} is false (for manager {@code kubectl}, fields of the last client-side applied
   *         configuration that still hold its values may be taken over, as the API server allows on upgrade)
   */
  static Result apply(ObjectNode live, ObjectNode applied, List<ManagedEntry> entries, ObjectSchema schema, String apiVersion,
      String manager, boolean force, Scope scope, String subresource) {
    try {
      return applyOnce(live, applied, entries, schema, apiVersion, manager, force, scope, subresource);
    } catch (ConflictException conflict) {
      if (!"kubectl".equals(manager)) {
        throw conflict.toApi();
      }
      FieldSet allowed = allowedByLastApplied(live, schema);
      Map<ManagedEntry, FieldSet> remaining = new LinkedHashMap<>();
      conflict.conflicts.forEach((entry, fields) -> {
        FieldSet left = fields.minus(allowed);
        if (!left.isEmpty()) {
          remaining.put(entry, left);
        }
      });
      if (!remaining.isEmpty()) {
        throw new ConflictException(remaining).toApi();
      }
      return applyOnce(live, applied, entries, schema, apiVersion, manager, true, scope, subresource);
    }
  }

  private static Result applyOnce(ObjectNode live, ObjectNode applied, List<ManagedEntry> entries, ObjectSchema schema,
      String apiVersion, String manager, boolean force, Scope scope, String subresource) {
    String now = Json.now();
    ObjectNode appliedScoped = FieldSchema.scopedWithNulls(applied, scope, schema);
    FieldSet newSet = FieldSchema.fieldsOf(appliedScoped, schema);
    ManagedEntry own = entries.stream().filter(e -> e.is(manager, ManagedEntry.APPLY, subresource)).findFirst().orElse(null);
    FieldSet oldSet = own == null ? FieldSet.empty() : own.fields();

    ObjectNode merged = (ObjectNode) FieldSchema.withoutNulls(FieldSchema.merge(live, appliedScoped, schema, List.of()));

    Map<ManagedEntry, FieldSet> conflicts = new LinkedHashMap<>();
    for (List<String> path : newSet.paths()) {
      if (!changed(live, merged, path)) {
        continue;
      }
      for (ManagedEntry other : entries) {
        if (other != own && other.fields().contains(path)) {
          conflicts.computeIfAbsent(other, o -> FieldSet.empty()).add(path);
        }
      }
    }
    if (!conflicts.isEmpty() && !force) {
      throw new ConflictException(conflicts);
    }

    List<ManagedEntry> result = new ArrayList<>();
    for (ManagedEntry entry : entries) {
      if (entry == own) {
        continue;
      }
      FieldSet taken = conflicts.get(entry);
      result.add(taken == null ? entry : entry.withFields(entry.fields().minus(taken)));
    }

    removeDropped(merged, oldSet.minus(newSet), newSet, result);

    boolean changedSomething = !merged.equals(live) || own == null || !own.fields().equals(newSet)
        || !Objects.equals(own.apiVersion(), apiVersion);
    ManagedEntry applyEntry = new ManagedEntry(manager, ManagedEntry.APPLY, apiVersion,
        changedSomething || own == null ? now : own.time(), subresource, newSet);
    result.add(applyEntry);
    return new Result(merged, result);
  }

  /**
   * Whether the value at {@code path} differs between {@code before} and {@code after}: leaves by value, list items
   * by presence, except items whose key is duplicated (stored by create or update), which are compared as the group
   * of items sharing the key.
   */
  private static boolean changed(JsonNode before, JsonNode after, List<String> path) {
    if (FieldSchema.isItem(path)) {
      List<JsonNode> old = FieldSchema.itemsAt(before, path);
      List<JsonNode> now = FieldSchema.itemsAt(after, path);
      if (old.size() > 1 || now.size() > 1) {
        return !old.equals(now);
      }
      return old.isEmpty() != now.isEmpty();
    }
    return !Objects.equals(FieldSchema.valueAt(before, path), FieldSchema.valueAt(after, path));
  }

  /**
   * The fields kubectl's last client-side applied configuration set that still hold the values it set: an apply by
   * manager {@code kubectl} may take these over without force.
   */
  private static FieldSet allowedByLastApplied(ObjectNode live, ObjectSchema schema) {
    String lastApplied = Json.text(live.path("metadata").path("annotations"), LAST_APPLIED);
    if (lastApplied == null || lastApplied.isBlank()) {
      return FieldSet.empty();
    }
    JsonNode config;
    try {
      config = Json.parse(lastApplied);
    } catch (ApiException e) {
      return FieldSet.empty();
    }
    if (!(config instanceof ObjectNode object)) {
      return FieldSet.empty();
    }
    FieldSet allowed = FieldSet.empty();
    for (List<String> path : FieldSchema.fieldsOf(FieldSchema.scoped(object, Scope.MAIN, schema), schema).paths()) {
      if (!changed(object, live, path)) {
        allowed.add(path);
      }
    }
    return allowed;
  }

  /**
   * Removes what the manager stopped applying, where nobody else (nor its own new configuration) owns it. A list item
   * stays only when someone owns the item itself: owning a field inside it does not keep it. Other fields stay when
   * someone owns them or anything below them. Parents go before children, so a removed list item takes its fields
   * along; the key fields of an item that stays are never removed on their own.
   */
  private static void removeDropped(ObjectNode merged, FieldSet dropped, FieldSet newSet, List<ManagedEntry> others) {
    List<List<String>> paths = new ArrayList<>(dropped.paths());
    paths.sort(Comparator.comparingInt(List::size));
    List<List<String>> removed = new ArrayList<>();
    for (List<String> path : paths) {
      if (removed.stream().anyMatch(r -> path.size() > r.size() && path.subList(0, r.size()).equals(r)) || isKeyField(path)) {
        continue;
      }
      boolean ownedElsewhere = FieldSchema.isItem(path)
          ? newSet.contains(path) || others.stream().anyMatch(e -> e.fields().contains(path))
          : newSet.containsOrHasDescendant(path) || others.stream().anyMatch(e -> e.fields().containsOrHasDescendant(path));
      if (!ownedElsewhere && FieldSchema.remove(merged, path)) {
        removed.add(path);
      }
    }
  }

  private static boolean isKeyField(List<String> path) {
    if (path.size() < 2 || !path.get(path.size() - 2).startsWith("k:") || !path.get(path.size() - 1).startsWith("f:")) {
      return false;
    }
    return Json.parse(path.get(path.size() - 2).substring(2)).has(path.get(path.size() - 1).substring(2));
  }

  /** Conflicts found by an apply, before they become the API server's 409. */
  private static final class ConflictException extends RuntimeException {
    private final transient Map<ManagedEntry, FieldSet> conflicts;

    ConflictException(Map<ManagedEntry, FieldSet> conflicts) {
      super(null, null, false, false);
      this.conflicts = conflicts;
    }

    ApiException toApi() {
      return conflict(conflicts);
    }
  }

  /** The 409 the API server answers, with its message format: one line for one conflict, else grouped by manager. */
  private static ApiException conflict(Map<ManagedEntry, FieldSet> conflicts) {
    List<Map.Entry<ManagedEntry, FieldSet>> byManager = new ArrayList<>(conflicts.entrySet());
    byManager.sort(Comparator.comparing((Map.Entry<ManagedEntry, FieldSet> e) -> e.getKey().manager())
        .thenComparing(e -> e.getKey().operation()));
    List<ApiException.Cause> causes = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (Map.Entry<ManagedEntry, FieldSet> entry : byManager) {
      String who = describe(entry.getKey());
      lines.add("conflicts with " + who + ":");
      for (List<String> path : entry.getValue().paths()) {
        causes.add(new ApiException.Cause("FieldManagerConflict", "conflict with " + who, FieldSet.render(path)));
        lines.add("- " + FieldSet.render(path));
      }
    }
    String message = causes.size() == 1
        ? "Apply failed with 1 conflict: " + causes.get(0).message() + ": " + causes.get(0).field()
        : "Apply failed with " + causes.size() + " conflicts: " + String.join("\n", lines);
    return new ApiException(409, "Conflict", message, null, null, null, causes);
  }

  /** How the API server names a manager in conflicts: {@code "name"}, plus subresource, plus {@code using <apiVersion>} for Update. */
  private static String describe(ManagedEntry entry) {
    String who = "\"" + entry.manager() + "\"";
    if (entry.subresource() != null) {
      who += " with subresource \"" + entry.subresource() + "\"";
    }
    if (ManagedEntry.UPDATE.equals(entry.operation())) {
      who += " using " + entry.apiVersion();
    }
    return who;
  }

  /**
   * Ownership after an ordinary write (create, update, patch) by {@code manager}: it takes the fields it changed, and
   * only its entry gets a new time. As on the API server, an existing object whose managedFields are empty is not
   * tracked by updates until the first apply; a create always is. Past {@value #MAX_UPDATE_MANAGERS} Update entries
   * the oldest are merged into {@value #ANCIENT_CHANGES}.
   */
  static List<ManagedEntry> update(List<ManagedEntry> entries, ObjectNode before, ObjectNode after, ObjectSchema schema,
      String apiVersion, String manager, Scope scope, String subresource) {
    if (before != null && entries.stream().allMatch(e -> e.fields().isEmpty())) {
      return List.of();
    }
    String now = Json.now();
    FieldSet newSet = FieldSchema.fieldsOf(FieldSchema.scoped(after, scope, schema), schema);
    FieldSet oldSet = before == null ? FieldSet.empty() : FieldSchema.fieldsOf(FieldSchema.scoped(before, scope, schema), schema);
    // nulls kept: a field the Go zero value writes as null (a pod's containers) is there, not added
    ObjectNode afterAll = FieldSchema.scopedWithNulls(after, scope, schema);
    ObjectNode beforeAll = FieldSchema.scopedWithNulls(before == null ? FieldSchema.zeroObject(schema) : before, scope, schema);
    FieldSet changed = FieldSchema.addedNonLeaves(beforeAll, afterAll, schema);
    for (List<String> path : newSet.paths()) {
      if (before == null || changed(before, after, path)) {
        changed.add(path);
      }
    }
    FieldSet removed = oldSet.minus(newSet).union(FieldSchema.addedNonLeaves(afterAll, beforeAll, schema));
    List<ManagedEntry> result = new ArrayList<>();
    ManagedEntry mine = null;
    for (ManagedEntry entry : entries) {
      FieldSet fields = entry.fields().minus(changed).minus(removed);
      if (entry.is(manager, ManagedEntry.UPDATE, subresource) && Objects.equals(entry.apiVersion(), apiVersion)) {
        mine = entry.withFields(fields);
      } else {
        result.add(entry.withFields(fields));
      }
    }
    if (!changed.isEmpty()) {
      FieldSet fields = mine == null ? changed : mine.fields().union(changed);
      result.add(new ManagedEntry(manager, ManagedEntry.UPDATE, apiVersion, now, subresource, fields));
    } else if (mine != null) {
      result.add(mine);
    }
    return capUpdateManagers(result);
  }

  /** Merges the oldest Update entries into {@value #ANCIENT_CHANGES} (one per apiVersion) until at most the cap remain. */
  private static List<ManagedEntry> capUpdateManagers(List<ManagedEntry> entries) {
    List<ManagedEntry> updaters = new ArrayList<>(entries.stream()
        .filter(e -> ManagedEntry.UPDATE.equals(e.operation()) && !e.fields().isEmpty()).toList());
    if (updaters.size() <= MAX_UPDATE_MANAGERS) {
      return entries;
    }
    updaters.sort(Comparator.comparing(e -> e.time() == null ? "" : e.time()));
    List<ManagedEntry> result = new ArrayList<>(entries);
    Map<String, ManagedEntry> buckets = new LinkedHashMap<>();
    int count = updaters.size();
    for (int i = 0; i < updaters.size() && count > MAX_UPDATE_MANAGERS; i++) {
      ManagedEntry oldest = updaters.get(i);
      String version = oldest.apiVersion() == null ? "" : oldest.apiVersion();
      ManagedEntry bucket = buckets.get(version);
      if (bucket == null) {
        buckets.put(version, oldest);
        continue;
      }
      result.remove(bucket);
      result.remove(oldest);
      ManagedEntry merged = new ManagedEntry(ANCIENT_CHANGES, ManagedEntry.UPDATE, oldest.apiVersion(), oldest.time(),
          oldest.subresource(), bucket.fields().union(oldest.fields()));
      result.add(merged);
      buckets.put(version, merged);
      count--;
    }
    return result;
  }
}
