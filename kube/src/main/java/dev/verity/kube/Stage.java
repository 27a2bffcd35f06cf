package dev.verity.kube;

/** The apply stages, in order: what other objects depend on goes first. */
public enum Stage {
    /** CustomResourceDefinitions, so the kinds they define exist before their objects */
    CUSTOM_RESOURCE_DEFINITIONS,
    /** Namespaces, so the objects in them can be created */
    NAMESPACES,
    /** everything else, in document order */
    RESOURCES;

    public static Stage of(Manifest manifest) {
        String group = manifest.group();
        String kind = manifest.ref().kind();
        if (group.equals("apiextensions.k8s.io") && kind.equals("CustomResourceDefinition")) {
            return CUSTOM_RESOURCE_DEFINITIONS;
        }
        if (group.isEmpty() && kind.equals("Namespace")) return NAMESPACES;
        return RESOURCES;
    }
}
