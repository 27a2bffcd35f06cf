package dev.verity.kustomize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;

/** A kustomization file as read: its directory, its file, its fields, checked against Kustomize v5.5's schema. */
final class Kustomization {

    /** Fields the in-process engine does not implement: each is an error, never a silent skip. */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("vars", "vars are not supported by the in-process engine; use 'replacements'"),
            Map.entry("configurations", "custom transformer configurations are not supported by the in-process"
                    + " engine"),
            Map.entry("transformers", "transformer plugins are not supported by the in-process engine"),
            Map.entry("generators", "generator plugins are not supported by the in-process engine"),
            Map.entry("validators", "validator plugins are not supported by the in-process engine"),
            Map.entry("helmCharts", "Helm charts are not supported by the in-process engine"),
            Map.entry("helmGlobals", "Helm charts are not supported by the in-process engine"),
            Map.entry("helmChartInflationGenerator", "Helm charts are not supported by the in-process engine"),
            Map.entry("crds", "'crds' (CRD-based transformer configuration) is not supported by the in-process"
                    + " engine"),
            Map.entry("buildMetadata", "'buildMetadata' is not supported by the in-process engine"));

    final String directory;
    final String file;
    final MapNode fields;

    Kustomization(String directory, String file, MapNode fields) {
        this.directory = directory;
        this.file = file;
        this.fields = fields;
    }

    void validate() {
        KustomizationSchema.check(fields, file);
        if (fields.keys().stream().allMatch(key -> key.equals("apiVersion") || key.equals("kind"))) {
            throw new KustomizeException(PathNames.baseName(file) + " is empty (" + file + ")");
        }
        String kind = kind();
        if (!kind.equals("Kustomization") && !kind.equals("Component")) {
            throw new KustomizeException("Failed to read kustomization file under " + directory
                    + ": kind should be Kustomization or Component (" + file + ")");
        }
        String apiVersion = fields.string("apiVersion");
        String expected = isComponent() ? "kustomize.config.k8s.io/v1alpha1" : "kustomize.config.k8s.io/v1beta1";
        if (apiVersion != null && !apiVersion.isEmpty() && !apiVersion.equals(expected)) {
            throw new KustomizeException("Failed to read kustomization file under " + directory + ": apiVersion for "
                    + kind + " should be " + expected + " (" + file + ")");
        }
        for (Map.Entry<String, String> unsupported : UNSUPPORTED.entrySet()) {
            if (isSet(unsupported.getKey())) {
                throw new KustomizeException("field '" + unsupported.getKey() + "' in " + file + ": "
                        + unsupported.getValue());
            }
        }
    }

    /** Whether a field holds something (not absent, null, or an empty list or map). */
    boolean isSet(String key) {
        Node value = fields.get(key);
        if (value == null) {
            return false;
        }
        if (value instanceof ScalarNode scalar) {
            return !scalar.isNull() && !scalar.value().isEmpty();
        }
        if (value instanceof SeqNode seq) {
            return seq.size() > 0;
        }
        return ((MapNode) value).size() > 0;
    }

    String kind() {
        String kind = fields.string("kind");
        return kind == null || kind.isEmpty() ? "Kustomization" : kind;
    }

    boolean isComponent() {
        return kind().equals("Component");
    }

    /** {@code resources} then the deprecated {@code bases}, as Kustomize merges them. */
    List<String> resourceEntries() {
        List<String> entries = new ArrayList<>(strings("resources"));
        entries.addAll(strings("bases"));
        return entries;
    }

    List<String> strings(String key) {
        Node value = fields.get(key);
        if (value == null || (value instanceof ScalarNode s && s.isNull())) {
            return List.of();
        }
        if (!(value instanceof SeqNode seq)) {
            throw new KustomizeException("invalid Kustomization in " + file + ": '" + key + "' must be a list");
        }
        List<String> result = new ArrayList<>();
        for (Node item : seq.items()) {
            if (!(item instanceof ScalarNode scalar) || scalar.isNull()) {
                throw new KustomizeException("invalid Kustomization in " + file + ": '" + key
                        + "' must be a list of strings");
            }
            result.add(scalar.value());
        }
        return result;
    }

    /** A list of strings inside a nested mapping (a generator's literals, files, envs). */
    List<String> strings(MapNode within, String key, String where) {
        Node value = within.get(key);
        if (value == null || (value instanceof ScalarNode s && s.isNull())) {
            return List.of();
        }
        if (!(value instanceof SeqNode seq)) {
            throw new KustomizeException(where + ": '" + key + "' must be a list");
        }
        List<String> result = new ArrayList<>();
        for (Node item : seq.items()) {
            if (!(item instanceof ScalarNode scalar)) {
                throw new KustomizeException(where + ": '" + key + "' must be a list of strings");
            }
            result.add(scalar.isNull() ? "" : scalar.value());
        }
        return result;
    }

    List<MapNode> maps(String key) {
        Node value = fields.get(key);
        if (value == null || (value instanceof ScalarNode s && s.isNull())) {
            return List.of();
        }
        if (!(value instanceof SeqNode seq)) {
            throw new KustomizeException("invalid Kustomization in " + file + ": '" + key + "' must be a list");
        }
        List<MapNode> result = new ArrayList<>();
        for (Node item : seq.items()) {
            if (!(item instanceof MapNode map)) {
                throw new KustomizeException("invalid Kustomization in " + file + ": each '" + key
                        + "' entry must be a mapping");
            }
            result.add(map);
        }
        return result;
    }

    /** A string-to-string map field (commonLabels, commonAnnotations); values are taken as strings. */
    Map<String, String> stringMap(String key) {
        return stringMap(fields.get(key), key);
    }

    Map<String, String> stringMap(Node value, String what) {
        Map<String, String> result = new java.util.LinkedHashMap<>();
        if (value == null || (value instanceof ScalarNode s && s.isNull())) {
            return result;
        }
        if (!(value instanceof MapNode map)) {
            throw new KustomizeException("invalid Kustomization in " + file + ": '" + what + "' must be a mapping");
        }
        map.entries().forEach((k, v) -> {
            if (v instanceof ScalarNode scalar) {
                result.put(k, scalar.isNull() ? "" : scalar.value());
            } else {
                throw new KustomizeException("invalid Kustomization in " + file + ": '" + what + "." + k
                        + "' must be a string");
            }
        });
        return result;
    }

    String string(String key) {
        Node value = fields.get(key);
        if (value == null || (value instanceof ScalarNode s && s.isNull())) {
            return "";
        }
        if (!(value instanceof ScalarNode scalar)) {
            throw new KustomizeException("invalid Kustomization in " + file + ": '" + key + "' must be a string");
        }
        return scalar.value();
    }

    MapNode sortOptions() {
        return fields.map("sortOptions");
    }
}
