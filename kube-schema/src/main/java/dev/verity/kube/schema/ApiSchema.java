package dev.verity.kube.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Kubernetes API types Verity and its sandbox agree on: the built-in kinds of Kubernetes 1.32 read from a table
 * generated from Kubernetes' Go sources ({@link #kubernetes()}), and custom resources read from a CRD version's
 * structural schema ({@link #fromStructural}). Both give {@link SchemaNode}s: field types, list types and keys,
 * map and struct types, zero-value omission, defaults; the table adds immutable fields by kind.
 *
 * <p>The table is {@code kubernetes-v1.32.json} next to this class, written by {@code
 * kube-schema/scripts/derive-table.py} (see the module README); its {@link #header()} names the sources and commits
 * it was derived from.
 */
public final class ApiSchema {

    /** The class-path resource holding the table of the built-in types. */
    public static final String TABLE_RESOURCE = "/dev/verity/kube/schema/kubernetes-v1.32.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Header header;
    private final Map<String, String> kinds;
    private final Map<String, SchemaNode> types;
    private final Map<String, List<ImmutableField>> immutable;

    private ApiSchema(Header header, Map<String, String> kinds, Map<String, SchemaNode> types,
            Map<String, List<ImmutableField>> immutable) {
        this.header = header;
        this.kinds = kinds;
        this.types = types;
        this.immutable = immutable;
    }

    /** The built-in types of Kubernetes 1.32, read once from the class path. */
    public static ApiSchema kubernetes() {
        return Builtin.SCHEMA;
    }

    /** Holder idiom: the table is read on first use, once. */
    private static final class Builtin {
        static final ApiSchema SCHEMA = load(TABLE_RESOURCE);
    }

    static ApiSchema load(String resource) {
        try (InputStream in = ApiSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the Kubernetes type table " + resource + " is not on the class path;"
                        + " build kube-schema, or regenerate it with kube-schema/scripts/derive-table.py");
            }
            return fromTable(JSON.readTree(in), resource);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kubernetes type table " + resource
                    + "; regenerate it with kube-schema/scripts/derive-table.py", e);
        }
    }

    /** Reads a table in the format derive-table.py writes; {@code name} names it in errors. */
    static ApiSchema fromTable(JsonNode table, String name) {
        return new TableReader(table, name).read();
    }

    /**
     * The node API over a CustomResourceDefinition version's {@code schema.openAPIV3Schema}: {@code properties},
     * {@code items}, {@code additionalProperties}, {@code required}, {@code default}, {@code nullable}, {@code
     * x-kubernetes-list-type}, {@code -list-map-keys}, {@code -map-type}, {@code -preserve-unknown-fields}, {@code
     * -int-or-string} and {@code -embedded-resource}. The root is the custom resource: it always has {@code
     * apiVersion}, {@code kind} and the built-in {@code metadata} (ObjectMeta), as the API server gives every
     * custom resource. Lists without {@code x-kubernetes-list-type} are atomic, maps and objects granular, as
     * server-side apply reads them.
     */
    public static SchemaNode fromStructural(JsonNode openAPIV3Schema) {
        if (openAPIV3Schema == null || !openAPIV3Schema.isObject()) {
            throw new IllegalArgumentException("a CRD's openAPIV3Schema must be a JSON object (the value of"
                    + " spec.versions[].schema.openAPIV3Schema)");
        }
        return new StructuralReader(kubernetes()).root(openAPIV3Schema);
    }

    /** What the table was derived from: sources with tags and commits, curated inputs. */
    public Header header() {
        return header;
    }

    /** The kinds the table covers, as {@code group/version/Kind} ({@code v1/Pod} for core). */
    public Set<String> kinds() {
        return kinds.keySet();
    }

    /** The root type of a kind, e.g. {@code ("apps/v1", "Deployment")}; empty for a kind the table does not hold. */
    public Optional<SchemaNode> root(String apiVersion, String kind) {
        return Optional.ofNullable(kinds.get(apiVersion + "/" + kind)).map(types::get);
    }

    /** A type by its OpenAPI definition name, e.g. {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta}. */
    public Optional<SchemaNode> type(String definitionName) {
        return Optional.ofNullable(types.get(definitionName));
    }

    /** The fields of a kind that the API server refuses to change, from the curated immutable list. */
    public List<ImmutableField> immutableFields(String apiVersion, String kind) {
        return immutable.getOrDefault(apiVersion + "/" + kind, List.of());
    }

    /** The immutability rules of one field of a kind (several when conditions differ). */
    public List<ImmutableField> immutableAt(String apiVersion, String kind, String dottedPath) {
        return immutableFields(apiVersion, kind).stream().filter(f -> f.path().equals(dottedPath)).toList();
    }

    /** Reads the generated table into nodes: every struct type once, references shared. */
    private static final class TableReader {
        private final JsonNode table;
        private final String name;
        private final Map<String, SchemaNode> types = new TreeMap<>();

        TableReader(JsonNode table, String name) {
            this.table = table;
            this.name = name;
        }

        ApiSchema read() {
            JsonNode typeDefs = require(table, "types");
            typeDefs.fieldNames().forEachRemaining(t -> types.put(t, new SchemaNode(Shape.STRUCT, t)));
            for (Iterator<Map.Entry<String, JsonNode>> it = typeDefs.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> def = it.next();
                SchemaNode node = types.get(def.getKey());
                node.mapType = mapType(def.getValue().path("structType"), def.getKey());
                Map<String, Field> fields = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> f = require(def.getValue(), "fields").fields(); f.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = f.next();
                    fields.put(field.getKey(), field(field.getKey(), field.getValue(), def.getKey()));
                }
                node.fields(fields);
            }
            Map<String, String> kinds = new TreeMap<>();
            require(table, "kinds").fields().forEachRemaining(k -> {
                if (!types.containsKey(k.getValue().asText())) {
                    throw invalid("kind " + k.getKey() + " names type " + k.getValue().asText() + ", which it lacks");
                }
                kinds.put(k.getKey(), k.getValue().asText());
            });
            Map<String, List<ImmutableField>> immutable = new TreeMap<>();
            for (JsonNode entry : table.path("immutable")) {
                ImmutableField f = new ImmutableField(entry.path("kind").asText(), entry.path("path").asText(),
                        text(entry.path("when")), entry.path("message").asText(), text(entry.path("errorType")),
                        text(entry.path("errorField")), text(entry.path("value")), entry.path("source").asText());
                immutable.computeIfAbsent(f.kind(), k -> new ArrayList<>()).add(f);
            }
            immutable.replaceAll((k, v) -> List.copyOf(v));
            return new ApiSchema(header(require(table, "header")), Collections.unmodifiableMap(kinds),
                    Collections.unmodifiableMap(types), Collections.unmodifiableMap(immutable));
        }

        private Header header(JsonNode h) {
            List<Header.Source> sources = new ArrayList<>();
            for (JsonNode s : h.path("sources")) {
                List<String> packages = new ArrayList<>();
                s.path("packages").forEach(p -> packages.add(p.asText()));
                sources.add(new Header.Source(s.path("repository").asText(), s.path("tag").asText(),
                        s.path("commit").asText(), List.copyOf(packages)));
            }
            List<Header.Curated> curated = new ArrayList<>();
            for (JsonNode c : h.path("curated")) {
                curated.add(new Header.Curated(c.path("file").asText(), c.path("entries").asInt(), c.path("sha256").asText()));
            }
            return new Header(h.path("kubernetes").asText(), List.copyOf(sources), List.copyOf(curated),
                    h.path("rules").asText());
        }

        private Field field(String fieldName, JsonNode f, String owner) {
            String where = owner + "." + fieldName;
            Optional<DefaultRule> rule = f.has("defaultRule")
                    ? Optional.of(new DefaultRule(f.path("defaultRule").path("name").asText(),
                            f.path("defaultRule").path("description").asText(), f.path("defaultRule").path("source").asText()))
                    : Optional.empty();
            Optional<MapType> structType = f.has("structType") && f.has("ref")
                    ? Optional.of(mapType(f.get("structType"), where)) : Optional.empty();
            return new Field(fieldName, node(f, where), f.path("omitempty").asBoolean(), f.path("pointer").asBoolean(),
                    f.path("required").asBoolean(), text(f.path("patchStrategy")), text(f.path("patchMergeKey")),
                    Optional.ofNullable(f.get("default")), text(f.path("defaultSource")), rule, structType, true);
        }

        private SchemaNode node(JsonNode expr, String where) {
            if (expr.has("ref")) {
                SchemaNode target = types.get(expr.get("ref").asText());
                if (target == null) throw invalid(where + " refers to " + expr.get("ref").asText() + ", which it lacks");
                return target;
            }
            String type = expr.path("type").asText();
            SchemaNode node = switch (type) {
                case "array" -> {
                    SchemaNode list = new SchemaNode(Shape.LIST, null);
                    list.items = node(require(expr, "items"), where + "[]");
                    list.listType = listType(expr.path("listType").asText("atomic"), where);
                    List<String> keys = new ArrayList<>();
                    expr.path("listMapKeys").forEach(k -> keys.add(k.asText()));
                    list.listMapKeys = List.copyOf(keys);
                    yield list;
                }
                case "map" -> {
                    SchemaNode map = new SchemaNode(Shape.MAP, null);
                    map.values = node(require(expr, "values"), where + "{}");
                    map.mapType = mapType(expr.path("mapType"), where);
                    yield map;
                }
                case "any" -> new SchemaNode(Shape.ANY, null);
                default -> {
                    SchemaNode scalar = new SchemaNode(Shape.SCALAR, null);
                    scalar.scalarType = scalarType(type, where);
                    scalar.format = expr.path("format").asText(null);
                    yield scalar;
                }
            };
            node.goStruct = expr.path("goStruct").asBoolean();
            if (expr.has("zero")) node.zero = expr.get("zero");
            return node;
        }

        private ScalarType scalarType(String type, String where) {
            for (ScalarType t : ScalarType.values()) {
                if (t.tableName().equals(type)) return t;
            }
            throw invalid(where + " has unknown type '" + type + "'");
        }

        private ListType listType(String value, String where) {
            return switch (value) {
                case "atomic" -> ListType.ATOMIC;
                case "set" -> ListType.SET;
                case "map" -> ListType.MAP;
                default -> throw invalid(where + " has unknown listType '" + value + "'");
            };
        }

        private MapType mapType(JsonNode value, String where) {
            return switch (value.asText("granular")) {
                case "granular", "" -> MapType.GRANULAR;
                case "atomic" -> MapType.ATOMIC;
                default -> throw invalid(where + " has unknown map/struct type '" + value.asText() + "'");
            };
        }

        private JsonNode require(JsonNode node, String field) {
            JsonNode v = node.get(field);
            if (v == null) throw invalid("missing '" + field + "'");
            return v;
        }

        private IllegalStateException invalid(String what) {
            return new IllegalStateException("the Kubernetes type table " + name + " is not valid: " + what
                    + "; regenerate it with kube-schema/scripts/derive-table.py");
        }

        private static Optional<String> text(JsonNode n) {
            return n.isTextual() ? Optional.of(n.asText()) : Optional.empty();
        }
    }

    /** Reads a structural schema (a CRD version's openAPIV3Schema) into nodes. */
    private static final class StructuralReader {
        private final SchemaNode objectMeta;

        StructuralReader(ApiSchema builtin) {
            this.objectMeta = builtin.type("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").orElseThrow(
                    () -> new IllegalStateException("the Kubernetes type table has no ObjectMeta; regenerate it"));
        }

        SchemaNode root(JsonNode schema) {
            SchemaNode root = node(schema, "openAPIV3Schema");
            if (root.shape() != Shape.STRUCT) {
                throw new IllegalArgumentException("openAPIV3Schema: the root of a custom resource's schema must be"
                        + " type: object with properties (it is " + root.jsonType() + ")");
            }
            withObjectFields(root);
            return root;
        }

        /** A whole object (the root, an embedded resource) has apiVersion, kind and the built-in ObjectMeta. */
        private void withObjectFields(SchemaNode object) {
            Map<String, Field> fields = new TreeMap<>(object.fields());
            fields.putIfAbsent("apiVersion", structuralField("apiVersion", scalar(ScalarType.STRING, null), false));
            fields.putIfAbsent("kind", structuralField("kind", scalar(ScalarType.STRING, null), false));
            fields.put("metadata", structuralField("metadata", objectMeta, false));
            object.fields(fields);
        }

        private SchemaNode node(JsonNode s, String where) {
            if (!s.isObject()) throw new IllegalArgumentException(where + ": a schema must be a JSON object");
            SchemaNode node;
            String type = s.path("type").asText("");
            if (s.path("x-kubernetes-int-or-string").asBoolean()) {
                node = scalar(ScalarType.INT_OR_STRING, null);
            } else {
                node = switch (type) {
                    case "object" -> object(s, where);
                    case "array" -> {
                        SchemaNode list = new SchemaNode(Shape.LIST, null);
                        JsonNode items = s.get("items");
                        list.items = items == null ? new SchemaNode(Shape.ANY, null) : node(items, where + ".items");
                        String listType = s.path("x-kubernetes-list-type").asText("atomic");
                        list.listType = switch (listType) {
                            case "atomic" -> ListType.ATOMIC;
                            case "set" -> ListType.SET;
                            case "map" -> ListType.MAP;
                            default -> throw new IllegalArgumentException(where + ": x-kubernetes-list-type must be"
                                    + " atomic, set or map, not '" + listType + "'");
                        };
                        List<String> keys = new ArrayList<>();
                        s.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
                        if (list.listType == ListType.MAP && keys.isEmpty()) {
                            throw new IllegalArgumentException(where + ": x-kubernetes-list-type: map needs"
                                    + " x-kubernetes-list-map-keys");
                        }
                        list.listMapKeys = List.copyOf(keys);
                        yield list;
                    }
                    case "string" -> scalar(ScalarType.STRING, s.path("format").asText(null));
                    case "integer" -> scalar(ScalarType.INTEGER, s.path("format").asText(null));
                    case "number" -> scalar(ScalarType.NUMBER, s.path("format").asText(null));
                    case "boolean" -> scalar(ScalarType.BOOLEAN, null);
                    case "" -> {
                        SchemaNode any = new SchemaNode(Shape.ANY, null);
                        any.preserveUnknownFields = s.path("x-kubernetes-preserve-unknown-fields").asBoolean();
                        yield any;
                    }
                    default -> throw new IllegalArgumentException(where + ": unknown type '" + type + "'");
                };
            }
            node.nullable = s.path("nullable").asBoolean();
            node.defaultValue = s.get("default");
            return node;
        }

        private SchemaNode object(JsonNode s, String where) {
            JsonNode properties = s.get("properties");
            JsonNode additional = s.get("additionalProperties");
            MapType mapType = "atomic".equals(s.path("x-kubernetes-map-type").asText()) ? MapType.ATOMIC : MapType.GRANULAR;
            if (properties == null && additional != null && !additional.isBoolean()) {
                SchemaNode map = new SchemaNode(Shape.MAP, null);
                map.values = node(additional, where + ".additionalProperties");
                map.mapType = mapType;
                return map;
            }
            if (properties == null && additional != null && additional.asBoolean()) {
                SchemaNode map = new SchemaNode(Shape.MAP, null);
                map.values = new SchemaNode(Shape.ANY, null);
                map.mapType = mapType;
                return map;
            }
            SchemaNode struct = new SchemaNode(Shape.STRUCT, null);
            struct.mapType = mapType;
            struct.preserveUnknownFields = s.path("x-kubernetes-preserve-unknown-fields").asBoolean();
            struct.embeddedResource = s.path("x-kubernetes-embedded-resource").asBoolean();
            Set<String> required = new HashSet<>();
            s.path("required").forEach(r -> required.add(r.asText()));
            Map<String, Field> fields = new TreeMap<>();
            if (properties != null) {
                properties.fields().forEachRemaining(p -> fields.put(p.getKey(), structuralField(p.getKey(),
                        node(p.getValue(), where + ".properties." + p.getKey()), required.contains(p.getKey()))));
            }
            struct.fields(fields);
            if (struct.embeddedResource) withObjectFields(struct);
            return struct;
        }

        private static Field structuralField(String name, SchemaNode type, boolean required) {
            return new Field(name, type, false, false, required, Optional.empty(), Optional.empty(),
                    type.defaultValue(), type.defaultValue().map(d -> "schema"), Optional.empty(), Optional.empty(), false);
        }

        private static SchemaNode scalar(ScalarType type, String format) {
            SchemaNode node = new SchemaNode(Shape.SCALAR, null);
            node.scalarType = type;
            node.format = format;
            return node;
        }
    }
}
