package dev.verity.testkit.kube;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.verity.kube.schema.Field;
import dev.verity.kube.schema.Shape;
import dev.verity.kube.schema.SchemaNode;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import dev.verity.kube.schema.Quantity;

/**
 * Reads a request body into a built-in kind as the API server's Go decoder does (sigs.k8s.io/json in strict mode,
 * into the Go types of the {@link dev.verity.kube.schema.ApiSchema} table):
 * <ul>
 *   <li>a value of the wrong JSON type is a decoding error in Go's words ({@code json: cannot unmarshal string into Go
 *       struct field DeploymentSpec.spec.replicas of type int32}), whatever {@code fieldValidation} says;</li>
 *   <li>unknown fields ({@code unknown field "spec.foo"}) and duplicate fields ({@code duplicate field "spec.paused"})
 *       are collected in the order the decoder meets them; unknown fields are dropped from the result, a duplicate's
 *       last value wins (objects are decoded into the earlier value, as Go decodes into an existing struct);</li>
 *   <li>YAML bodies are first converted to JSON as sigs.k8s.io/yaml does: duplicate keys are reported by line
 *       ({@code line 12: key "paused" already set in map}) and object keys come out sorted;</li>
 *   <li>quantities, times and base64 byte strings are parsed as their Go types parse them.</li>
 * </ul>
 * What comes out is the decoded value still in JSON form; {@link GoEncoding} turns it into what the server stores.
 */
final class TypedDecoder {

  /** A body the Go decoder refuses outright (a type error or a value its type cannot parse): the server's message. */
  static final class DecodeException extends RuntimeException {
    DecodeException(String message) {
      super(message);
    }
  }

  /** The decoded object and the strict-decoding problems found on the way, in order, without repeats. */
  record Result(ObjectNode object, List<String> problems) {
  }

  private static final JsonFactory JSON = new JsonFactory();
  private static final YAMLFactory YAML = new YAMLFactory();
  /** YAML written in JSON's flow style may hold tabs and trailing commas, which Jackson's YAML reader refuses. */
  private static final JsonFactory FLOW_YAML = JsonFactory.builder()
      .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_TRAILING_COMMA)
      .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_YAML_COMMENTS)
      .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Set<String> problems = new LinkedHashSet<>();

  private TypedDecoder() {
  }

  /** Decodes a JSON body into {@code root}'s type. */
  static Result json(String body, SchemaNode root) {
    TypedDecoder decoder = new TypedDecoder();
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new DecodeException("json: cannot unmarshal " + jsonKind(parser.currentToken())
            + " into Go value of type " + goType(root));
      }
      ObjectNode object = (ObjectNode) decoder.value(parser, root, new Path(), null);
      return new Result(object, List.copyOf(decoder.problems));
    } catch (JsonProcessingException e) {
      throw new DecodeException(e.getOriginalMessage());
    } catch (IOException e) {
      throw new DecodeException(e.getMessage());
    }
  }

  /**
   * Decodes a YAML body: duplicate keys become problems naming their line (first), the YAML becomes JSON with sorted
   * keys, and that JSON is decoded as {@link #json} does (its problems follow).
   */
  static Result yaml(String body, SchemaNode root) {
    List<String> yamlProblems = new ArrayList<>();
    JsonNode tree;
    try (JsonParser parser = yamlParser(body)) {
      parser.nextToken();
      tree = readYaml(parser, yamlProblems);
    } catch (JsonProcessingException e) {
      throw new DecodeException("yaml: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new DecodeException(e.getMessage());
    }
    if (!(tree instanceof ObjectNode)) {
      throw new DecodeException("json: cannot unmarshal " + (tree == null ? "null" : tree.getNodeType().name().toLowerCase())
          + " into Go value of type " + goType(root));
    }
    Result decoded = json(Json.write(tree), root);
    List<String> all = new ArrayList<>(yamlProblems);
    all.addAll(decoded.problems());
    return new Result(decoded.object(), all);
  }

  /**
   * Reads a JSON body that has no type yet (a merge or strategic merge patch) as Go reads it into a map: the tree,
   * last duplicate winning, and each duplicate key as a problem ({@code duplicate field "spec.paused"}), in order.
   */
  static Result untyped(String body) {
    TypedDecoder decoder = new TypedDecoder();
    try (JsonParser parser = JSON.createParser(body)) {
      parser.nextToken();
      JsonNode tree = decoder.untyped(parser, new Path());
      if (!(tree instanceof ObjectNode object)) {
        throw new DecodeException("json: cannot unmarshal " + jsonKind(parser.currentToken())
            + " into Go value of type map[string]interface {}");
      }
      return new Result(object, List.copyOf(decoder.problems));
    } catch (JsonProcessingException e) {
      throw new DecodeException(e.getOriginalMessage());
    } catch (IOException e) {
      throw new DecodeException(e.getMessage());
    }
  }

  /**
   * The operations of a JSON patch checked as the server decodes them: fields other than op, path, value and from
   * ({@code json patch unknown field "[0].foo"}) and repeated fields ({@code json patch duplicate field "[1].path"}).
   */
  static List<String> jsonPatchProblems(String body) {
    List<String> problems = new ArrayList<>();
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_ARRAY) {
        return List.of();
      }
      int index = 0;
      while (parser.nextToken() == JsonToken.START_OBJECT) {
        Set<String> seen = new HashSet<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          parser.skipChildren();
          if (!Set.of("op", "path", "value", "from").contains(name)) {
            problems.add("json patch unknown field \"[" + index + "]." + name + "\"");
          } else if (!seen.add(name)) {
            problems.add("json patch duplicate field \"[" + index + "]." + name + "\"");
          }
        }
        index++;
      }
    } catch (IOException e) {
      throw new DecodeException(e.getMessage());
    }
    return problems;
  }

  private JsonNode untyped(JsonParser parser, Path path) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      ObjectNode object = NODES.objectNode();
      Set<String> seen = new HashSet<>();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        parser.nextToken();
        Path child = path.key(name);
        if (!seen.add(name)) {
          problems.add("duplicate field \"" + child.display() + "\"");
        }
        object.set(name, untyped(parser, child));
      }
      return object;
    }
    if (token == JsonToken.START_ARRAY) {
      ArrayNode array = NODES.arrayNode();
      int index = 0;
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        array.add(untyped(parser, path.index(index++)));
      }
      return array;
    }
    return scalarTree(parser);
  }

  /** The duplicate keys of a YAML document, by line ({@code line 10: key "paused" already set in map}). */
  static List<String> yamlDuplicates(String body) {
    List<String> problems = new ArrayList<>();
    try (JsonParser parser = yamlParser(body)) {
      parser.nextToken();
      readYaml(parser, problems);
    } catch (JsonProcessingException e) {
      throw new DecodeException("yaml: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new DecodeException(e.getMessage());
    }
    return problems;
  }

  /** A parser for a YAML body: Jackson's YAML reader, or a lenient JSON reader for YAML in JSON's flow style. */
  private static JsonParser yamlParser(String body) throws IOException {
    return body.strip().startsWith("{") ? FLOW_YAML.createParser(body) : YAML.createParser(body);
  }

  /** The YAML document as a tree with sorted keys (as sigs.k8s.io/yaml marshals its map), last duplicate winning. */
  private static JsonNode readYaml(JsonParser parser, List<String> problems) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == null) {
      return null;
    }
    switch (token) {
      case START_OBJECT -> {
        TreeMap<String, JsonNode> fields = new TreeMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          JsonLocation at = parser.currentTokenLocation();
          if (fields.containsKey(name)) {
            problems.add("line " + at.getLineNr() + ": key \"" + name + "\" already set in map");
          }
          parser.nextToken();
          fields.put(name, readYaml(parser, problems));
        }
        ObjectNode object = NODES.objectNode();
        fields.forEach(object::set);
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(readYaml(parser, problems));
        }
        return array;
      }
      default -> {
        return scalarTree(parser);
      }
    }
  }

  // ---- the typed walk -----------------------------------------------------------------------------------------

  /** Reads the value under the parser's current token into {@code type}; {@code field} is the Go field it goes in. */
  private JsonNode value(JsonParser parser, SchemaNode type, Path path, Field field) throws IOException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    Shape shape = type.shape();
    if (shape == Shape.ANY) {
      return readTree(parser);
    }
    return switch (token) {
      case START_OBJECT -> switch (shape) {
        case STRUCT -> struct(parser, type, path);
        case MAP -> map(parser, type, path);
        default -> throw typeError("object", type, path, parser);
      };
      case START_ARRAY -> {
        if (shape == Shape.LIST) {
          yield list(parser, type, path);
        }
        throw typeError("array", type, path, parser);
      }
      case VALUE_STRING -> string(parser, type, path);
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(parser, type, path);
      case VALUE_TRUE, VALUE_FALSE -> {
        if (shape == Shape.SCALAR && type.scalarType().orElseThrow() == dev.verity.kube.schema.ScalarType.BOOLEAN) {
          yield NODES.booleanNode(token == JsonToken.VALUE_TRUE);
        }
        throw typeError("bool", type, path, parser);
      }
      default -> throw new DecodeException("json: unexpected " + token + " at " + path.display());
    };
  }

  private ObjectNode struct(JsonParser parser, SchemaNode type, Path path) throws IOException {
    ObjectNode object = NODES.objectNode();
    Set<String> seen = new HashSet<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      parser.nextToken();
      Field field = type.field(name).orElse(null);
      if (field == null && !type.knowsField(name)) {
        problems.add("unknown field \"" + path.child(name).display() + "\"");
        parser.skipChildren();
        continue;
      }
      Path child = path.child(name, type);
      if (!seen.add(name)) {
        problems.add("duplicate field \"" + child.display() + "\"");
      }
      SchemaNode fieldType = field != null ? field.type() : type.values().orElse(null);
      JsonNode value = fieldType == null ? readTree(parser) : value(parser, fieldType, child, field);
      put(object, name, value);
    }
    return object;
  }

  private ObjectNode map(JsonParser parser, SchemaNode type, Path path) throws IOException {
    ObjectNode object = NODES.objectNode();
    SchemaNode values = type.values().orElse(null);
    Set<String> seen = new HashSet<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      parser.nextToken();
      Path child = path.key(key);
      if (!seen.add(key)) {
        problems.add("duplicate field \"" + child.display() + "\"");
      }
      JsonNode value = values == null ? readTree(parser) : value(parser, values, child, null);
      put(object, key, value);
    }
    return object;
  }

  private ArrayNode list(JsonParser parser, SchemaNode type, Path path) throws IOException {
    ArrayNode array = NODES.arrayNode();
    SchemaNode items = type.items().orElse(null);
    int index = 0;
    while (parser.nextToken() != JsonToken.END_ARRAY) {
      Path child = path.index(index++);
      JsonNode value = items == null ? readTree(parser) : value(parser, items, child, null);
      array.add(value == null ? items == null ? NODES.nullNode() : items.zeroValue() : value);
    }
    return array;
  }

  /** Go decodes a repeated object key into the value already there: objects merge, anything else is replaced. */
  private static void put(ObjectNode object, String name, JsonNode value) {
    JsonNode existing = object.get(name);
    if (existing instanceof ObjectNode before && value instanceof ObjectNode after) {
      after.fields().forEachRemaining(e -> before.set(e.getKey(), e.getValue()));
      return;
    }
    if (value == null) {
      object.remove(name);
      object.putNull(name);
      return;
    }
    object.set(name, value);
  }

  private JsonNode string(JsonParser parser, SchemaNode type, Path path) throws IOException {
    String text = parser.getText();
    if (type.shape() != Shape.SCALAR) {
      throw typeError("string", type, path, parser);
    }
    switch (type.scalarType().orElseThrow()) {
      case STRING -> {
        String format = type.format().orElse("");
        if (format.equals("byte")) {
          try {
            Base64.getDecoder().decode(text);
          } catch (IllegalArgumentException e) {
            throw new DecodeException("illegal base64 data at input byte " + firstBadBase64Byte(text));
          }
        } else if (format.equals("date-time") && !text.isEmpty()) {
          try {
            OffsetDateTime.parse(text);
          } catch (DateTimeParseException e) {
            throw new DecodeException("parsing time \"" + text + "\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \""
                + text + "\" as \"2006\"");
          }
        }
        return NODES.textNode(text);
      }
      case QUANTITY -> {
        try {
          return NODES.textNode(Quantity.canonical(text.strip()));
        } catch (Quantity.QuantityException e) {
          throw new DecodeException(e.getMessage());
        }
      }
      case INT_OR_STRING -> {
        return NODES.textNode(text);
      }
      default -> throw typeError("string", type, path, parser);
    }
  }

  private JsonNode number(JsonParser parser, SchemaNode type, Path path) throws IOException {
    String text = parser.getText();
    if (type.shape() != Shape.SCALAR) {
      throw typeError("number", type, path, parser);
    }
    switch (type.scalarType().orElseThrow()) {
      case INTEGER, INT_OR_STRING -> {
        boolean int32 = type.scalarType().orElseThrow() == dev.verity.kube.schema.ScalarType.INT_OR_STRING
            || "int32".equals(type.format().orElse(""));
        try {
          long value = Long.parseLong(text);
          if (int32 && (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE)) {
            throw typeError("number " + text, type, path, parser);
          }
          // as Jackson reads JSON numbers: an int when it fits, so stored trees compare equal however they were read
          return value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? NODES.numberNode((int) value) : NODES.numberNode(value);
        } catch (NumberFormatException e) {
          throw typeError("number " + text, type, path, parser);
        }
      }
      case NUMBER -> {
        return NODES.numberNode(new BigDecimal(text));
      }
      case QUANTITY -> {
        try {
          return NODES.textNode(Quantity.canonical(text));
        } catch (Quantity.QuantityException e) {
          throw new DecodeException(e.getMessage());
        }
      }
      default -> throw typeError("number", type, path, parser);
    }
  }

  private static JsonNode readTree(JsonParser parser) throws IOException {
    JsonToken token = parser.currentToken();
    switch (token) {
      case START_OBJECT -> {
        ObjectNode object = NODES.objectNode();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String name = parser.currentName();
          parser.nextToken();
          object.set(name, readTree(parser));
        }
        return object;
      }
      case START_ARRAY -> {
        ArrayNode array = NODES.arrayNode();
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          array.add(readTree(parser));
        }
        return array;
      }
      default -> {
        return scalarTree(parser);
      }
    }
  }

  private static JsonNode scalarTree(JsonParser parser) throws IOException {
    return switch (parser.currentToken()) {
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT -> {
        BigInteger value = parser.getBigIntegerValue();
        yield value.bitLength() < 32 ? NODES.numberNode(value.intValue())
            : value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
      }
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default -> throw new DecodeException("unexpected " + parser.currentToken());
    };
  }

  private static DecodeException typeError(String value, SchemaNode type, Path path, JsonParser parser) throws IOException {
    if (parser.currentToken() == JsonToken.START_OBJECT || parser.currentToken() == JsonToken.START_ARRAY) {
      parser.skipChildren();
    }
    if (path.struct == null) {
      return new DecodeException("json: cannot unmarshal " + value + " into Go value of type " + goType(type));
    }
    return new DecodeException("json: cannot unmarshal " + value + " into Go struct field " + path.struct + "."
        + path.goField() + " of type " + goType(type));
  }

  /** The Go type name the decoder prints: {@code int32}, {@code v1.DeploymentSpec}, {@code []v1.Container}, ... */
  static String goType(SchemaNode type) {
    return switch (type.shape()) {
      case STRUCT -> type.typeName().map(TypedDecoder::goName).orElse("map[string]interface {}");
      case LIST -> "[]" + type.items().map(TypedDecoder::goType).orElse("interface {}");
      case MAP -> "map[string]" + type.values().map(TypedDecoder::goType).orElse("interface {}");
      case ANY -> "runtime.RawExtension";
      case SCALAR -> switch (type.scalarType().orElseThrow()) {
        case STRING -> "byte".equals(type.format().orElse("")) ? "[]uint8"
            : "date-time".equals(type.format().orElse("")) ? "v1.Time" : "string";
        case INTEGER -> type.format().orElse("int64");
        case NUMBER -> "float64";
        case BOOLEAN -> "bool";
        case QUANTITY -> "resource.Quantity";
        case INT_OR_STRING -> "intstr.IntOrString";
      };
    };
  }

  /** {@code io.k8s.api.apps.v1.DeploymentSpec} → {@code v1.DeploymentSpec}. */
  private static String goName(String definition) {
    String[] parts = definition.split("\\.");
    return parts.length < 2 ? definition : parts[parts.length - 2] + "." + parts[parts.length - 1];
  }

  private static int firstBadBase64Byte(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = Character.isLetterOrDigit(c) && c < 128 || c == '+' || c == '/' || c == '=';
      if (!ok) {
        return i;
      }
    }
    return text.length();
  }

  private static String jsonKind(JsonToken token) {
    if (token == null) {
      return "null";
    }
    return switch (token) {
      case START_ARRAY -> "array";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "bool";
      default -> token.asString() == null ? token.name() : token.asString();
    };
  }

  /**
   * Where the decoder is, in the two forms the server prints: with list indexes and map keys for strict problems
   * ({@code spec.template.spec.containers[0].image}), and as Go's type errors print it (JSON field names only, from
   * the root, with the innermost struct's Go name).
   */
  private static final class Path {
    private final List<String> display;
    private final List<String> fields;
    private final String struct;

    Path() {
      this(List.of(), List.of(), null);
    }

    private Path(List<String> display, List<String> fields, String struct) {
      this.display = display;
      this.fields = fields;
      this.struct = struct;
    }

    Path child(String name) {
      return child(name, null);
    }

    Path child(String name, SchemaNode parent) {
      List<String> d = new ArrayList<>(display);
      d.add(d.isEmpty() ? name : "." + name);
      List<String> f = new ArrayList<>(fields);
      f.add(name);
      String owner = parent == null ? struct : parent.typeName().map(n -> n.substring(n.lastIndexOf('.') + 1)).orElse(struct);
      return new Path(d, f, owner);
    }

    Path key(String key) {
      List<String> d = new ArrayList<>(display);
      d.add(d.isEmpty() ? key : "." + key);
      return new Path(d, fields, struct);
    }

    Path index(int index) {
      List<String> d = new ArrayList<>(display);
      d.add("[" + index + "]");
      return new Path(d, fields, struct);
    }

    String display() {
      return String.join("", display);
    }


    String goField() {
      return String.join(".", fields);
    }
  }
}
