package dev.verity.kube;

import dev.verity.events.ObjectRef;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One Kubernetes object of a desired state, as parsed from its YAML document.
 *
 * @param document the 1-based position of its document in the desired state (how errors point at it without
 *                 quoting it)
 * @param ref      what the object is
 * @param content  the object as the document declares it, read-only
 */
public record Manifest(int document, ObjectRef ref, Map<String, Object> content) {

    public Manifest {
        content = deepUnmodifiable(content);
    }

    /** The API group of the object ({@code ""} for the core group). */
    public String group() {
        return groupOf(ref.apiVersion());
    }

    /** How errors name it: {@code document 3 (Deployment shop/web)}. */
    public String describe() {
        return "document " + document + " (" + ref + ")";
    }

    /** A mutable deep copy of the content, for building what is sent to the cluster. */
    public Map<String, Object> mutableContent() {
        return deepCopy(content);
    }

    static String groupOf(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    static String versionOf(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? apiVersion : apiVersion.substring(slash + 1);
    }

    @SuppressWarnings("unchecked")
    private static <T> T deepUnmodifiable(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), deepUnmodifiable(v)));
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(deepUnmodifiable(v)));
            return (T) Collections.unmodifiableList(copy);
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(v -> copy.add(deepCopy(v)));
            return (T) copy;
        }
        return value;
    }
}
