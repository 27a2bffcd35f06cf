package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The server-side defaults of the built-in kinds, as a Kubernetes 1.32 API server applies them to every created,
 * updated or applied object: the scheme defaulters ({@code pkg/apis/<group>/v1/defaults.go} and the +default markers),
 * and what the registries fill in on create (Service addresses and ports, a Job's selector, a Namespace's finalizer).
 * Custom resources are not touched here (their CRD's structural schema defaults them). Each constant names its entry
 * in {@code kube-schema/sources/defaults.yaml} ("type.field"), where the Go source and commit are.
 */
final class Defaults {

  private Defaults() {
  }

  /** {@code protocol: TCP} on container and service ports, since it is part of their list-map key (as the API server does before merging). */
  static void keys(JsonNode node) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        if (e.getKey().equals("ports") && e.getValue().isArray()) {
          for (JsonNode port : e.getValue()) {
            if (port instanceof ObjectNode p && (p.has("containerPort") || p.has("port")) && !p.hasNonNull("protocol")) {
              p.put("protocol", "TCP");
            }
          }
        }
        keys(e.getValue());
      });
    } else if (node.isArray()) {
      node.forEach(Defaults::keys);
    }
  }

  /**
   * Defaults {@code object}, an object of {@code type} being written, with both steps a real server takes:
   * {@link #decoded} and then {@link #registry}. For a write whose field ownership is computed in between (an Update's
   * manager owns what decoding defaulted, not what the registry fills in), call the two steps separately.
   *
   * @param before the stored object on an update, null on a create (allocated values are carried over from it)
   * @param services the stored Services, read only when a Service needs an address or node port
   * @throws ApiException 422 when a Service requests an address or node port that is out of range or taken
   */
  static void objects(ResourceType type, ObjectNode object, ObjectNode before, Supplier<List<ObjectNode>> services) {
    decoded(type, object);
    registry(type, object, before, services);
  }

  /** The scheme defaults, which the server applies as it decodes the request body (before field ownership is computed). */
  static void decoded(ResourceType type, ObjectNode object) {
    ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : null;
    switch (type.apiVersion() + "/" + type.kind()) {
      case "v1/Pod" -> PodDefaults.pod(object);
      case "v1/PodTemplate" -> PodDefaults.template(object.path("template"));
      case "v1/ReplicationController" -> replicationController(object, spec);
      case "v1/Service" -> ServiceDefaults.scheme(spec != null ? spec : object.putObject("spec"));
      case "v1/Secret" -> secret(object);
      case "v1/Namespace" -> namespace(object);
      case "v1/PersistentVolumeClaim" -> PodDefaults.claim(object);
      case "v1/PersistentVolume" -> persistentVolume(object);
      case "v1/LimitRange" -> limitRange(spec);
      case "apps/v1/Deployment" -> deployment(spec);
      case "apps/v1/StatefulSet" -> statefulSet(spec);
      case "apps/v1/DaemonSet" -> {
        daemonSet(spec);
        templateGeneration(object, type, templateGeneration(object, type));
      }
      case "apps/v1/ReplicaSet" -> replicaSet(spec);
      case "batch/v1/Job" -> job(object, spec);
      case "batch/v1/CronJob" -> cronJob(spec);
      case "networking.k8s.io/v1/NetworkPolicy" -> networkPolicy(spec);
      case "networking.k8s.io/v1/IngressClass" -> ingressClass(spec);
      case "rbac.authorization.k8s.io/v1/RoleBinding", "rbac.authorization.k8s.io/v1/ClusterRoleBinding" -> binding(object);
      case "autoscaling/v1/HorizontalPodAutoscaler" -> horizontalPodAutoscalerV1(spec);
      case "autoscaling/v2/HorizontalPodAutoscaler" -> horizontalPodAutoscalerV2(spec);
      case "storage.k8s.io/v1/StorageClass" -> storageClass(object);
      case "apiextensions.k8s.io/v1/CustomResourceDefinition" -> customResourceDefinition(object, spec);
      default -> {
        // no defaults (ConfigMap's empty data map is dropped by omitempty; ServiceAccount, ResourceQuota, Ingress,
        // Role, ClusterRole, PodDisruptionBudget, Lease have none), or a custom resource
      }
    }
  }

  /**
   * What the registry fills in after field ownership is computed (so no manager owns it), and what the server's
   * answer shows because it is the stored object read back and defaulted again: Service addresses, ports and family
   * fields, a created Job's selector and labels, a created Namespace's finalizer, an autoscaling/v1 CPU target.
   *
   * @param before the stored object on an update, null on a create
   * @param services the stored Services, read only when a Service needs an address or node port
   * @throws ApiException 422 when a Service requests an address or node port that is out of range or taken
   */
  static void registry(ResourceType type, ObjectNode object, ObjectNode before, Supplier<List<ObjectNode>> services) {
    switch (type.apiVersion() + "/" + type.kind()) {
      case "v1/Service" -> ServiceDefaults.apply(type, object, before, services);
      case "v1/Namespace" -> {
        if (before == null) {
          // defaults.yaml: io.k8s.api.core.v1.NamespaceSpec.finalizers (rule namespace-kubernetes-finalizer; on create)
          ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
          if (!spec.has("finalizers")) {
            spec.putArray("finalizers").add("kubernetes");
          }
        }
      }
      case "batch/v1/Job" -> {
        if (before == null && object.get("spec") instanceof ObjectNode spec && !spec.path("manualSelector").asBoolean(false)) {
          generateSelector(object, spec);
          // the server answers with the object read back from storage, defaulted again: a Job created without
          // labels shows its template's labels, the generated ones included
          labelsFromTemplate(object, spec);
        }
      }
      case "apps/v1/DaemonSet" -> {
        // pkg/registry/apps/daemonset/strategy.go (PrepareForCreate, PrepareForUpdate): the template generation starts at
        // 1, is the stored one on an update, one more when the template changed; apps/v1 carries it in an annotation
        long generation;
        if (before == null) {
          generation = Math.max(1, templateGeneration(object, type));
        } else {
          generation = templateGeneration(before, type);
          if (!before.path("spec").path("template").equals(object.path("spec").path("template"))) {
            generation++;
          }
        }
        templateGeneration(object, type, generation);
      }
      case "autoscaling/v1/HorizontalPodAutoscaler" -> {
        if (object.get("spec") instanceof ObjectNode spec) {
          // defaults.yaml: io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec.targetCPUUtilizationPercentage
          // (rule hpa-v1-cpu-through-storage: the stored autoscaling/v2 object is defaulted as it is read back)
          intIfUnset(spec, "targetCPUUtilizationPercentage", 80);
        }
      }
      default -> {
      }
    }
  }

  // ---- core/v1 ----------------------------------------------------------------------------------------------------

  private static void replicationController(ObjectNode object, ObjectNode spec) {
    if (spec == null) {
      return;
    }
    JsonNode templateLabels = spec.path("template").path("metadata").get("labels");
    if (templateLabels instanceof ObjectNode labels) {
      // defaults.yaml: io.k8s.api.core.v1.ReplicationControllerSpec.selector (rule selector-from-template-labels)
      if (spec.path("selector").isEmpty()) {
        spec.set("selector", labels.deepCopy());
      }
      // defaults.yaml: io.k8s.api.core.v1.ReplicationController.metadata (rule labels-from-template-labels)
      if (object.path("metadata").path("labels").isEmpty()) {
        Json.metadata(object).set("labels", labels.deepCopy());
      }
    }
    // defaults.yaml: io.k8s.api.core.v1.ReplicationControllerSpec.replicas
    intIfUnset(spec, "replicas", 1);
    PodDefaults.template(spec.path("template"));
  }

  private static void secret(ObjectNode object) {
    // defaults.yaml: io.k8s.api.core.v1.Secret.data (rule string-data-into-data)
    if (object.get("stringData") instanceof ObjectNode stringData) {
      ObjectNode data = object.get("data") instanceof ObjectNode d ? d : object.putObject("data");
      stringData.fields().forEachRemaining(e -> data.put(e.getKey(),
          Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
    }
    object.remove("stringData");
    // defaults.yaml: io.k8s.api.core.v1.Secret.type
    textIfUnset(object, "type", "Opaque");
  }

  private static void namespace(ObjectNode object) {
    // defaults.yaml: io.k8s.api.core.v1.NamespaceStatus.phase
    ObjectNode status = object.get("status") instanceof ObjectNode s ? s : object.putObject("status");
    textIfUnset(status, "phase", "Active");
    // defaults.yaml: io.k8s.api.core.v1.Namespace.metadata (rule namespace-name-label)
    String name = Json.text(object.path("metadata"), "name");
    if (name != null && !name.isEmpty()) {
      Json.metadata(object).with("labels").put("kubernetes.io/metadata.name", name);
    }
  }

  private static void persistentVolume(ObjectNode object) {
    ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
    // defaults.yaml: io.k8s.api.core.v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy
    textIfUnset(spec, "persistentVolumeReclaimPolicy", "Retain");
    // defaults.yaml: io.k8s.api.core.v1.PersistentVolumeSpec.volumeMode
    textIfUnset(spec, "volumeMode", "Filesystem");
    PodDefaults.source(spec);
    // defaults.yaml: io.k8s.api.core.v1.PersistentVolumeStatus.phase
    ObjectNode status = object.get("status") instanceof ObjectNode s ? s : object.putObject("status");
    textIfUnset(status, "phase", "Pending");
  }

  private static void limitRange(ObjectNode spec) {
    if (spec == null) {
      return;
    }
    for (JsonNode item : spec.path("limits")) {
      if (!(item instanceof ObjectNode limit) || !limit.path("type").asText().equals("Container")) {
        continue;
      }
      ObjectNode defaults = limit.get("default") instanceof ObjectNode d ? d : limit.putObject("default");
      ObjectNode defaultRequest = limit.get("defaultRequest") instanceof ObjectNode r ? r : limit.putObject("defaultRequest");
      // defaults.yaml: io.k8s.api.core.v1.LimitRangeItem.default (rule limit-range-default-from-max)
      copyMissing(limit.path("max"), defaults);
      // defaults.yaml: io.k8s.api.core.v1.LimitRangeItem.defaultRequest (rule limit-range-default-request)
      copyMissing(defaults, defaultRequest);
      copyMissing(limit.path("min"), defaultRequest);
      // empty maps are dropped on the wire (omitempty), as the server's are
      if (defaults.isEmpty()) {
        limit.remove("default");
      }
      if (defaultRequest.isEmpty()) {
        limit.remove("defaultRequest");
      }
    }
  }

  private static void copyMissing(JsonNode from, ObjectNode to) {
    from.fields().forEachRemaining(e -> {
      if (!to.has(e.getKey())) {
        to.set(e.getKey(), e.getValue().deepCopy());
      }
    });
  }

  // ---- apps/v1 ----------------------------------------------------------------------------------------------------

  private static void deployment(ObjectNode spec) {
    if (spec == null) {
      return;
    }
    // defaults.yaml: io.k8s.api.apps.v1.DeploymentSpec.replicas
    intIfUnset(spec, "replicas", 1);
    ObjectNode strategy = spec.get("strategy") instanceof ObjectNode s ? s : spec.putObject("strategy");
    // defaults.yaml: io.k8s.api.apps.v1.DeploymentStrategy.type
    textIfUnset(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      // defaults.yaml: io.k8s.api.apps.v1.DeploymentStrategy.rollingUpdate, RollingUpdateDeployment.maxUnavailable,
      // .maxSurge (rule deployment-rolling-update)
      ObjectNode rollingUpdate = strategy.get("rollingUpdate") instanceof ObjectNode r ? r : strategy.putObject("rollingUpdate");
      if (!rollingUpdate.hasNonNull("maxUnavailable")) {
        rollingUpdate.put("maxUnavailable", "25%");
      }
      if (!rollingUpdate.hasNonNull("maxSurge")) {
        rollingUpdate.put("maxSurge", "25%");
      }
    }
    // defaults.yaml: io.k8s.api.apps.v1.DeploymentSpec.revisionHistoryLimit
    intIfUnset(spec, "revisionHistoryLimit", 10);
    // defaults.yaml: io.k8s.api.apps.v1.DeploymentSpec.progressDeadlineSeconds
    intIfUnset(spec, "progressDeadlineSeconds", 600);
    PodDefaults.template(spec.path("template"));
  }

  private static void daemonSet(ObjectNode spec) {
    if (spec == null) {
      return;
    }
    ObjectNode strategy = spec.get("updateStrategy") instanceof ObjectNode s ? s : spec.putObject("updateStrategy");
    // defaults.yaml: io.k8s.api.apps.v1.DaemonSetUpdateStrategy.type
    textIfUnset(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      // defaults.yaml: io.k8s.api.apps.v1.DaemonSetUpdateStrategy.rollingUpdate, RollingUpdateDaemonSet.maxUnavailable,
      // .maxSurge (rule daemonset-rolling-update)
      ObjectNode rollingUpdate = strategy.get("rollingUpdate") instanceof ObjectNode r ? r : strategy.putObject("rollingUpdate");
      if (!rollingUpdate.hasNonNull("maxUnavailable")) {
        rollingUpdate.put("maxUnavailable", 1);
      }
      if (!rollingUpdate.hasNonNull("maxSurge")) {
        rollingUpdate.put("maxSurge", 0);
      }
    }
    // defaults.yaml: io.k8s.api.apps.v1.DaemonSetSpec.revisionHistoryLimit
    intIfUnset(spec, "revisionHistoryLimit", 10);
    PodDefaults.template(spec.path("template"));
  }

  /** apps/v1 keeps a DaemonSet's template generation in this annotation (pkg/apis/apps/v1/conversion.go). */
  static final String TEMPLATE_GENERATION = "deprecated.daemonset.template.generation";

  /**
   * The template generation a DaemonSet's annotation carries, 0 without one, as apps/v1 decoding reads it.
   *
   * @throws ApiException 400 when the annotation is not a 64-bit integer (decoding fails with strconv's error)
   */
  private static long templateGeneration(ObjectNode object, ResourceType type) {
    String value = Json.text(object.path("metadata").path("annotations"), TEMPLATE_GENERATION);
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(type.kind() + " in version \"" + type.version() + "\" cannot be handled as a "
          + type.kind() + ": strconv.ParseInt: parsing " + GoValues.quote(value) + ": "
          + (value.matches("[+-]?[0-9]+") ? "value out of range" : "invalid syntax"));
    }
  }

  /** Writes the template generation annotation, as encoding a DaemonSet to apps/v1 always does. */
  private static void templateGeneration(ObjectNode object, ResourceType type, long generation) {
    ObjectNode metadata = Json.metadata(object);
    ObjectNode annotations = metadata.get("annotations") instanceof ObjectNode a ? a : metadata.putObject("annotations");
    annotations.put(TEMPLATE_GENERATION, Long.toString(generation));
  }

  private static void statefulSet(ObjectNode spec) {
    if (spec == null) {
      return;
    }
    // defaults.yaml: io.k8s.api.apps.v1.StatefulSetSpec.podManagementPolicy
    textIfUnset(spec, "podManagementPolicy", "OrderedReady");
    // defaults.yaml: io.k8s.api.apps.v1.StatefulSetSpec.updateStrategy, RollingUpdateStatefulSetStrategy.partition
    // (rule statefulset-update-strategy)
    ObjectNode strategy = spec.get("updateStrategy") instanceof ObjectNode s ? s : spec.putObject("updateStrategy");
    if (unsetText(strategy, "type")) {
      strategy.put("type", "RollingUpdate");
      if (!strategy.hasNonNull("rollingUpdate")) {
        strategy.putObject("rollingUpdate");
      }
    }
    if (strategy.path("type").asText().equals("RollingUpdate") && strategy.get("rollingUpdate") instanceof ObjectNode rollingUpdate
        && !rollingUpdate.hasNonNull("partition")) {
      rollingUpdate.put("partition", 0);
    }
    // defaults.yaml: io.k8s.api.apps.v1.StatefulSetSpec.persistentVolumeClaimRetentionPolicy,
    // StatefulSetPersistentVolumeClaimRetentionPolicy.whenDeleted, .whenScaled
    ObjectNode retention = spec.get("persistentVolumeClaimRetentionPolicy") instanceof ObjectNode r ? r
        : spec.putObject("persistentVolumeClaimRetentionPolicy");
    textIfUnset(retention, "whenDeleted", "Retain");
    textIfUnset(retention, "whenScaled", "Retain");
    // defaults.yaml: io.k8s.api.apps.v1.StatefulSetSpec.replicas
    intIfUnset(spec, "replicas", 1);
    // defaults.yaml: io.k8s.api.apps.v1.StatefulSetSpec.revisionHistoryLimit
    intIfUnset(spec, "revisionHistoryLimit", 10);
    PodDefaults.template(spec.path("template"));
    // defaults.yaml: io.k8s.api.apps.v1.StatefulSetSpec.volumeClaimTemplates (rule claim-template-defaults)
    for (JsonNode claim : spec.path("volumeClaimTemplates")) {
      if (claim instanceof ObjectNode c) {
        PodDefaults.claim(c);
      }
    }
  }

  private static void replicaSet(ObjectNode spec) {
    if (spec == null) {
      return;
    }
    // defaults.yaml: io.k8s.api.apps.v1.ReplicaSetSpec.replicas
    intIfUnset(spec, "replicas", 1);
    PodDefaults.template(spec.path("template"));
  }

  // ---- batch/v1 ---------------------------------------------------------------------------------------------------

  private static void job(ObjectNode object, ObjectNode spec) {
    if (spec == null) {
      return;
    }
    // defaults.yaml: io.k8s.api.batch.v1.JobSpec.completions (rule job-completions), .parallelism
    if (!spec.hasNonNull("completions") && !spec.hasNonNull("parallelism")) {
      spec.put("completions", 1);
    }
    intIfUnset(spec, "parallelism", 1);
    // defaults.yaml: io.k8s.api.batch.v1.JobSpec.backoffLimit (rule job-backoff-limit)
    intIfUnset(spec, "backoffLimit", spec.hasNonNull("backoffLimitPerIndex") ? Integer.MAX_VALUE : 6);
    labelsFromTemplate(object, spec);
    // defaults.yaml: io.k8s.api.batch.v1.JobSpec.completionMode
    textIfUnset(spec, "completionMode", "NonIndexed");
    // defaults.yaml: io.k8s.api.batch.v1.JobSpec.suspend
    boolIfUnset(spec, "suspend", false);
    for (JsonNode rule : spec.path("podFailurePolicy").path("rules")) {
      for (JsonNode pattern : rule.path("onPodConditions")) {
        if (pattern instanceof ObjectNode p) {
          // defaults.yaml: io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern.status
          textIfUnset(p, "status", "True");
        }
      }
    }
    // defaults.yaml: io.k8s.api.batch.v1.JobSpec.podReplacementPolicy (rule job-pod-replacement-policy)
    textIfUnset(spec, "podReplacementPolicy", spec.hasNonNull("podFailurePolicy") ? "Failed" : "TerminatingOrFailed");
    // defaults.yaml: io.k8s.api.batch.v1.JobSpec.manualSelector
    boolIfUnset(spec, "manualSelector", false);
    PodDefaults.template(spec.path("template"));
  }

  private static void labelsFromTemplate(ObjectNode object, ObjectNode spec) {
    // defaults.yaml: io.k8s.api.batch.v1.Job.metadata (rule job-labels-from-template)
    if (spec.path("template").path("metadata").get("labels") instanceof ObjectNode labels
        && object.path("metadata").path("labels").isEmpty()) {
      Json.metadata(object).set("labels", labels.deepCopy());
    }
  }

  /** The Job strategy's generateSelector (PrepareForCreate): the template gets the job's labels, the selector its uid. */
  private static void generateSelector(ObjectNode object, ObjectNode spec) {
    // defaults.yaml: io.k8s.api.batch.v1.JobSpec.selector (rule job-generated-selector)
    String name = Json.text(object.path("metadata"), "name");
    String uid = Json.text(object.path("metadata"), "uid");
    ObjectNode template = spec.get("template") instanceof ObjectNode t ? t : spec.putObject("template");
    ObjectNode labels = Json.metadata(template).with("labels");
    for (String key : List.of("job-name", "batch.kubernetes.io/job-name")) {
      if (!labels.has(key)) {
        labels.put(key, name);
      }
    }
    for (String key : List.of("controller-uid", "batch.kubernetes.io/controller-uid")) {
      if (!labels.has(key)) {
        labels.put(key, uid);
      }
    }
    ObjectNode selector = spec.get("selector") instanceof ObjectNode s ? s : spec.putObject("selector");
    ObjectNode matchLabels = selector.get("matchLabels") instanceof ObjectNode m ? m : selector.putObject("matchLabels");
    if (!matchLabels.has("batch.kubernetes.io/controller-uid")) {
      matchLabels.put("batch.kubernetes.io/controller-uid", uid);
    }
  }

  private static void cronJob(ObjectNode spec) {
    if (spec == null) {
      return;
    }
    // defaults.yaml: io.k8s.api.batch.v1.CronJobSpec.concurrencyPolicy
    textIfUnset(spec, "concurrencyPolicy", "Allow");
    // defaults.yaml: io.k8s.api.batch.v1.CronJobSpec.suspend
    boolIfUnset(spec, "suspend", false);
    // defaults.yaml: io.k8s.api.batch.v1.CronJobSpec.successfulJobsHistoryLimit
    intIfUnset(spec, "successfulJobsHistoryLimit", 3);
    // defaults.yaml: io.k8s.api.batch.v1.CronJobSpec.failedJobsHistoryLimit
    intIfUnset(spec, "failedJobsHistoryLimit", 1);
    JsonNode jobSpec = spec.path("jobTemplate").path("spec");
    PodDefaults.template(jobSpec.path("template"));
    for (JsonNode rule : jobSpec.path("podFailurePolicy").path("rules")) {
      for (JsonNode pattern : rule.path("onPodConditions")) {
        if (pattern instanceof ObjectNode p) {
          // defaults.yaml: io.k8s.api.batch.v1.PodFailurePolicyOnPodConditionsPattern.status
          textIfUnset(p, "status", "True");
        }
      }
    }
  }

  // ---- networking, rbac, autoscaling, storage, apiextensions ------------------------------------------------------

  private static void networkPolicy(ObjectNode spec) {
    if (spec == null) {
      return;
    }
    for (String direction : List.of("ingress", "egress")) {
      for (JsonNode rule : spec.path(direction)) {
        for (JsonNode port : rule.path("ports")) {
          if (port instanceof ObjectNode p) {
            // defaults.yaml: io.k8s.api.networking.v1.NetworkPolicyPort.protocol
            textIfUnset(p, "protocol", "TCP");
          }
        }
      }
    }
    if (spec.path("policyTypes").isEmpty()) {
      // defaults.yaml: io.k8s.api.networking.v1.NetworkPolicySpec.policyTypes (rule network-policy-types)
      ArrayNode types = spec.putArray("policyTypes").add("Ingress");
      if (!spec.path("egress").isEmpty()) {
        types.add("Egress");
      }
    }
  }

  private static void ingressClass(ObjectNode spec) {
    if (spec != null && spec.get("parameters") instanceof ObjectNode parameters) {
      // defaults.yaml: io.k8s.api.networking.v1.IngressClassParametersReference.scope
      textIfUnset(parameters, "scope", "Cluster");
    }
  }

  private static void binding(ObjectNode object) {
    if (object.get("roleRef") instanceof ObjectNode roleRef) {
      // defaults.yaml: io.k8s.api.rbac.v1.RoleRef.apiGroup
      textIfUnset(roleRef, "apiGroup", "rbac.authorization.k8s.io");
    }
    for (JsonNode subject : object.path("subjects")) {
      String kind = subject.path("kind").asText();
      if (subject instanceof ObjectNode s && (kind.equals("User") || kind.equals("Group"))) {
        // defaults.yaml: io.k8s.api.rbac.v1.Subject.apiGroup (rule subject-api-group)
        textIfUnset(s, "apiGroup", "rbac.authorization.k8s.io");
      }
    }
  }

  private static void horizontalPodAutoscalerV1(ObjectNode spec) {
    if (spec == null) {
      return;
    }
    // defaults.yaml: io.k8s.api.autoscaling.v1.HorizontalPodAutoscalerSpec.minReplicas
    intIfUnset(spec, "minReplicas", 1);
  }

  private static void horizontalPodAutoscalerV2(ObjectNode spec) {
    if (spec == null) {
      return;
    }
    // defaults.yaml: io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec.minReplicas
    intIfUnset(spec, "minReplicas", 1);
    if (spec.path("metrics").isEmpty()) {
      // defaults.yaml: io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec.metrics (rule hpa-cpu-80)
      ObjectNode metric = spec.putArray("metrics").addObject();
      metric.put("type", "Resource");
      ObjectNode resource = metric.putObject("resource");
      resource.put("name", "cpu");
      resource.putObject("target").put("type", "Utilization").put("averageUtilization", 80);
    }
    if (spec.get("behavior") instanceof ObjectNode behavior) {
      // defaults.yaml: io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec.behavior (rule hpa-behavior)
      ObjectNode scaleUp = behavior.get("scaleUp") instanceof ObjectNode u ? u : behavior.putObject("scaleUp");
      intIfUnset(scaleUp, "stabilizationWindowSeconds", 0);
      textIfUnset(scaleUp, "selectPolicy", "Max");
      if (!scaleUp.hasNonNull("policies")) {
        ArrayNode policies = scaleUp.putArray("policies");
        policies.addObject().put("type", "Pods").put("value", 4).put("periodSeconds", 15);
        policies.addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
      }
      ObjectNode scaleDown = behavior.get("scaleDown") instanceof ObjectNode d ? d : behavior.putObject("scaleDown");
      textIfUnset(scaleDown, "selectPolicy", "Max");
      if (!scaleDown.hasNonNull("policies")) {
        scaleDown.putArray("policies").addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
      }
    }
  }

  private static void storageClass(ObjectNode object) {
    // defaults.yaml: io.k8s.api.storage.v1.StorageClass.reclaimPolicy
    textIfUnset(object, "reclaimPolicy", "Delete");
    // defaults.yaml: io.k8s.api.storage.v1.StorageClass.volumeBindingMode
    textIfUnset(object, "volumeBindingMode", "Immediate");
  }

  private static void customResourceDefinition(ObjectNode object, ObjectNode spec) {
    if (spec == null) {
      return;
    }
    if (spec.get("names") instanceof ObjectNode names && !unsetText(names, "kind")) {
      String kind = names.path("kind").asText();
      // defaults.yaml: ...apiextensions.v1.CustomResourceDefinitionNames.singular (rule crd-singular-from-kind)
      textIfUnset(names, "singular", kind.toLowerCase(Locale.ROOT));
      // defaults.yaml: ...apiextensions.v1.CustomResourceDefinitionNames.listKind (rule crd-list-kind)
      textIfUnset(names, "listKind", kind + "List");
    }
    // defaults.yaml: ...apiextensions.v1.CustomResourceDefinitionSpec.conversion
    ObjectNode conversion = spec.get("conversion") instanceof ObjectNode c ? c : spec.putObject("conversion");
    textIfUnset(conversion, "strategy", "None");
    if (conversion.path("webhook").path("clientConfig").get("service") instanceof ObjectNode service) {
      // defaults.yaml: ...apiextensions.v1.ServiceReference.port
      intIfUnset(service, "port", 443);
    }
    ObjectNode status = object.get("status") instanceof ObjectNode s ? s : object.putObject("status");
    if (status.path("storedVersions").isEmpty()) {
      // defaults.yaml: ...apiextensions.v1.CustomResourceDefinitionStatus.storedVersions (rule crd-stored-versions)
      for (JsonNode version : spec.path("versions")) {
        if (version.path("storage").asBoolean(false)) {
          status.putArray("storedVersions").add(version.path("name").asText());
          break;
        }
      }
    }
    if (status.isEmpty()) {
      object.remove("status");
    }
  }

  // ---- helpers for the packages' defaulters -------------------------------------------------------------------------

  /** Go's {@code if x == ""}: the field is absent, null or the empty string. */
  static boolean unsetText(JsonNode holder, String field) {
    JsonNode value = holder.get(field);
    return value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty());
  }

  static void textIfUnset(ObjectNode holder, String field, String value) {
    if (unsetText(holder, field)) {
      holder.put(field, value);
    }
  }

  /** A pointer field ({@code *int32}): defaulted only when absent or null; an explicit 0 stays. */
  static void intIfUnset(ObjectNode holder, String field, int value) {
    if (!holder.hasNonNull(field)) {
      holder.put(field, value);
    }
  }

  /** A plain int field ({@code int32}): Go's zero value, 0, is "unset" too. */
  static void intIfZero(ObjectNode holder, String field, int value) {
    JsonNode current = holder.get(field);
    if (current == null || current.isNull() || (current.isNumber() && current.asLong() == 0)) {
      holder.put(field, value);
    }
  }

  static void boolIfUnset(ObjectNode holder, String field, boolean value) {
    if (!holder.hasNonNull(field)) {
      holder.put(field, value);
    }
  }
}
