package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Optional;

import dev.verity.kube.schema.ApiSchema;
import dev.verity.kube.schema.SchemaNode;

/**
 * The schema the sandbox reads an object's structure by (list types and keys, atomic maps): a built-in kind's
 * {@link ApiSchema} table entry, or a custom resource's structural schema from its CRD version. Looked up by
 * apiVersion and kind, never by kind alone: a custom resource may share a built-in kind's name.
 *
 * @param kind the kind, for the few rules that are the kind's own (which status writes keep labels)
 * @param root the schema of the whole object; empty for a built-in kind the table does not describe (the sandbox
 *        then falls back to the list keys Kubernetes gives these field names)
 * @param custom whether the object is a custom resource: where its schema says nothing (preserved unknown fields),
 *        lists are atomic and maps granular, as server-side apply deduces them, with no guessing by field name
 */
record ObjectSchema(String kind, Optional<SchemaNode> root, boolean custom) {

  /** A built-in kind of {@code apiVersion} ({@code v1}, {@code apps/v1}, ...) from the Kubernetes 1.32 table. */
  static ObjectSchema builtin(String apiVersion, String kind) {
    return new ObjectSchema(kind, ApiSchema.kubernetes().root(apiVersion, kind), false);
  }

  /**
   * A custom resource of {@code kind} whose CRD version has {@code openAPIV3Schema} (missing or not an object: a
   * schema that says nothing, every field deduced).
   *
   * @throws IllegalArgumentException when the schema is not structural in the ways server-side apply reads it
   */
  static ObjectSchema custom(String kind, JsonNode openAPIV3Schema) {
    Optional<SchemaNode> root = openAPIV3Schema == null || !openAPIV3Schema.isObject()
        ? Optional.empty() : Optional.of(ApiSchema.fromStructural(openAPIV3Schema));
    return new ObjectSchema(kind, root, true);
  }

  /** A kind no table or CRD describes (the sandbox's own Scale subresource body): list keys by field name only. */
  static ObjectSchema unknown(String kind) {
    return new ObjectSchema(kind, Optional.empty(), false);
  }
}
