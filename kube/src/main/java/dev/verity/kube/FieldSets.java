package dev.verity.kube;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Set operations on field sets in the API server's {@code FieldsV1} format ({@code metadata.managedFields[].fieldsV1},
 * see {@link ManagedFields}): a tree whose keys are {@code f:<field>}, {@code k:<key>}, {@code v:<value>} or
 * {@code i:<index>}; a node is a member of the set when it is a leaf ({@code {}}) or has a {@code "."} child (then its
 * other children are members too, or lead to some). The root is never a member. Results are written as the server
 * writes them: a member without children as {@code {}}. Keys are compared as the server
 * writes them (it writes {@code k:} keys in one canonical form). Plain maps in, new maps out; nothing is modified.
 */
public final class FieldSets {

    private FieldSets() {
    }

    /** The fields of {@code from} that are not in {@code minus}; an empty map when none is left. */
    public static Map<String, Object> subtract(Map<String, Object> from, Map<String, Object> minus) {
        Map<String, Object> result = new LinkedHashMap<>();
        from.forEach((key, child) -> {
            if (".".equals(key)) return; // the root is not a member
            Map<String, Object> left = subtractNode(map(child), minus.get(key) == null ? null : map(minus.get(key)));
            if (left != null) result.put(key, left);
        });
        return result;
    }

    /**
     * Whether the set holds the field at {@code path} ({@code ["f:spec", "f:replicas"]}) as a member. A field whose
     * children alone are in the set is not held.
     */
    public static boolean holds(Map<String, Object> fields, List<String> path) {
        Map<String, Object> node = fields;
        for (String key : path) {
            if (!(node.get(key) instanceof Map<?, ?> child)) return false;
            node = map(child);
        }
        return !path.isEmpty() && member(node);
    }

    /** The set without the field at {@code path} and anything under it (the path's parents stay as they were). */
    public static Map<String, Object> without(Map<String, Object> fields, List<String> path) {
        if (path.isEmpty()) return new LinkedHashMap<>();
        Map<String, Object> copy = new LinkedHashMap<>();
        fields.forEach((key, child) -> {
            if (!key.equals(path.get(0))) {
                copy.put(key, child);
            } else if (path.size() > 1 && child instanceof Map<?, ?> m) {
                Map<String, Object> inner = without(map(m), path.subList(1, path.size()));
                if (inner.keySet().equals(java.util.Set.of("."))) copy.put(key, new LinkedHashMap<>());
                else if (!inner.isEmpty()) copy.put(key, inner);
                else if (member(map(m))) copy.put(key, new LinkedHashMap<>());
            }
        });
        return copy;
    }

    /** What is left of node {@code from} without node {@code minus} (absent: nothing removed); null when nothing. */
    private static Map<String, Object> subtractNode(Map<String, Object> from, Map<String, Object> minus) {
        if (minus == null) return from;
        boolean keepMember = member(from) && !member(minus);
        Map<String, Object> children = new LinkedHashMap<>();
        from.forEach((key, child) -> {
            if (".".equals(key)) return;
            Map<String, Object> left = subtractNode(map(child), minus.get(key) == null ? null : map(minus.get(key)));
            if (left != null) children.put(key, left);
        });
        if (children.isEmpty()) return keepMember ? new LinkedHashMap<>() : null;
        if (keepMember) children.put(".", new LinkedHashMap<>());
        return children;
    }

    private static boolean member(Map<String, Object> node) {
        return node.isEmpty() || node.containsKey(".");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }
}
