package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.HashMap;
import java.util.Optional;

import dev.verity.kube.schema.ApiSchema;
import dev.verity.kube.schema.Field;
import dev.verity.kube.schema.MapType;
import dev.verity.kube.schema.SchemaNode;
import dev.verity.kube.schema.Shape;

/**
 * How the sandbox reads the structure of an object, as the API server's schema tells it (built-in kinds from the
 * Kubernetes 1.32 {@link ApiSchema} table): which lists are maps keyed by some fields
 * ({@code x-kubernetes-list-type: map}), which are sets, which are atomic, and which maps are atomic. Also extracts field sets, finds values by path and merges applied configuration into live objects.
 */
final class FieldSchema {

  enum ListType { ATOMIC, SET, MAP }

  /** Which fields of an object a write may touch: the main resource (everything but status) or the status subresource. */
  enum Scope { MAIN, STATUS }

  /**
   * A list's type; for a map list, its key fields and the defaults the schema gives any of them (an item that leaves
   * out a key field with a default is keyed by the default, as structured-merge-diff keys it).
   */
  record ListKind(ListType type, List<String> keys, Map<String, JsonNode> keyDefaults) {
    static final ListKind ATOMIC = new ListKind(ListType.ATOMIC, List.of(), Map.of());
    static final ListKind SET = new ListKind(ListType.SET, List.of(), Map.of());

    ListKind(ListType type, List<String> keys) {
      this(type, keys, Map.of());
    }

    /** A guessed map list: a {@code protocol} key defaults to TCP, as on every Kubernetes port list. */
    static ListKind map(String... keys) {
      List<String> list = List.of(keys);
      return new ListKind(ListType.MAP, list, list.contains("protocol") ? Map.of("protocol", TCP) : Map.of());
    }
  }

  private static final Set<String> CONTAINER_LISTS = Set.of("f:containers", "f:initContainers", "f:ephemeralContainers");
  private static final Set<String> OWNED_METADATA = Set.of("labels", "annotations", "finalizers", "ownerReferences");
  private static final Set<String> GUESSED_ATOMIC_MAPS = Set.of("selector", "nodeSelector");
  private static final Set<String> STATUS_METADATA = Set.of("labels", "annotations");
  private static final List<String> METADATA = List.of("f:metadata");
  private static final JsonNode TCP = Json.MAPPER.getNodeFactory().textNode("TCP");

  private FieldSchema() {
  }

  /**
   * The list type of the list at {@code path} (field-set elements: {@code f:spec}, {@code f:containers},
   * {@code k:{...}}) in an object read by {@code schema}: for built-in kinds, what the Kubernetes 1.32 API says
   * ({@link ApiSchema} table: {@code +listType}, {@code +listMapKey}, patch strategies as server-side apply reads
   * them); for custom resources, what their CRD's structural schema says ({@code x-kubernetes-list-type},
   * {@code x-kubernetes-list-map-keys}), atomic where it says nothing; for kinds neither describes, the common
   * Kubernetes list keys by field name.
   */
  static ListKind listKind(ObjectSchema schema, List<String> path) {
    if (path.isEmpty()) {
      return ListKind.ATOMIC;
    }
    Optional<Located> located = locate(schema, path);
    if (located.isPresent()) {
      SchemaNode node = located.get().node();
      if (node.shape() != Shape.LIST) {
        return ListKind.ATOMIC;
      }
      return switch (node.listType()) {
        case ATOMIC -> ListKind.ATOMIC;
        case SET -> ListKind.SET;
        case MAP -> new ListKind(ListType.MAP, node.listMapKeys(), keyDefaults(node));
      };
    }
    return schema.custom() ? ListKind.ATOMIC : guessedListKind(path);
  }

  private static Map<String, JsonNode> keyDefaults(SchemaNode list) {
    Map<String, JsonNode> defaults = new HashMap<>();
    list.items().filter(items -> items.shape() == Shape.STRUCT).ifPresent(items -> {
      for (String key : list.listMapKeys()) {
        items.field(key).flatMap(Field::defaultValue).ifPresent(value -> defaults.put(key, value));
      }
    });
    return Map.copyOf(defaults);
  }

  /** Whether the map or struct at {@code path} is atomic ({@code +mapType=atomic}, {@code +structType=atomic}). */
  static boolean atomicMap(ObjectSchema schema, List<String> path) {
    if (path.isEmpty()) {
      return false;
    }
    Optional<Located> located = locate(schema, path);
    if (located.isPresent()) {
      Located at = located.get();
      MapType mapType = at.field() != null ? at.field().mapType() : at.node().mapType();
      return (at.node().shape() == Shape.STRUCT || at.node().shape() == Shape.MAP) && mapType == MapType.ATOMIC;
    }
    return !schema.custom() && GUESSED_ATOMIC_MAPS.contains(path.get(path.size() - 1).substring(2));
  }

  /** A schema node found by a field-set path, with the field that holds it when the last step named one. */
  private record Located(SchemaNode node, Field field) {
  }

  private static Optional<Located> locate(ObjectSchema schema, List<String> path) {
    SchemaNode node = schema.root().orElse(null);
    if (node == null) {
      return Optional.empty();
    }
    Field field = null;
    for (String element : path) {
      if (element.startsWith("f:")) {
        String name = element.substring(2);
        if (node.shape() == Shape.STRUCT) {
          field = node.field(name).orElse(null);
          node = field != null ? field.type() : node.values().orElse(null);
        } else if (node.shape() == Shape.MAP) {
          field = null;
          node = node.values().orElse(null);
        } else {
          return Optional.empty();
        }
      } else if (node.shape() == Shape.LIST) {
        field = null;
        node = node.items().orElse(null);
      } else {
        return Optional.empty();
      }
      if (node == null) {
        return Optional.empty();
      }
      if (node.shape() == Shape.ANY) {
        // a field of any type (preserved unknown fields, raw JSON): known itself, deduced below
        return element == path.get(path.size() - 1) ? Optional.of(new Located(node, field)) : Optional.empty();
      }
    }
    return Optional.of(new Located(node, field));
  }

  /** For kinds the table does not have: the list keys Kubernetes uses for these field names in its own types. */
  private static ListKind guessedListKind(List<String> path) {
    String last = path.get(path.size() - 1);
    boolean inContainer = path.size() >= 3 && path.get(path.size() - 2).startsWith("k:")
        && CONTAINER_LISTS.contains(path.get(path.size() - 3));
    return switch (last) {
      case "f:containers", "f:initContainers", "f:ephemeralContainers", "f:env", "f:volumes", "f:resourceClaims" -> ListKind.map("name");
      case "f:volumeMounts" -> ListKind.map("mountPath");
      case "f:volumeDevices" -> ListKind.map("devicePath");
      case "f:ports" -> inContainer ? ListKind.map("containerPort", "protocol") : ListKind.ATOMIC;
      case "f:finalizers" -> path.size() == 2 && path.get(0).equals("f:metadata") ? ListKind.SET : ListKind.ATOMIC;
      case "f:ownerReferences" -> path.size() == 2 && path.get(0).equals("f:metadata") ? ListKind.map("uid") : ListKind.ATOMIC;
      case "f:conditions" -> ListKind.map("type");
      default -> ListKind.ATOMIC;
    };
  }

  /** Kinds whose status writes keep the old labels (their status strategies reset them), unlike pods and the rest. */
  private static final Set<String> STATUS_RESETS_LABELS = Set.of("Deployment", "StatefulSet", "ReplicaSet", "DaemonSet");

  /** Whether a status write of {@code kind} also sets labels and annotations from the request. */
  static boolean statusWritesMetadata(String kind) {
    return !STATUS_RESETS_LABELS.contains(kind);
  }

  /** A copy of the parts of {@code object} that a write in {@code scope} owns: no apiVersion/kind, only some metadata, status only in STATUS. */
  static ObjectNode scoped(ObjectNode object, Scope scope) {
    return scoped(object, scope, null);
  }

  /**
   * As {@link #scoped(ObjectNode, Scope)}, for an object read by {@code schema}: a status write of most kinds may also set
   * labels and annotations (a pod's status strategy keeps them from the request), except for the workload kinds
   * whose status strategies reset labels.
   */
  static ObjectNode scoped(ObjectNode object, Scope scope, ObjectSchema schema) {
    return scoped(object, scope, schema, false);
  }

  /**
   * As {@link #scoped(ObjectNode, Scope, ObjectSchema)}, keeping explicit nulls below the top level: in an apply
   * configuration a null is a field the applier sets (it owns it, and the value goes).
   */
  static ObjectNode scopedWithNulls(ObjectNode object, Scope scope, ObjectSchema schema) {
    return scoped(object, scope, schema, true);
  }

  private static ObjectNode scoped(ObjectNode object, Scope scope, ObjectSchema schema, boolean keepNulls) {
    java.util.function.UnaryOperator<JsonNode> clean = keepNulls ? JsonNode::deepCopy : FieldSchema::withoutNulls;
    boolean statusMetadata = scope == Scope.STATUS && schema != null && statusWritesMetadata(schema.kind());
    ObjectNode out = Json.object();
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      if (name.equals("apiVersion") || name.equals("kind") || field.getValue().isNull()) {
        continue;
      }
      if (name.equals("status")) {
        if (scope == Scope.STATUS) {
          out.set(name, clean.apply(field.getValue()));
        }
      } else if (name.equals("metadata")) {
        if ((scope == Scope.MAIN || statusMetadata) && field.getValue().isObject()) {
          ObjectNode metadata = Json.object();
          field.getValue().fields().forEachRemaining(m -> {
            if ((scope == Scope.MAIN ? OWNED_METADATA.contains(m.getKey()) : STATUS_METADATA.contains(m.getKey()))
                && !m.getValue().isNull()) {
              metadata.set(m.getKey(), clean.apply(m.getValue()));
            }
          });
          if (!metadata.isEmpty()) {
            out.set("metadata", metadata);
          }
        }
      } else if (scope == Scope.MAIN) {
        out.set(name, clean.apply(field.getValue()));
      }
    }
    return out;
  }

  static JsonNode withoutNulls(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = Json.object();
      node.fields().forEachRemaining(e -> {
        if (!e.getValue().isNull()) {
          out.set(e.getKey(), withoutNulls(e.getValue()));
        }
      });
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      node.forEach(item -> out.add(withoutNulls(item)));
      return out;
    }
    return node;
  }

  /** The set of fields an object (already {@link #scoped}) sets, in structured-merge-diff terms. */
  static FieldSet fieldsOf(ObjectNode scopedObject, ObjectSchema schema) {
    FieldSet set = FieldSet.empty();
    scopedObject.fields().forEachRemaining(e -> walk(e.getValue(), List.of("f:" + e.getKey()), schema, set));
    return set;
  }

  private static void walk(JsonNode node, List<String> path, ObjectSchema schema, FieldSet out) {
    if (node.isObject() && !node.isEmpty() && !atomicMap(schema, path)) {
      node.fields().forEachRemaining(e -> {
        List<String> child = append(path, "f:" + e.getKey());
        if (e.getValue().isObject() && !e.getValue().isEmpty() && isMapEntry(schema, child)) {
          out.add(child);
        }
        walk(e.getValue(), child, schema, out);
      });
    } else if (node.isArray() && !node.isEmpty()) {
      ListKind list = listKind(schema, path);
      switch (list.type()) {
        case ATOMIC -> out.add(path);
        case SET -> node.forEach(item -> out.add(append(path, "v:" + Json.write(item))));
        case MAP -> {
          List<String> keys = new ArrayList<>();
          for (JsonNode item : node) {
            keys.add(keyElement(item, list, path));
          }
          for (int i = 0; i < node.size(); i++) {
            List<String> itemPath = append(path, keys.get(i));
            out.add(itemPath);
            if (keys.indexOf(keys.get(i)) == keys.lastIndexOf(keys.get(i))) {
              node.get(i).fields().forEachRemaining(e -> walk(e.getValue(), append(itemPath, "f:" + e.getKey()), schema, out));
            }
          }
        }
      }
    } else {
      out.add(path);
    }
  }

  /**
   * Whether the object at {@code path} is an entry of a map (a key its parent's schema does not declare as a field:
   * a {@code map[string]...} value, a preserved unknown field of a custom resource) rather than a struct field: as in
   * structured-merge-diff, such an entry is a member of an applied field set together with what it holds.
   */
  private static boolean isMapEntry(ObjectSchema schema, List<String> path) {
    if (schema.root().isEmpty() && !schema.custom()) {
      return false;
    }
    Optional<Located> at = locate(schema, path);
    return at.isEmpty() ? schema.custom() : at.get().field() == null;
  }

  /**
   * The object as its Go type's zero value writes it (non-pointer structs and fields without {@code omitempty}
   * present, the rest absent): what an Update on create is compared with. A custom resource's is empty.
   */
  static ObjectNode zeroObject(ObjectSchema schema) {
    return schema.custom() || schema.root().isEmpty() ? Json.object() : GoEncoding.object(schema.root().get(), Json.object());
  }

  /**
   * The maps, structs and non-atomic lists that {@code after} has and {@code before} lacks (no key at all: an
   * explicit null counts as present), both {@link #scoped}: structured-merge-diff's comparison reports such a
   * non-leaf as added, so the manager of an Update owns it as well as its fields (the {@code "."} of fieldsV1).
   * Swapped, the ones removed.
   */
  static FieldSet addedNonLeaves(JsonNode before, JsonNode after, ObjectSchema schema) {
    FieldSet added = FieldSet.empty();
    after.fields().forEachRemaining(e -> addedNonLeaves(before, e.getValue(), List.of("f:" + e.getKey()), schema, added));
    return added;
  }

  private static void addedNonLeaves(JsonNode before, JsonNode node, List<String> path, ObjectSchema schema, FieldSet out) {
    boolean granularMap = node.isObject() && !node.isEmpty() && !atomicMap(schema, path);
    boolean granularList = node.isArray() && !node.isEmpty() && listKind(schema, path).type() != ListType.ATOMIC;
    if (!granularMap && !granularList) {
      return;
    }
    // the field manager never tracks metadata itself (it strips it with apiVersion, kind, name and the bookkeeping)
    if (valueAt(before, path) == null && !path.equals(METADATA)) {
      out.add(path);
    }
    if (granularMap) {
      node.fields().forEachRemaining(e -> addedNonLeaves(before, e.getValue(), append(path, "f:" + e.getKey()), schema, out));
    } else if (listKind(schema, path).type() == ListType.MAP) {
      ListKind list = listKind(schema, path);
      for (JsonNode item : node) {
        List<String> itemPath = append(path, keyElement(item, list, path));
        item.fields().forEachRemaining(e -> addedNonLeaves(before, e.getValue(), append(itemPath, "f:" + e.getKey()), schema, out));
      }
    }
  }

  static String keyElement(JsonNode item, ListKind list, List<String> listPath) {
    return keyElement(item, list.keys(), list.keyDefaults(), listPath);
  }

  private static String keyElement(JsonNode item, List<String> keys, Map<String, JsonNode> defaults, List<String> listPath) {
    if (!item.isObject()) {
      throw new ApiException(422, "Invalid", FieldSet.render(listPath) + ": associative list with keys " + keys
          + " has an element that is not an object: " + item);
    }
    TreeMap<String, JsonNode> key = new TreeMap<>();
    for (String k : keys) {
      JsonNode value = item.get(k);
      if (value == null || value.isNull()) {
        value = defaults.get(k);
      }
      if (value == null || value.isNull()) {
        throw new ApiException(422, "Invalid", FieldSet.render(listPath) + ": associative list with keys " + keys
            + " has an element that omits key field \"" + k + "\": " + item);
      }
      key.put(k, value);
    }
    ObjectNode keyNode = Json.object();
    key.forEach(keyNode::set);
    return "k:" + Json.write(keyNode);
  }

  static List<String> append(List<String> path, String element) {
    List<String> result = new ArrayList<>(path.size() + 1);
    result.addAll(path);
    result.add(element);
    return result;
  }

  /**
   * The list items matching the last element of {@code path} (a {@code k:} or {@code v:} element): one, none, or
   * several where create or update stored duplicate keys.
   */
  static List<JsonNode> itemsAt(JsonNode root, List<String> path) {
    JsonNode parent = valueAt(root, path.subList(0, path.size() - 1));
    List<JsonNode> items = new ArrayList<>();
    if (parent instanceof ArrayNode array) {
      String last = path.get(path.size() - 1);
      JsonNode wanted = Json.parse(last.substring(2));
      for (JsonNode item : array) {
        if (last.startsWith("k:") ? matchesKey(item, wanted) : item.equals(wanted)) {
          items.add(item);
        }
      }
    }
    return items;
  }

  /**
   * The duplicate keys of the keyed lists in {@code scopedObject}, as the API server words them
   * ({@code .spec.template.spec.containers[name="nginx"].env: duplicate entries for key [name="PATH"]}): an apply
   * configuration must have none.
   */
  static List<String> duplicateKeys(JsonNode scopedObject, ObjectSchema schema) {
    List<String> errors = new ArrayList<>();
    scopedObject.fields().forEachRemaining(e -> duplicates(e.getValue(), List.of("f:" + e.getKey()), schema, errors));
    return errors;
  }

  private static void duplicates(JsonNode node, List<String> path, ObjectSchema schema, List<String> errors) {
    if (node.isObject() && !atomicMap(schema, path)) {
      node.fields().forEachRemaining(e -> duplicates(e.getValue(), append(path, "f:" + e.getKey()), schema, errors));
    } else if (node.isArray()) {
      ListKind list = listKind(schema, path);
      if (list.type() == ListType.MAP) {
        List<String> seen = new ArrayList<>();
        for (JsonNode item : node) {
          String key = keyElement(item, list, path);
          if (seen.contains(key)) {
            errors.add(FieldSet.render(path) + ": duplicate entries for key " + FieldSet.render(List.of(key)));
          } else {
            seen.add(key);
            item.fields().forEachRemaining(e -> duplicates(e.getValue(), append(append(path, key), "f:" + e.getKey()), schema, errors));
          }
        }
      } else if (list.type() == ListType.SET) {
        List<JsonNode> seen = new ArrayList<>();
        for (JsonNode item : node) {
          if (seen.contains(item)) {
            errors.add(FieldSet.render(path) + ": duplicate entries for key " + FieldSet.render(List.of("v:" + Json.write(item))));
          }
          seen.add(item);
        }
      }
    }
  }

  /** The node at {@code path}, or null when the object has nothing there. */
  static JsonNode valueAt(JsonNode root, List<String> path) {
    JsonNode node = root;
    for (String element : path) {
      if (node == null) {
        return null;
      }
      node = child(node, element);
    }
    return node;
  }

  private static JsonNode child(JsonNode node, String element) {
    String body = element.substring(2);
    return switch (element.charAt(0)) {
      case 'f' -> node.isObject() ? node.get(body) : null;
      case 'k' -> node.isArray() ? findKeyed((ArrayNode) node, Json.parse(body)) : null;
      case 'v' -> node.isArray() ? findValue((ArrayNode) node, Json.parse(body)) : null;
      default -> null;
    };
  }

  private static JsonNode findKeyed(ArrayNode array, JsonNode key) {
    for (JsonNode item : array) {
      if (matchesKey(item, key)) {
        return item;
      }
    }
    return null;
  }

  private static boolean matchesKey(JsonNode item, JsonNode key) {
    if (!item.isObject()) {
      return false;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = key.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!field.getValue().equals(item.get(field.getKey()))) {
        return false;
      }
    }
    return true;
  }

  private static JsonNode findValue(ArrayNode array, JsonNode value) {
    for (JsonNode item : array) {
      if (item.equals(value)) {
        return item;
      }
    }
    return null;
  }

  /** Removes the node at {@code path}; returns false when there was none. */
  static boolean remove(JsonNode root, List<String> path) {
    if (path.isEmpty()) {
      return false;
    }
    JsonNode parent = valueAt(root, path.subList(0, path.size() - 1));
    String last = path.get(path.size() - 1);
    String body = last.substring(2);
    if (parent instanceof ObjectNode object && last.startsWith("f:")) {
      return object.remove(body) != null;
    }
    if (parent instanceof ArrayNode array && (last.startsWith("k:") || last.startsWith("v:"))) {
      JsonNode wanted = Json.parse(body);
      boolean removed = false;
      for (int i = array.size() - 1; i >= 0; i--) {
        if (last.startsWith("k:") ? matchesKey(array.get(i), wanted) : array.get(i).equals(wanted)) {
          array.remove(i);
          removed = true;
        }
      }
      return removed;
    }
    return false;
  }

  /** Merges applied configuration into a live value: maps field by field, keyed lists item by item, sets by union, the rest replaced. */
  static JsonNode merge(JsonNode live, JsonNode applied, ObjectSchema schema, List<String> path) {
    if (live == null || live.isNull() || live.isMissingNode()) {
      return applied.deepCopy();
    }
    if (applied.isObject() && live.isObject() && !atomicMap(schema, path)) {
      ObjectNode result = ((ObjectNode) live).deepCopy();
      applied.fields().forEachRemaining(e ->
          result.set(e.getKey(), merge(live.get(e.getKey()), e.getValue(), schema, append(path, "f:" + e.getKey()))));
      return result;
    }
    if (applied.isArray() && live.isArray()) {
      ListKind list = listKind(schema, path);
      if (list.type() == ListType.SET) {
        ArrayNode result = ((ArrayNode) live).deepCopy();
        applied.forEach(item -> {
          if (findValue(result, item) == null) {
            result.add(item.deepCopy());
          }
        });
        return result;
      }
      if (list.type() == ListType.MAP) {
        ArrayNode result = Json.MAPPER.createArrayNode();
        List<String> appliedKeys = new ArrayList<>();
        for (JsonNode item : applied) {
          appliedKeys.add(keyElement(item, list, path));
        }
        List<String> liveKeys = new ArrayList<>();
        for (JsonNode liveItem : live) {
          liveKeys.add(liveItem.isObject() && list.keys().stream().allMatch(k -> liveItem.hasNonNull(k) || list.keyDefaults().containsKey(k))
              ? keyElement(liveItem, list, path) : null);
        }
        List<String> done = new ArrayList<>();
        for (int l = 0; l < live.size(); l++) {
          JsonNode liveItem = live.get(l);
          String key = liveKeys.get(l);
          int index = key == null ? -1 : appliedKeys.indexOf(key);
          if (index < 0) {
            result.add(liveItem.deepCopy());
          } else if (liveKeys.indexOf(key) != liveKeys.lastIndexOf(key)) {
            // duplicates stored by create or update are one atomic item to apply: the applied item replaces them all
            if (!done.contains(key)) {
              result.add(applied.get(index).deepCopy());
              done.add(key);
            }
          } else {
            result.add(merge(liveItem, applied.get(index), schema, append(path, key)));
          }
        }
        for (int i = 0; i < applied.size(); i++) {
          if (findKeyed((ArrayNode) live, Json.parse(appliedKeys.get(i).substring(2))) == null) {
            result.add(applied.get(i).deepCopy());
          }
        }
        return result;
      }
    }
    return applied.deepCopy();
  }

  /** True when the path ends in a list item ({@code k:} or {@code v:}): such members are compared by presence, not value. */
  static boolean isItem(List<String> path) {
    return !path.isEmpty() && !path.get(path.size() - 1).startsWith("f:");
  }
}
