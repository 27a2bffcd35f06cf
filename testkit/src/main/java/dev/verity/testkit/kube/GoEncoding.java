package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.kube.schema.Field;
import dev.verity.kube.schema.SchemaNode;
import dev.verity.kube.schema.Shape;

import java.util.Iterator;
import java.util.Map;
import dev.verity.kube.schema.Quantity;

/**
 * What the API server stores and returns for a built-in object: the decoded Go value written again by Go's
 * encoding/json, following the {@link dev.verity.kube.schema.ApiSchema} table.
 * <ul>
 *   <li>an {@code omitempty} field that is not a pointer is left out when its value is zero ({@code ""}, {@code 0},
 *       {@code false}, an empty list or map): {@code env: [{name: X, value: ""}]} comes back as
 *       {@code env: [{name: X}]};</li>
 *   <li>a field without {@code omitempty} is always written, as its zero value when it was not sent (a struct as the
 *       object of its own written fields, so a pod template gets {@code metadata: {creationTimestamp: null}});</li>
 *   <li>an explicit {@code null} is the zero value (a nil pointer, list or map is left out under {@code omitempty});</li>
 *   <li>fields the type does not declare are dropped (what the server calls pruning);</li>
 *   <li>quantities are written in canonical form ({@link Quantity}).</li>
 * </ul>
 * Custom resources are not Go values and pass through unchanged.
 */
final class GoEncoding {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private GoEncoding() {
  }

  /** The object as the server writes it back, for an object of built-in type {@code root}. */
  static ObjectNode object(SchemaNode root, ObjectNode object) {
    if (root.typeName().isEmpty()) {
      return object;
    }
    JsonNode written = value(root, object);
    return written instanceof ObjectNode o ? o : object;
  }

  /** The value written for {@code value} of {@code type}; null when Go writes nothing (it is zero and omitted). */
  private static JsonNode value(SchemaNode type, JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return null;
    }
    return switch (type.shape()) {
      case ANY -> value;
      case STRUCT -> value.isObject() ? struct(type, (ObjectNode) value) : value;
      case MAP -> {
        if (!value.isObject()) {
          yield value;
        }
        ObjectNode out = NODES.objectNode();
        SchemaNode values = type.values().orElse(null);
        value.fields().forEachRemaining(e -> {
          JsonNode written = values == null ? e.getValue() : value(values, e.getValue());
          out.set(e.getKey(), written != null ? written : values == null ? NODES.nullNode() : values.zeroValue());
        });
        yield out;
      }
      case LIST -> {
        if (!value.isArray()) {
          yield value;
        }
        ArrayNode out = NODES.arrayNode();
        SchemaNode items = type.items().orElse(null);
        for (JsonNode item : value) {
          JsonNode written = items == null ? item : value(items, item);
          out.add(written != null ? written : items == null ? NODES.nullNode() : items.zeroValue());
        }
        yield out;
      }
      case SCALAR -> scalar(type, value);
    };
  }

  private static ObjectNode struct(SchemaNode type, ObjectNode value) {
    ObjectNode out = NODES.objectNode();
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> entry = fields.next();
      Field field = type.field(entry.getKey()).orElse(null);
      if (field == null) {
        if (type.knowsField(entry.getKey())) {
          out.set(entry.getKey(), entry.getValue());
        }
        continue;
      }
      JsonNode written = value(field.type(), entry.getValue());
      if (written == null || field.dropsZeroValue() && isZero(written)) {
        continue;
      }
      out.set(entry.getKey(), written);
    }
    type.fields().forEach((name, field) -> {
      if (!out.has(name)) {
        field.writtenWhenZero().ifPresent(zero -> out.set(name, zero.deepCopy()));
      }
    });
    return out;
  }

  private static JsonNode scalar(SchemaNode type, JsonNode value) {
    return switch (type.scalarType().orElseThrow()) {
      case QUANTITY -> {
        try {
          yield NODES.textNode(Quantity.canonical(value.isNumber() ? value.asText() : value.asText().strip()));
        } catch (Quantity.QuantityException e) {
          yield value;
        }
      }
      default -> value;
    };
  }

  /**
   * Canonical scalar values only (quantities), nothing dropped or added: for an apply configuration, whose fields
   * the applier owns as sent, but whose values the server compares and stores as their Go types print them.
   */
  static void canonicalValues(SchemaNode type, JsonNode value) {
    if (type == null || value == null) {
      return;
    }
    switch (type.shape()) {
      case STRUCT -> {
        if (value instanceof ObjectNode object) {
          object.fields().forEachRemaining(e -> {
            Field field = type.field(e.getKey()).orElse(null);
            if (field != null && isQuantity(field.type()) && (e.getValue().isTextual() || e.getValue().isNumber())) {
              e.setValue(scalar(field.type(), e.getValue()));
            } else if (field != null) {
              canonicalValues(field.type(), e.getValue());
            }
          });
        }
      }
      case MAP -> {
        if (value instanceof ObjectNode object && type.values().isPresent()) {
          SchemaNode values = type.values().get();
          object.fields().forEachRemaining(e -> {
            if (isQuantity(values) && (e.getValue().isTextual() || e.getValue().isNumber())) {
              e.setValue(scalar(values, e.getValue()));
            } else {
              canonicalValues(values, e.getValue());
            }
          });
        }
      }
      case LIST -> {
        if (value.isArray() && type.items().isPresent()) {
          value.forEach(item -> canonicalValues(type.items().get(), item));
        }
      }
      default -> { }
    }
  }

  private static boolean isQuantity(SchemaNode type) {
    return type.shape() == Shape.SCALAR && type.scalarType().orElse(null) == dev.verity.kube.schema.ScalarType.QUANTITY;
  }

  /** Go's notion of empty for omitempty: false, 0, "", and a list or map of length zero. */
  static boolean isZero(JsonNode value) {
    if (value == null || value.isNull()) {
      return true;
    }
    if (value.isTextual()) {
      return value.asText().isEmpty();
    }
    if (value.isNumber()) {
      return value.decimalValue().signum() == 0;
    }
    if (value.isBoolean()) {
      return !value.asBoolean();
    }
    if (value.isArray() || value.isObject()) {
      return value.isEmpty();
    }
    return false;
  }
}
