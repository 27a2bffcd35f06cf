package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.kube.schema.ApiSchema;
import dev.verity.kube.schema.SchemaNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Where the sandbox reads custom resource bodies as the apiextensions-apiserver does (its schema-coercing decoder,
 * {@code pkg/apiserver/customresource_handler.go} at v0.32.0): the strict-decoding problems of a create, update or
 * patch, reported per {@code fieldValidation} in the server's order and words, and the unknown fields dropped.
 *
 * <p>The order is the server's: first what decoding the body found (duplicate fields by path in document order for
 * JSON, duplicate keys by line for YAML; for a patch, the patch's own duplicates or JSON-patch operation problems),
 * then the unknown fields of the object to be stored, in three groups each sorted as Go's {@code sort.Strings} sorts:
 * unknown {@code metadata} fields (ObjectMeta read strictly), the fields structural-schema pruning removes, and unknown
 * fields in the {@code metadata} of {@code x-kubernetes-embedded-resource} objects. Unknown fields are dropped whatever
 * the directive, as the server drops them.
 */
final class CustomResourceBodies {

  private static final SchemaNode OBJECT_META = ApiSchema.kubernetes().type("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta")
      .orElseThrow(() -> new IllegalStateException("the Kubernetes type table has no ObjectMeta; regenerate it"));

  private CustomResourceBodies() {
  }

  /**
   * Reads a create or update body of a custom resource whose version has {@code schema} (its openAPIV3Schema; missing
   * when it has none): a body that is not an object is a 400; strict-decoding problems are handled under
   * {@code validation} (Strict: a 400 naming them all); the unknown fields are dropped from the result.
   */
  static ObjectNode body(ResourceType type, String body, boolean yaml, JsonNode schema, FieldValidation validation) {
    ObjectNode object = Json.parseObject(body, yaml);
    List<String> problems = new ArrayList<>();
    String prefix = type.kind() + " in version \"" + type.version() + "\" cannot be handled as a " + type.kind() + ": ";
    try {
      problems.addAll(yaml ? TypedDecoder.yamlDuplicates(body) : TypedDecoder.untyped(body).problems());
    } catch (TypedDecoder.DecodeException e) {
      throw ApiException.badRequest(prefix + e.getMessage());
    }
    problems.addAll(unknownFields(object, schema));
    TypedBodies.report(problems, prefix + "strict decoding error: ", validation);
    return object;
  }

  /**
   * Checks the result of a merge or JSON patch of a custom resource: the patch's own problems (duplicate fields of a
   * merge patch; unknown or repeated fields of JSON-patch operations), then the unknown fields of the patched object,
   * handled under {@code validation} (Strict: the patch handler's 422); returns the patched object without the
   * unknown fields.
   */
  static ObjectNode patched(String patchBody, boolean jsonPatch, ObjectNode patched, JsonNode schema,
      FieldValidation validation) {
    List<String> problems = new ArrayList<>();
    try {
      problems.addAll(jsonPatch ? TypedDecoder.jsonPatchProblems(patchBody) : TypedDecoder.untyped(patchBody).problems());
    } catch (TypedDecoder.DecodeException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    String asPatched = Json.write(TypedBodies.sorted(patched));
    problems.addAll(unknownFields(patched, schema));
    TypedBodies.reportPatch(problems, asPatched, validation);
    return patched;
  }

  /**
   * Finds and removes the unknown fields of a custom resource, as {@code unknownSchemaCoercer.apply} does: unknown
   * {@code metadata} fields, then what pruning by {@code schema} removes, then unknown fields of embedded resources'
   * metadata; each group sorted. Answers {@code unknown field "<path>"} for each.
   */
  static List<String> unknownFields(ObjectNode object, JsonNode schema) {
    List<String> paths = new ArrayList<>();
    if (object.get("metadata") instanceof ObjectNode metadata) {
      paths.addAll(objectMeta(object, metadata, "metadata"));
    }
    if (schema != null && schema.isObject()) {
      paths.addAll(StructuralSchema.pruneTracked(object, schema));
      List<String> embedded = new ArrayList<>();
      coerceEmbedded(object, schema, "", false, embedded);
      embedded.sort(null);
      paths.addAll(embedded);
    }
    return paths.stream().map(p -> "unknown field \"" + p + "\"").toList();
  }

  /**
   * Reads {@code metadata} (a field of {@code owner}) strictly as ObjectMeta, as {@code GetObjectMetaWithOptions}
   * does: its fields in sorted order, a field of the wrong type dropped, unknown fields (at any depth) dropped and
   * answered as paths under {@code prefix}. The metadata is left as it is when nothing was dropped.
   */
  private static List<String> objectMeta(ObjectNode owner, ObjectNode metadata, String prefix) {
    List<String> unknown = new ArrayList<>();
    ObjectNode kept = Json.object();
    boolean dropped = false;
    ObjectNode sorted = (ObjectNode) TypedBodies.sorted(metadata);
    for (var it = sorted.fields(); it.hasNext(); ) {
      var field = it.next();
      ObjectNode single = Json.object();
      single.set(field.getKey(), field.getValue());
      TypedDecoder.Result result;
      try {
        result = TypedDecoder.json(Json.write(single), OBJECT_META);
      } catch (TypedDecoder.DecodeException e) {
        dropped = true; // a malformed known field: dropped, as the request decoder drops it
        continue;
      }
      for (String problem : result.problems()) {
        String path = quoted(problem);
        if (problem.startsWith("unknown field ") && path != null) {
          unknown.add(prefix + "." + path);
          dropped = true;
        }
      }
      result.object().fields().forEachRemaining(e -> kept.set(e.getKey(), e.getValue()));
    }
    if (dropped) {
      owner.set("metadata", kept);
    }
    return unknown;
  }

  /**
   * {@code CoerceWithOptions}: walks {@code value} by {@code schema} (properties, additionalProperties, items) and, in
   * every object whose schema is an {@code x-kubernetes-embedded-resource}, reads its {@code metadata} as ObjectMeta
   * (unknown fields dropped and recorded, a zero {@code creationTimestamp} removed).
   */
  private static void coerceEmbedded(JsonNode value, JsonNode schema, String path, boolean embedded, List<String> unknown) {
    if (schema == null || !schema.isObject()) {
      return;
    }
    if (value instanceof ObjectNode object) {
      if (embedded && object.get("metadata") instanceof ObjectNode metadata) {
        unknown.addAll(objectMeta(object, metadata, path.isEmpty() ? "metadata" : path + ".metadata"));
        JsonNode created = object.path("metadata").get("creationTimestamp");
        if (created != null && created.isNull()) {
          ((ObjectNode) object.get("metadata")).remove("creationTimestamp");
        }
      }
      JsonNode properties = schema.path("properties");
      JsonNode additional = schema.get("additionalProperties");
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode property = properties.get(name);
        if (property != null) {
          coerceEmbedded(object.get(name), property, path.isEmpty() ? name : path + "." + name, isEmbedded(property), unknown);
        } else if (additional != null && additional.isObject()) {
          coerceEmbedded(object.get(name), additional, path + "[" + name + "]", isEmbedded(additional), unknown);
        }
      }
    } else if (value instanceof ArrayNode array) {
      JsonNode items = schema.get("items");
      for (int i = 0; i < array.size(); i++) {
        coerceEmbedded(array.get(i), items, path + "[" + i + "]", items != null && isEmbedded(items), unknown);
      }
    }
  }

  /**
   * Checks an apply configuration of a custom resource as server-side apply converts it to the CRD version's type
   * (structured-merge-diff over the schema as kube-openapi's {@code schemaconv} reads it), which is strict whatever
   * {@code fieldValidation} says: answers one {@code <path>: field not declared in schema} per field no schema declares
   * ({@code .spec.foo}, list items named by their keys), for the 500 kube-apiserver 1.32 answers. As {@code schemaconv}
   * reads a schema, an object declares its {@code properties} (and any key when it has {@code additionalProperties}),
   * an object with neither is free-form, and {@code x-kubernetes-preserve-unknown-fields} opens its object and
   * everything below it; {@code apiVersion} and {@code kind} of the resource and of embedded resources are declared,
   * and their {@code metadata} is ObjectMeta. Value types are not checked.
   */
  static List<String> undeclaredInApply(ObjectNode applied, JsonNode schema) {
    List<String> errors = new ArrayList<>();
    if (schema != null && schema.isObject()) {
      undeclared(applied, schema, "", true, false, errors);
    }
    return errors;
  }

  private static void undeclared(JsonNode value, JsonNode schema, String path, boolean resource, boolean open,
      List<String> errors) {
    if (schema == null || !schema.isObject()) {
      return;
    }
    boolean preserve = open || schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (value instanceof ObjectNode object) {
      boolean envelope = resource || isEmbedded(schema);
      JsonNode properties = schema.get("properties");
      JsonNode additional = schema.get("additionalProperties");
      boolean freeForm = (properties == null || properties.isEmpty()) && additional == null && !envelope;
      object.fields().forEachRemaining(field -> {
        String name = field.getKey();
        String child = path + "." + name;
        if (envelope && (name.equals("apiVersion") || name.equals("kind"))) {
          return;
        }
        if (envelope && name.equals("metadata")) {
          errors.addAll(TypedBodies.typedErrors(OBJECT_META, field.getValue(), child).stream()
              .filter(e -> e.endsWith("field not declared in schema")).toList());
          return;
        }
        JsonNode property = properties == null ? null : properties.get(name);
        if (property != null) {
          undeclared(field.getValue(), property, child, false, preserve, errors);
        } else if (additional != null && additional.isObject()) {
          undeclared(field.getValue(), additional, child, false, preserve, errors);
        } else if (!(preserve || freeForm || additional != null && additional.asBoolean(false))) {
          errors.add(child + ": field not declared in schema");
        }
      });
    } else if (value instanceof ArrayNode array) {
      JsonNode items = schema.get("items");
      int index = 0;
      for (JsonNode item : array) {
        undeclared(item, items, path + itemPath(schema, item, index++), false, preserve, errors);
      }
    }
  }

  /** How structured-merge-diff names a list item: by its keys in a map list, by value in a set, else by index. */
  private static String itemPath(JsonNode listSchema, JsonNode item, int index) {
    String listType = listSchema.path("x-kubernetes-list-type").asText("atomic");
    if (listType.equals("map") && item.isObject()) {
      List<String> keys = new ArrayList<>();
      for (JsonNode key : listSchema.path("x-kubernetes-list-map-keys")) {
        JsonNode v = item.get(key.asText());
        if (v != null && !v.isNull()) {
          keys.add(key.asText() + "=" + (v.isTextual() ? "\"" + v.asText() + "\"" : v.toString()));
        }
      }
      return "[" + String.join(",", keys) + "]";
    }
    if (listType.equals("set") && !item.isContainerNode()) {
      return "[=" + item + "]";
    }
    return "[" + index + "]";
  }

  private static boolean isEmbedded(JsonNode schema) {
    return schema.path("x-kubernetes-embedded-resource").asBoolean(false);
  }

  /** The text between the first and the last double quote of a problem ({@code unknown field "a.b"} → {@code a.b}). */
  private static String quoted(String problem) {
    int first = problem.indexOf('"');
    int last = problem.lastIndexOf('"');
    return first >= 0 && last > first ? problem.substring(first + 1, last) : null;
  }
}
