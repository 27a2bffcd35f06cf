package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the apiextensions-apiserver does to a custom resource with its version's structural schema
 * ({@code spec.versions[].schema.openAPIV3Schema}) before storing it: prune unknown fields, drop {@code null}s that
 * the schema does not allow, then apply {@code default}s. In that order, as the real server decodes a request.
 *
 * <ul>
 *   <li>Pruning keeps, in an object, the fields named in {@code properties}, and every field when the schema has
 *       {@code additionalProperties} (each value pruned by it) or {@code x-kubernetes-preserve-unknown-fields: true}
 *       (known fields are still pruned inside). An object schema with neither keeps nothing. Array items are pruned
 *       by {@code items}. At the root, {@code apiVersion}, {@code kind} and {@code metadata} are never pruned; nor
 *       are they in an {@code x-kubernetes-embedded-resource}.</li>
 *   <li>A {@code null} value is dropped unless its schema says {@code nullable: true}; a default then fills it.</li>
 *   <li>Defaulting sets, for every absent property that has a {@code default}, a copy of that default, and then
 *       defaults inside it and inside every present value (properties, additionalProperties, items).</li>
 * </ul>
 *
 * <p>Unknown {@code metadata} fields (of the resource and of embedded resources) are dropped when a body is read
 * ({@link CustomResourceBodies}). Not done: validation (types, formats, patterns, CEL rules),
 * {@code x-kubernetes-int-or-string} coercion, and defaulting on read (a real server also defaults objects read back
 * from storage, so a default added to a CRD later shows on old objects).
 */
final class StructuralSchema {

  private static final Set<String> RESOURCE_ENVELOPE = Set.of("apiVersion", "kind", "metadata");

  private StructuralSchema() {
  }

  /** Prunes and defaults a whole custom resource in place by its version's {@code openAPIV3Schema}; returns it. */
  static ObjectNode apply(ObjectNode object, JsonNode schema) {
    if (schema == null || schema.isMissingNode() || schema.isNull()) {
      return object;
    }
    prune(object, schema, true);
    defaults(object, schema, true);
    return object;
  }

  /** Prunes only (no defaults), for an apply configuration before its fields are counted as owned. */
  static ObjectNode pruneOnly(ObjectNode object, JsonNode schema) {
    if (schema != null && !schema.isMissingNode() && !schema.isNull()) {
      prune(object, schema, true);
    }
    return object;
  }

  /**
   * Prunes a whole custom resource as {@link #prune} does and answers the paths of the fields it removed, sorted as
   * Go's {@code sort.Strings} sorts them ({@code spec.ports[0].unknownNested}, {@code spec.unknown1}), as the
   * apiextensions-apiserver's {@code PruneWithOptions} tracks them for {@code fieldValidation}. Nulls the schema does
   * not allow are dropped too, but are not unknown fields.
   */
  static List<String> pruneTracked(ObjectNode object, JsonNode schema) {
    List<String> removed = new ArrayList<>();
    prune(object, schema, true, "", removed);
    removed.sort(null);
    return removed;
  }

  /** Removes from {@code value} what {@code schema} does not declare; {@code resource} marks a resource envelope. */
  static void prune(JsonNode value, JsonNode schema, boolean resource) {
    prune(value, schema, resource, "", null);
  }

  /**
   * Prunes {@code value} (at {@code path}, "" for the root) by {@code schema}, adding the path of every removed unknown
   * field to {@code removed} unless it is null. Inside a schema with {@code x-kubernetes-preserve-unknown-fields}, as
   * the server's {@code skipPrune}, unknown fields stay and known ones are pruned by their own schemas.
   */
  private static void prune(JsonNode value, JsonNode schema, boolean resource, String path, List<String> removed) {
    if (value instanceof ObjectNode object) {
      boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.get("additionalProperties");
      boolean envelope = resource || schema.path("x-kubernetes-embedded-resource").asBoolean(false);
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode child = object.get(name);
        if (envelope && RESOURCE_ENVELOPE.contains(name)) {
          continue;
        }
        JsonNode childSchema = properties.get(name);
        if (childSchema == null && additional != null && additional.isObject()) {
          childSchema = additional;
        }
        String childPath = path.isEmpty() ? name : path + "." + name;
        if (childSchema == null) {
          boolean keepAll = preserve || (additional != null && additional.asBoolean(false));
          if (!keepAll) {
            object.remove(name);
            if (removed != null) {
              removed.add(childPath);
            }
          }
          continue;
        }
        if (child.isNull() && !childSchema.path("nullable").asBoolean(false)) {
          object.remove(name);
          continue;
        }
        prune(child, childSchema, false, childPath, removed);
      }
    } else if (value instanceof ArrayNode array) {
      JsonNode items = schema.get("items");
      if (items == null || !items.isObject()) {
        return;
      }
      for (int i = 0; i < array.size(); i++) {
        prune(array.get(i), items, false, path + "[" + i + "]", removed);
      }
    }
  }

  /** Sets the defaults of {@code schema} in {@code value}, recursively. */
  static void defaults(JsonNode value, JsonNode schema, boolean resource) {
    if (value instanceof ObjectNode object) {
      JsonNode properties = schema.path("properties");
      for (Map.Entry<String, JsonNode> property : iterable(properties)) {
        JsonNode defaultValue = property.getValue().get("default");
        if (defaultValue != null && (!object.has(property.getKey()) || object.get(property.getKey()).isNull())) {
          object.set(property.getKey(), defaultValue.deepCopy());
        }
      }
      JsonNode additional = schema.get("additionalProperties");
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      boolean envelope = resource || schema.path("x-kubernetes-embedded-resource").asBoolean(false);
      for (String name : names) {
        if (envelope && RESOURCE_ENVELOPE.contains(name)) {
          continue;
        }
        JsonNode childSchema = properties.get(name);
        if (childSchema == null && additional != null && additional.isObject()) {
          childSchema = additional;
        }
        if (childSchema != null) {
          defaults(object.get(name), childSchema, false);
        }
      }
    } else if (value instanceof ArrayNode array) {
      JsonNode items = schema.get("items");
      if (items == null || !items.isObject()) {
        return;
      }
      JsonNode itemDefault = items.get("default");
      for (int i = 0; i < array.size(); i++) {
        if (array.get(i).isNull() && itemDefault != null) {
          array.set(i, itemDefault.deepCopy());
        }
        defaults(array.get(i), items, false);
      }
    }
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
    return node::fields;
  }
}
