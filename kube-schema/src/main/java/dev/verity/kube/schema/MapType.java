package dev.verity.kube.schema;

/**
 * How server-side apply merges a map or struct ({@code x-kubernetes-map-type}): key by key ({@code granular}, the
 * default) or as one value ({@code atomic}).
 */
public enum MapType {
    GRANULAR,
    ATOMIC
}
