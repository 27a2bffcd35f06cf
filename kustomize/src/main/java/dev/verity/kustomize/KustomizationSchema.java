package dev.verity.kustomize;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.Scalars;
import dev.verity.kustomize.yaml.SeqNode;

/**
 * The Go types Kustomize v5.5 decodes a kustomization file into ({@code api/types}), checked as its strict JSON
 * decoding checks them: a field of type string given a YAML 1.1 boolean ({@code namespace: n}) or a number, an int
 * given a string, an unknown field in a type that has a fixed set: each fails with the message Go's decoder gives
 * ({@code json: cannot unmarshal bool into Go struct field Kustomization.namespace of type string}); null is accepted
 * anywhere. The first problem in document order is reported, as Go's decoder keeps its first error.
 */
final class KustomizationSchema {

    /** A Go type: its name as Go prints it, and how a JSON value is checked against it. */
    private sealed interface Type permits Scalar, ListOf, MapOf, Struct, AnyValue {
        String goName();
    }

    private enum ScalarKind { STRING, BOOL, INT, INT64 }

    private record Scalar(ScalarKind kind) implements Type {
        public String goName() {
            return switch (kind) {
                case STRING -> "string";
                case BOOL -> "bool";
                case INT -> "int";
                case INT64 -> "int64";
            };
        }
    }

    private record ListOf(Type element, String goName) implements Type {
    }

    /** A map; {@code labelKeys} when its keys become label or annotation keys on resources. */
    private record MapOf(Type value, String goName, boolean labelKeys) implements Type {

        MapOf(Type value, String goName) {
            this(value, goName, false);
        }
    }

    /** A struct; {@code closed} when every field is listed (then others are unknown fields). */
    private record Struct(String name, Map<String, Type> fields, boolean closed) implements Type {
        public String goName() {
            return "types." + name;
        }
    }

    /** A field this check leaves alone (types of unsupported features, interface{} values). */
    private record AnyValue() implements Type {
        public String goName() {
            return "interface {}";
        }
    }

    private static final Scalar STRING = new Scalar(ScalarKind.STRING);
    private static final Scalar BOOL = new Scalar(ScalarKind.BOOL);
    private static final ListOf STRINGS = new ListOf(STRING, "[]string");
    private static final MapOf STRING_MAP = new MapOf(STRING, "map[string]string");
    /** Labels and annotations: Kustomize passes them through YAML again, where a key like "1" stops being a string. */
    private static final MapOf METADATA_MAP = new MapOf(STRING, "map[string]string", true);
    private static final AnyValue ANY = new AnyValue();

    private static final Struct KUSTOMIZATION;

    static {
        Map<String, Type> resId = fields("group", STRING, "version", STRING, "kind", STRING, "name", STRING,
                "namespace", STRING);
        Map<String, Type> selector = new LinkedHashMap<>(resId);
        selector.put("annotationSelector", STRING);
        selector.put("labelSelector", STRING);
        Struct selectorType = new Struct("Selector", selector, true);
        Struct fieldSpec = new Struct("FieldSpec", fields("group", STRING, "version", STRING, "kind", STRING,
                "path", STRING, "create", BOOL), true);
        Struct generatorOptions = new Struct("GeneratorOptions", fields("labels", METADATA_MAP, "annotations",
                METADATA_MAP, "disableNameSuffixHash", BOOL, "immutable", BOOL), true);
        Map<String, Type> generatorArgs = fields("namespace", STRING, "name", STRING, "behavior", STRING,
                "literals", STRINGS, "files", STRINGS, "envs", STRINGS, "env", STRING, "options", generatorOptions);
        Map<String, Type> secretArgs = new LinkedHashMap<>(generatorArgs);
        secretArgs.put("type", STRING);
        Struct patch = new Struct("Patch", fields("path", STRING, "patch", STRING, "target", selectorType,
                "options", new MapOf(BOOL, "map[string]bool")), true);
        Struct fieldOptions = new Struct("FieldOptions", fields("delimiter", STRING, "index",
                new Scalar(ScalarKind.INT), "encoding", STRING, "create", BOOL), true);
        Map<String, Type> source = new LinkedHashMap<>(resId);
        source.put("fieldPath", STRING);
        source.put("options", fieldOptions);
        Struct target = new Struct("TargetSelector", fields("select", selectorType, "reject",
                new ListOf(selectorType, "[]*types.Selector"), "fieldPaths", STRINGS, "options", fieldOptions), true);
        Struct replacement = new Struct("ReplacementField", fields("source", new Struct("SourceSelector", source,
                true), "targets", new ListOf(target, "[]*types.TargetSelector"), "path", STRING), true);
        Struct legacySort = new Struct("LegacySortOptions", fields("orderFirst", STRINGS, "orderLast", STRINGS),
                true);
        Struct sortOptions = new Struct("SortOptions", fields("order", STRING, "legacySortOptions", legacySort),
                true);
        Struct objectMeta = new Struct("ObjectMeta", fields("name", STRING, "generateName", STRING, "namespace",
                STRING, "labels", STRING_MAP, "annotations", STRING_MAP), false);
        Map<String, Type> k = fields(
                "apiVersion", STRING, "kind", STRING, "metadata", objectMeta, "openapi", STRING_MAP,
                "namePrefix", STRING, "nameSuffix", STRING, "namespace", STRING,
                "commonLabels", METADATA_MAP,
                "labels", new ListOf(new Struct("Label", fields("pairs", METADATA_MAP, "includeSelectors", BOOL,
                        "includeTemplates", BOOL, "fields", new ListOf(fieldSpec, "[]types.FieldSpec")), true),
                        "[]types.Label"),
                "commonAnnotations", METADATA_MAP,
                "patchesStrategicMerge", new ListOf(STRING, "[]types.PatchStrategicMerge"),
                "patchesJson6902", new ListOf(patch, "[]types.Patch"),
                "patches", new ListOf(patch, "[]types.Patch"),
                "images", new ListOf(new Struct("Image", fields("name", STRING, "newName", STRING, "tagSuffix",
                        STRING, "newTag", STRING, "digest", STRING), true), "[]types.Image"),
                "imageTags", new ListOf(new Struct("Image", fields("name", STRING, "newName", STRING, "tagSuffix",
                        STRING, "newTag", STRING, "digest", STRING), true), "[]types.Image"),
                "replacements", new ListOf(replacement, "[]types.ReplacementField"),
                "replicas", new ListOf(new Struct("Replica", fields("name", STRING, "count",
                        new Scalar(ScalarKind.INT64)), true), "[]types.Replica"),
                "vars", ANY, "sortOptions", sortOptions,
                "resources", STRINGS, "components", STRINGS, "crds", STRINGS, "bases", STRINGS,
                "configMapGenerator", new ListOf(new Struct("ConfigMapArgs", generatorArgs, true),
                        "[]types.ConfigMapArgs"),
                "secretGenerator", new ListOf(new Struct("SecretArgs", secretArgs, true), "[]types.SecretArgs"),
                "helmGlobals", ANY, "helmCharts", ANY, "helmChartInflationGenerator", ANY,
                "generatorOptions", generatorOptions,
                "configurations", STRINGS, "generators", STRINGS, "transformers", STRINGS, "validators", STRINGS,
                "buildMetadata", STRINGS);
        KUSTOMIZATION = new Struct("Kustomization", k, true);
    }

    private KustomizationSchema() {
    }

    /** Every top-level field name of the Kustomization type. */
    static java.util.Set<String> topLevelFields() {
        return KUSTOMIZATION.fields().keySet();
    }

    /** Fails as {@code kubectl kustomize} does when {@code fields} does not decode into Kustomize's types. */
    static void check(MapNode fields, String file) {
        String problem = check(fields, KUSTOMIZATION, "Kustomization", "");
        if (problem != null) {
            throw new KustomizeException("invalid Kustomization: json: " + problem + " in " + file);
        }
    }

    /** The first problem of {@code value} against {@code type}, or null; {@code struct}/{@code path} name the field. */
    private static String check(Node value, Type type, String struct, String path) {
        if (value instanceof ScalarNode scalar && scalar.isNull() || type instanceof AnyValue) {
            return null;
        }
        if (type instanceof Scalar s) {
            if (!(value instanceof ScalarNode scalar)) {
                return mismatch(kindOf(value), struct, path, type);
            }
            return switch (s.kind()) {
                case STRING -> scalar.tag() == ScalarNode.Tag.STR ? null : mismatch(kindOf(value), struct, path, type);
                case BOOL -> scalar.tag() == ScalarNode.Tag.BOOL ? null : mismatch(kindOf(value), struct, path, type);
                case INT, INT64 -> scalar.tag() == ScalarNode.Tag.INT && fitsLong(scalar.value()) ? null
                        : scalar.tag() == ScalarNode.Tag.INT || scalar.tag() == ScalarNode.Tag.FLOAT
                                ? mismatch("number " + scalar.value(), struct, path, type)
                                : mismatch(kindOf(value), struct, path, type);
            };
        }
        if (type instanceof ListOf list) {
            if (!(value instanceof SeqNode seq)) {
                return mismatch(kindOf(value), struct, path, type);
            }
            for (Node item : seq.items()) {
                String problem = check(item, list.element(), struct, path);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        if (type instanceof MapOf map) {
            if (!(value instanceof MapNode mapping)) {
                return mismatch(kindOf(value), struct, path, type);
            }
            for (Map.Entry<String, Node> entry : mapping.entries().entrySet()) {
                if (map.labelKeys() && !staysAString(entry.getKey())) {
                    return "unsupported type: map[interface {}]interface {} (the key \"" + entry.getKey() + "\" of "
                            + path + " reads as a number, a null or a timestamp when Kustomize passes it through YAML"
                            + " again, even quoted; Kustomize cannot use it as a label or annotation key)";
                }
                String problem = check(entry.getValue(), map.value(), struct, path);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        Struct s = (Struct) type;
        if (!(value instanceof MapNode mapping)) {
            return mismatch(kindOf(value), struct, path, type);
        }
        Map<String, Node> decoded = new LinkedHashMap<>();
        boolean renamed = false;
        for (Map.Entry<String, Node> entry : mapping.entries().entrySet()) {
            String name = fieldName(s, entry.getKey());
            if (name == null) {
                if (s.closed()) {
                    return "unknown field \"" + entry.getKey() + "\"";
                }
                decoded.put(entry.getKey(), entry.getValue());
                continue;
            }
            String problem = check(entry.getValue(), s.fields().get(name), s.name(),
                    path.isEmpty() ? name : path + "." + name);
            if (problem != null) {
                return problem;
            }
            renamed |= !name.equals(entry.getKey());
            decoded.put(name, entry.getValue());
        }
        if (renamed) {
            // Go's decoder matches field names case-insensitively when no field has the exact name; the engine
            // reads the canonical names, so the mapping takes them (a later duplicate wins, as in Go)
            mapping.entries().clear();
            mapping.entries().putAll(decoded);
        }
        return null;
    }

    /** The struct field a JSON key decodes into: the exact name, else the first that equals it ignoring case. */
    private static String fieldName(Struct struct, String key) {
        if (struct.fields().containsKey(key)) {
            return key;
        }
        for (String name : struct.fields().keySet()) {
            if (name.equalsIgnoreCase(key)) {
                return name;
            }
        }
        return null;
    }

    private static boolean staysAString(String key) {
        if (Scalars.isTimestamp(key)) {
            return false;
        }
        try {
            ScalarNode.Tag tag = Scalars.resolvePlainYaml11(key).tag();
            return tag == ScalarNode.Tag.STR || tag == ScalarNode.Tag.BOOL;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String mismatch(String what, String struct, String path, Type type) {
        return "cannot unmarshal " + what + " into Go struct field " + struct + "." + path + " of type " + type.goName();
    }

    private static String kindOf(Node value) {
        if (value instanceof SeqNode) {
            return "array";
        }
        if (value instanceof MapNode) {
            return "object";
        }
        return switch (((ScalarNode) value).tag()) {
            case STR -> "string";
            case INT, FLOAT -> "number";
            case BOOL -> "bool";
            case NULL -> "null";
        };
    }

    private static boolean fitsLong(String text) {
        try {
            Long.parseLong(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Map<String, Type> fields(Object... namesAndTypes) {
        Map<String, Type> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            fields.put((String) namesAndTypes[i], (Type) namesAndTypes[i + 1]);
        }
        return fields;
    }
}
