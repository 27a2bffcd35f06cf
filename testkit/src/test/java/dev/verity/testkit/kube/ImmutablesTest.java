package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Immutable fields refused as kube-apiserver 1.32 refuses them (messages as its field errors print). */
class ImmutablesTest {

  private static final ResourceTypes TYPES = new ResourceTypes();

  private static ResourceType type(String group, String version, String plural) {
    return TYPES.byPlural(group, version, plural).orElseThrow();
  }

  private static ObjectNode object(String json) {
    return (ObjectNode) Json.parse(json);
  }

  @Test
  void aDeploymentSelectorChangeIsRefusedWithTheServersMessage() {
    ObjectNode before = object("""
        {"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "replicas": 1}}""");
    ObjectNode after = object("""
        {"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web2", "tier": "a"}}, "replicas": 1}}""");

    ApiException refused = catchThrowableOfType(ApiException.class,
        () -> Immutables.check(type("apps", "v1", "deployments"), before, after));

    assertThat(refused.code()).isEqualTo(422);
    assertThat(refused.getMessage()).isEqualTo("Deployment.apps \"web\" is invalid: spec.selector: Invalid value: "
        + "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\", \"tier\":\"a\"}, "
        + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
    assertThatCode(() -> Immutables.check(type("apps", "v1", "deployments"), before, object("""
        {"metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "replicas": 5}}""")))
        .doesNotThrowAnyException();
  }

  @Test
  void aStatefulSetRefusesChangesOutsideItsMutableFieldsAsOneSpecError() {
    ObjectNode before = object("""
        {"metadata": {"name": "db"}, "spec": {"serviceName": "db", "replicas": 1, "selector": {"matchLabels": {"app": "db"}}}}""");
    ObjectNode after = object("""
        {"metadata": {"name": "db"}, "spec": {"serviceName": "db2", "replicas": 3, "selector": {"matchLabels": {"app": "db"}}}}""");

    ApiException refused = catchThrowableOfType(ApiException.class,
        () -> Immutables.check(type("apps", "v1", "statefulsets"), before, after));

    assertThat(refused.getMessage()).isEqualTo("StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to statefulset "
        + "spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
        + "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
  }

  @Test
  void anImmutableConfigMapKeepsItsDataButAMutableOneChanges() {
    ResourceType configMaps = type("", "v1", "configmaps");
    ObjectNode frozen = object("""
        {"metadata": {"name": "c"}, "immutable": true, "data": {"a": "1"}}""");

    ApiException refused = catchThrowableOfType(ApiException.class, () -> Immutables.check(configMaps, frozen, object("""
        {"metadata": {"name": "c"}, "immutable": true, "data": {"a": "2"}}""")));

    assertThat(refused.getMessage()).isEqualTo("ConfigMap \"c\" is invalid: data: Forbidden: field is immutable when `immutable` is set");
    assertThatCode(() -> Immutables.check(configMaps, object("""
        {"metadata": {"name": "c"}, "data": {"a": "1"}}"""), object("""
        {"metadata": {"name": "c"}, "data": {"a": "2"}}"""))).doesNotThrowAnyException();
  }

  @Test
  void aServiceClusterIpMayNotChangeOnceSet() {
    ApiException refused = catchThrowableOfType(ApiException.class, () -> Immutables.check(type("", "v1", "services"),
        object("""
            {"metadata": {"name": "s"}, "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.10", "clusterIPs": ["10.96.0.10"]}}"""),
        object("""
            {"metadata": {"name": "s"}, "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.11", "clusterIPs": ["10.96.0.11"]}}""")));

    assertThat(refused.getMessage()).isEqualTo("Service \"s\" is invalid: spec.clusterIPs[0]: Invalid value: "
        + "[]string{\"10.96.0.11\"}: may not change once set");
  }

  @Test
  void aRoleBindingCannotChangeItsRoleRef() {
    ApiException refused = catchThrowableOfType(ApiException.class,
        () -> Immutables.check(type("rbac.authorization.k8s.io", "v1", "rolebindings"),
            object("""
                {"metadata": {"name": "rb"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}}"""),
            object("""
                {"metadata": {"name": "rb"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit"}}""")));

    assertThat(refused.getMessage()).isEqualTo("RoleBinding.rbac.authorization.k8s.io \"rb\" is invalid: roleRef: Invalid value: "
        + "rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"ClusterRole\", Name:\"edit\"}: cannot change roleRef");
  }

  @Test
  void aSuspendedJobThatNeverStartedMayChangeItsTemplate() {
    ResourceType jobs = type("batch", "v1", "jobs");
    ObjectNode before = object("""
        {"metadata": {"name": "j"}, "spec": {"suspend": true, "template": {"spec": {"containers": [{"name": "a", "image": "x:1"}]}}}}""");
    ObjectNode after = object("""
        {"metadata": {"name": "j"}, "spec": {"suspend": true, "template": {"spec": {"containers": [{"name": "a", "image": "x:2"}]}}}}""");

    assertThatCode(() -> Immutables.check(jobs, before, after)).doesNotThrowAnyException();
    ObjectNode running = before.deepCopy();
    ((ObjectNode) running.path("spec")).put("suspend", false);
    ObjectNode changed = after.deepCopy();
    ((ObjectNode) changed.path("spec")).put("suspend", false);
    assertThat(catchThrowableOfType(ApiException.class, () -> Immutables.check(jobs, running, changed)).getMessage())
        .startsWith("Job.batch \"j\" is invalid: spec.template: Invalid value: ").endsWith(": field is immutable");
  }
}
