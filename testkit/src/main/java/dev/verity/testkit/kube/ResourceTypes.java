package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The resources the sandbox serves: the common built-in ones, plus those of every Established
 * CustomResourceDefinition stored in it (with each version's structural schema). Also answers discovery.
 */
final class ResourceTypes {

  private final List<ResourceType> builtIn = new ArrayList<>();
  private final List<ResourceType> custom = new CopyOnWriteArrayList<>();
  private static final Logger LOG = LoggerFactory.getLogger(ResourceTypes.class);
  private final Map<String, JsonNode> schemas = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<ResourceType, ObjectSchema> builtinSchemas = new java.util.concurrent.ConcurrentHashMap<>();
  /** The structural schemas of {@link #schemas}, read on first use, by the same keys. */
  private final Map<String, ObjectSchema> customSchemas = new java.util.concurrent.ConcurrentHashMap<>();

  ResourceTypes() {
    core("Namespace", "namespaces", false, true, false, "ns");
    core("ConfigMap", "configmaps", true, false, false, "cm");
    core("Secret", "secrets", true, false, false);
    core("Service", "services", true, true, false, "svc");
    core("ServiceAccount", "serviceaccounts", true, false, false, "sa");
    core("Pod", "pods", true, true, false, "po");
    core("PersistentVolumeClaim", "persistentvolumeclaims", true, true, false, "pvc");
    core("PersistentVolume", "persistentvolumes", false, true, false, "pv");
    core("Endpoints", "endpoints", true, false, false, "ep");
    core("Event", "events", true, false, false, "ev");
    core("Node", "nodes", false, true, false, "no");
    core("LimitRange", "limitranges", true, false, false, "limits");
    core("ResourceQuota", "resourcequotas", true, true, false, "quota");
    core("ReplicationController", "replicationcontrollers", true, true, true, "rc");
    add("apps", "v1", "Deployment", "deployments", true, true, true, "deploy");
    add("apps", "v1", "StatefulSet", "statefulsets", true, true, true, "sts");
    add("apps", "v1", "DaemonSet", "daemonsets", true, true, false, "ds");
    add("apps", "v1", "ReplicaSet", "replicasets", true, true, true, "rs");
    add("apps", "v1", "ControllerRevision", "controllerrevisions", true, false, false);
    add("batch", "v1", "Job", "jobs", true, true, false);
    add("batch", "v1", "CronJob", "cronjobs", true, true, false, "cj");
    add("networking.k8s.io", "v1", "Ingress", "ingresses", true, true, false, "ing");
    add("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, false, false, "netpol");
    add("networking.k8s.io", "v1", "IngressClass", "ingressclasses", false, false, false);
    add("rbac.authorization.k8s.io", "v1", "Role", "roles", true, false, false);
    add("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, false, false);
    add("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, false, false);
    add("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, false, false);
    add("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true, true, false, "pdb");
    add("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, true, false, "hpa");
    add("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, true, false, "hpa");
    add("coordination.k8s.io", "v1", "Lease", "leases", true, false, false);
    add("storage.k8s.io", "v1", "StorageClass", "storageclasses", false, false, false, "sc");
    add("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions", false, true, false, "crd", "crds");
    // the rest of what a default 1.32 server serves, GA group-versions only (nothing removed: no apps/v1beta2,
    // apiextensions.k8s.io/v1beta1, flowcontrol v1beta3, ...)
    core("PodTemplate", "podtemplates", true, false, false);
    add("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations", false, false, false);
    add("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations", false, false, false);
    add("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies", false, true, false);
    add("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings", false, false, false);
    add("apiregistration.k8s.io", "v1", "APIService", "apiservices", false, true, false);
    add("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", false, false, false);
    add("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", false, false, false);
    add("authorization.k8s.io", "v1", "LocalSubjectAccessReview", "localsubjectaccessreviews", true, false, false);
    add("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, false, false);
    add("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, false, false);
    add("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", false, false, false);
    add("certificates.k8s.io", "v1", "CertificateSigningRequest", "certificatesigningrequests", false, true, false, "csr");
    add("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, false, false);
    add("events.k8s.io", "v1", "Event", "events", true, false, false, "ev");
    add("flowcontrol.apiserver.k8s.io", "v1", "FlowSchema", "flowschemas", false, true, false);
    add("flowcontrol.apiserver.k8s.io", "v1", "PriorityLevelConfiguration", "prioritylevelconfigurations", false, true, false);
    add("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", false, false, false);
    add("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false, false, false, "pc");
    add("storage.k8s.io", "v1", "CSIDriver", "csidrivers", false, false, false);
    add("storage.k8s.io", "v1", "CSINode", "csinodes", false, false, false);
    add("storage.k8s.io", "v1", "CSIStorageCapacity", "csistoragecapacities", true, false, false);
    add("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", false, true, false);
  }

  /** The resources of category {@code all} ({@code kubectl get all}), as a 1.32 server lists them in discovery. */
  private static final Set<String> CATEGORY_ALL = Set.of("/pods", "/replicationcontrollers", "/services", "apps/daemonsets",
      "apps/deployments", "apps/replicasets", "apps/statefulsets", "autoscaling/horizontalpodautoscalers", "batch/cronjobs",
      "batch/jobs");
  /** The resources of category {@code api-extensions}. */
  private static final Set<String> CATEGORY_API_EXTENSIONS = Set.of("admissionregistration.k8s.io/mutatingwebhookconfigurations",
      "admissionregistration.k8s.io/validatingwebhookconfigurations", "admissionregistration.k8s.io/validatingadmissionpolicies",
      "admissionregistration.k8s.io/validatingadmissionpolicybindings", "apiextensions.k8s.io/customresourcedefinitions",
      "apiregistration.k8s.io/apiservices");
  /** The review kinds: answered on create, never stored (verbs: create only). */
  private static final Set<String> REVIEWS = Set.of("authentication.k8s.io/selfsubjectreviews", "authentication.k8s.io/tokenreviews",
      "authorization.k8s.io/localsubjectaccessreviews", "authorization.k8s.io/selfsubjectaccessreviews",
      "authorization.k8s.io/selfsubjectrulesreviews", "authorization.k8s.io/subjectaccessreviews");

  /** Whether the type is a review (TokenReview, SubjectAccessReview, ...): created to get an answer, never stored. */
  boolean isReview(ResourceType type) {
    return !isCustom(type) && REVIEWS.contains(type.group() + "/" + type.plural());
  }

  /** The discovery categories of a built-in resource ({@code all}, {@code api-extensions}); custom resources' come from their CRD. */
  List<String> categories(ResourceType type) {
    if (isCustom(type)) {
      return customCategories.getOrDefault(type.group() + "/" + type.plural(), List.of());
    }
    String key = type.group() + "/" + type.plural();
    if (CATEGORY_ALL.contains(key)) {
      return List.of("all");
    }
    return CATEGORY_API_EXTENSIONS.contains(key) ? List.of("api-extensions") : List.of();
  }

  private final Map<String, List<String>> customCategories = new java.util.concurrent.ConcurrentHashMap<>();

  private void core(String kind, String plural, boolean namespaced, boolean status, boolean scale, String... shortNames) {
    add("", "v1", kind, plural, namespaced, status, scale, shortNames);
  }

  private void add(String group, String version, String kind, String plural, boolean namespaced, boolean status,
      boolean scale, String... shortNames) {
    builtIn.add(new ResourceType(group, version, kind, plural, namespaced, status, scale, List.of(shortNames)));
  }

  /** Every served resource, built-in then custom, one entry per version. */
  List<ResourceType> all() {
    List<ResourceType> all = new ArrayList<>(builtIn);
    all.addAll(custom);
    return all;
  }

  Optional<ResourceType> byPlural(String group, String version, String plural) {
    return all().stream()
        .filter(t -> t.group().equals(group) && t.version().equals(version) && t.plural().equals(plural))
        .findFirst();
  }

  Optional<ResourceType> byKind(String apiVersion, String kind) {
    return all().stream().filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind)).findFirst();
  }

  /**
   * Serves (or stops serving) the versions of a stored CustomResourceDefinition, by its state: its kinds are served,
   * and listed in discovery, only once it is Established (condition {@code Established=True}), as on a real server;
   * before that, requests for them get 404. Called with every stored version of the CRD.
   */
  void registerCrd(ObjectNode crd) {
    JsonNode spec = crd.path("spec");
    String group = spec.path("group").asText();
    String kind = spec.path("names").path("kind").asText();
    String plural = spec.path("names").path("plural").asText();
    boolean namespaced = !"Cluster".equals(spec.path("scope").asText());
    List<ResourceType> wanted = new ArrayList<>();
    if (CrdController.established(crd)) {
      List<String> shortNames = new ArrayList<>();
      spec.path("names").path("shortNames").forEach(n -> shortNames.add(n.asText()));
      List<String> categories = new ArrayList<>();
      spec.path("names").path("categories").forEach(c -> categories.add(c.asText()));
      customCategories.put(group + "/" + plural, List.copyOf(categories));
      for (JsonNode version : spec.path("versions")) {
        if (version.path("served").asBoolean(true)) {
          boolean status = version.path("subresources").has("status");
          boolean scale = version.path("subresources").has("scale");
          ResourceType type = new ResourceType(group, version.path("name").asText(), kind, plural, namespaced, status,
              scale, shortNames);
          wanted.add(type);
          JsonNode schema = version.path("schema").path("openAPIV3Schema");
          if (!schema.equals(schemas.get(schemaKey(type)))) {
            schemas.put(schemaKey(type), schema.deepCopy());
            customSchemas.remove(schemaKey(type));
          }
        }
      }
    }
    // add before removing, so that a request racing with a status write of an Established CRD never sees a gap
    ((CopyOnWriteArrayList<ResourceType>) custom).addAllAbsent(wanted);
    custom.removeIf(t -> t.group().equals(group) && t.plural().equals(plural) && !wanted.contains(t));
    schemas.keySet().removeIf(k -> k.startsWith(group + "/") && k.endsWith("/" + plural)
        && wanted.stream().noneMatch(t -> schemaKey(t).equals(k)));
    customSchemas.keySet().retainAll(schemas.keySet());
  }

  void unregisterCrd(ObjectNode crd) {
    JsonNode spec = crd.path("spec");
    String group = spec.path("group").asText();
    String plural = spec.path("names").path("plural").asText();
    custom.removeIf(t -> t.group().equals(group) && t.plural().equals(plural));
    schemas.keySet().removeIf(k -> k.startsWith(group + "/") && k.endsWith("/" + plural));
    customSchemas.keySet().retainAll(schemas.keySet());
  }

  /** Whether the type is served for a CustomResourceDefinition (rather than built in). */
  boolean isCustom(ResourceType type) {
    return custom.contains(type);
  }

  /** The structural schema ({@code openAPIV3Schema}) of a custom resource version; missing for built-in kinds. */
  JsonNode schema(ResourceType type) {
    JsonNode schema = schemas.get(schemaKey(type));
    return schema == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : schema;
  }

  /**
   * How the sandbox reads objects of {@code type}: a custom resource by its CRD version's structural schema (read
   * once per stored schema), a built-in kind by the Kubernetes 1.32 table.
   */
  ObjectSchema objectSchema(ResourceType type) {
    if (!isCustom(type)) {
      return builtinSchemas.computeIfAbsent(type, t -> ObjectSchema.builtin(t.apiVersion(), t.kind()));
    }
    return customSchemas.computeIfAbsent(schemaKey(type), key -> {
      try {
        return ObjectSchema.custom(type.kind(), schema(type));
      } catch (IllegalArgumentException notStructural) {
        // the sandbox does not validate CRD schemas on create (a real server refuses such a CRD): read it as deduced
        LOG.warn("{}: the CRD's openAPIV3Schema is not structural ({}); its custom resources are read without"
            + " list types or keys", type.qualifiedPlural(), notStructural.getMessage());
        return ObjectSchema.custom(type.kind(), null);
      }
    });
  }

  private static String schemaKey(ResourceType type) {
    return type.group() + "/" + type.version() + "/" + type.plural();
  }

  // ---- discovery documents ------------------------------------------------------------------------------------

  ObjectNode coreVersions(String serverAddress) {
    ObjectNode doc = Json.object();
    doc.put("kind", "APIVersions");
    doc.putArray("versions").add("v1");
    ObjectNode cidr = doc.putArray("serverAddressByClientCIDRs").addObject();
    cidr.put("clientCIDR", "0.0.0.0/0");
    cidr.put("serverAddress", serverAddress);
    return doc;
  }

  ObjectNode groupList() {
    ObjectNode doc = Json.object();
    doc.put("kind", "APIGroupList");
    doc.put("apiVersion", "v1");
    ArrayNode groups = doc.putArray("groups");
    for (Map.Entry<String, Set<String>> group : versionsByGroup().entrySet()) {
      if (!group.getKey().isEmpty()) {
        groups.add(group(group.getKey(), group.getValue()));
      }
    }
    return doc;
  }

  Optional<ObjectNode> group(String name) {
    Set<String> versions = versionsByGroup().get(name);
    return versions == null || name.isEmpty() ? Optional.empty() : Optional.of(group(name, versions));
  }

  private ObjectNode group(String name, Set<String> versions) {
    ObjectNode group = Json.object();
    group.put("kind", "APIGroup");
    group.put("apiVersion", "v1");
    group.put("name", name);
    ArrayNode array = group.putArray("versions");
    for (String version : versions) {
      ObjectNode v = array.addObject();
      v.put("groupVersion", name + "/" + version);
      v.put("version", version);
    }
    String preferred = versions.iterator().next();
    group.putObject("preferredVersion").put("groupVersion", name + "/" + preferred).put("version", preferred);
    return group;
  }

  private Map<String, Set<String>> versionsByGroup() {
    Map<String, Set<String>> versions = new LinkedHashMap<>();
    for (ResourceType type : all()) {
      versions.computeIfAbsent(type.group(), g -> new LinkedHashSet<>()).add(type.version());
    }
    return versions;
  }

  Optional<ObjectNode> resourceList(String group, String version) {
    List<ResourceType> types = all().stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
    if (types.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode doc = Json.object();
    doc.put("kind", "APIResourceList");
    doc.put("apiVersion", "v1");
    doc.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode resources = doc.putArray("resources");
    for (ResourceType type : types) {
      ObjectNode r = resources.addObject();
      r.put("name", type.plural());
      r.put("singularName", type.singular());
      r.put("namespaced", type.namespaced());
      r.put("kind", type.kind());
      ArrayNode verbs = r.putArray("verbs");
      (isReview(type) ? List.of("create") : List.of("create", "delete", "deletecollection", "get", "list", "patch", "update",
          "watch")).forEach(verbs::add);
      if (!type.shortNames().isEmpty()) {
        ArrayNode shortNames = r.putArray("shortNames");
        type.shortNames().forEach(shortNames::add);
      }
      List<String> categories = categories(type);
      if (!categories.isEmpty()) {
        ArrayNode array = r.putArray("categories");
        categories.forEach(array::add);
      }
      if (type.statusSubresource()) {
        sub(resources, type, "status", type.kind(), group, version);
      }
      if (type.scaleSubresource()) {
        sub(resources, type, "scale", "Scale", "autoscaling", "v1");
      }
    }
    return Optional.of(doc);
  }

  /** The OpenAPI v3 index: one document per group-version, each in {@link #openApiGroupVersion}. */
  ObjectNode openApiIndex() {
    ObjectNode doc = Json.object();
    ObjectNode paths = doc.putObject("paths");
    for (Map.Entry<String, Set<String>> group : versionsByGroup().entrySet()) {
      for (String version : group.getValue()) {
        String gv = group.getKey().isEmpty() ? "api/" + version : "apis/" + group.getKey() + "/" + version;
        paths.putObject(gv).put("serverRelativeURL", "/openapi/v3/" + gv + "?hash=" + openApiHash(group.getKey(), version));
      }
    }
    return doc;
  }

  /** A hash of what a group-version serves, so that kubectl's cache of the document changes when a CRD does. */
  private String openApiHash(String group, String version) {
    int hash = 17;
    for (ResourceType type : all()) {
      if (type.group().equals(group) && type.version().equals(version)) {
        hash = 31 * hash + type.hashCode() + (isCustom(type) ? schema(type).hashCode() : 0);
      }
    }
    return Integer.toHexString(hash);
  }

  /** The OpenAPI v3 document of a group-version ({@link OpenApi}), empty when it is not served. */
  Optional<ObjectNode> openApiGroupVersion(String group, String version) {
    List<ResourceType> types = all().stream().filter(t -> t.group().equals(group) && t.version().equals(version)).toList();
    if (types.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(OpenApi.document(group, version, types, this));
  }

  private static void sub(ArrayNode resources, ResourceType type, String name, String kind, String group, String version) {
    ObjectNode r = resources.addObject();
    r.put("name", type.plural() + "/" + name);
    r.put("singularName", "");
    r.put("namespaced", type.namespaced());
    if (!group.isEmpty()) {
      r.put("group", group);
      r.put("version", version);
    }
    r.put("kind", kind);
    r.putArray("verbs").add("get").add("patch").add("update");
  }
}
