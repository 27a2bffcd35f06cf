package dev.verity.kube.schema;

/**
 * How server-side apply merges a list ({@code x-kubernetes-list-type}): as one value, as a set of scalars, or as a
 * map of items keyed by {@link SchemaNode#listMapKeys()}.
 */
public enum ListType {
    ATOMIC,
    SET,
    MAP
}
