package dev.verity.kustomize;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.verity.kustomize.patch.LabelSelector;
import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.Scalars;
import dev.verity.kustomize.yaml.SeqNode;
import dev.verity.kustomize.yaml.YamlException;
import dev.verity.kustomize.yaml.YamlReader;

/**
 * The {@code replacements} field: copies the value at a field path of one resource (selected by any of its names,
 * current or earlier) into field paths of other resources, optionally one part of a delimited string, optionally
 * creating missing fields. Runs last among the built-in transformers, as in Kustomize.
 */
final class Replacements {

    private Replacements() {
    }

    static void run(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        for (MapNode replacement : entries(build, k)) {
            build.deadline.check("applying replacements of " + k.file);
            MapNode source = replacement.map("source");
            SeqNode targets = replacement.seq("targets");
            if (source == null || targets == null) {
                throw new KustomizeException("replacements in " + k.file
                        + ": replacements must specify a source and at least one target");
            }
            Node value = sourceValue(k, source, resources);
            for (Node target : targets.items()) {
                if (!(target instanceof MapNode t)) {
                    throw new KustomizeException("replacements in " + k.file + ": a target must be a mapping");
                }
                applyTarget(build, k, t, value, resources);
            }
        }
    }

    private static List<MapNode> entries(Kustomizer.Build build, Kustomization k) {
        List<MapNode> result = new ArrayList<>();
        for (MapNode entry : k.maps("replacements")) {
            String path = entry.string("path");
            if (path == null) {
                result.add(entry);
                continue;
            }
            String text = new String(build.readRestricted(k, "replacements", path), StandardCharsets.UTF_8);
            List<Node> documents;
            try {
                // Kustomize reads a replacement file with sigs.k8s.io/yaml: YAML 1.1 scalars (create: yes is true)
                documents = YamlReader.readAllYaml11(text, PathNames.join(k.directory, path));
            } catch (YamlException e) {
                throw new KustomizeException(e.getMessage());
            }
            for (Node document : documents) {
                if (document instanceof SeqNode seq) {
                    seq.items().forEach(item -> result.add(asMap(item, k, path)));
                } else {
                    result.add(asMap(document, k, path));
                }
            }
        }
        return result;
    }

    private static MapNode asMap(Node node, Kustomization k, String path) {
        if (node instanceof MapNode map) {
            return map;
        }
        throw new KustomizeException("replacements file '" + path + "' of " + k.file + " must hold replacements");
    }

    private static Node sourceValue(Kustomization k, MapNode source, List<Resource> resources) {
        Selector selector = Selector.source(source, k);
        Resource match = null;
        for (Resource resource : resources) {
            if (selector.selectsAnyId(resource)) {
                if (match != null) {
                    throw new KustomizeException("replacements in " + k.file + ": multiple matches for selector "
                            + selector);
                }
                match = resource;
            }
        }
        if (match == null) {
            throw new KustomizeException("replacements in " + k.file + ": nothing selected by " + selector);
        }
        String fieldPath = source.string("fieldPath") == null ? "metadata.name" : source.string("fieldPath");
        List<Node> found = new ArrayList<>();
        collect(match.body, split(fieldPath), 0, false, (TargetValue) null, found);
        Node value = found.isEmpty() ? null : found.get(0);
        if (value == null || isNilOrEmpty(value)) {
            throw new KustomizeException("replacements in " + k.file + ": fieldPath `" + fieldPath
                    + "` is missing for replacement source " + selector);
        }
        MapNode options = source.map("options");
        String delimiter = options == null ? null : options.string("delimiter");
        if (delimiter != null && !delimiter.isEmpty()) {
            if (!(value instanceof ScalarNode scalar)) {
                throw new KustomizeException("replacements in " + k.file
                        + ": delimiter option can only be used with scalar nodes");
            }
            String[] parts = scalar.value().split(java.util.regex.Pattern.quote(delimiter), -1);
            int index = index(options);
            if (index < 0 || index >= parts.length) {
                throw new KustomizeException("replacements in " + k.file + ": options.index " + index
                        + " is out of bounds for value " + scalar.value());
            }
            return new ScalarNode(scalar.tag(), parts[index]);
        }
        return value;
    }

    private static int index(MapNode options) {
        String index = options.string("index");
        return index == null ? 0 : Integer.parseInt(index);
    }

    private static boolean isNilOrEmpty(Node node) {
        if (node instanceof ScalarNode scalar) {
            return scalar.isNull();
        }
        if (node instanceof MapNode map) {
            return map.size() == 0;
        }
        return ((SeqNode) node).size() == 0;
    }

    private static void applyTarget(Kustomizer.Build build, Kustomization k, MapNode target, Node value,
            List<Resource> resources) {
        MapNode select = target.map("select");
        if (select == null) {
            throw new KustomizeException("replacements in " + k.file + ": target must specify resources to select");
        }
        Selector selector = Selector.of(select, k);
        List<Selector> rejects = new ArrayList<>();
        SeqNode reject = target.seq("reject");
        if (reject != null) {
            for (Node item : reject.items()) {
                rejects.add(Selector.of((MapNode) item, k));
            }
        }
        List<String> fieldPaths = k.strings(target, "fieldPaths", "replacements in " + k.file);
        if (fieldPaths.isEmpty()) {
            fieldPaths = List.of("metadata.name");
        }
        MapNode options = target.map("options");
        boolean create = options != null && "true".equals(options.string("create"));
        for (Resource resource : resources) {
            build.deadline.check("applying replacements of " + k.file);
            if (!selector.selectsAnyId(resource) || !selector.selectorsMatch(resource)) {
                continue;
            }
            boolean rejected = false;
            for (Selector r : rejects) {
                if (r.rejects(resource)) {
                    rejected = true;
                }
            }
            if (rejected) {
                continue;
            }
            for (String fieldPath : fieldPaths) {
                List<Node> fields = new ArrayList<>();
                collect(resource.body, split(fieldPath), 0, create, new TargetValue(value, options, k), fields);
                if (fields.isEmpty()) {
                    throw new KustomizeException("replacements in " + k.file + ": unable to find "
                            + (create ? "or create " : "") + "field \"" + fieldPath + "\" in replacement target "
                            + resource.id());
                }
            }
        }
    }

    /** A kyaml field path split on dots, keeping bracketed parts ({@code [name=a.b]}) whole. */
    static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int depth = 0;
        for (char c : path.toCharArray()) {
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            }
            if (c == '.' && depth == 0) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }

    /**
     * Finds the nodes at a path. With {@code value} set (targets), each found field is set to it (as Kustomize's
     * setFieldValue: a scalar keeps its own type) and the collected nodes tell that the path exists.
     */
    private static void collect(Node node, List<String> path, int index, boolean create, TargetValue value,
            List<Node> found) {
        collect(node, path, index, create, value, found, null, null, -1);
    }

    private static void collect(Node node, List<String> path, int index, boolean create, TargetValue value,
            List<Node> found, MapNode parentMap, String parentKey, int parentIndex) {
        if (index == path.size()) {
            found.add(node);
            if (value != null) {
                Node replaced = replace(node, value);
                if (parentMap != null) {
                    parentMap.put(parentKey, replaced);
                } else if (parentIndex >= 0) {
                    throw new IllegalStateException();
                }
            }
            return;
        }
        String segment = path.get(index);
        if (segment.startsWith("[") && segment.endsWith("]") && segment.contains("=")) {
            if (!(node instanceof SeqNode seq)) {
                return;
            }
            String inner = segment.substring(1, segment.length() - 1);
            String key = inner.substring(0, inner.indexOf('='));
            String expected = inner.substring(inner.indexOf('=') + 1);
            boolean any = false;
            for (int i = 0; i < seq.size(); i++) {
                if (seq.get(i) instanceof MapNode element && expected.equals(element.string(key))) {
                    any = true;
                    collectInSeq(seq, i, path, index, create, value, found);
                }
            }
            if (!any && create) {
                MapNode element = new MapNode().put(key, expected);
                seq.add(element);
                collectInSeq(seq, seq.size() - 1, path, index, create, value, found);
            }
            return;
        }
        if (node instanceof SeqNode seq) {
            if (segment.equals("*")) {
                for (int i = 0; i < seq.size(); i++) {
                    collectInSeq(seq, i, path, index, create, value, found);
                }
                return;
            }
            if (segment.matches("[0-9]+")) {
                int i = Integer.parseInt(segment);
                if (i < seq.size()) {
                    collectInSeq(seq, i, path, index, create, value, found);
                }
            }
            return;
        }
        if (!(node instanceof MapNode map)) {
            return;
        }
        String key = segment.startsWith("[") && segment.endsWith("]") ? segment.substring(1, segment.length() - 1)
                : segment;
        Node child = map.get(key);
        if (child == null || (child instanceof ScalarNode s && s.isNull() && index < path.size() - 1)) {
            if (!create) {
                return;
            }
            if (index == path.size() - 1) {
                Node v = value == null ? null : value.value();
                child = v instanceof MapNode ? new MapNode() : v instanceof SeqNode ? new SeqNode() : ScalarNode.NULL;
            } else {
                String next = path.get(index + 1);
                child = next.startsWith("[") && next.contains("=") || next.matches("[0-9]+") ? new SeqNode()
                        : new MapNode();
            }
            map.put(key, child);
        }
        collect(child, path, index + 1, create, value, found, map, key, -1);
    }

    private static void collectInSeq(SeqNode seq, int i, List<String> path, int index, boolean create, TargetValue value,
            List<Node> found) {
        if (index + 1 == path.size()) {
            found.add(seq.get(i));
            if (value != null) {
                seq.items().set(i, replace(seq.get(i), value));
            }
            return;
        }
        collect(seq.get(i), path, index + 1, create, value, found);
    }

    /** The value a target receives, and the target's options (delimiter and index). */
    private record TargetValue(Node value, MapNode options, Kustomization k) {
    }

    private static Node replace(Node target, TargetValue targetValue) {
        Node value = targetValue.value();
        MapNode options = targetValue.options();
        String delimiter = options == null ? null : options.string("delimiter");
        if (delimiter != null && !delimiter.isEmpty()) {
            if (!(target instanceof ScalarNode targetScalar) || !(value instanceof ScalarNode valueScalar)) {
                throw new KustomizeException("replacements in " + targetValue.k().file
                        + ": delimiter option can only be used with scalar nodes");
            }
            List<String> parts = new ArrayList<>(List.of(
                    (targetScalar.isNull() ? "" : targetScalar.value()).split(java.util.regex.Pattern.quote(delimiter),
                            -1)));
            int index = index(options);
            if (index < 0) {
                parts.add(0, valueScalar.value());
            } else if (index >= parts.size()) {
                parts.add(valueScalar.value());
            } else {
                parts.set(index, valueScalar.value());
            }
            value = new ScalarNode(valueScalar.tag(), String.join(delimiter, parts));
        }
        if (target instanceof ScalarNode targetScalar && value instanceof ScalarNode valueScalar) {
            if (targetScalar.isNull()) {
                // a new (untyped) scalar: Kustomize prints it plain, so it reads back as its text resolves
                return valueScalar.isNull() || valueScalar.value().isEmpty() ? valueScalar
                        : Scalars.resolvePlain(valueScalar.value());
            }
            return new ScalarNode(targetScalar.tag(), valueScalar.value());
        }
        return value.deepCopy();
    }

    /** A resource selector of a replacement: group, version, kind, name, namespace (empty matches any). */
    private record Selector(String group, String version, String kind, String name, String namespace,
            LabelSelector labels, LabelSelector annotations) {

        /** A target's {@code select} or {@code reject}: an id plus label and annotation selectors. */
        static Selector of(MapNode node, Kustomization k) {
            return new Selector(nz(node.string("group")), nz(node.string("version")), nz(node.string("kind")),
                    nz(node.string("name")), nz(node.string("namespace")),
                    Patches.selector(node.string("labelSelector"), k),
                    Patches.selector(node.string("annotationSelector"), k));
        }

        /** A replacement's {@code source}: an id only (Kustomize's source selector has no label selectors). */
        static Selector source(MapNode node, Kustomization k) {
            for (String field : List.of("labelSelector", "annotationSelector")) {
                if (node.has(field)) {
                    throw new KustomizeException("invalid Kustomization: json: unknown field \"" + field + "\" in "
                            + k.file + " (a replacement's source selects by group, version, kind, name and namespace"
                            + " only)");
                }
            }
            return of(node, k);
        }

        private static String nz(String s) {
            return s == null ? "" : s;
        }

        boolean isEmptyId() {
            return group.isEmpty() && version.isEmpty() && kind.isEmpty() && name.isEmpty() && namespace.isEmpty();
        }

        boolean selectorsMatch(Resource resource) {
            Patches.Selectable selectable = new Patches.Selectable(resource);
            return labels.matches(selectable.labels()) && annotations.matches(selectable.annotations());
        }

        /**
         * A {@code reject} entry rejects a resource its (non-empty) id selects, or whose labels or annotations its
         * non-empty selectors match: any one suffices, as recorded from kubectl 1.32.
         */
        boolean rejects(Resource resource) {
            Patches.Selectable selectable = new Patches.Selectable(resource);
            return (!isEmptyId() && selectsAnyId(resource))
                    || (!labels.isEmpty() && labels.matches(selectable.labels()))
                    || (!annotations.isEmpty() && annotations.matches(selectable.annotations()));
        }

        boolean selectsAnyId(Resource resource) {
            for (ResourceId id : resource.allIds()) {
                if ((name.isEmpty() || name.equals(id.name()))
                        && (namespace.isEmpty() || new ResourceId(group, version, kind, name, namespace)
                                .effectiveNamespace().equals(id.effectiveNamespace()))
                        && id.selectedBy(group, version, kind)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return new ResourceId(group, version, kind, name, namespace).toString();
        }
    }
}
