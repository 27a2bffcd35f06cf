package dev.verity.kube;

/**
 * What the API server needs to address a kind: its group, version, plural resource name and scope.
 *
 * @param group      {@code ""} for the core group
 * @param namespaced true when objects of the kind live in a namespace
 */
public record ResourceType(String group, String version, String kind, String plural, boolean namespaced) {

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }
}
