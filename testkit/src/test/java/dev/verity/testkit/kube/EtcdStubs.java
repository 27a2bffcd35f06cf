package dev.verity.testkit.kube;

import java.util.List;
import java.util.Optional;

/**
 * The objects Kubernetes' integration tests create for each resource ({@code GetEtcdStorageData} in
 * {@code test/integration/etcd/data.go} of kubernetes/kubernetes at commit {@value #COMMIT}), for the resources the
 * sandbox serves. {@code dryrun_test.go}, {@code status_test.go} and {@code reset_fields_test.go} iterate over them.
 */
final class EtcdStubs {

  static final String COMMIT = "008b3652959ca58af8be3fb5b6ecfe9ae7638282";

  /** {@code image.GetE2EImage(image.BusyBox)} and {@code image.GetE2EImage(image.Etcd)}: only their being images matters. */
  static final String IMAGE = "registry.k8s.io/e2e-test-images/busybox:1.36.1-1";
  static final String ALTERNATE_IMAGE = "registry.k8s.io/etcd:3.5.21-0";

  /** One resource and its stub (metadata.name inside; apiVersion and kind set by the test, as the Go tests do). */
  record Stub(String group, String version, String resource, String kind, boolean namespaced, boolean status,
      boolean scale, String json) {

    String apiVersion() {
      return group.isEmpty() ? version : group + "/" + version;
    }

    String name() {
      return Json.parse(json).path("metadata").path("name").asText();
    }

    /** The collection path, in {@code namespace} when namespaced. */
    String collection(String namespace) {
      String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
      return prefix + (namespaced ? "/namespaces/" + namespace : "") + "/" + resource;
    }

    String path(String namespace) {
      return collection(namespace) + "/" + name();
    }

    /** The stub with apiVersion and kind set, as {@code etcd.JSONToUnstructured} and {@code SetGroupVersionKind} do. */
    String withTypeMeta() {
      var node = (com.fasterxml.jackson.databind.node.ObjectNode) Json.parse(json);
      node.put("apiVersion", apiVersion());
      node.put("kind", kind);
      return Json.write(node);
    }

    @Override
    public String toString() {
      return resource + "." + (group.isEmpty() ? "" : group + ".") + version;
    }
  }

  private EtcdStubs() {
  }

  static List<Stub> all(String namespace) {
    return List.of(
        core("configmaps", "ConfigMap", true, false, "{\"data\": {\"foo\": \"bar\"}, \"metadata\": {\"name\": \"cm1\"}}"),
        core("services", "Service", true, true, "{\"metadata\": {\"name\": \"service1\"}, \"spec\": {\"type\": \"LoadBalancer\", \"ports\": [{\"port\": 10000, \"targetPort\": 11000}], \"selector\": {\"test\": \"data\"}}}"),
        core("pods", "Pod", true, true, "{\"metadata\": {\"name\": \"pod1\"}, \"spec\": {\"containers\": [{\"image\": \"" + IMAGE + "\", \"name\": \"container7\", \"resources\": {\"limits\": {\"cpu\": \"1M\"}, \"requests\": {\"cpu\": \"1M\"}}}]}}"),
        core("endpoints", "Endpoints", true, false, "{\"metadata\": {\"name\": \"ep1name\"}, \"subsets\": [{\"addresses\": [{\"hostname\": \"bar-001\", \"ip\": \"192.168.3.1\"}], \"ports\": [{\"port\": 8000}]}]}"),
        core("resourcequotas", "ResourceQuota", true, true, "{\"metadata\": {\"name\": \"rq1name\"}, \"spec\": {\"hard\": {\"cpu\": \"5M\"}}}"),
        core("limitranges", "LimitRange", true, false, "{\"metadata\": {\"name\": \"lr1name\"}, \"spec\": {\"limits\": [{\"type\": \"Pod\"}]}}"),
        core("namespaces", "Namespace", false, true, "{\"metadata\": {\"name\": \"namespace1\"}, \"spec\": {\"finalizers\": [\"kubernetes\"]}}"),
        core("nodes", "Node", false, true, "{\"metadata\": {\"name\": \"node1\"}, \"spec\": {\"unschedulable\": true}}"),
        core("persistentvolumes", "PersistentVolume", false, true, "{\"metadata\": {\"name\": \"pv1name\"}, \"spec\": {\"accessModes\": [\"ReadWriteOnce\"], \"capacity\": {\"storage\": \"3M\"}, \"hostPath\": {\"path\": \"/tmp/test/\"}}}"),
        core("events", "Event", true, false, "{\"involvedObject\": {\"namespace\": \"" + namespace + "\"}, \"message\": \"some data here\", \"metadata\": {\"name\": \"event1\"}}"),
        core("persistentvolumeclaims", "PersistentVolumeClaim", true, true, "{\"metadata\": {\"name\": \"pvc1\"}, \"spec\": {\"accessModes\": [\"ReadWriteOnce\"], \"resources\": {\"limits\": {\"storage\": \"1M\"}, \"requests\": {\"storage\": \"2M\"}}, \"selector\": {\"matchLabels\": {\"pvc\": \"stuff\"}}}}"),
        core("serviceaccounts", "ServiceAccount", true, false, "{\"metadata\": {\"name\": \"sa1name\"}, \"secrets\": [{\"name\": \"secret00\"}]}"),
        core("secrets", "Secret", true, false, "{\"data\": {\"key\": \"ZGF0YSBmaWxl\"}, \"metadata\": {\"name\": \"secret1\"}}"),
        new Stub("", "v1", "replicationcontrollers", "ReplicationController", true, true, true, "{\"metadata\": {\"name\": \"rc1\"}, \"spec\": {\"selector\": {\"new\": \"stuff\"}, \"template\": {\"metadata\": {\"labels\": {\"new\": \"stuff\"}}, \"spec\": {\"containers\": [{\"image\": \"" + IMAGE + "\", \"name\": \"container8\"}]}}}}"),
        apps("daemonsets", "DaemonSet", false, "{\"metadata\": {\"name\": \"ds6\"}, \"spec\": {\"selector\": {\"matchLabels\": {\"a\": \"b\"}}, \"template\": {\"metadata\": {\"labels\": {\"a\": \"b\"}}, \"spec\": {\"containers\": [{\"image\": \"" + IMAGE + "\", \"name\": \"container6\"}]}}}}"),
        apps("deployments", "Deployment", true, "{\"metadata\": {\"name\": \"deployment4\"}, \"spec\": {\"selector\": {\"matchLabels\": {\"f\": \"z\"}}, \"template\": {\"metadata\": {\"labels\": {\"f\": \"z\"}}, \"spec\": {\"containers\": [{\"image\": \"" + IMAGE + "\", \"name\": \"container6\"}]}}}}"),
        apps("statefulsets", "StatefulSet", true, "{\"metadata\": {\"name\": \"ss3\"}, \"spec\": {\"selector\": {\"matchLabels\": {\"a\": \"b\"}}, \"template\": {\"metadata\": {\"labels\": {\"a\": \"b\"}}, \"spec\": {\"restartPolicy\": \"Always\", \"terminationGracePeriodSeconds\": 30, \"containers\": [{\"image\": \"" + IMAGE + "\", \"name\": \"container6\", \"terminationMessagePolicy\": \"File\"}]}}}}"),
        apps("replicasets", "ReplicaSet", true, "{\"metadata\": {\"name\": \"rs3\"}, \"spec\": {\"selector\": {\"matchLabels\": {\"g\": \"h\"}}, \"template\": {\"metadata\": {\"labels\": {\"g\": \"h\"}}, \"spec\": {\"containers\": [{\"image\": \"" + IMAGE + "\", \"name\": \"container4\"}]}}}}"),
        new Stub("apps", "v1", "controllerrevisions", "ControllerRevision", true, false, false, "{\"metadata\":{\"name\":\"crs3\"},\"data\":{\"name\":\"abc\",\"namespace\":\"default\",\"Spec\":{\"Replicas\":0,\"Selector\":{\"matchLabels\":{\"foo\":\"bar\"}},\"Template\":{\"labels\":{\"foo\":\"bar\"},\"Spec\":{\"Volumes\":null,\"InitContainers\":null,\"Containers\":null,\"RestartPolicy\":\"Always\",\"TerminationGracePeriodSeconds\":null,\"ActiveDeadlineSeconds\":null,\"DNSPolicy\":\"ClusterFirst\",\"NodeSelector\":null,\"ServiceAccountName\":\"\",\"AutomountServiceAccountToken\":null,\"NodeName\":\"\",\"SecurityContext\":null,\"ImagePullSecrets\":null,\"Hostname\":\"\",\"Subdomain\":\"\",\"Affinity\":null,\"SchedulerName\":\"\",\"Tolerations\":null,\"HostAliases\":null}},\"VolumeClaimTemplates\":null,\"ServiceName\":\"\"},\"Status\":{\"ObservedGeneration\":null,\"Replicas\":0}},\"revision\":0}"),
        new Stub("autoscaling", "v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, true, false, "{\"metadata\": {\"name\": \"hpa2\"}, \"spec\": {\"maxReplicas\": 3, \"scaleTargetRef\": {\"kind\": \"something\", \"name\": \"cross\", \"apiVersion\": \"apps/v1\"}}}"),
        new Stub("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", true, true, false, "{\"metadata\": {\"name\": \"hpa4\"}, \"spec\": {\"maxReplicas\": 3, \"scaleTargetRef\": {\"kind\": \"something\", \"name\": \"cross\", \"apiVersion\": \"apps/v1\"}}}"),
        new Stub("batch", "v1", "jobs", "Job", true, true, false, "{\"metadata\": {\"name\": \"job1\"}, \"spec\": {\"manualSelector\": true, \"selector\": {\"matchLabels\": {\"controller-uid\": \"uid1\"}}, \"template\": {\"metadata\": {\"labels\": {\"controller-uid\": \"uid1\"}}, \"spec\": {\"containers\": [{\"image\": \"" + IMAGE + "\", \"name\": \"container1\"}], \"dnsPolicy\": \"ClusterFirst\", \"restartPolicy\": \"Never\"}}}}"),
        new Stub("batch", "v1", "cronjobs", "CronJob", true, true, false, "{\"metadata\": {\"name\": \"cjv1\"}, \"spec\": {\"jobTemplate\": {\"spec\": {\"template\": {\"metadata\": {\"labels\": {\"controller-uid\": \"uid0\"}}, \"spec\": {\"containers\": [{\"image\": \"" + IMAGE + "\", \"name\": \"container0\"}], \"dnsPolicy\": \"ClusterFirst\", \"restartPolicy\": \"Never\"}}}}, \"schedule\": \"* * * * *\"}}"),
        new Stub("networking.k8s.io", "v1", "ingresses", "Ingress", true, true, false, "{\"metadata\": {\"name\": \"ingress3\"}, \"spec\": {\"defaultBackend\": {\"service\":{\"name\":\"service\", \"port\":{\"number\": 5000}}}}}"),
        new Stub("networking.k8s.io", "v1", "ingressclasses", "IngressClass", false, false, false, "{\"metadata\": {\"name\": \"ingressclass3\"}, \"spec\": {\"controller\": \"example.com/controller\"}}"),
        new Stub("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", true, false, false, "{\"metadata\": {\"name\": \"np2\"}, \"spec\": {\"podSelector\": {\"matchLabels\": {\"e\": \"f\"}}}}"),
        new Stub("coordination.k8s.io", "v1", "leases", "Lease", true, false, false, "{\"metadata\": {\"name\": \"leasev1\"}, \"spec\": {\"holderIdentity\": \"holder\", \"leaseDurationSeconds\": 5}}"),
        new Stub("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", true, true, false, "{\"metadata\": {\"name\": \"pdbv1\"}, \"spec\": {\"selector\": {\"matchLabels\": {\"anokkey\": \"anokvalue\"}}}}"),
        new Stub("storage.k8s.io", "v1", "storageclasses", "StorageClass", false, false, false, "{\"metadata\": {\"name\": \"sc2\"}, \"provisioner\": \"aws\"}"),
        rbac("roles", "Role", true, "{\"metadata\": {\"name\": \"role3\"}, \"rules\": [{\"apiGroups\": [\"v1\"], \"resources\": [\"events\"], \"verbs\": [\"watch\"]}]}"),
        rbac("clusterroles", "ClusterRole", false, "{\"metadata\": {\"name\": \"crole3\"}, \"rules\": [{\"nonResourceURLs\": [\"/version\"], \"verbs\": [\"get\"]}]}"),
        rbac("rolebindings", "RoleBinding", true, "{\"metadata\": {\"name\": \"roleb3\"}, \"roleRef\": {\"apiGroup\": \"rbac.authorization.k8s.io\", \"kind\": \"ClusterRole\", \"name\": \"somecr\"}, \"subjects\": [{\"apiVersion\": \"rbac.authorization.k8s.io/v1alpha1\", \"kind\": \"Group\", \"name\": \"system:authenticated\"}]}"),
        rbac("clusterrolebindings", "ClusterRoleBinding", false, "{\"metadata\": {\"name\": \"croleb3\"}, \"roleRef\": {\"apiGroup\": \"rbac.authorization.k8s.io\", \"kind\": \"ClusterRole\", \"name\": \"somecr\"}, \"subjects\": [{\"apiVersion\": \"rbac.authorization.k8s.io/v1alpha1\", \"kind\": \"Group\", \"name\": \"system:authenticated\"}]}"),
        new Stub("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", false, true, false,
            "{\"metadata\": {\"name\": \"openshiftwebconsoleconfigs.webconsole2.operator.openshift.io\"},\"spec\": {"
                + "\"scope\": \"Cluster\",\"group\": \"webconsole2.operator.openshift.io\","
                + "\"versions\": [{\"name\":\"v1alpha1\",\"storage\":true,\"served\":true,\"schema\":{\"openAPIV3Schema\":{\"type\":\"object\"}}}],"
                + "\"names\": {\"kind\": \"OpenShiftWebConsoleConfig\",\"plural\": \"openshiftwebconsoleconfigs\",\"singular\": \"openshiftwebconsoleconfig\"}}}"));
  }

  static Optional<Stub> find(String namespace, String resourceDotGroupVersion) {
    return all(namespace).stream().filter(s -> s.toString().equals(resourceDotGroupVersion)).findFirst();
  }

  private static Stub core(String resource, String kind, boolean namespaced, boolean status, String json) {
    return new Stub("", "v1", resource, kind, namespaced, status, false, json);
  }

  private static Stub apps(String resource, String kind, boolean scale, String json) {
    return new Stub("apps", "v1", resource, kind, true, true, scale, json);
  }

  private static Stub rbac(String resource, String kind, boolean namespaced, String json) {
    return new Stub("rbac.authorization.k8s.io", "v1", resource, kind, namespaced, false, false, json);
  }
}
