package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Lifecycle where timing matters, over real HTTP: CRDs become Established after a delay and only then serve their
 * kinds; names conflicts; CRD deletion through Terminating; structural pruning and defaulting of custom resources;
 * namespaces through Terminating; status reset on spec writes and spec reset on status writes.
 */
class SandboxLifecycleIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @RegisterExtension
  static final SandboxFixture SANDBOX = new SandboxFixture("life");
  private String ns;
  private String group;

  @BeforeEach
  void fresh() {
    ns = SANDBOX.namespace();
    group = "g" + ns.substring("life-".length()) + ".example.com";
  }

  // ---- CRDs ---------------------------------------------------------------------------------------------------

  @Test
  void aCrdServesItsKindsOnlyOnceEstablishedAfterTheDelay() {
    List<JsonNode> seen = new CopyOnWriteArrayList<>();
    try (Watch watch = watchCrds(seen)) {
      long started = System.nanoTime();
      HttpResponse<String> created = applyCrd("widgets", "Widget", "");
      assertThat(created.statusCode()).isEqualTo(201);
      JsonNode body = json(created.body());
      assertThat(body.at("/status/storedVersions").toString()).isEqualTo("[\"v1\"]");
      assertThat(body.at("/status/acceptedNames/kind").asText()).isEmpty();
      assertThat(body.at("/status/conditions").isMissingNode()).isTrue();

      // not served yet: 404 on the custom resource and no discovery
      assertThat(send("GET", "/apis/" + group + "/v1/namespaces/" + ns + "/widgets", null, null).statusCode()).isEqualTo(404);
      assertThat(send("GET", "/apis/" + group + "/v1", null, null).statusCode()).isEqualTo(404);
      assertThat(applyWidget("w1", "{\"size\": 3}").statusCode()).isEqualTo(404);

      await().atMost(Duration.ofSeconds(10)).until(() -> established(get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group)));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
      JsonNode crd = get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group);
      assertThat(condition(crd, "NamesAccepted").toString()).contains("\"status\":\"True\"", "\"reason\":\"NoConflicts\"",
          "\"message\":\"no conflicts found\"");
      assertThat(condition(crd, "Established").toString()).contains("\"reason\":\"InitialNamesAccepted\"",
          "\"message\":\"the initial names have been accepted\"");
      assertThat(crd.at("/status/acceptedNames/plural").asText()).isEqualTo("widgets");
      assertThat(crd.at("/status/acceptedNames/listKind").asText()).isEqualTo("WidgetList");

      JsonNode discovery = get("/apis/" + group + "/v1");
      assertThat(discovery.path("resources").toString()).contains("\"kind\":\"Widget\"");
      assertThat(applyWidget("w1", "{\"size\": 3}").statusCode()).isEqualTo(201);

      // watchers saw it step by step: stored, names accepted (Installing), Established
      await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(SandboxLifecycleIT::established));
      List<String> steps = seen.stream().map(c -> Json.text(condition(c, "Established"), "reason") + "").distinct().toList();
      assertThat(steps).containsSubsequence("null", "Installing", "InitialNamesAccepted");
    }
  }

  @Test
  void aCrdWhoseKindIsTakenIsNeverEstablished() {
    SANDBOX.sandbox().lifecycle().crdEstablishedAfter(Duration.ofMillis(100));
    applyCrd("widgets", "Widget", "");
    await().atMost(Duration.ofSeconds(10)).until(() -> established(get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group)));

    assertThat(applyCrd("gadgets", "Widget", "").statusCode()).isEqualTo(201);
    String path = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gadgets." + group;
    await().atMost(Duration.ofSeconds(10)).until(() -> condition(get(path), "NamesAccepted") != null);
    JsonNode gadgets = get(path);
    // the naming controller checks kind, then list kind, and reports the last conflict it finds
    assertThat(condition(gadgets, "NamesAccepted").toString()).contains("\"status\":\"False\"", "\"reason\":\"ListKindConflict\"",
        "\"message\":\"\\\"WidgetList\\\" is already in use\"");
    assertThat(condition(gadgets, "Established").toString()).contains("\"status\":\"False\"", "\"reason\":\"NotAccepted\"",
        "\"message\":\"not all names are accepted\"");
    sleep(500);
    assertThat(established(get(path))).isFalse();
    assertThat(send("GET", "/apis/" + group + "/v1/gadgets", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void deletingACrdPassesThroughTerminatingAndDeletesItsCustomResources() {
    SANDBOX.sandbox().lifecycle().crdEstablishedAfter(Duration.ZERO);
    applyCrd("widgets", "Widget", "");
    String crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group;
    await().atMost(Duration.ofSeconds(10)).until(() -> established(get(crdPath)));
    assertThat(applyWidget("held", "{\"size\": 1}", "\"finalizers\": [\"example.com/hold\"]").statusCode()).isEqualTo(201);
    assertThat(applyWidget("free", "{\"size\": 2}").statusCode()).isEqualTo(201);

    HttpResponse<String> deleted = send("DELETE", crdPath, null, null);
    assertThat(deleted.statusCode()).isEqualTo(200);
    assertThat(json(deleted.body()).at("/metadata/finalizers").toString()).contains("customresourcecleanup.apiextensions.k8s.io");
    assertThat(condition(json(deleted.body()), "Terminating").toString()).contains("InstanceDeletionPending");

    String widgets = "/apis/" + group + "/v1/namespaces/" + ns + "/widgets";
    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", widgets + "/free", null, null).statusCode() == 404);
    assertThat(condition(get(crdPath), "Terminating").toString()).contains("\"status\":\"True\"", "InstanceDeletionInProgress");
    HttpResponse<String> refused = send("POST", widgets, "application/json",
        "{\"apiVersion\":\"" + group + "/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"late\"}}");
    assertThat(refused.statusCode()).isEqualTo(405);
    assertThat(json(refused.body()).path("message").asText()).isEqualTo("create not allowed while custom resource definition is terminating");

    // the held custom resource goes when its finalizer does, and then the CRD
    assertThat(send("PATCH", widgets + "/held", "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}").statusCode())
        .isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", crdPath, null, null).statusCode() == 404);
    assertThat(send("GET", "/apis/" + group + "/v1", null, null).statusCode()).isEqualTo(404);
  }

  @Test
  void customResourcesArePrunedAndDefaultedByTheirSchema() {
    SANDBOX.sandbox().lifecycle().crdEstablishedAfter(Duration.ZERO);
    applyCrd("widgets", "Widget", """
        , "subresources": {"status": {}}""");
    await().atMost(Duration.ofSeconds(10)).until(() -> established(get("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets." + group)));

    // server-side apply refuses a field the schema does not declare (500, as kube-apiserver 1.32); a create prunes it
    HttpResponse<String> refused = applyWidget("w1", "{\"colour\": \"red\", \"unknown\": 1}");
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
    assertThat(json(refused.body()).path("message").asText()).endsWith(": .spec.unknown: field not declared in schema");
    HttpResponse<String> created = send("POST", "/apis/" + group + "/v1/namespaces/" + ns + "/widgets?fieldManager=test",
        "application/json", "{\"apiVersion\":\"" + group + "/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w1\"},"
            + "\"spec\":{\"colour\": \"red\", \"unknown\": 1, \"extra\": {\"anything\": [1]}}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    assertThat(created.headers().allValues("Warning")).containsExactly("299 - \"unknown field \\\"spec.unknown\\\"\"");
    JsonNode spec = json(created.body()).path("spec");
    assertThat(spec.path("size").asInt()).isEqualTo(1);
    assertThat(spec.path("mode").path("name").asText()).isEqualTo("fast");
    assertThat(spec.has("unknown")).isFalse();
    assertThat(spec.path("extra").toString()).isEqualTo("{\"anything\":[1]}");
    assertThat(json(created.body()).path("metadata").path("managedFields").toString()).doesNotContain("f:unknown");

    String path = "/apis/" + group + "/v1/namespaces/" + ns + "/widgets/w1";
    JsonNode live = get(path);
    ((com.fasterxml.jackson.databind.node.ObjectNode) live.path("spec")).put("bogus", true).remove("size");
    HttpResponse<String> updated = send("PUT", path, "application/json", live.toString());
    assertThat(updated.statusCode()).isEqualTo(200);
    assertThat(json(updated.body()).path("spec").has("bogus")).isFalse();
    assertThat(json(updated.body()).path("spec").path("size").asInt()).isEqualTo(1);

    // a status write keeps everything but status; a main write keeps status
    HttpResponse<String> status = send("PATCH", path + "/status", "application/merge-patch+json",
        "{\"metadata\":{\"labels\":{\"via\":\"status\"}},\"spec\":{\"size\":9},\"status\":{\"ready\":true}}");
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    assertThat(json(status.body()).path("spec").path("size").asInt()).isEqualTo(1);
    assertThat(json(status.body()).path("metadata").has("labels")).isFalse();
    assertThat(json(status.body()).path("status").path("ready").asBoolean()).isTrue();
    HttpResponse<String> main = send("PATCH", path, "application/merge-patch+json", "{\"spec\":{\"size\":4},\"status\":{\"ready\":false}}");
    assertThat(json(main.body()).path("spec").path("size").asInt()).isEqualTo(4);
    assertThat(json(main.body()).path("status").path("ready").asBoolean()).isTrue();
  }

  // ---- namespaces ---------------------------------------------------------------------------------------------

  @Test
  void aDeletedNamespaceIsTerminatingRefusesNewContentAndThenIsGone() {
    SANDBOX.sandbox().lifecycle().namespaceTerminatedAfter(Duration.ofMillis(600));
    assertThat(send("POST", "/api/v1/namespaces/" + ns + "/configmaps", "application/json",
        "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"old\"}}").statusCode()).isEqualTo(201);
    List<String> events = new CopyOnWriteArrayList<>();
    try (Watch watch = SANDBOX.sandbox().client().namespaces().withName(ns).watch(new Watcher<Namespace>() {
      @Override
      public void eventReceived(Action action, Namespace namespace) {
        events.add(action + " " + namespace.getStatus().getPhase() + " " + namespace.getSpec().getFinalizers() + " "
            + namespace.getStatus().getConditions().size());
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    })) {
      // the watch is open once it has replayed the namespace as it is (ADDED): only then delete, or its first events race
      await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
      long started = System.nanoTime();
      HttpResponse<String> deleted = send("DELETE", "/api/v1/namespaces/" + ns, null, null);
      assertThat(deleted.statusCode()).isEqualTo(200);
      assertThat(json(deleted.body()).at("/status/phase").asText()).isEqualTo("Terminating");
      assertThat(json(deleted.body()).at("/metadata/deletionTimestamp").asText()).isNotBlank();

      HttpResponse<String> refused = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", "application/json",
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"new\"}}");
      assertThat(refused.statusCode()).isEqualTo(403);
      JsonNode status = json(refused.body());
      assertThat(status.path("reason").asText()).isEqualTo("Forbidden");
      assertThat(status.path("message").asText()).isEqualTo("configmaps \"new\" is forbidden: unable to create new content in namespace "
          + ns + " because it is being terminated");
      assertThat(status.at("/details/causes/0").toString()).isEqualTo("{\"reason\":\"NamespaceTerminating\",\"message\":\"namespace "
          + ns + " is being terminated\",\"field\":\"metadata.namespace\"}");
      assertThat(send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/applied?fieldManager=t", "application/apply-patch+yaml",
          "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"applied\"}}").statusCode()).isEqualTo(403);

      HttpResponse<String> again = send("DELETE", "/api/v1/namespaces/" + ns, null, null);
      assertThat(again.statusCode()).isEqualTo(409);
      assertThat(json(again.body()).path("message").asText()).contains("The system is ensuring all content is removed from this namespace.");
      HttpResponse<String> recreate = send("POST", "/api/v1/namespaces", "application/json",
          "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}");
      assertThat(recreate.statusCode()).isEqualTo(409);
      assertThat(json(recreate.body()).path("message").asText()).isEqualTo("object is being deleted: namespaces \"" + ns + "\" already exists");

      await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/api/v1/namespaces/" + ns + "/configmaps/old", null, null).statusCode() == 404);
      await().atMost(Duration.ofSeconds(10)).until(() -> send("GET", "/api/v1/namespaces/" + ns, null, null).statusCode() == 404);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
      await().atMost(Duration.ofSeconds(5)).until(() -> events.stream().anyMatch(e -> e.startsWith("DELETED")));
    }
    // the finalize write that empties spec.finalizers deletes it at once (the registry's ShouldDeleteDuringUpdate), so
    // watchers see the last stored state deleted
    assertThat(events).containsSubsequence("MODIFIED Terminating [kubernetes] 0", "MODIFIED Terminating [kubernetes] 5",
        "DELETED Terminating [kubernetes] 5");
  }

  @Test
  void theNamespaceConditionsAreTheControllersOnes() {
    SANDBOX.sandbox().lifecycle().namespaceTerminatedAfter(Duration.ofSeconds(30));
    send("DELETE", "/api/v1/namespaces/" + ns, null, null);
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/api/v1/namespaces/" + ns).at("/status/conditions").size() == 5);
    JsonNode conditions = get("/api/v1/namespaces/" + ns).at("/status/conditions");
    assertThat(conditions.toString()).contains(
        "\"type\":\"NamespaceDeletionDiscoveryFailure\",\"status\":\"False\"",
        "\"reason\":\"ResourcesDiscovered\",\"message\":\"All resources successfully discovered\"",
        "\"type\":\"NamespaceDeletionGroupVersionParsingFailure\"", "\"reason\":\"ParsedGroupVersions\"",
        "\"reason\":\"ContentDeleted\",\"message\":\"All content successfully deleted, may be waiting on finalization\"",
        "\"type\":\"NamespaceContentRemaining\"", "\"type\":\"NamespaceFinalizersRemaining\"",
        "\"reason\":\"ContentRemoved\",\"message\":\"All content successfully removed\"");
  }

  @Test
  void theSystemNamespacesMayNotBeDeleted() {
    HttpResponse<String> refused = send("DELETE", "/api/v1/namespaces/default", null, null);
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(json(refused.body()).path("message").asText()).isEqualTo("namespaces \"default\" is forbidden: this namespace may not be deleted");
  }

  // ---- reset fields -------------------------------------------------------------------------------------------

  /** After reset_fields_test.go, TestApplyResetFields, for deployments (the spec data changes labels too). */
  @Test
  void applyToStatusAndToTheMainResourceEachOwnOnlyTheirPart() {
    String path = "/apis/apps/v1/namespaces/" + ns + "/deployments/deployment1";
    String obj1 = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"deployment1","labels":{"a":"b"}},
         "spec":{"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},
         "spec":{"containers":[{"image":"fedora:latest","name":"container9"}]}}},
         "status":{"conditions":[{"type":"MyStatus","status":"True"}]}}""";
    String obj2 = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"deployment1","labels":{"a":"c"}},
         "spec":{"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},
         "spec":{"containers":[{"image":"etcd:latest","name":"container6"}]}}},
         "status":{"conditions":[{"type":"MyStatus","status":"False"}]}}""";
    // the simulated deployment controller writes the whole status: let its first write land, and hold back the next
    SANDBOX.sandbox().rollout().readyAfter(Duration.ofMinutes(5));
    assertThat(send("PATCH", path + "?fieldManager=fieldmanager1", "application/apply-patch+yaml", obj1).statusCode()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(10)).until(() -> get(path).at("/status/observedGeneration").asInt() == 1);
    HttpResponse<String> status = send("PATCH", path + "/status?fieldManager=fieldmanager2", "application/apply-patch+yaml", obj2);
    assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
    JsonNode live = get(path);
    assertThat(live.at("/metadata/labels/a").asText()).isEqualTo("b");
    assertThat(live.at("/spec/template/spec/containers/0/name").asText()).isEqualTo("container9");
    assertThat(send("PATCH", path + "?fieldManager=fieldmanager2", "application/apply-patch+yaml", obj2).body()).contains("conflict");
    assertThat(send("PATCH", path + "/status?fieldManager=fieldmanager1", "application/apply-patch+yaml", obj1).body()).contains("conflict");
  }

  @Test
  void aStatusUpdateKeepsTheSpecButMayChangeMetadataTheKindDoesNotReset() {
    String path = "/api/v1/namespaces/" + ns + "/services/web";
    send("POST", "/api/v1/namespaces/" + ns + "/services", "application/json", """
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}}""");
    HttpResponse<String> updated = send("PATCH", path + "/status", "application/merge-patch+json", """
        {"metadata":{"annotations":{"seen":"yes"}},"spec":{"externalName":"x"},
         "status":{"loadBalancer":{"ingress":[{"ip":"127.0.0.2"}]}}}""");
    assertThat(updated.statusCode()).isEqualTo(200);
    JsonNode live = get(path);
    assertThat(live.at("/spec/externalName").isMissingNode()).isTrue();
    assertThat(live.at("/metadata/annotations/seen").asText()).isEqualTo("yes");
    assertThat(live.at("/status/loadBalancer/ingress/0/ip").asText()).isEqualTo("127.0.0.2");

    HttpResponse<String> main = send("PATCH", path, "application/merge-patch+json", "{\"status\":{\"loadBalancer\":{}}}");
    assertThat(json(main.body()).at("/status/loadBalancer/ingress/0/ip").asText()).isEqualTo("127.0.0.2");
    assertThat(send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/none/status", "application/merge-patch+json", "{}").statusCode())
        .isEqualTo(404);
  }

  // ---- helpers ------------------------------------------------------------------------------------------------

  private HttpResponse<String> applyCrd(String plural, String kind, String extraVersionFields) {
    String crd = """
        {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
         "metadata":{"name":"%1$s.%2$s"},
         "spec":{"group":"%2$s","scope":"Namespaced","names":{"plural":"%1$s","kind":"%3$s"},
          "versions":[{"name":"v1","served":true,"storage":true%4$s,
           "schema":{"openAPIV3Schema":{"type":"object","properties":{
             "spec":{"type":"object","properties":{
               "size":{"type":"integer","default":1},
               "colour":{"type":"string"},
               "mode":{"type":"object","default":{},"properties":{"name":{"type":"string","default":"fast"}}},
               "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
             "status":{"type":"object","properties":{"ready":{"type":"boolean"}}}}}}}]}}"""
        .formatted(plural, group, kind, extraVersionFields);
    return send("PATCH", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/" + plural + "." + group + "?fieldManager=test",
        "application/apply-patch+yaml", crd);
  }

  private HttpResponse<String> applyWidget(String name, String spec, String... metadata) {
    String extra = metadata.length == 0 ? "" : "," + String.join(",", metadata);
    return send("PATCH", "/apis/" + group + "/v1/namespaces/" + ns + "/widgets/" + name + "?fieldManager=test",
        "application/apply-patch+yaml", "{\"apiVersion\":\"" + group + "/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\""
            + name + "\"" + extra + "},\"spec\":" + spec + "}");
  }

  private Watch watchCrds(List<JsonNode> seen) {
    ResourceDefinitionContext crds = new ResourceDefinitionContext.Builder().withGroup("apiextensions.k8s.io").withVersion("v1")
        .withPlural("customresourcedefinitions").withKind("CustomResourceDefinition").withNamespaced(false).build();
    return SANDBOX.sandbox().client().genericKubernetesResources(crds).watch(new Watcher<GenericKubernetesResource>() {
      @Override
      public void eventReceived(Action action, GenericKubernetesResource resource) {
        if (resource.getMetadata().getName().endsWith(group)) {
          seen.add(JSON.valueToTree(resource));
        }
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
  }

  private static boolean established(JsonNode crd) {
    JsonNode condition = condition(crd, "Established");
    return condition != null && "True".equals(condition.path("status").asText());
  }

  private static JsonNode condition(JsonNode object, String type) {
    for (JsonNode condition : object.path("status").path("conditions")) {
      if (type.equals(condition.path("type").asText())) {
        return condition;
      }
    }
    return null;
  }

  private JsonNode get(String path) {
    HttpResponse<String> response = send("GET", path, null, null);
    assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
    return json(response.body());
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new AssertionError("not JSON: " + body, e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static HttpResponse<String> send(String method, String path, String contentType, String body) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SANDBOX.sandbox().url() + path)).timeout(Duration.ofSeconds(10));
      if (contentType != null) {
        request.header("Content-Type", contentType);
      }
      request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }
}
