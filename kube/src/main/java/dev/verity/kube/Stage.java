package dev.verity.kube;

/** The apply stages, in order: what other objects depend on goes first. Prune goes through them backwards. */
public enum Stage {
    /** CustomResourceDefinitions, so the kinds they define exist before their objects */
    CUSTOM_RESOURCE_DEFINITIONS,
    /** Namespaces and the other cluster-scoped objects (ClusterRoles, StorageClasses, ...), so what lives in them can be created */
    CLUSTER_SCOPED,
    /** everything else, in document order */
    RESOURCES;

    /** The stage's number as reported to users: 1, 2, 3 in apply order. */
    public int number() {
        return ordinal() + 1;
    }

    /** What the stage holds, as reported to users. */
    public String title() {
        return switch (this) {
            case CUSTOM_RESOURCE_DEFINITIONS -> "CustomResourceDefinitions";
            case CLUSTER_SCOPED -> "Namespaces and other cluster-scoped objects";
            case RESOURCES -> "namespaced objects";
        };
    }

    /** The stage of an object, by its kind alone: what can be told before the cluster is asked. */
    public static Stage of(Manifest manifest) {
        String group = manifest.group();
        String kind = manifest.ref().kind();
        if (group.equals("apiextensions.k8s.io") && kind.equals("CustomResourceDefinition")) {
            return CUSTOM_RESOURCE_DEFINITIONS;
        }
        if (group.isEmpty() && kind.equals("Namespace")) return CLUSTER_SCOPED;
        return RESOURCES;
    }

    /** The stage of an object whose resource type is known: every cluster-scoped kind but CRDs is {@link #CLUSTER_SCOPED}. */
    public static Stage of(Manifest manifest, ResourceType type) {
        Stage byKind = of(manifest);
        return byKind == RESOURCES && !type.namespaced() ? CLUSTER_SCOPED : byKind;
    }
}
