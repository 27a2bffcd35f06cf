package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The defaults of a pod spec and of what it holds (containers, probes, volumes), as Kubernetes 1.32 applies them to a
 * Pod and to every pod template. Each constant names its entry in {@code kube-schema/sources/defaults.yaml}
 * ("type.field"), where the Go source and commit are.
 */
final class PodDefaults {

  private static final List<String> CONTAINER_LISTS = List.of("containers", "initContainers", "ephemeralContainers");
  private static final List<String> PROBES = List.of("livenessProbe", "readinessProbe", "startupProbe");
  private static final List<String> VOLUME_SOURCES_WITH_MODE = List.of("secret", "configMap", "downwardAPI", "projected");

  private PodDefaults() {
  }

  /** A {@code PodTemplateSpec} (the template of a workload, or of a PodTemplate): its spec gets the pod spec defaults. */
  static void template(JsonNode template) {
    if (template instanceof ObjectNode t && t.get("spec") instanceof ObjectNode spec) {
      spec(spec);
    }
  }

  /** A Pod object: the pod spec defaults, and the few that SetDefaults_Pod gives only Pods, not templates. */
  static void pod(ObjectNode pod) {
    if (!(pod.get("spec") instanceof ObjectNode spec)) {
      return;
    }
    spec(spec);
    for (String list : List.of("containers", "initContainers")) {
      for (JsonNode container : spec.path(list)) {
        if (container.get("resources") instanceof ObjectNode resources) {
          requestsFromLimits(resources);
        }
      }
    }
    // defaults.yaml: io.k8s.api.core.v1.PodSpec.enableServiceLinks (rule pod-only-enable-service-links)
    if (!spec.hasNonNull("enableServiceLinks")) {
      spec.put("enableServiceLinks", true);
    }
    if (spec.path("hostNetwork").asBoolean(false)) {
      // defaults.yaml: io.k8s.api.core.v1.ContainerPort.hostPort (rule pod-only-host-network-host-port)
      for (String list : List.of("containers", "initContainers")) {
        for (JsonNode container : spec.path(list)) {
          for (JsonNode port : container.path("ports")) {
            if (port instanceof ObjectNode p && p.path("hostPort").asInt(0) == 0 && p.has("containerPort")) {
              p.set("hostPort", p.get("containerPort"));
            }
          }
        }
      }
    }
  }

  /** SetDefaults_PodSpec, and through the generated defaulters the containers, probes and volumes it holds. */
  static void spec(ObjectNode spec) {
    // defaults.yaml: io.k8s.api.core.v1.PodSpec.dnsPolicy
    Defaults.textIfUnset(spec, "dnsPolicy", "ClusterFirst");
    // defaults.yaml: io.k8s.api.core.v1.PodSpec.restartPolicy
    Defaults.textIfUnset(spec, "restartPolicy", "Always");
    // defaults.yaml: io.k8s.api.core.v1.PodSpec.securityContext
    if (!spec.hasNonNull("securityContext")) {
      spec.putObject("securityContext");
    }
    // defaults.yaml: io.k8s.api.core.v1.PodSpec.terminationGracePeriodSeconds
    if (!spec.hasNonNull("terminationGracePeriodSeconds")) {
      spec.put("terminationGracePeriodSeconds", 30);
    }
    // defaults.yaml: io.k8s.api.core.v1.PodSpec.schedulerName
    Defaults.textIfUnset(spec, "schedulerName", "default-scheduler");
    for (String list : CONTAINER_LISTS) {
      for (JsonNode container : spec.path(list)) {
        if (container instanceof ObjectNode c) {
          container(c);
        }
      }
    }
    for (JsonNode volume : spec.path("volumes")) {
      if (volume instanceof ObjectNode v) {
        volume(v);
      }
    }
  }

  /** SetDefaults_Container (and SetDefaults_EphemeralContainer), with the ports, probes, handlers and env it holds. */
  static void container(ObjectNode container) {
    // defaults.yaml: io.k8s.api.core.v1.Container.imagePullPolicy (rule image-tag-pull-policy)
    if (Defaults.unsetText(container, "imagePullPolicy")) {
      container.put("imagePullPolicy", pullPolicy(Json.text(container, "image")));
    }
    // defaults.yaml: io.k8s.api.core.v1.Container.terminationMessagePath
    Defaults.textIfUnset(container, "terminationMessagePath", "/dev/termination-log");
    // defaults.yaml: io.k8s.api.core.v1.Container.terminationMessagePolicy
    Defaults.textIfUnset(container, "terminationMessagePolicy", "File");
    for (JsonNode port : container.path("ports")) {
      if (port instanceof ObjectNode p) {
        // defaults.yaml: io.k8s.api.core.v1.ContainerPort.protocol
        Defaults.textIfUnset(p, "protocol", "TCP");
      }
    }
    for (String name : PROBES) {
      if (container.get(name) instanceof ObjectNode probe) {
        probe(probe);
      }
    }
    if (container.get("lifecycle") instanceof ObjectNode lifecycle) {
      for (JsonNode handler : List.of(lifecycle.path("postStart"), lifecycle.path("preStop"))) {
        if (handler.get("httpGet") instanceof ObjectNode httpGet) {
          httpGet(httpGet);
        }
      }
    }
    for (JsonNode env : container.path("env")) {
      if (env.path("valueFrom").get("fieldRef") instanceof ObjectNode fieldRef) {
        // defaults.yaml: io.k8s.api.core.v1.ObjectFieldSelector.apiVersion
        Defaults.textIfUnset(fieldRef, "apiVersion", "v1");
      }
    }
  }

  /**
   * The pull policy SetDefaults_Container chooses: Always for the tag {@code latest}, or for an image with neither tag
   * nor digest (the reference parser defaults the tag to latest); IfNotPresent for any other tag, a digest without a
   * tag, or an image the reference parser rejects (empty, upper-case repository).
   */
  static String pullPolicy(String image) {
    if (image == null || image.isEmpty()) {
      return "IfNotPresent";
    }
    String name = image;
    boolean digest = false;
    int at = name.indexOf('@');
    if (at >= 0) {
      digest = true;
      name = name.substring(0, at);
    }
    int slash = name.lastIndexOf('/');
    int colon = name.lastIndexOf(':');
    String repository = colon > slash ? name.substring(0, colon) : name;
    String tag = colon > slash ? name.substring(colon + 1) : "";
    String path = repository.indexOf('/') >= 0 && looksLikeRegistry(repository.substring(0, repository.indexOf('/')))
        ? repository.substring(repository.indexOf('/') + 1) : repository;
    if (path.isEmpty() || !path.equals(path.toLowerCase(Locale.ROOT))) {
      return "IfNotPresent";
    }
    if (tag.isEmpty() && !digest) {
      tag = "latest";
    }
    return tag.equals("latest") ? "Always" : "IfNotPresent";
  }

  /** The docker reference grammar's test for a leading registry host: it has a dot or a port, or is localhost. */
  private static boolean looksLikeRegistry(String first) {
    return first.contains(".") || first.contains(":") || first.equals("localhost");
  }

  /** SetDefaults_Probe and, for its HTTP and gRPC checks, SetDefaults_HTTPGetAction and the GRPCAction marker. */
  static void probe(ObjectNode probe) {
    // defaults.yaml: io.k8s.api.core.v1.Probe.timeoutSeconds
    Defaults.intIfZero(probe, "timeoutSeconds", 1);
    // defaults.yaml: io.k8s.api.core.v1.Probe.periodSeconds
    Defaults.intIfZero(probe, "periodSeconds", 10);
    // defaults.yaml: io.k8s.api.core.v1.Probe.successThreshold
    Defaults.intIfZero(probe, "successThreshold", 1);
    // defaults.yaml: io.k8s.api.core.v1.Probe.failureThreshold
    Defaults.intIfZero(probe, "failureThreshold", 3);
    if (probe.get("httpGet") instanceof ObjectNode httpGet) {
      httpGet(httpGet);
    }
    if (probe.get("grpc") instanceof ObjectNode grpc && !grpc.hasNonNull("service")) {
      // defaults.yaml: io.k8s.api.core.v1.GRPCAction.service
      grpc.put("service", "");
    }
  }

  private static void httpGet(ObjectNode httpGet) {
    // defaults.yaml: io.k8s.api.core.v1.HTTPGetAction.path
    Defaults.textIfUnset(httpGet, "path", "/");
    // defaults.yaml: io.k8s.api.core.v1.HTTPGetAction.scheme
    Defaults.textIfUnset(httpGet, "scheme", "HTTP");
  }

  /** SetDefaults_Volume and the defaults of the volume sources. */
  static void volume(ObjectNode volume) {
    boolean hasSource = false;
    Iterator<Map.Entry<String, JsonNode>> fields = volume.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      hasSource |= !field.getKey().equals("name") && !field.getValue().isNull();
    }
    if (!hasSource) {
      // defaults.yaml: io.k8s.api.core.v1.Volume.emptyDir (rule empty-dir-when-no-source)
      volume.putObject("emptyDir");
      return;
    }
    for (String source : VOLUME_SOURCES_WITH_MODE) {
      if (volume.get(source) instanceof ObjectNode s && !s.hasNonNull("defaultMode")) {
        // defaults.yaml: io.k8s.api.core.v1.{Secret,ConfigMap,DownwardAPI,Projected}VolumeSource.defaultMode (0644)
        s.put("defaultMode", 420);
      }
    }
    fieldRefs(volume.path("downwardAPI").path("items"));
    for (JsonNode projection : volume.path("projected").path("sources")) {
      if (projection.get("serviceAccountToken") instanceof ObjectNode token && !token.hasNonNull("expirationSeconds")) {
        // defaults.yaml: io.k8s.api.core.v1.ServiceAccountTokenProjection.expirationSeconds
        token.put("expirationSeconds", 3600);
      }
      fieldRefs(projection.path("downwardAPI").path("items"));
    }
    if (volume.path("ephemeral").path("volumeClaimTemplate").get("spec") instanceof ObjectNode claimSpec) {
      claimSpec(claimSpec);
    }
    source(volume);
  }

  private static void fieldRefs(JsonNode items) {
    for (JsonNode item : items) {
      if (item.get("fieldRef") instanceof ObjectNode fieldRef) {
        // defaults.yaml: io.k8s.api.core.v1.ObjectFieldSelector.apiVersion
        Defaults.textIfUnset(fieldRef, "apiVersion", "v1");
      }
    }
  }

  /**
   * The +default markers and defaulters of the volume sources a pod volume and a PersistentVolume spec share
   * (hostPath, rbd, iscsi, azureDisk, scaleIO).
   */
  static void source(ObjectNode holder) {
    if (holder.get("hostPath") instanceof ObjectNode hostPath && !hostPath.hasNonNull("type")) {
      // defaults.yaml: io.k8s.api.core.v1.HostPathVolumeSource.type
      hostPath.put("type", "");
    }
    if (holder.get("rbd") instanceof ObjectNode rbd) {
      // defaults.yaml: io.k8s.api.core.v1.RBD(Persistent)VolumeSource.pool, .user, .keyring
      Defaults.textIfUnset(rbd, "pool", "rbd");
      Defaults.textIfUnset(rbd, "user", "admin");
      Defaults.textIfUnset(rbd, "keyring", "/etc/ceph/keyring");
    }
    if (holder.get("iscsi") instanceof ObjectNode iscsi) {
      // defaults.yaml: io.k8s.api.core.v1.ISCSI(Persistent)VolumeSource.iscsiInterface
      Defaults.textIfUnset(iscsi, "iscsiInterface", "default");
    }
    if (holder.get("azureDisk") instanceof ObjectNode azureDisk) {
      // defaults.yaml: io.k8s.api.core.v1.AzureDiskVolumeSource.cachingMode, .fsType, .readOnly, .kind
      Defaults.textIfUnset(azureDisk, "cachingMode", "ReadWrite");
      Defaults.textIfUnset(azureDisk, "fsType", "ext4");
      if (!azureDisk.hasNonNull("readOnly")) {
        azureDisk.put("readOnly", false);
      }
      Defaults.textIfUnset(azureDisk, "kind", "Shared");
    }
    if (holder.get("scaleIO") instanceof ObjectNode scaleIO) {
      // defaults.yaml: io.k8s.api.core.v1.ScaleIO(Persistent)VolumeSource.storageMode, .fsType
      Defaults.textIfUnset(scaleIO, "storageMode", "ThinProvisioned");
      Defaults.textIfUnset(scaleIO, "fsType", "xfs");
    }
  }

  /** SetDefaults_PersistentVolumeClaimSpec: the spec of a claim, a claim template or an ephemeral volume's template. */
  static void claimSpec(ObjectNode spec) {
    // defaults.yaml: io.k8s.api.core.v1.PersistentVolumeClaimSpec.volumeMode
    if (!spec.hasNonNull("volumeMode")) {
      spec.put("volumeMode", "Filesystem");
    }
  }

  /** A PersistentVolumeClaim, or a StatefulSet's claim template: the spec default and SetDefaults_PersistentVolumeClaim. */
  static void claim(ObjectNode claim) {
    claimSpec(claim.get("spec") instanceof ObjectNode spec ? spec : claim.putObject("spec"));
    ObjectNode status = claim.get("status") instanceof ObjectNode s ? s : claim.putObject("status");
    // defaults.yaml: io.k8s.api.core.v1.PersistentVolumeClaimStatus.phase
    Defaults.textIfUnset(status, "phase", "Pending");
  }

  /** Limits copied into requests where a resource has no request (SetDefaults_Pod; Pods only). */
  private static void requestsFromLimits(ObjectNode resources) {
    if (!(resources.get("limits") instanceof ObjectNode limits) || limits.isEmpty()) {
      return;
    }
    // defaults.yaml: io.k8s.api.core.v1.ResourceRequirements.requests (rule pod-only-requests-from-limits)
    ObjectNode requests = resources.get("requests") instanceof ObjectNode r ? r : resources.putObject("requests");
    limits.fields().forEachRemaining(limit -> {
      if (!requests.has(limit.getKey())) {
        requests.set(limit.getKey(), limit.getValue().deepCopy());
      }
    });
  }
}
