package dev.verity.kustomize.patch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The merge keys and patch strategies strategic merge uses, per resource type.
 *
 * <p>{@link #builtin()} is the table generated from the OpenAPI document Kustomize v5.5 embeds (Kubernetes v1.21.2,
 * see {@code kustomize/schema/generate-patch-schema.py}): built-in kinds merge lists such as containers by name,
 * custom resources are unknown, so every list in them is replaced by a patch's. {@link #fromOpenApi} reads the
 * document a kustomization's {@code openapi: path:} names. As {@code kubectl kustomize} v1.32 does, such a document
 * <em>replaces</em> the built-in table: with it, a Deployment's containers are no longer merged by name unless the
 * document says so. (Kustomize refuses a kustomization giving both {@code version} and {@code path}: "builtin version
 * and custom schema provided, cannot use both"; the engine checks that.)
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class PatchSchema {

    /** The resource name of the generated built-in table. */
    static final String BUILTIN_RESOURCE = "patch-schema-v1.21.2.tsv";

    private static final String DEFINITIONS_PREFIX = "#/definitions/";

    private static volatile PatchSchema builtin;

    private static final PatchSchema EMPTY = new PatchSchema(Map.of(), Map.of());

    /** A definition: its fields and, for a map-like definition, the type of its values. */
    record Definition(Map<String, SchemaType> fields, SchemaType additional) {
    }

    private final Map<String, String> definitionByType;
    private final Map<String, Definition> definitions;

    private PatchSchema(Map<String, String> definitionByType, Map<String, Definition> definitions) {
        this.definitionByType = Map.copyOf(definitionByType);
        this.definitions = Map.copyOf(definitions);
    }

    /** The schema Kustomize v5.5 uses when the kustomization names none: Kubernetes v1.21.2. */
    public static PatchSchema builtin() {
        PatchSchema loaded = builtin;
        if (loaded == null) {
            synchronized (PatchSchema.class) {
                loaded = builtin;
                if (loaded == null) {
                    loaded = loadBuiltin();
                    builtin = loaded;
                }
            }
        }
        return loaded;
    }

    /** The Kubernetes version of the built-in table, the only one a kustomization's {@code openapi: version:} may name. */
    public static final String BUILTIN_VERSION = "v1.21.2";

    /**
     * The schema a kustomization's {@code openapi:} field names by {@code version} (the only built-in one is
     * {@value #BUILTIN_VERSION}).
     *
     * @throws PatchException with Kustomize's message when the version is not built in
     */
    public static PatchSchema builtin(String version) {
        if (!BUILTIN_VERSION.equals(version)) {
            throw new PatchException("the specified OpenAPI version is not built in: openapi: version: " + version
                    + " (Kustomize v5.5 has " + BUILTIN_VERSION + " only; remove the field or give a schema file"
                    + " with openapi: path:)");
        }
        return builtin();
    }

    /** A schema that knows no type: every list is replaced by a patch's list. */
    public static PatchSchema empty() {
        return EMPTY;
    }

    /**
     * The schema an OpenAPI v2 document gives (JSON or YAML, with {@code definitions}, each resource definition naming
     * its kinds in {@code x-kubernetes-group-version-kind}, fields carrying {@code x-kubernetes-patch-strategy},
     * {@code x-kubernetes-patch-merge-key} and {@code x-kubernetes-list-map-keys}). It is used instead of the
     * built-in table, as Kustomize does.
     *
     * @param text   the document
     * @param source the file it came from, for errors
     * @throws PatchException when the text is not YAML or JSON, or has no {@code definitions} mapping
     */
    public static PatchSchema fromOpenApi(String text, String source) {
        Object document;
        try {
            document = new Load(LoadSettings.builder().setLabel(source).build()).loadFromString(text);
        } catch (YamlEngineException e) {
            throw new PatchException(source + ": the OpenAPI schema is not valid JSON or YAML: " + e.getMessage(), e);
        }
        if (!(document instanceof Map<?, ?> root) || !(root.get("definitions") instanceof Map<?, ?> defs)) {
            throw new PatchException(source + ": the OpenAPI schema has no 'definitions' mapping;"
                    + " give an OpenAPI v2 (swagger) document such as `kubectl get --raw /openapi/v2` prints");
        }
        Map<String, String> byType = new HashMap<>();
        Map<String, Definition> definitions = new HashMap<>();
        for (Map.Entry<?, ?> entry : defs.entrySet()) {
            String name = String.valueOf(entry.getKey());
            if (!(entry.getValue() instanceof Map<?, ?> schema)) {
                continue;
            }
            definitions.put(name, readDefinition(name, schema, definitions));
            if (schema.get("x-kubernetes-group-version-kind") instanceof List<?> gvks) {
                for (Object gvk : gvks) {
                    if (gvk instanceof Map<?, ?> m && m.get("kind") != null && m.get("version") != null) {
                        Object group = m.get("group");
                        String apiVersion = (group == null || String.valueOf(group).isEmpty() ? "" : group + "/")
                                + m.get("version");
                        byType.put(typeKey(apiVersion, String.valueOf(m.get("kind"))), name);
                    }
                }
            }
        }
        return new PatchSchema(byType, definitions);
    }

    /**
     * The type of a resource, or {@code null} when the schema does not know it (a custom resource without a
     * supplied schema).
     */
    public SchemaType forResource(String apiVersion, String kind) {
        String definition = definitionByType.get(typeKey(apiVersion, kind));
        return definition == null ? null : SchemaType.definition(definition);
    }

    /** The type of field {@code name} of an object of type {@code type}, or {@code null} when unknown. */
    public SchemaType field(SchemaType type, String name) {
        if (type == null) {
            return null;
        }
        return switch (type.kind()) {
            case DEFINITION -> {
                Definition definition = definitions.get(type.definition());
                if (definition == null) {
                    yield SchemaType.LEAF;
                }
                SchemaType field = definition.fields().get(name);
                yield field != null ? field : definition.additional();
            }
            case MAP -> type.inner();
            case ARRAY, LEAF -> null;
        };
    }

    /** The type of the items of a list of type {@code type}, or {@code null} when unknown. */
    public SchemaType elements(SchemaType type) {
        return type != null && type.kind() == SchemaType.Kind.ARRAY ? type.inner() : null;
    }

    /** How many resource types this schema knows. */
    public int resourceTypeCount() {
        return definitionByType.size();
    }

    private static String typeKey(String apiVersion, String kind) {
        return apiVersion + " " + kind;
    }

    // --- the built-in table ---------------------------------------------------------------------------------

    private static PatchSchema loadBuiltin() {
        InputStream in = PatchSchema.class.getResourceAsStream(BUILTIN_RESOURCE);
        if (in == null) {
            throw new IllegalStateException("the built-in patch schema " + BUILTIN_RESOURCE
                    + " is missing from the classpath (regenerate it with kustomize/schema/generate-patch-schema.py)");
        }
        Map<String, String> byType = new HashMap<>();
        Map<String, Map<String, SchemaType>> fields = new HashMap<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] cols = line.split("\t");
                switch (cols[0]) {
                    case "gvk" -> byType.put(typeKey(cols[1], cols[2]), cols[3]);
                    case "field" -> {
                        SchemaType type = parseTypeExpression(cols[3]);
                        String strategy = "-".equals(cols[4]) ? "" : cols[4];
                        List<String> keys = "-".equals(cols[5]) ? List.of() : List.of(cols[5].split(","));
                        fields.computeIfAbsent(cols[1], k -> new LinkedHashMap<>())
                                .put(cols[2], type.withStrategy(strategy, keys));
                    }
                    default -> throw new IllegalStateException(BUILTIN_RESOURCE + ": unexpected line " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Definition> definitions = new HashMap<>();
        fields.forEach((name, f) -> definitions.put(name, new Definition(f, null)));
        // definitions the table names by GVK but holds no field for still count as known (their lists replace)
        byType.values().forEach(name -> definitions.putIfAbsent(name, new Definition(Map.of(), null)));
        return new PatchSchema(byType, definitions);
    }

    private static SchemaType parseTypeExpression(String expression) {
        if (expression.startsWith("#")) {
            return SchemaType.definition(expression.substring(1));
        }
        if (expression.startsWith("[]")) {
            SchemaType inner = parseTypeExpression(expression.substring(2));
            return new SchemaType(SchemaType.Kind.ARRAY, null, inner, "", List.of());
        }
        if (expression.startsWith("{}")) {
            SchemaType inner = parseTypeExpression(expression.substring(2));
            return new SchemaType(SchemaType.Kind.MAP, null, inner, "", List.of());
        }
        return SchemaType.LEAF;
    }

    // --- user-supplied OpenAPI documents --------------------------------------------------------------------

    private static Definition readDefinition(String name, Map<?, ?> schema, Map<String, Definition> definitions) {
        Map<String, SchemaType> fields = new LinkedHashMap<>();
        if (schema.get("properties") instanceof Map<?, ?> properties) {
            for (Map.Entry<?, ?> property : properties.entrySet()) {
                if (property.getValue() instanceof Map<?, ?> propertySchema) {
                    String fieldName = String.valueOf(property.getKey());
                    fields.put(fieldName, readType(name + "/" + fieldName, propertySchema, definitions));
                }
            }
        }
        SchemaType additional = schema.get("additionalProperties") instanceof Map<?, ?> values
                ? readType(name + "/*", values, definitions) : null;
        return new Definition(fields, additional);
    }

    private static SchemaType readType(String path, Map<?, ?> schema, Map<String, Definition> definitions) {
        String strategy = schema.get("x-kubernetes-patch-strategy") instanceof String s ? s : "";
        List<String> keys = new ArrayList<>();
        if (!strategy.isEmpty()) {
            // Kustomize reads the keys only when a strategy is declared, preferring the list-map keys
            if (schema.get("x-kubernetes-list-map-keys") instanceof List<?> mapKeys && !mapKeys.isEmpty()) {
                mapKeys.forEach(k -> keys.add(String.valueOf(k)));
            } else if (schema.get("x-kubernetes-patch-merge-key") instanceof String key) {
                keys.add(key);
            }
        }
        SchemaType type;
        if (schema.get("$ref") instanceof String ref) {
            type = SchemaType.definition(ref.startsWith(DEFINITIONS_PREFIX) ? ref.substring(DEFINITIONS_PREFIX.length())
                    : ref);
        } else if (isArray(schema) && schema.get("items") instanceof Map<?, ?> items) {
            type = new SchemaType(SchemaType.Kind.ARRAY, null, readType(path + "[]", items, definitions), "",
                    List.of());
        } else if (schema.get("properties") instanceof Map<?, ?>) {
            definitions.put(path, readDefinition(path, schema, definitions));
            type = SchemaType.definition(path);
        } else if (schema.get("additionalProperties") instanceof Map<?, ?> values) {
            type = new SchemaType(SchemaType.Kind.MAP, null, readType(path + "/*", values, definitions), "",
                    List.of());
        } else {
            type = SchemaType.LEAF;
        }
        return type.withStrategy(strategy, keys);
    }

    private static boolean isArray(Map<?, ?> schema) {
        Object type = schema.get("type");
        return "array".equals(type) || (type instanceof List<?> types && types.size() == 1
                && "array".equals(types.get(0)));
    }
}
