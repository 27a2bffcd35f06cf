package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.kube.schema.ApiSchema;
import dev.verity.kube.schema.Field;
import dev.verity.kube.schema.ListType;
import dev.verity.kube.schema.MapType;
import dev.verity.kube.schema.SchemaNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One OpenAPI v3 document per group-version, as {@code /openapi/v3/apis/<group>/<version>} serves it, built from the
 * types table ({@code kube-schema}) for built-in kinds and from the CRD's {@code openAPIV3Schema} for custom resources:
 * {@code components.schemas} by their Kubernetes definition names, each kind's root tagged with
 * {@code x-kubernetes-group-version-kind}, nested types referenced as the API server references them
 * ({@code allOf: [{$ref}]}), list types, list-map keys, patch strategies and merge keys, atomic maps; and, per
 * resource, a PATCH operation with the {@code fieldValidation} parameter, which tells kubectl that the server
 * validates. Enough for {@code kubectl explain}; the table has no descriptions, so the documents carry none.
 */
final class OpenApi {

  private static final String REF = "#/components/schemas/";

  private OpenApi() {
  }

  static ObjectNode document(String group, String version, List<ResourceType> types, ResourceTypes all) {
    ObjectNode doc = Json.object();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes (Verity KubeSandbox)").put("version", "v1.32.0");
    ObjectNode paths = doc.putObject("paths");
    ObjectNode schemas = doc.putObject("components").putObject("schemas");
    String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
    for (ResourceType type : types) {
      String path = prefix + (type.namespaced() ? "/namespaces/{namespace}/" : "/") + type.plural() + "/{name}";
      ObjectNode patch = paths.putObject(path).putObject("patch");
      patch.put("operationId", "patch" + type.kind());
      gvk(patch.putObject("x-kubernetes-group-version-kind"), type);
      ArrayNode parameters = patch.putArray("parameters");
      for (String name : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
        parameters.addObject().put("name", name).put("in", "query").putObject("schema").put("type",
            name.equals("force") ? "boolean" : "string");
      }
      patch.putObject("responses").putObject("200").put("description", "OK");
      root(type, all, schemas);
    }
    return doc;
  }

  private static void root(ResourceType type, ResourceTypes all, ObjectNode schemas) {
    ObjectNode root;
    String name;
    if (all.isCustom(type)) {
      JsonNode schema = all.schema(type);
      root = schema.isObject() ? (ObjectNode) schema.deepCopy() : Json.object().put("type", "object");
      name = reverseDomain(type.group()) + "." + type.version() + "." + type.kind();
    } else {
      Optional<SchemaNode> node = ApiSchema.kubernetes().root(type.apiVersion(), type.kind());
      if (node.isPresent() && node.get().typeName().isPresent()) {
        name = node.get().typeName().get();
        define(node.get(), schemas);
        root = (ObjectNode) schemas.get(name);
      } else {
        // a kind the table does not describe: its envelope, the rest free
        name = "io.k8s.sandbox." + (type.group().isEmpty() ? "core" : type.group()) + "." + type.version() + "." + type.kind();
        root = Json.object().put("type", "object");
        ObjectNode properties = root.putObject("properties");
        properties.putObject("apiVersion").put("type", "string");
        properties.putObject("kind").put("type", "string");
        ApiSchema.kubernetes().root("v1", "ConfigMap").flatMap(cm -> cm.child("metadata")).ifPresent(meta ->
            properties.set("metadata", reference(meta, schemas)));
        root.put("x-kubernetes-preserve-unknown-fields", true);
      }
    }
    ArrayNode gvks = root.putArray("x-kubernetes-group-version-kind");
    gvk(gvks.addObject(), type);
    schemas.set(name, root);
  }

  private static void gvk(ObjectNode node, ResourceType type) {
    node.put("group", type.group()).put("version", type.version()).put("kind", type.kind());
  }

  /** A property's schema: a named struct by reference (defined once in {@code schemas}), anything else inline. */
  private static ObjectNode reference(SchemaNode node, ObjectNode schemas) {
    if (node.shape() == dev.verity.kube.schema.Shape.STRUCT && node.typeName().isPresent()) {
      define(node, schemas);
      ObjectNode ref = Json.object();
      ref.putArray("allOf").addObject().put("$ref", REF + node.typeName().get());
      return ref;
    }
    return inline(node, schemas);
  }

  private static void define(SchemaNode node, ObjectNode schemas) {
    String name = node.typeName().orElseThrow();
    if (schemas.has(name)) {
      return;
    }
    schemas.putObject(name); // placeholder: recursive types refer to it while it is built
    schemas.set(name, inline(node, schemas));
  }

  private static ObjectNode inline(SchemaNode node, ObjectNode schemas) {
    ObjectNode schema = Json.object();
    switch (node.shape()) {
      case STRUCT -> {
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = Json.MAPPER.createArrayNode();
        for (Map.Entry<String, Field> entry : node.fields().entrySet()) {
          Field field = entry.getValue();
          ObjectNode property = reference(field.type(), schemas);
          field.defaultValue().ifPresent(value -> property.set("default", value));
          if (field.type().shape() == dev.verity.kube.schema.Shape.LIST) {
            field.patchStrategy().ifPresent(strategy -> property.put("x-kubernetes-patch-strategy", strategy));
            field.patchMergeKey().ifPresent(key -> property.put("x-kubernetes-patch-merge-key", key));
            listExtensions(property, field.listType(), field.listMapKeys());
          }
          if (field.type().shape() == dev.verity.kube.schema.Shape.MAP && field.mapType() == MapType.ATOMIC) {
            property.put("x-kubernetes-map-type", "atomic");
          }
          properties.set(entry.getKey(), property);
          if (field.required()) {
            required.add(entry.getKey());
          }
        }
        if (!required.isEmpty()) {
          schema.set("required", required);
        }
        if (node.mapType() == MapType.ATOMIC) {
          schema.put("x-kubernetes-map-type", "atomic");
        }
      }
      case LIST -> {
        schema.put("type", "array");
        node.items().ifPresent(items -> schema.set("items", reference(items, schemas)));
        listExtensions(schema, node.listType(), node.listMapKeys());
      }
      case MAP -> {
        schema.put("type", "object");
        node.values().ifPresent(values -> schema.set("additionalProperties", reference(values, schemas)));
      }
      case ANY -> schema.put("x-kubernetes-preserve-unknown-fields", true);
      case SCALAR -> {
        switch (node.scalarType().orElseThrow()) {
          case STRING -> schema.put("type", "string");
          case INTEGER -> schema.put("type", "integer");
          case NUMBER -> schema.put("type", "number");
          case BOOLEAN -> schema.put("type", "boolean");
          case QUANTITY -> {
            ArrayNode oneOf = schema.putArray("oneOf");
            oneOf.addObject().put("type", "string");
            oneOf.addObject().put("type", "number");
          }
          case INT_OR_STRING -> schema.put("type", "string").put("format", "int-or-string")
              .put("x-kubernetes-int-or-string", true);
          default -> throw new IllegalStateException(node.toString());
        }
        node.format().filter(f -> !schema.has("format")).ifPresent(format -> schema.put("format", format));
      }
      default -> throw new IllegalStateException(node.toString());
    }
    return schema;
  }

  private static void listExtensions(ObjectNode schema, ListType listType, List<String> keys) {
    schema.put("x-kubernetes-list-type", listType.name().toLowerCase(java.util.Locale.ROOT));
    if (listType == ListType.MAP && !keys.isEmpty()) {
      ArrayNode array = schema.putArray("x-kubernetes-list-map-keys");
      keys.forEach(array::add);
    }
  }

  private static String reverseDomain(String group) {
    List<String> parts = new java.util.ArrayList<>(List.of(group.split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts);
  }
}
