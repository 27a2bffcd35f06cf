package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Invalid values as a 1.32 API server prints them in a field error ({@code field.Invalid} formats the internal Go
 * value with {@code %#v}): a label selector as {@code v1.LabelSelector{MatchLabels:map[string]string{"app":"web"},
 * MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}, a role ref as {@code rbac.RoleRef{...}}, strings quoted,
 * numbers and booleans bare, nil as {@code null}. Other structures print as JSON, as servers after 1.32 do.
 */
final class GoValues {

  private GoValues() {
  }

  static String print(String kind, String path, JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "null";
    }
    if (path.endsWith("selector") && value.isObject()) {
      return labelSelector(value);
    }
    if (path.equals("roleRef") && value.isObject()) {
      return "rbac.RoleRef{APIGroup:" + quote(value.path("apiGroup").asText()) + ", Kind:" + quote(value.path("kind").asText())
          + ", Name:" + quote(value.path("name").asText()) + "}";
    }
    if (path.equals("spec.scopes") && value.isArray()) {
      return stringList("core.ResourceQuotaScope", strings(value));
    }
    if (value.isTextual()) {
      return quote(value.asText());
    }
    if (value.isNumber() || value.isBoolean()) {
      return value.asText();
    }
    if (value.isArray() && allText(value)) {
      return stringList("string", strings(value));
    }
    return Json.write(value);
  }

  static String stringList(String elementType, List<String> values) {
    if (values.isEmpty()) {
      return "[]" + elementType + "(nil)";
    }
    List<String> quoted = values.stream().map(GoValues::quote).toList();
    return "[]" + elementType + "{" + String.join(", ", quoted) + "}";
  }

  private static String labelSelector(JsonNode selector) {
    StringBuilder out = new StringBuilder("v1.LabelSelector{MatchLabels:");
    JsonNode labels = selector.path("matchLabels");
    if (!labels.isObject() || labels.isEmpty()) {
      out.append("map[string]string(nil)");
    } else {
      Map<String, String> sorted = new TreeMap<>();
      labels.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
      List<String> entries = new ArrayList<>();
      sorted.forEach((k, v) -> entries.add(quote(k) + ":" + quote(v)));
      out.append("map[string]string{").append(String.join(", ", entries)).append("}");
    }
    out.append(", MatchExpressions:");
    JsonNode expressions = selector.path("matchExpressions");
    if (!expressions.isArray() || expressions.isEmpty()) {
      out.append("[]v1.LabelSelectorRequirement(nil)");
    } else {
      List<String> items = new ArrayList<>();
      for (JsonNode e : expressions) {
        JsonNode values = e.path("values");
        String printedValues = values.isArray() && !values.isEmpty() ? stringList("string", strings(values)) : "[]string(nil)";
        items.add("v1.LabelSelectorRequirement{Key:" + quote(e.path("key").asText()) + ", Operator:"
            + quote(e.path("operator").asText()) + ", Values:" + printedValues + "}");
      }
      out.append("[]v1.LabelSelectorRequirement{").append(String.join(", ", items)).append("}");
    }
    return out.append("}").toString();
  }

  /** A Go-quoted string ({@code %q}): backslash, quote and control characters escaped. */
  static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\r' -> out.append("\\r");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\x%02x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }

  private static boolean allText(JsonNode array) {
    for (JsonNode item : array) {
      if (!item.isTextual()) {
        return false;
      }
    }
    return true;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(item -> out.add(item.asText()));
    return out;
  }
}
