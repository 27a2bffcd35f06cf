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
 * Server-side apply and field ownership, after structured-merge-diff: what an apply merges, removes and takes over,
 * which conflicts it raises, and how ordinary updates move ownership of the fields they change.
 */
final class FieldOwnership {

  /** The object after an apply (bookkeeping metadata untouched) and its new managed fields. */
  record Result(ObjectNode object, List<ManagedEntry> managed) {
  }

  private FieldOwnership() {
  }

  /**
   * Applies {@code applied} for {@code manager} onto {@code live}.
   *
   * @throws ApiException 409 Conflict naming the managers and fields when a field another manager owns would change
   *         value and {@code force} is false
   */
  static Result apply(ObjectNode live, ObjectNode applied, String kind, String apiVersion, String manager, boolean force,
      Scope scope, String subresource) {
    String now = Json.now();
    List<ManagedEntry> entries = ManagedEntry.readAll(live);
    ObjectNode appliedScoped = FieldSchema.scoped(applied, scope);
    FieldSet newSet = FieldSchema.fieldsOf(appliedScoped, kind);
    ManagedEntry own = entries.stream().filter(e -> e.is(manager, ManagedEntry.APPLY, subresource)).findFirst().orElse(null);
    FieldSet oldSet = own == null ? FieldSet.empty() : own.fields();

    ObjectNode merged = (ObjectNode) FieldSchema.merge(live, appliedScoped, kind, List.of());

    Map<ManagedEntry, FieldSet> conflicts = new LinkedHashMap<>();
    for (List<String> path : newSet.paths()) {
      if (FieldSchema.isItem(path)) {
        continue;
      }
      JsonNode before = FieldSchema.valueAt(live, path);
      JsonNode after = FieldSchema.valueAt(merged, path);
      if (Objects.equals(before, after)) {
        continue;
      }
      for (ManagedEntry other : entries) {
        if (other != own && !other.manager().equals(manager) && other.fields().contains(path)) {
          conflicts.computeIfAbsent(other, o -> FieldSet.empty()).add(path);
        }
      }
    }
    if (!conflicts.isEmpty() && !force) {
      throw conflict(conflicts);
    }

    List<ManagedEntry> result = new ArrayList<>();
    for (ManagedEntry entry : entries) {
      if (entry == own) {
        continue;
      }
      FieldSet taken = conflicts.get(entry);
      result.add(taken == null ? entry : entry.withFields(entry.fields().minus(taken), now));
    }

    removeDropped(merged, oldSet.minus(newSet), newSet, result);

    ManagedEntry applyEntry = own == null
        ? new ManagedEntry(manager, ManagedEntry.APPLY, apiVersion, now, subresource, newSet)
        : new ManagedEntry(manager, ManagedEntry.APPLY, apiVersion, own.time(), subresource, own.fields()).withFields(newSet, now);
    int position = own == null ? result.size() : Math.min(entries.indexOf(own), result.size());
    result.add(position, applyEntry);
    return new Result(merged, result);
  }

  /**
   * Removes what the manager stopped applying, where nobody else (nor its own new configuration) owns the field or
   * anything below it. Parents go before children, so a removed list item takes its fields along; the key fields of
   * an item that stays are never removed on their own.
   */
  private static void removeDropped(ObjectNode merged, FieldSet dropped, FieldSet newSet, List<ManagedEntry> others) {
    List<List<String>> paths = new ArrayList<>(dropped.paths());
    paths.sort(Comparator.comparingInt(List::size));
    List<List<String>> removed = new ArrayList<>();
    for (List<String> path : paths) {
      if (removed.stream().anyMatch(r -> path.size() > r.size() && path.subList(0, r.size()).equals(r)) || isKeyField(path)) {
        continue;
      }
      boolean ownedElsewhere = newSet.containsOrHasDescendant(path)
          || others.stream().anyMatch(e -> e.fields().containsOrHasDescendant(path));
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

  /** Ownership after an ordinary write (create, update, patch) by {@code manager}: it takes the fields it changed. */
  static List<ManagedEntry> update(List<ManagedEntry> entries, ObjectNode before, ObjectNode after, String kind,
      String apiVersion, String manager, Scope scope, String subresource) {
    String now = Json.now();
    FieldSet newSet = FieldSchema.fieldsOf(FieldSchema.scoped(after, scope), kind);
    FieldSet oldSet = before == null ? FieldSet.empty() : FieldSchema.fieldsOf(FieldSchema.scoped(before, scope), kind);
    FieldSet changed = FieldSet.empty();
    for (List<String> path : newSet.paths()) {
      JsonNode old = before == null ? null : FieldSchema.valueAt(before, path);
      boolean differs = FieldSchema.isItem(path) ? old == null : !Objects.equals(old, FieldSchema.valueAt(after, path));
      if (differs) {
        changed.add(path);
      }
    }
    FieldSet removed = oldSet.minus(newSet);
    List<ManagedEntry> result = new ArrayList<>();
    boolean found = false;
    for (ManagedEntry entry : entries) {
      FieldSet fields = entry.fields().minus(changed).minus(removed);
      if (entry.is(manager, ManagedEntry.UPDATE, subresource)) {
        found = true;
        fields = fields.union(changed);
        result.add(new ManagedEntry(manager, ManagedEntry.UPDATE, apiVersion, entry.time(), subresource, entry.fields())
            .withFields(fields, now));
      } else {
        result.add(entry.withFields(fields, now));
      }
    }
    if (!found && !changed.isEmpty()) {
      result.add(new ManagedEntry(manager, ManagedEntry.UPDATE, apiVersion, now, subresource, changed));
    }
    return result;
  }
}
