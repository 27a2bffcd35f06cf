package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kubernetes' status-apply integration test, transcribed: {@code TestApplyStatus} of
 * {@code test/integration/apiserver/apply/status_test.go} of kubernetes/kubernetes at commit {@value #COMMIT}, one case
 * per resource with a status subresource that the sandbox serves (the Go test's {@code t.Run} per resource), with the
 * stubs of {@link EtcdStubs}. Namespaced objects go into this test's namespace rather than {@code statusnamespace}.
 */
abstract class StatusContract extends ContractBase {

  static final String COMMIT = "01aa0f3f6052c9866dcb69054d8924fa8c96e3cb";

  /** {@code statusData} of status_test.go, by resource; others get {@link #STATUS_DEFAULT}. */
  static final Map<String, String> STATUS_DATA = Map.of(
      "persistentvolumes.v1", "{\"status\": {\"message\": \"hello\"}}",
      "resourcequotas.v1", "{\"status\": {\"used\": {\"cpu\": \"5M\"}}}",
      "services.v1", "{\"status\": {\"loadBalancer\": {\"ingress\": [{\"ip\": \"127.0.0.1\"}]}}}",
      "ingresses.networking.k8s.io.v1", "{\"status\": {\"loadBalancer\": {\"ingress\": [{\"ip\": \"127.0.0.1\"}]}}}",
      "horizontalpodautoscalers.autoscaling.v1", "{\"status\": {\"currentReplicas\": 5}}",
      "horizontalpodautoscalers.autoscaling.v2", "{\"status\": {\"currentReplicas\": 5}}",
      "cronjobs.batch.v1", "{\"status\": {\"lastScheduleTime\": null}}",
      "poddisruptionbudgets.policy.v1", "{\"status\": {\"currentHealthy\": 5}}");

  static final String STATUS_DEFAULT = "{\"status\": {\"conditions\": [{\"type\": \"MyStatus\", \"status\":\"True\"}]}}";

  /** status_test.go at {@value #COMMIT}, {@code TestApplyStatus}, subtest per resource: status applied by another manager, both own fields. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"services.v1", "pods.v1", "resourcequotas.v1", "namespaces.v1", "nodes.v1", "persistentvolumes.v1",
      "persistentvolumeclaims.v1", "replicationcontrollers.v1", "daemonsets.apps.v1", "deployments.apps.v1",
      "statefulsets.apps.v1", "replicasets.apps.v1", "horizontalpodautoscalers.autoscaling.v1",
      "horizontalpodautoscalers.autoscaling.v2", "jobs.batch.v1", "cronjobs.batch.v1", "ingresses.networking.k8s.io.v1",
      "poddisruptionbudgets.policy.v1", "customresourcedefinitions.apiextensions.k8s.io.v1"})
  void applyStatus(String resource) {
    EtcdStubs.Stub stub = EtcdStubs.find(ns, resource).orElseThrow();
    if (!stub.namespaced()) {
      deleteAfterwards(stub.path(ns));
    }
    apply(stub.path(ns), "?fieldManager=create_test", stub.withTypeMeta()).ok("apply to create " + stub);

    ObjectNode status = (ObjectNode) Json.parse(STATUS_DATA.getOrDefault(resource, STATUS_DEFAULT));
    status.put("apiVersion", stub.apiVersion());
    status.put("kind", stub.kind());
    status.putObject("metadata").put("name", stub.name());
    JsonNode object = apply(stub.path(ns) + "/status", "?fieldManager=apply_status_test&force=true", yaml(status))
        .ok("apply status of " + stub);

    List<String> managers = new ArrayList<>();
    object.path("metadata").path("managedFields").forEach(e -> managers.add(e.path("manager").asText()));
    assertThat(managers).as("managedFields of %s", stub).contains("apply_status_test", "create_test");

    call("DELETE", stub.path(ns), JSON, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0}")
        .ok("deleting final object");
  }

  /** What {@code yaml.Marshal} of the Go test sends. */
  static String yaml(JsonNode node) {
    try {
      return Json.YAML.writeValueAsString(node);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }
}
