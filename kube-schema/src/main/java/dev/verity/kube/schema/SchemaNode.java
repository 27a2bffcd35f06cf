package dev.verity.kube.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One type in the API: a struct with fields, a list, a map, a scalar or anything. Built-in types come from the
 * generated table ({@link ApiSchema#kubernetes()}), custom resources from their CRD's structural schema ({@link
 * ApiSchema#fromStructural}); both answer the same questions. Nodes are immutable once their schema is read.
 */
public final class SchemaNode {

    /** Resource quantity syntax: a signed decimal number with an optional suffix (binary, decimal or exponent). */
    private static final Pattern QUANTITY =
            Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?");

    private final Shape shape;
    private final Optional<String> typeName;
    // set while the schema is read, fixed afterwards
    ScalarType scalarType;
    String format;
    boolean goStruct;
    JsonNode zero;
    Map<String, Field> fields = Map.of();
    boolean preserveUnknownFields;
    boolean embeddedResource;
    boolean nullable;
    SchemaNode items;
    ListType listType = ListType.ATOMIC;
    List<String> listMapKeys = List.of();
    SchemaNode values;
    MapType mapType = MapType.GRANULAR;
    JsonNode defaultValue;

    SchemaNode(Shape shape, String typeName) {
        this.shape = shape;
        this.typeName = Optional.ofNullable(typeName);
    }

    public Shape shape() {
        return shape;
    }

    /** The OpenAPI definition name of a built-in struct type, e.g. {@code io.k8s.api.apps.v1.DeploymentSpec}. */
    public Optional<String> typeName() {
        return typeName;
    }

    /** The declared scalar type of a {@link Shape#SCALAR} node. */
    public Optional<ScalarType> scalarType() {
        return Optional.ofNullable(scalarType);
    }

    /** The OpenAPI format of a scalar: {@code int32}, {@code int64}, {@code double}, {@code byte}, {@code date-time}. */
    public Optional<String> format() {
        return Optional.ofNullable(format);
    }

    /** The fields of a struct, by JSON name, sorted; empty for other shapes. */
    public Map<String, Field> fields() {
        return fields;
    }

    /** The named field of a struct. */
    public Optional<Field> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /**
     * Whether an object of this type may carry a field of this name: a declared field, any name under {@code
     * x-kubernetes-preserve-unknown-fields}, any key of a map ({@code apiVersion}, {@code kind} and {@code metadata}
     * are fields of every custom resource and embedded resource). A name this refuses is what the API server calls an unknown field (pruned, or
     * refused under {@code fieldValidation=Strict}).
     */
    public boolean knowsField(String name) {
        return switch (shape) {
            case STRUCT -> fields.containsKey(name) || preserveUnknownFields;
            case MAP, ANY -> true;
            case LIST, SCALAR -> false;
        };
    }

    /** Whether unknown fields of this object are kept ({@code x-kubernetes-preserve-unknown-fields}). */
    public boolean preservesUnknownFields() {
        return preserveUnknownFields || shape == Shape.ANY;
    }

    /** Whether this object is a whole Kubernetes object ({@code x-kubernetes-embedded-resource}). */
    public boolean embeddedResource() {
        return embeddedResource;
    }

    /** Whether an explicit null is a value of this node ({@code nullable: true} in a structural schema). */
    public boolean nullable() {
        return nullable;
    }

    /** The item type of a list. */
    public Optional<SchemaNode> items() {
        return Optional.ofNullable(items);
    }

    /** The value type of a map (also of a struct that keeps unknown fields, when the schema gives one). */
    public Optional<SchemaNode> values() {
        return Optional.ofNullable(values);
    }

    /** How server-side apply merges this list; {@link ListType#ATOMIC} for other shapes. */
    public ListType listType() {
        return listType;
    }

    /** The key fields of a {@link ListType#MAP} list, in order; empty otherwise. */
    public List<String> listMapKeys() {
        return listMapKeys;
    }

    /** How server-side apply merges this map or struct. */
    public MapType mapType() {
        return mapType;
    }

    /** The default a structural schema gives this node ({@code default}); built-in defaults are on {@link Field}. */
    public Optional<JsonNode> defaultValue() {
        return Optional.ofNullable(defaultValue);
    }

    /**
     * The node under one step of a path: a struct's field, a map's value (any key), or, for a list, the step
     * applied to its items. Empty when the step names nothing.
     */
    public Optional<SchemaNode> child(String name) {
        return switch (shape) {
            case STRUCT -> field(name).map(Field::type).or(() -> Optional.ofNullable(values));
            case MAP -> Optional.ofNullable(values);
            case LIST -> items().flatMap(i -> i.child(name));
            case SCALAR, ANY -> Optional.empty();
        };
    }

    /**
     * The node at a dotted JSON path from here, stepping through list items: from a Deployment,
     * {@code spec.template.spec.containers.ports} is the ports list of a container. Bracketed selectors
     * ({@code containers[name=web]}) are allowed and ignored.
     */
    public Optional<SchemaNode> at(String dottedPath) {
        Optional<SchemaNode> current = Optional.of(this);
        if (dottedPath.isEmpty()) return current;
        for (String step : dottedPath.replaceAll("\\[[^]]*]", "").split("\\.")) {
            current = current.flatMap(n -> n.child(step));
        }
        return current;
    }

    /** The field at a dotted path (its last step), with the same stepping as {@link #at}. */
    public Optional<Field> fieldAt(String dottedPath) {
        String path = dottedPath.replaceAll("\\[[^]]*]", "");
        int dot = path.lastIndexOf('.');
        Optional<SchemaNode> parent = dot < 0 ? Optional.of(this) : at(path.substring(0, dot));
        String last = path.substring(dot + 1);
        return parent.flatMap(p -> p.shape == Shape.LIST ? p.items() : Optional.of(p)).flatMap(p -> p.field(last));
    }

    /**
     * Whether {@code value} has this node's declared JSON type. A null (or absent) value is accepted: it means "not
     * set". Integers must be whole and, for {@code int32}, in range; quantities must be quantity strings or
     * numbers; an int-or-string takes a whole number or a string. Integers are 64-bit unless {@code int32}. Only this level is checked, not the contents.
     */
    public boolean accepts(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) return true;
        return switch (shape) {
            case ANY -> true;
            case STRUCT, MAP -> value.isObject();
            case LIST -> value.isArray();
            case SCALAR -> switch (scalarType) {
                case STRING -> value.isTextual();
                case BOOLEAN -> value.isBoolean();
                case NUMBER -> value.isNumber();
                case INTEGER -> isWhole(value) && fits(value, "int32".equals(format) ? Integer.MIN_VALUE : Long.MIN_VALUE,
                        "int32".equals(format) ? Integer.MAX_VALUE : Long.MAX_VALUE);
                case INT_OR_STRING -> value.isTextual() || isWhole(value);
                case QUANTITY -> value.isNumber() || (value.isTextual() && QUANTITY.matcher(value.asText()).matches());
            };
        };
    }

    /** The type this node declares, for messages: {@code object}, {@code array}, {@code string}, {@code integer}, {@code quantity}... */
    public String jsonType() {
        return switch (shape) {
            case STRUCT, MAP -> "object";
            case LIST -> "array";
            case ANY -> "any";
            case SCALAR -> switch (scalarType) {
                case STRING, INTEGER, NUMBER, BOOLEAN, QUANTITY, INT_OR_STRING -> scalarType.tableName();
            };
        };
    }

    /**
     * The JSON Go writes for this type's zero value: {@code ""}, {@code 0}, {@code false}; {@code null} for a
     * list, map, byte string, Time or RawExtension; {@code "0"} for a Quantity; for a struct, an object holding
     * what each of its fields writes when zero ({@code {"creationTimestamp": null}} for ObjectMeta).
     */
    public JsonNode zeroValue() {
        if (zero != null) return zero;
        return switch (shape) {
            case LIST, MAP, ANY -> NullNode.getInstance();
            case SCALAR -> switch (scalarType) {
                case STRING -> TextNode.valueOf("");
                case INTEGER, NUMBER, INT_OR_STRING -> IntNode.valueOf(0);
                case BOOLEAN -> BooleanNode.FALSE;
                case QUANTITY -> TextNode.valueOf("0");
            };
            case STRUCT -> {
                ObjectNode object = JsonNodeFactory.instance.objectNode();
                fields.forEach((name, f) -> f.writtenWhenZero().ifPresent(v -> object.set(name, v)));
                yield object;
            }
        };
    }

    /** Whether the Go type is a struct (never dropped by omitempty), including scalar-looking Quantity or Time. */
    boolean isGoStruct() {
        return shape == Shape.STRUCT || goStruct;
    }

    void fields(Map<String, Field> byName) {
        this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    private static boolean isWhole(JsonNode v) {
        if (v.isIntegralNumber()) return true;
        return v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0;
    }

    private static boolean fits(JsonNode v, long min, long max) {
        BigDecimal d = v.decimalValue();
        return d.compareTo(BigDecimal.valueOf(min)) >= 0 && d.compareTo(BigDecimal.valueOf(max)) <= 0;
    }

    @Override
    public String toString() {
        return typeName.orElseGet(() -> switch (shape) {
            case LIST -> "list of " + items;
            case MAP -> "map of " + values;
            case SCALAR -> scalarType.tableName();
            case STRUCT -> "object";
            case ANY -> "any";
        });
    }
}
