package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kubernetes' reset-fields integration test, transcribed: {@code TestApplyResetFields} of
 * {@code test/integration/apiserver/apply/reset_fields_test.go} of kubernetes/kubernetes at commit {@value #COMMIT}:
 * a manager applying to the main resource owns no status, one applying to status owns no spec, so neither conflicts
 * with the other until each applies the other's object to its own endpoint. One case per resource with a status
 * subresource that the sandbox serves (stubs of {@link EtcdStubs}); namespaced objects go into this test's namespace.
 */
abstract class ResetFieldsContract extends ContractBase {

  static final String COMMIT = "93d56511e684369479f23aae15617e483cda5719";

  /** {@code resetFieldsStatusData}, by resource; others get {@link #RESET_FIELDS_STATUS_DEFAULT}. */
  static final Map<String, String> RESET_FIELDS_STATUS_DATA = Map.of(
      "persistentvolumes.v1", "{\"status\": {\"message\": \"hello2\"}}",
      "resourcequotas.v1", "{\"status\": {\"used\": {\"cpu\": \"25M\"}}}",
      "services.v1", "{\"status\": {\"loadBalancer\": {\"ingress\": [{\"ip\": \"127.0.0.2\", \"ipMode\": \"VIP\"}]}}}",
      "ingresses.networking.k8s.io.v1", "{\"status\": {\"loadBalancer\": {\"ingress\": [{\"ip\": \"127.0.0.2\"}]}}}",
      "horizontalpodautoscalers.autoscaling.v1", "{\"status\": {\"currentReplicas\": 25}}",
      "horizontalpodautoscalers.autoscaling.v2", "{\"status\": {\"currentReplicas\": 25}}",
      "cronjobs.batch.v1", "{\"status\": {\"lastScheduleTime\":  \"2020-01-01T00:00:00Z\"}}",
      "poddisruptionbudgets.policy.v1", "{\"status\": {\"currentHealthy\": 25}}");

  static final String RESET_FIELDS_STATUS_DEFAULT = "{\"status\": {\"conditions\": [{\"type\": \"MyStatus\", \"status\":\"False\"}]}}";

  private static final String IMAGE2 = EtcdStubs.ALTERNATE_IMAGE;

  /** {@code resetFieldsSpecData}: the least change that conflicts with the stub in the fields each strategy keeps. */
  static final Map<String, String> RESET_FIELDS_SPEC_DATA = Map.ofEntries(
      Map.entry("resourcequotas.v1", "{\"spec\": {\"hard\": {\"cpu\": \"25M\"}}}"),
      Map.entry("namespaces.v1", "{\"spec\": {\"finalizers\": [\"kubernetes2\"]}}"),
      Map.entry("nodes.v1", "{\"spec\": {\"unschedulable\": false}}"),
      Map.entry("persistentvolumes.v1", "{\"spec\": {\"capacity\": {\"storage\": \"23M\"}}}"),
      Map.entry("persistentvolumeclaims.v1", "{\"spec\": {\"resources\": {\"limits\": {\"storage\": \"21M\"}}}}"),
      Map.entry("pods.v1", "{\"metadata\": {\"deletionTimestamp\": \"2020-01-01T00:00:00Z\", \"ownerReferences\":[]}, \"spec\": {\"containers\": [{\"image\": \"" + IMAGE2 + "\", \"name\": \"container7\"}]}}"),
      Map.entry("replicationcontrollers.v1", "{\"spec\": {\"selector\": {\"new\": \"stuff2\"}}}"),
      Map.entry("services.v1", "{\"spec\": {\"type\": \"ClusterIP\"}}"),
      Map.entry("daemonsets.apps.v1", "{\"spec\": {\"template\": {\"spec\": {\"containers\": [{\"image\": \"" + IMAGE2 + "\", \"name\": \"container6\"}]}}}}"),
      Map.entry("deployments.apps.v1", "{\"metadata\": {\"labels\": {\"a\":\"c\"}}, \"spec\": {\"template\": {\"spec\": {\"containers\": [{\"image\": \"" + IMAGE2 + "\", \"name\": \"container6\"}]}}}}"),
      Map.entry("replicasets.apps.v1", "{\"spec\": {\"template\": {\"spec\": {\"containers\": [{\"image\": \"" + IMAGE2 + "\", \"name\": \"container4\"}]}}}}"),
      Map.entry("statefulsets.apps.v1", "{\"spec\": {\"selector\": {\"matchLabels\": {\"a2\": \"b2\"}}}}"),
      Map.entry("horizontalpodautoscalers.autoscaling.v1", "{\"spec\": {\"maxReplicas\": 23}}"),
      Map.entry("horizontalpodautoscalers.autoscaling.v2", "{\"spec\": {\"maxReplicas\": 23}}"),
      Map.entry("jobs.batch.v1", "{\"spec\": {\"template\": {\"spec\": {\"containers\": [{\"image\": \"" + IMAGE2 + "\", \"name\": \"container1\"}]}}}}"),
      Map.entry("cronjobs.batch.v1", "{\"spec\": {\"jobTemplate\": {\"spec\": {\"template\": {\"spec\": {\"containers\": [{\"image\": \"" + IMAGE2 + "\", \"name\": \"container0\"}]}}}}}}"),
      Map.entry("ingresses.networking.k8s.io.v1", "{\"spec\": {\"defaultBackend\": {\"service\": {\"name\": \"service2\"}}}}"),
      Map.entry("poddisruptionbudgets.policy.v1", "{\"spec\": {\"selector\": {\"matchLabels\": {\"anokkey2\": \"anokvalue\"}}}}"),
      Map.entry("customresourcedefinitions.apiextensions.k8s.io.v1", "{\"metadata\": {\"labels\":{\"a\":\"c\"}}, \"spec\": {\"group\": \"webconsole22.operator.openshift.io\"}}"));

  /** Resources whose spec and status can never conflict ({@code noConflicts} of the Go test). */
  static final Set<String> NO_CONFLICTS = Set.of("namespaces");

  /** reset_fields_test.go at {@value #COMMIT}, {@code TestApplyResetFields}, subtest per resource. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"services.v1", "pods.v1", "resourcequotas.v1", "namespaces.v1", "nodes.v1", "persistentvolumes.v1",
      "persistentvolumeclaims.v1", "replicationcontrollers.v1", "daemonsets.apps.v1", "deployments.apps.v1",
      "statefulsets.apps.v1", "replicasets.apps.v1", "horizontalpodautoscalers.autoscaling.v1",
      "horizontalpodautoscalers.autoscaling.v2", "jobs.batch.v1", "cronjobs.batch.v1", "ingresses.networking.k8s.io.v1",
      "poddisruptionbudgets.policy.v1", "customresourcedefinitions.apiextensions.k8s.io.v1"})
  void applyResetFields(String resource) {
    EtcdStubs.Stub stub = EtcdStubs.find(ns, resource).orElseThrow();
    if (!stub.namespaced()) {
      deleteAfterwards(stub.path(ns));
    }
    ObjectNode obj1 = (ObjectNode) Json.parse(stub.json());
    unmarshalInto(obj1, StatusContract.STATUS_DATA.getOrDefault(resource, StatusContract.STATUS_DEFAULT));
    obj1.put("apiVersion", stub.apiVersion());
    obj1.put("kind", stub.kind());

    apply(stub.path(ns), "?fieldManager=fieldmanager1", Json.write(obj1)).ok("apply obj1");

    ObjectNode obj2 = obj1.deepCopy();
    unmarshalInto(obj2, RESET_FIELDS_SPEC_DATA.get(resource));
    unmarshalInto(obj2, RESET_FIELDS_STATUS_DATA.getOrDefault(resource, RESET_FIELDS_STATUS_DEFAULT));
    assertThat(obj2).as("obj1 and obj2 should not be equal").isNotEqualTo(obj1);

    apply(stub.path(ns) + "/status", "?fieldManager=fieldmanager2", Json.write(obj2)).ok("apply obj2 to status");

    if (!NO_CONFLICTS.contains(stub.resource())) {
      Reply spec = apply(stub.path(ns), "?fieldManager=fieldmanager2", Json.write(obj2));
      assertThat(spec.ok() ? "" : spec.message()).as("expected conflict in spec of %s: %s", stub, spec).contains("conflict");
      Reply status = apply(stub.path(ns) + "/status", "?fieldManager=fieldmanager1", Json.write(obj1));
      assertThat(status.ok() ? "" : status.message()).as("expected conflict in status of %s: %s", stub, status).contains("conflict");
    }

    call("DELETE", stub.path(ns), JSON, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0}")
        .ok("deleting final object");
  }

  /** What Go's {@code json.Unmarshal} into an existing map does: each top-level key of {@code json} replaces the old value. */
  static void unmarshalInto(ObjectNode target, String json) {
    JsonNode source = Json.parse(json);
    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      target.set(field.getKey(), field.getValue().deepCopy());
    }
  }
}
