package dev.verity.kustomize;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;

/**
 * A place in resources of some kinds where a transformer acts: a '/'-separated path ({@code \/} escapes a slash in
 * a key, {@code name[]} walks the items of a sequence; a sequence met on the way is walked item by item), the
 * group/version/kind it applies to (empty matches any) and whether missing fields are created.
 */
record FieldSpec(String group, String version, String kind, String path, boolean create) {

    static FieldSpec parse(MapNode node) {
        return new FieldSpec(nz(node.string("group")), nz(node.string("version")), nz(node.string("kind")),
                nz(node.string("path")), "true".equals(node.string("create")));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    boolean selects(ResourceId id) {
        return id.selectedBy(group, version, kind);
    }

    List<String> segments() {
        List<String> segments = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\' && i + 1 < path.length() && path.charAt(i + 1) == '/') {
                current.append('/');
                i++;
            } else if (c == '/') {
                segments.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        segments.add(current.toString());
        return segments;
    }

    /**
     * Visits the node at this path in {@code root}; {@code visitor} returns the replacement (or the same node).
     * When the field is missing and {@code create} is set, {@code leaf} makes it.
     */
    void apply(MapNode root, Supplier<Node> leaf, Function<Node, Node> visitor) {
        walk(root, segments(), 0, leaf, visitor);
    }

    /** Whether the path reaches at least one existing field. */
    boolean existsIn(MapNode root) {
        boolean[] found = {false};
        new FieldSpec(group, version, kind, path, false).apply(root, () -> null, n -> {
            found[0] = true;
            return n;
        });
        return found[0];
    }

    private void walk(Node node, List<String> segments, int index, Supplier<Node> leaf,
            Function<Node, Node> visitor) {
        if (node instanceof SeqNode seq) {
            for (Node item : new ArrayList<>(seq.items())) {
                walk(item, segments, index, leaf, visitor);
            }
            return;
        }
        if (!(node instanceof MapNode map)) {
            return;
        }
        String segment = segments.get(index);
        boolean items = segment.endsWith("[]");
        String key = items ? segment.substring(0, segment.length() - 2) : segment;
        Node child = map.get(key);
        boolean missing = child == null || (child instanceof ScalarNode s && s.isNull());
        if (index == segments.size() - 1) {
            if (items) {
                if (child instanceof SeqNode seq) {
                    for (int i = 0; i < seq.size(); i++) {
                        Node replaced = visitor.apply(seq.get(i));
                        if (replaced != null) {
                            seq.items().set(i, replaced);
                        }
                    }
                }
                return;
            }
            if (missing) {
                if (!create) {
                    return;
                }
                child = leaf.get();
                if (child == null) {
                    return;
                }
                map.put(key, child);
            }
            Node replaced = visitor.apply(child);
            if (replaced != null && replaced != child) {
                map.put(key, replaced);
            }
            return;
        }
        if (missing) {
            if (!create || items) {
                return;
            }
            child = new MapNode();
            map.put(key, child);
        }
        if (items) {
            if (child instanceof SeqNode seq) {
                for (Node item : new ArrayList<>(seq.items())) {
                    walk(item, segments, index + 1, leaf, visitor);
                }
            }
            return;
        }
        walk(child, segments, index + 1, leaf, visitor);
    }
}
