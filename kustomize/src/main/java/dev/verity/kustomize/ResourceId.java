package dev.verity.kustomize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Group, version, kind, name and namespace of a resource, as Kustomize identifies it. Its text form is Kustomize's
 * ({@code ConfigMap.v1.[noGrp]/feature-toggles.[noNs]}) so that errors read the same.
 */
public record ResourceId(String group, String version, String kind, String name, String namespace) {

    private static final Set<String> CLUSTER_SCOPED = loadClusterScoped();
    static final String NOT_A_NAMESPACE = "_non_namespaceable_";

    static ResourceId of(String apiVersion, String kind, String name, String namespace) {
        String group = "";
        String version = apiVersion == null ? "" : apiVersion;
        int slash = version.indexOf('/');
        if (slash >= 0) {
            group = version.substring(0, slash);
            version = version.substring(slash + 1);
        }
        return new ResourceId(group, version, nz(kind), nz(name), nz(namespace));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** Whether Kustomize knows the kind to be cluster-scoped (by its built-in schema; custom resources are not). */
    public boolean clusterScoped() {
        return CLUSTER_SCOPED.contains(apiVersion() + " " + kind);
    }

    /** The namespace as Kustomize compares it: empty means "default"; cluster-scoped objects have none. */
    public String effectiveNamespace() {
        if (clusterScoped()) {
            return NOT_A_NAMESPACE;
        }
        return namespace.isEmpty() ? "default" : namespace;
    }

    /** Same group, version, kind and name, and the same effective namespace. */
    public boolean sameAs(ResourceId other) {
        return gvkEquals(other) && name.equals(other.name) && effectiveNamespace().equals(other.effectiveNamespace());
    }

    public boolean gvkEquals(ResourceId other) {
        return group.equals(other.group) && version.equals(other.version) && kind.equals(other.kind);
    }

    /** Whether this id's group, version and kind match a selector whose empty fields match anything. */
    public boolean selectedBy(String selGroup, String selVersion, String selKind) {
        return (selGroup == null || selGroup.isEmpty() || selGroup.equals(group))
                && (selVersion == null || selVersion.isEmpty() || selVersion.equals(version))
                && (selKind == null || selKind.isEmpty() || selKind.equals(kind));
    }

    public String gvkString() {
        return (kind.isEmpty() ? "[noKind]" : kind) + "." + (version.isEmpty() ? "[noVer]" : version) + "."
                + (group.isEmpty() ? "[noGrp]" : group);
    }

    @Override
    public String toString() {
        return gvkString() + "/" + (name.isEmpty() ? "[noName]" : name) + "."
                + (namespace.isEmpty() ? "[noNs]" : namespace);
    }

    private static Set<String> loadClusterScoped() {
        try (InputStream in = ResourceId.class.getResourceAsStream("cluster-scoped.txt")) {
            Set<String> result = new HashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && !line.startsWith("#")) {
                    result.add(line.trim());
                }
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
