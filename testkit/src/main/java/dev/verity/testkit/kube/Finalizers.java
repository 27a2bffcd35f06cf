package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What the API server checks about {@code metadata.finalizers} on a write: every name must be a qualified name
 * ({@code ValidateFinalizers} of apimachinery's {@code pkg/api/validation}, v0.32.0; a 422 otherwise, for every kind),
 * and a custom resource write warns about each newly added finalizer without a domain ({@code generateWarningsFromObj}
 * of apiextensions-apiserver's {@code pkg/registry/customresource/strategy.go}, v0.32.0).
 */
final class Finalizers {

  private static final String FIELD = "metadata.finalizers";
  private static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final Pattern QUALIFIED_NAME = Pattern.compile("^" + QUALIFIED_NAME_FMT + "$");
  private static final String QUALIFIED_NAME_MSG = "must consist of alphanumeric characters, '-', '_' or '.', and must "
      + "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
      + "validation is '" + QUALIFIED_NAME_FMT + "')";
  private static final String SUBDOMAIN_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
  private static final Pattern SUBDOMAIN = Pattern.compile("^" + SUBDOMAIN_FMT + "$");
  private static final String SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
      + "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
      + "for validation is '" + SUBDOMAIN_FMT + "')";
  /** Finalizers the API server itself knows, which need no domain. */
  private static final Set<String> STANDARD = Set.of("orphan", "foregroundDeletion", "kubernetes");

  private Finalizers() {
  }

  /** Refuses, with the server's 422, an object whose finalizers are not all qualified names. */
  static void validate(ResourceType type, String name, ObjectNode object) {
    List<String> errors = new ArrayList<>();
    for (String finalizer : names(object)) {
      for (String message : qualifiedNameErrors(finalizer)) {
        errors.add("Invalid value: \"" + finalizer + "\": " + message);
      }
    }
    if (errors.isEmpty()) {
      return;
    }
    if (errors.size() == 1) {
      throw ApiException.invalid(type, name, FIELD, errors.get(0));
    }
    List<ApiException.Cause> causes = errors.stream().map(e -> new ApiException.Cause("FieldValueInvalid", e, FIELD)).toList();
    throw new ApiException(422, "Invalid", type.kind() + " \"" + name + "\" is invalid: ["
        + String.join(", ", errors.stream().map(e -> FIELD + ": " + e).toList()) + "]", name, type.group(), type.kind(), causes);
  }

  /**
   * The warnings of a custom resource write: one for each finalizer {@code object} has and {@code before} (null on
   * create) had not, in sorted order, whose name has no domain and is not a standard one.
   */
  static List<String> warnings(ObjectNode object, ObjectNode before) {
    Set<String> added = new TreeSet<>(names(object));
    if (before != null) {
      added.removeAll(names(before));
    }
    List<String> warnings = new ArrayList<>();
    for (String finalizer : added) {
      if (finalizer.split("/", -1).length == 1 && !STANDARD.contains(finalizer)) {
        warnings.add(FIELD + ": \"" + finalizer + "\": " + (finalizer.contains(".")
            ? "prefer a domain-qualified finalizer name including a path (/) to avoid accidental conflicts with other finalizer writers"
            : "prefer a domain-qualified finalizer name to avoid accidental conflicts with other finalizer writers"));
      }
    }
    return warnings;
  }

  /** apimachinery's {@code IsQualifiedName}: an optional DNS subdomain prefix and '/', then a name of at most 63. */
  static List<String> qualifiedNameErrors(String value) {
    List<String> errors = new ArrayList<>();
    String[] parts = value.split("/", -1);
    String name;
    switch (parts.length) {
      case 1 -> name = parts[0];
      case 2 -> {
        String prefix = parts[0];
        name = parts[1];
        if (prefix.isEmpty()) {
          errors.add("prefix part must be non-empty");
        } else {
          if (prefix.length() > 253) {
            errors.add("prefix part must be no more than 253 characters");
          }
          if (!SUBDOMAIN.matcher(prefix).matches()) {
            errors.add("prefix part " + SUBDOMAIN_MSG);
          }
        }
      }
      default -> {
        return List.of("a qualified name " + QUALIFIED_NAME_MSG
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
      }
    }
    if (name.isEmpty()) {
      errors.add("name part must be non-empty");
    } else if (name.length() > 63) {
      errors.add("name part must be no more than 63 characters");
    }
    if (!QUALIFIED_NAME.matcher(name).matches()) {
      errors.add("name part " + QUALIFIED_NAME_MSG);
    }
    return errors;
  }

  private static List<String> names(ObjectNode object) {
    List<String> names = new ArrayList<>();
    for (JsonNode finalizer : object.path("metadata").path("finalizers")) {
      if (finalizer.isTextual()) {
        names.add(finalizer.asText());
      }
    }
    return names;
  }
}
