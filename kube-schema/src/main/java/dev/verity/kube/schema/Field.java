package dev.verity.kube.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.List;
import java.util.Optional;

/**
 * One named field of a {@link Shape#STRUCT} node.
 *
 * @param name            the JSON name
 * @param type            the field's type
 * @param omitEmpty       the Go json tag has {@code omitempty} (always false for custom resources)
 * @param pointer         the Go field is a pointer, so a zero value is kept when set (false for custom resources)
 * @param required        the API marks the field required
 * @param patchStrategy   the Go {@code patchStrategy} tag ({@code merge}, {@code retainKeys}, ...), if any
 * @param patchMergeKey   the Go {@code patchMergeKey} tag, if any
 * @param defaultValue    the constant the API server fills in when the field is absent, if it has one
 * @param defaultSource   where that constant was read ({@code marker} for a Go {@code +default} marker)
 * @param defaultRule     a computed default the consumer implements, if the server has one
 * @param structType      this field's override of its struct type's {@code x-kubernetes-map-type}, if any
 * @param builtIn         a field of a built-in Go type (encoded by Go's encoding/json), not of a custom resource
 */
public record Field(String name, SchemaNode type, boolean omitEmpty, boolean pointer, boolean required,
        Optional<String> patchStrategy, Optional<String> patchMergeKey, Optional<JsonNode> defaultValue,
        Optional<String> defaultSource, Optional<DefaultRule> defaultRule, Optional<MapType> structType,
        boolean builtIn) {

    /** How server-side apply merges this list field ({@link ListType#ATOMIC} for a field that is not a list). */
    public ListType listType() {
        return type.listType();
    }

    /** The key fields of a {@link ListType#MAP} list, e.g. {@code [containerPort, protocol]}; else empty. */
    public List<String> listMapKeys() {
        return type.listMapKeys();
    }

    /** How server-side apply merges this map or struct field, the field's own marker winning over its type's. */
    public MapType mapType() {
        return structType.orElse(type.mapType());
    }

    /**
     * Whether the API server drops this field from what it returns when its value is the zero value ({@code ""},
     * {@code 0}, {@code false}, an empty list or map): Go's encoding/json does that for an {@code omitempty} field
     * that is not a pointer, and never for a struct (including Quantity, IntOrString and Time, which are Go structs).
     * So {@code env: [{name: X, value: ""}]} comes back as {@code env: [{name: X}]}.
     */
    public boolean dropsZeroValue() {
        return builtIn && omitEmpty && !pointer && !type.isGoStruct();
    }

    /**
     * What the API server writes for this field when the stored Go value is zero, e.g. after the field was left
     * out: empty when the field is left out ({@code omitempty}), else the zero value's JSON ({@code ""}, {@code 0},
     * {@code false}, {@code null} for a nil list, map, pointer or Time, an object of its own written fields for a
     * struct). Always empty for custom resources, which are stored as sent.
     */
    public Optional<JsonNode> writtenWhenZero() {
        if (!builtIn) return Optional.empty();
        if (pointer) return omitEmpty ? Optional.empty() : Optional.of(NullNode.getInstance());
        if (omitEmpty && !type.isGoStruct()) return Optional.empty();
        return Optional.of(type.zeroValue());
    }

    /** Whether {@code value} has this field's declared JSON type (null is accepted: it means "not set"). */
    public boolean accepts(JsonNode value) {
        return type.accepts(value);
    }
}
