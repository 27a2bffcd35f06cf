package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.kube.schema.ApiSchema;
import dev.verity.kube.schema.SchemaNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the sandbox reads request bodies and writes objects through the Go types of the built-in kinds (the
 * {@link ApiSchema} table, Kubernetes 1.32): create and update bodies, the result of a patch, and every object it
 * stores. Kinds without a table entry (custom resources) pass through unchanged.
 */
final class TypedBodies {

  private static final ApiSchema API = ApiSchema.kubernetes();

  private TypedBodies() {
  }

  /** The Go type of a built-in kind, if the table has it. */
  static Optional<SchemaNode> schema(ResourceType type) {
    return API.root(type.apiVersion(), type.kind());
  }

  /**
   * Reads a create or update body: type errors are a 400 in the server's words; unknown and duplicate fields are
   * handled under {@code validation}; unknown fields are dropped.
   */
  static ObjectNode body(ResourceType type, String body, boolean yaml, FieldValidation validation) {
    Optional<SchemaNode> schema = schema(type);
    if (schema.isEmpty() || body == null || body.isBlank()) {
      return Json.parseObject(body, yaml);
    }
    String prefix = type.kind() + " in version \"" + type.version() + "\" cannot be handled as a " + type.kind() + ": ";
    TypedDecoder.Result result;
    try {
      result = yaml ? TypedDecoder.yaml(body, schema.get()) : TypedDecoder.json(body, schema.get());
    } catch (TypedDecoder.DecodeException e) {
      throw ApiException.badRequest(prefix + e.getMessage());
    }
    report(result.problems(), prefix + "strict decoding error: ", validation);
    return result.object();
  }

  /**
   * Checks the result of a JSON, merge or strategic merge patch: duplicates in the patch body (or problems of the JSON
   * patch's operations) first, then the fields the patched object's type does not declare, as the server reports
   * them; returns the patched object without them.
   */
  static ObjectNode patched(ResourceType type, String patchBody, boolean jsonPatch, boolean strategic, ObjectNode patched,
      FieldValidation validation) {
    Optional<SchemaNode> schema = schema(type);
    if (schema.isEmpty()) {
      return patched;
    }
    List<String> problems = new ArrayList<>();
    try {
      problems.addAll(jsonPatch ? TypedDecoder.jsonPatchProblems(patchBody) : TypedDecoder.untyped(patchBody).problems());
      TypedDecoder.Result result = TypedDecoder.json(Json.write(sorted(patched)), schema.get());
      problems.addAll(result.problems());
      // the 422 names the patched object's JSON, or for a strategic merge patch the patch as Go prints its map
      reportPatch(problems, strategic ? goValue(TypedDecoder.untyped(patchBody).object()) : Json.write(sorted(patched)),
          validation);
      return result.object();
    } catch (TypedDecoder.DecodeException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  /**
   * Checks an apply configuration's YAML as the server converts it: duplicate keys are refused under Strict and
   * warned about under Warn.
   */
  static void applyYaml(String body, FieldValidation validation) {
    List<String> duplicates;
    try {
      duplicates = TypedDecoder.yamlDuplicates(body);
    } catch (TypedDecoder.DecodeException e) {
      throw ApiException.badRequest("error decoding patch: " + e.getMessage());
    }
    if (duplicates.isEmpty()) {
      return;
    }
    if (validation.directive() == FieldValidation.Directive.STRICT) {
      throw ApiException.badRequest("error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  "
          + String.join("\n  ", duplicates));
    }
    validation.warn(duplicates);
  }

  /**
   * Checks an apply configuration as server-side apply converts it to its type (structured-merge-diff), which is
   * strict whatever {@code fieldValidation} says: a field the type does not declare, or a value of the wrong kind,
   * fails the request with 500 and an empty reason, as kube-apiserver 1.32 answers (kubernetes/kubernetes#118877),
   * naming each path in structured-merge-diff's form ({@code .spec.template.spec.containers[name="web"].foo}).
   */
  static void checkApplied(ResourceType type, ObjectNode applied) {
    Optional<SchemaNode> schema = schema(type);
    if (schema.isEmpty()) {
      return;
    }
    List<String> errors = new ArrayList<>();
    typedWalk(schema.get(), applied, "", errors);
    if (errors.isEmpty()) {
      return;
    }
    String object = Optional.ofNullable(Json.text(applied.path("metadata"), "namespace")).orElse("") + "/"
        + Optional.ofNullable(Json.text(applied.path("metadata"), "name")).orElse("");
    throw typedPatchObjectFailed(type, object, errors);
  }

  /**
   * The 500 (empty reason) kube-apiserver 1.32 answers when structured-merge-diff cannot convert an apply
   * configuration to its type: {@code failed to create typed patch object (<ns>/<name>; <gvk>): <errors>}, one error
   * as it is, several under {@code errors:} one per line.
   */
  static ApiException typedPatchObjectFailed(ResourceType type, String object, List<String> errors) {
    String gvk = (type.group().isEmpty() ? "" : type.group()) + "/" + type.version() + ", Kind=" + type.kind();
    String detail = errors.size() == 1 ? errors.get(0) : "errors:\n  " + String.join("\n  ", errors);
    return new ApiException(500, "", "failed to create typed patch object (" + object + "; " + gvk + "): " + detail);
  }

  /**
   * What structured-merge-diff finds converting {@code value} to {@code type}, naming each path from {@code path}
   * ({@code .metadata.foo: field not declared in schema}).
   */
  static List<String> typedErrors(SchemaNode type, JsonNode value, String path) {
    List<String> errors = new ArrayList<>();
    typedWalk(type, value, path, errors);
    return errors;
  }

  private static void typedWalk(SchemaNode type, JsonNode value, String path, List<String> errors) {
    if (value == null || value.isNull()) {
      return;
    }
    switch (type.shape()) {
      case ANY -> { }
      case STRUCT, MAP -> {
        if (!value.isObject()) {
          errors.add(path + ": expected map, got " + describe(value));
          return;
        }
        value.fields().forEachRemaining(e -> {
          String child = path + "." + e.getKey();
          Optional<SchemaNode> childType = type.shape() == dev.verity.kube.schema.Shape.MAP ? type.values()
              : type.field(e.getKey()).map(dev.verity.kube.schema.Field::type).or(type::values);
          if (childType.isEmpty()) {
            if (!type.knowsField(e.getKey())) {
              errors.add(child + ": field not declared in schema");
            }
            return;
          }
          typedWalk(childType.get(), e.getValue(), child, errors);
        });
      }
      case LIST -> {
        if (!value.isArray()) {
          errors.add(path + ": expected list, got " + describe(value));
          return;
        }
        SchemaNode items = type.items().orElse(null);
        int index = 0;
        for (JsonNode item : value) {
          String child = path + itemPath(type, item, index++);
          if (items != null) {
            typedWalk(items, item, child, errors);
          }
        }
      }
      case SCALAR -> {
        switch (type.scalarType().orElseThrow()) {
          case INTEGER, NUMBER -> {
            if (!value.isNumber()) {
              errors.add(path + ": expected numeric (int or float), got " + goTypeName(value));
            }
          }
          case STRING -> {
            if (!value.isTextual()) {
              errors.add(path + ": expected string, got &value.valueUnstructured{Value:" + value + "}");
            }
          }
          case BOOLEAN -> {
            if (!value.isBoolean()) {
              errors.add(path + ": expected boolean, got &{" + (value.isTextual() ? value.asText() : value.toString()) + "}");
            }
          }
          default -> {
            if (value.isContainerNode()) {
              errors.add(path + ": expected scalar, got " + describe(value));
            }
          }
        }
      }
    }
  }

  /** How structured-merge-diff names a list item: by its keys in a map list, by value in a set, else by index. */
  private static String itemPath(SchemaNode list, JsonNode item, int index) {
    if (list.listType() == dev.verity.kube.schema.ListType.MAP && item.isObject()) {
      List<String> keys = new ArrayList<>();
      for (String key : list.listMapKeys()) {
        JsonNode v = item.get(key);
        if (v != null && !v.isNull()) {
          keys.add(key + "=" + (v.isTextual() ? "\"" + v.asText() + "\"" : v.toString()));
        }
      }
      return "[" + String.join(",", keys) + "]";
    }
    if (list.listType() == dev.verity.kube.schema.ListType.SET && !item.isContainerNode()) {
      return "[=" + item + "]";
    }
    return "[" + index + "]";
  }

  private static String goTypeName(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    }
    if (value.isBoolean()) {
      return "bool";
    }
    if (value.isObject()) {
      return "map[string]interface {}";
    }
    if (value.isArray()) {
      return "[]interface {}";
    }
    return value.isIntegralNumber() ? "int64" : "float64";
  }

  private static String describe(JsonNode value) {
    return "&value.valueUnstructured{Value:" + value + "}";
  }

  /** An apply configuration's values as the server reads them (canonical quantities), its fields untouched. */
  static void canonicalValues(ResourceType type, ObjectNode applied) {
    schema(type).ifPresent(root -> GoEncoding.canonicalValues(root, applied));
  }

  /** The object as the server stores and returns it (zero values, structs, quantities as Go writes them). */
  static ObjectNode stored(ResourceType type, ObjectNode object) {
    return schema(type).map(root -> GoEncoding.object(root, object)).orElse(object);
  }

  /**
   * Under Strict, one 400 naming every problem, YAML duplicate keys first as one {@code yaml: unmarshal errors} entry
   * whose lines are joined by newlines, the rest joined by commas; under Warn, one warning per problem.
   */
  static void report(List<String> problems, String prefix, FieldValidation validation) {
    if (validation.directive() != FieldValidation.Directive.STRICT) {
      validation.warn(problems);
      return;
    }
    if (problems.isEmpty()) {
      return;
    }
    List<String> yamlLines = problems.stream().filter(p -> p.startsWith("line ")).toList();
    List<String> parts = new ArrayList<>();
    if (!yamlLines.isEmpty()) {
      parts.add("yaml: unmarshal errors:\n  " + String.join("\n  ", yamlLines));
    }
    problems.stream().filter(p -> !p.startsWith("line ")).forEach(parts::add);
    throw ApiException.badRequest(prefix + String.join(", ", parts));
  }

  /**
   * The strict-decoding problems of a merge or JSON patch: under Strict, the 422 the patch handler answers
   * ({@code errors.NewInvalid} with an empty kind and name, one {@code patch} cause whose value is {@code value}: the
   * patched object's JSON, keys sorted as the merge-patch library writes them, or a strategic merge patch's map as
   * {@code %+v} prints it), its message ending with {@code strict decoding error:} and the problems joined by commas;
   * under Warn, one warning per problem.
   */
  static void reportPatch(List<String> problems, String value, FieldValidation validation) {
    if (validation.directive() != FieldValidation.Directive.STRICT) {
      validation.warn(problems);
      return;
    }
    if (problems.isEmpty()) {
      return;
    }
    String detail = "Invalid value: " + GoValues.quote(value) + ": strict decoding error: "
        + String.join(", ", problems);
    throw new ApiException(422, "Invalid", " \"\" is invalid: patch: " + detail, null, null, null,
        List.of(new ApiException.Cause("FieldValueInvalid", detail, "patch")));
  }

  /**
   * A JSON value as Go's {@code %+v} prints what it decodes into ({@code map[string]interface{}} with int64 and
   * float64 numbers): {@code map[k:v k2:v2]} with sorted keys, {@code [a b]}, {@code <nil>}.
   */
  static String goValue(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "<nil>";
    }
    if (value.isObject()) {
      List<String> names = new ArrayList<>();
      value.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      List<String> entries = new ArrayList<>();
      for (String name : names) {
        entries.add(name + ":" + goValue(value.get(name)));
      }
      return "map[" + String.join(" ", entries) + "]";
    }
    if (value.isArray()) {
      List<String> items = new ArrayList<>();
      value.forEach(item -> items.add(goValue(item)));
      return "[" + String.join(" ", items) + "]";
    }
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.isFloatingPointNumber()) {
      return goFloat(value.decimalValue());
    }
    return value.asText();
  }

  /** A float64 as {@code %v} prints it: shortest digits, plain between 1e-4 and 1e21, else {@code 1.5e+21}. */
  private static String goFloat(java.math.BigDecimal value) {
    java.math.BigDecimal shortest = new java.math.BigDecimal(Double.toString(value.doubleValue())).stripTrailingZeros();
    if (shortest.signum() == 0) {
      return "0";
    }
    int exponent = shortest.precision() - shortest.scale() - 1;
    if (exponent >= -4 && exponent < 21) {
      return shortest.toPlainString();
    }
    String digits = shortest.unscaledValue().abs().toString();
    String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
    return (shortest.signum() < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+")
        + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
  }

  /** A copy with object keys sorted, as Go marshals a map[string]interface{}. */
  static JsonNode sorted(JsonNode node) {
    if (node instanceof ObjectNode object) {
      ObjectNode out = Json.object();
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      for (String name : names) {
        out.set(name, sorted(object.get(name)));
      }
      return out;
    }
    if (node.isArray()) {
      var array = Json.MAPPER.createArrayNode();
      node.forEach(item -> array.add(sorted(item)));
      return array;
    }
    return node;
  }
}
