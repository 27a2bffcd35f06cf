package dev.verity.events;

/** Identifies one Kubernetes object. {@code namespace} is null for cluster-scoped objects. */
public record ObjectRef(String apiVersion, String kind, String namespace, String name) {

    public ObjectRef {
        if (apiVersion == null || apiVersion.isBlank()) throw new IllegalArgumentException("object apiVersion is required");
        if (kind == null || kind.isBlank()) throw new IllegalArgumentException("object kind is required");
        if (name == null || name.isBlank()) throw new IllegalArgumentException("object name is required");
        if (namespace != null && namespace.isBlank()) namespace = null;
    }

    /** {@code Deployment shop-prod/web}, or {@code Namespace shop-prod} when cluster-scoped. */
    @Override
    public String toString() {
        return kind + " " + (namespace == null ? name : namespace + "/" + name);
    }
}
