package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Label selectors (equality- and set-based) and the field selectors the sandbox supports, parsed as the API server parses them. */
final class Selector {

  enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST }

  record Requirement(String key, Operator operator, Set<String> values) {
    boolean matches(JsonNode labels) {
      JsonNode value = labels == null ? null : labels.get(key);
      String actual = value == null || value.isNull() ? null : value.asText();
      return switch (operator) {
        case EQUALS, IN -> actual != null && values.contains(actual);
        case NOT_EQUALS, NOT_IN -> actual == null || !values.contains(actual);
        case EXISTS -> actual != null;
        case DOES_NOT_EXIST -> actual == null;
      };
    }
  }

  private static final String NAME = "[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?";
  private static final Pattern KEY = Pattern.compile("([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?" + NAME);
  private static final Pattern VALUE = Pattern.compile("(" + NAME + ")?");
  private static final Pattern SET = Pattern.compile("(\\S+)\\s+(in|notin)\\s*\\((.*)\\)");
  private static final Pattern EQUALITY = Pattern.compile("([^!=\\s]+)\\s*(==|=|!=)\\s*(\\S*)");
  private static final Pattern FIELD = Pattern.compile("([^!=\\s]+)\\s*(==|=|!=)\\s*(\\S*)");

  private Selector() {
  }

  /** Parses {@code labelSelector}; null or blank selects everything. */
  static Predicate<JsonNode> labels(String selector) {
    List<Requirement> requirements = parseLabels(selector);
    return object -> requirements.stream().allMatch(r -> r.matches(object.path("metadata").get("labels")));
  }

  static List<Requirement> parseLabels(String selector) {
    List<Requirement> requirements = new ArrayList<>();
    if (selector == null || selector.isBlank()) {
      return requirements;
    }
    for (String part : splitTopLevel(selector)) {
      String requirement = part.trim();
      requirements.add(parseRequirement(requirement, selector));
    }
    return requirements;
  }

  private static Requirement parseRequirement(String requirement, String selector) {
    Matcher set = SET.matcher(requirement);
    if (set.matches()) {
      Set<String> values = new java.util.LinkedHashSet<>();
      for (String value : set.group(3).split(",")) {
        values.add(checkValue(value.trim(), selector));
      }
      if (values.isEmpty() || (values.size() == 1 && values.contains(""))) {
        throw bad(selector, "for 'in', 'notin' operators, values set can't be empty");
      }
      return new Requirement(checkKey(set.group(1), selector), set.group(2).equals("in") ? Operator.IN : Operator.NOT_IN, values);
    }
    Matcher equality = EQUALITY.matcher(requirement);
    if (equality.matches()) {
      Operator op = equality.group(2).equals("!=") ? Operator.NOT_EQUALS : Operator.EQUALS;
      return new Requirement(checkKey(equality.group(1), selector), op, Set.of(checkValue(equality.group(3), selector)));
    }
    if (requirement.startsWith("!")) {
      return new Requirement(checkKey(requirement.substring(1).trim(), selector), Operator.DOES_NOT_EXIST, Set.of());
    }
    return new Requirement(checkKey(requirement, selector), Operator.EXISTS, Set.of());
  }

  private static String checkKey(String key, String selector) {
    if (!KEY.matcher(key).matches() || key.length() > 316) {
      throw bad(selector, "invalid label key \"" + key + "\": name part must consist of alphanumeric characters, '-', '_' or '.', "
          + "and must start and end with an alphanumeric character");
    }
    return key;
  }

  private static String checkValue(String value, String selector) {
    if (!VALUE.matcher(value).matches() || value.length() > 63) {
      throw bad(selector, "invalid label value: \"" + value + "\": a valid label must be an empty string or consist of "
          + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
    }
    return value;
  }

  private static ApiException bad(String selector, String detail) {
    return ApiException.badRequest("unable to parse requirement: labelSelector \"" + selector + "\": " + detail);
  }

  private static List<String> splitTopLevel(String selector) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    StringBuilder current = new StringBuilder();
    for (char c : selector.toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    if (depth != 0) {
      throw bad(selector, "unbalanced parentheses");
    }
    parts.add(current.toString());
    return parts;
  }

  /** Parses {@code fieldSelector}; supports {@code metadata.name} and {@code metadata.namespace} with =, == and !=. */
  static Predicate<JsonNode> fields(String selector) {
    Predicate<JsonNode> result = o -> true;
    if (selector == null || selector.isBlank()) {
      return result;
    }
    for (String part : selector.split(",")) {
      Matcher m = FIELD.matcher(part.trim());
      if (!m.matches()) {
        throw ApiException.badRequest("invalid field selector \"" + selector + "\": expected field=value, field==value or field!=value");
      }
      String field = m.group(1);
      if (!field.equals("metadata.name") && !field.equals("metadata.namespace")) {
        throw ApiException.badRequest("field label not supported: " + field
            + " (the sandbox supports metadata.name and metadata.namespace)");
      }
      String attribute = field.substring("metadata.".length());
      String value = m.group(3);
      boolean negate = m.group(2).equals("!=");
      result = result.and(o -> value.equals(o.path("metadata").path(attribute).asText("")) != negate);
    }
    return result;
  }
}
