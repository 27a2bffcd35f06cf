package dev.verity.kustomize.yaml;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A YAML mapping with string keys in document order, mutable. */
public final class MapNode implements Node {

    private final LinkedHashMap<String, Node> entries;

    public MapNode() {
        this.entries = new LinkedHashMap<>();
    }

    public MapNode(Map<String, ? extends Node> entries) {
        this.entries = new LinkedHashMap<>(entries);
    }

    /** The entries, live: changes to the map change this mapping. */
    public Map<String, Node> entries() {
        return entries;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The value under {@code key}, or {@code null} when the key is absent (a YAML null is {@link ScalarNode#NULL}). */
    public Node get(String key) {
        return entries.get(key);
    }

    /** The mapping under {@code key}, or {@code null} when absent or not a mapping. */
    public MapNode map(String key) {
        return entries.get(key) instanceof MapNode map ? map : null;
    }

    /** The sequence under {@code key}, or {@code null} when absent or not a sequence. */
    public SeqNode seq(String key) {
        return entries.get(key) instanceof SeqNode seq ? seq : null;
    }

    /** The text of the scalar under {@code key}, or {@code null} when absent, null or not a scalar. */
    public String string(String key) {
        return entries.get(key) instanceof ScalarNode scalar && !scalar.isNull() ? scalar.value() : null;
    }

    public MapNode put(String key, Node value) {
        entries.put(key, value);
        return this;
    }

    public MapNode put(String key, String value) {
        entries.put(key, ScalarNode.str(value));
        return this;
    }

    public Node remove(String key) {
        return entries.remove(key);
    }

    public int size() {
        return entries.size();
    }

    /** The mapping under {@code key}, created (and put) when absent or null. */
    public MapNode mapOrCreate(String key) {
        MapNode existing = map(key);
        if (existing != null) {
            return existing;
        }
        MapNode created = new MapNode();
        entries.put(key, created);
        return created;
    }

    @Override
    public MapNode deepCopy() {
        MapNode copy = new MapNode();
        entries.forEach((key, value) -> copy.entries.put(key, value.deepCopy()));
        return copy;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof MapNode map && map.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
