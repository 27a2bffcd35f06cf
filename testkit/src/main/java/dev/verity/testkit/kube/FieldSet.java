package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of field paths as structured-merge-diff keeps them, convertible to and from the {@code fieldsV1} format of
 * {@code metadata.managedFields}. A path is a list of elements written as in fieldsV1: {@code f:<field>},
 * {@code k:<json of the key fields>} for an item of a keyed list, {@code v:<json value>} for an item of a set.
 * A path is a member when its node carries {@code "."} (or is an empty leaf {@code {}}).
 */
final class FieldSet {

  private final TreeMap<String, FieldSet> children = new TreeMap<>();
  private boolean member;

  static FieldSet empty() {
    return new FieldSet();
  }

  static FieldSet fromFieldsV1(JsonNode fieldsV1) {
    FieldSet set = new FieldSet();
    set.read(fieldsV1);
    return set;
  }

  private void read(JsonNode node) {
    if (node == null || !node.isObject()) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getKey().equals(".")) {
        member = true;
      } else {
        FieldSet child = children.computeIfAbsent(field.getKey(), k -> new FieldSet());
        if (field.getValue().isEmpty()) {
          child.member = true;
        } else {
          child.read(field.getValue());
        }
      }
    }
  }

  ObjectNode toFieldsV1() {
    ObjectNode node = Json.object();
    if (member && !children.isEmpty()) {
      node.putObject(".");
    }
    for (Map.Entry<String, FieldSet> child : children.entrySet()) {
      if (!child.getValue().isEmpty()) {
        node.set(child.getKey(), child.getValue().toFieldsV1());
      }
    }
    return node;
  }

  void add(List<String> path) {
    FieldSet node = this;
    for (String element : path) {
      node = node.children.computeIfAbsent(element, k -> new FieldSet());
    }
    node.member = true;
  }

  boolean contains(List<String> path) {
    FieldSet node = find(path);
    return node != null && node.member;
  }

  /** True when the path or any path below it is a member. */
  boolean containsOrHasDescendant(List<String> path) {
    FieldSet node = find(path);
    return node != null && !node.isEmpty();
  }

  private FieldSet find(List<String> path) {
    FieldSet node = this;
    for (String element : path) {
      node = node.children.get(element);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  boolean isEmpty() {
    if (member) {
      return false;
    }
    for (FieldSet child : children.values()) {
      if (!child.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Every member path, parents before children. */
  List<List<String>> paths() {
    List<List<String>> paths = new ArrayList<>();
    collect(new ArrayList<>(), paths);
    return paths;
  }

  private void collect(List<String> prefix, List<List<String>> out) {
    if (member) {
      out.add(List.copyOf(prefix));
    }
    for (Map.Entry<String, FieldSet> child : children.entrySet()) {
      prefix.add(child.getKey());
      child.getValue().collect(prefix, out);
      prefix.remove(prefix.size() - 1);
    }
  }

  FieldSet union(FieldSet other) {
    FieldSet result = copy();
    other.paths().forEach(result::add);
    return result;
  }

  FieldSet minus(FieldSet other) {
    FieldSet result = new FieldSet();
    for (List<String> path : paths()) {
      if (!other.contains(path)) {
        result.add(path);
      }
    }
    return result;
  }

  FieldSet intersect(FieldSet other) {
    FieldSet result = new FieldSet();
    for (List<String> path : paths()) {
      if (other.contains(path)) {
        result.add(path);
      }
    }
    return result;
  }

  FieldSet copy() {
    FieldSet result = new FieldSet();
    paths().forEach(result::add);
    return result;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSet other && paths().equals(other.paths());
  }

  @Override
  public int hashCode() {
    return paths().hashCode();
  }

  @Override
  public String toString() {
    return paths().stream().map(FieldSet::render).toList().toString();
  }

  /** Renders a path the way the API server does in conflict messages: {@code .spec.template.spec.containers[name="web"].image}. */
  static String render(List<String> path) {
    StringBuilder out = new StringBuilder();
    for (String element : path) {
      String body = element.substring(2);
      switch (element.charAt(0)) {
        case 'f' -> out.append('.').append(body);
        case 'k' -> {
          JsonNode key = Json.parse(body);
          List<String> parts = new ArrayList<>();
          key.fields().forEachRemaining(e -> parts.add(e.getKey() + "=" + e.getValue()));
          out.append('[').append(String.join(",", parts)).append(']');
        }
        case 'v' -> out.append("[=").append(body).append(']');
        default -> out.append('[').append(body).append(']');
      }
    }
    return out.toString();
  }
}
