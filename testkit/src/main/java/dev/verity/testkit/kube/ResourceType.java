package dev.verity.testkit.kube;

import java.util.List;

/**
 * One served resource: group, version, kind, plural, scope, and which subresources it has.
 *
 * @param statusSubresource updates of the main resource leave {@code status} alone, as on a real server
 * @param scaleSubresource serves {@code /scale} (autoscaling/v1 Scale) over {@code spec.replicas}
 */
record ResourceType(String group, String version, String kind, String plural, boolean namespaced,
    boolean statusSubresource, boolean scaleSubresource, List<String> shortNames) {

  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** {@code deployments.apps}, or {@code configmaps} for the core group: how the API server names a resource in messages. */
  String qualifiedPlural() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  String singular() {
    return kind.toLowerCase(java.util.Locale.ROOT);
  }
}
