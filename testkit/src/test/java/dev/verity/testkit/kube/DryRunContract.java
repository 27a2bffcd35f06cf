package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kubernetes' dry-run integration test, transcribed: {@code TestDryRun} of {@code test/integration/dryrun/dryrun_test.go}
 * of kubernetes/kubernetes at commit {@value #COMMIT}, one case per resource (its {@code t.Run} subtests) for the
 * resources the sandbox serves, with the stubs of {@link EtcdStubs}. Namespaced stubs go into this test's namespace
 * rather than {@code dryrunnamespace}.
 */
abstract class DryRunContract extends ContractBase {

  static final String COMMIT = "08b50a40d440d7c5b7ad681f0798c454af4f0b26";
  static final String DRY_RUN = "?dryRun=All";

  /** dryrun_test.go at {@value #COMMIT}, {@code TestDryRun}, subtest per resource: dry-run create, update, patch, scale, delete-collection and delete. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"configmaps.v1", "services.v1", "pods.v1", "endpoints.v1", "resourcequotas.v1", "limitranges.v1",
      "namespaces.v1", "nodes.v1", "persistentvolumes.v1", "events.v1", "persistentvolumeclaims.v1", "serviceaccounts.v1",
      "secrets.v1", "replicationcontrollers.v1", "daemonsets.apps.v1", "deployments.apps.v1", "statefulsets.apps.v1",
      "replicasets.apps.v1", "controllerrevisions.apps.v1", "horizontalpodautoscalers.autoscaling.v1",
      "horizontalpodautoscalers.autoscaling.v2", "jobs.batch.v1", "cronjobs.batch.v1", "ingresses.networking.k8s.io.v1",
      "ingressclasses.networking.k8s.io.v1", "networkpolicies.networking.k8s.io.v1", "leases.coordination.k8s.io.v1",
      "poddisruptionbudgets.policy.v1", "storageclasses.storage.k8s.io.v1",
      "roles.rbac.authorization.k8s.io.v1", "clusterroles.rbac.authorization.k8s.io.v1",
      "rolebindings.rbac.authorization.k8s.io.v1", "clusterrolebindings.rbac.authorization.k8s.io.v1",
      "customresourcedefinitions.apiextensions.k8s.io.v1"})
  void dryRun(String resource) {
    EtcdStubs.Stub stub = EtcdStubs.find(ns, resource).orElseThrow();
    if (!stub.namespaced()) {
      deleteAfterwards(stub.path(ns));
    }
    dryRunCreate(stub);
    post(stub.collection(ns), "", stub.withTypeMeta()).ok("create stub for " + stub);
    dryRunUpdate(stub);
    dryRunPatch(stub);
    dryRunScalePatch(stub);
    dryRunScaleUpdate(stub);
    if (!stub.resource().equals("namespaces")) {
      // namespaces have no deletecollection verb, so the Go test's HasDeleteCollection is false for them
      dryRunDeleteCollection(stub);
    }
    dryRunDelete(stub);
    call("DELETE", stub.path(ns), JSON, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"gracePeriodSeconds\":0}")
        .ok("deleting final object");
  }

  private void dryRunCreate(EtcdStubs.Stub stub) {
    JsonNode created = post(stub.collection(ns), DRY_RUN, stub.withTypeMeta()).ok("dry-run create stub for " + stub);
    assertThat(created.path("apiVersion").asText()).as("created object gvk").isEqualTo(stub.apiVersion());
    assertThat(created.path("kind").asText()).as("created object gvk").isEqualTo(stub.kind());
    assertThat(get(stub.path(ns)).code()).as("object shouldn't exist").isEqualTo(404);
  }

  private void dryRunUpdate(EtcdStubs.Stub stub) {
    // up to three tries: a controller may write the object (the CRD controller its status) between the read and the
    // update, which then answers 409 Conflict, as a real API server does
    Reply reply = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      ObjectNode object = (ObjectNode) get(stub.path(ns)).ok("retrieve object");
      ((ObjectNode) object.path("metadata")).putObject("annotations").put("update", "true");
      reply = put(stub.path(ns), DRY_RUN, Json.write(object));
      if (reply.code() != 409) break;
    }
    JsonNode updated = reply.ok("dry-run update resource");
    assertThat(updated.path("metadata").path("annotations").path("update").asText())
        .as("dry-run updated annotations should be returned").isEqualTo("true");
    assertThat(get(stub.path(ns)).ok("get object").path("metadata").path("annotations").path("update").asText())
        .as("dry-run updated annotations should not be persisted").isNotEqualTo("true");
  }

  private void dryRunPatch(EtcdStubs.Stub stub) {
    JsonNode patched = patch(MERGE, stub.path(ns), DRY_RUN, "{\"metadata\":{\"annotations\":{\"patch\": \"true\"}}}")
        .ok("dry-run patch object");
    assertThat(patched.path("metadata").path("annotations").path("patch").asText())
        .as("dry-run patched annotations should be returned").isEqualTo("true");
    assertThat(get(stub.path(ns)).ok("get object").path("metadata").path("annotations").path("patch").asText())
        .as("dry-run patched annotations should not be persisted").isNotEqualTo("true");
  }

  private void dryRunScalePatch(EtcdStubs.Stub stub) {
    Reply scale = get(stub.path(ns) + "/scale");
    if (scale.code() == 404) {
      return;
    }
    long replicas = replicas(scale.ok("get object"));
    JsonNode patched = patch(MERGE, stub.path(ns) + "/scale", DRY_RUN, "{\"spec\":{\"replicas\":10}}").ok("dry-run patch scale");
    assertThat(replicas(patched)).as("dry-run patch to replicas didn't return new value").isEqualTo(10);
    assertThat(replicas(get(stub.path(ns) + "/scale").ok("get scale sub-resource"))).as("number of replicas changed")
        .isEqualTo(replicas);
  }

  private void dryRunScaleUpdate(EtcdStubs.Stub stub) {
    Reply scale = get(stub.path(ns) + "/scale");
    if (scale.code() == 404) {
      return;
    }
    ObjectNode object = (ObjectNode) scale.ok("get object");
    long replicas = replicas(object);
    ((ObjectNode) object.path("spec")).put("replicas", 10);
    JsonNode updated = put(stub.path(ns) + "/scale", DRY_RUN, Json.write(object)).ok("dry-run update scale sub-resource");
    assertThat(replicas(updated)).as("dry-run update to replicas didn't return new value").isEqualTo(10);
    assertThat(replicas(get(stub.path(ns) + "/scale").ok("get scale sub-resource"))).as("number of replicas changed")
        .isEqualTo(replicas);
  }

  private void dryRunDeleteCollection(EtcdStubs.Stub stub) {
    call("DELETE", stub.collection(ns), JSON, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"All\"]}")
        .ok("dry-run delete collection");
    assertThat(get(stub.path(ns)).ok("get object").path("metadata").has("deletionTimestamp"))
        .as("object has a deletion timestamp after dry-run delete collection").isFalse();
  }

  private void dryRunDelete(EtcdStubs.Stub stub) {
    call("DELETE", stub.path(ns), JSON, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"All\"]}")
        .ok("dry-run delete");
    assertThat(get(stub.path(ns)).ok("get object").path("metadata").has("deletionTimestamp"))
        .as("object has a deletion timestamp after dry-run delete").isFalse();
  }

  private static long replicas(JsonNode object) {
    JsonNode replicas = object.path("spec").path("replicas");
    assertThat(replicas.isMissingNode()).as("object doesn't have spec.replicas: %s", object).isFalse();
    return replicas.asLong();
  }
}
