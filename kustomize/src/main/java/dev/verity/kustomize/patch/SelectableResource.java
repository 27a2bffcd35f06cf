package dev.verity.kustomize.patch;

import java.util.Map;

/**
 * What {@link PatchTarget} needs to know of a resource in the build. The engine implements it over its resources;
 * names and namespaces come twice because Kustomize matches a target against the resource's current id and the id
 * it had when first loaded (before a base's prefix, suffix or namespace changed it).
 */
public interface SelectableResource {

    /** The API group, {@code ""} for the core group. */
    String group();

    /** The API version without the group, e.g. {@code v1}. */
    String version();

    String kind();

    /** The current name. */
    String name();

    /** The name the resource had when loaded; the current name when it never changed. */
    default String originalName() {
        return name();
    }

    /** The current {@code metadata.namespace}, {@code ""} when it has none. */
    String namespace();

    /** The namespace the resource had when loaded; the current one when it never changed. */
    default String originalNamespace() {
        return namespace();
    }

    /** Whether the kind is cluster-scoped (a Namespace, a ClusterRole, ...): it is in no namespace at all. */
    boolean clusterScoped();

    /** {@code metadata.labels}, empty when none. */
    Map<String, String> labels();

    /** {@code metadata.annotations}, empty when none. */
    Map<String, String> annotations();
}
