package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * What Verity relies on from a Kubernetes API server, written once and run against the {@link KubeSandbox}
 * ({@link KubeApiSandboxIT}) and, when {@code VERITY_TEST_KUBECONFIG} is set, against a real cluster
 * ({@link KubeApiClusterIT}). Each test works in a namespace of its own (see {@link ContractBase}).
 */
abstract class KubeApiContract extends ContractBase {

  static final String DEPLOYMENT = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
        labels:
          app: web
      spec:
        replicas: 2
        selector:
          matchLabels:
            app: web
        template:
          metadata:
            labels:
              app: web
          spec:
            containers:
            - name: web
              image: nginx:1.27
              ports:
              - containerPort: 8080
      """;

  // ---- server-side apply ----------------------------------------------------------------------------------------

  @Test
  void applyCreatesAnAbsentObjectAndRecordsTheManagersFields() {
    GenericKubernetesResource created = apply("verity", false, """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels:
            app: shop
        data:
          mode: fast
        """);

    ConfigMap live = client().configMaps().inNamespace(ns).withName("settings").get();
    assertThat(live.getData()).containsExactly(Map.entry("mode", "fast"));
    assertThat(live.getMetadata().getUid()).isEqualTo(created.getMetadata().getUid()).isNotBlank();
    assertThat(live.getMetadata().getResourceVersion()).isNotBlank();
    assertThat(live.getMetadata().getCreationTimestamp()).isNotBlank();
    ManagedFieldsEntry entry = entry(live, "verity", "Apply");
    assertThat(entry.getFieldsType()).isEqualTo("FieldsV1");
    assertThat(entry.getApiVersion()).isEqualTo("v1");
    assertThat(fieldsV1(entry)).isEqualTo(Json.parse("""
        {"f:data":{"f:mode":{}},"f:metadata":{"f:labels":{"f:app":{}}}}"""));
  }

  @Test
  void secretStringDataIsStoredAsData() {
    apply("verity", false, """
        apiVersion: v1
        kind: Secret
        metadata:
          name: token
        stringData:
          token: s3cret
        """);

    var live = client().secrets().inNamespace(ns).withName("token").get();
    assertThat(live.getStringData()).isNullOrEmpty();
    assertThat(live.getData()).containsExactly(Map.entry("token", "czNjcmV0"));
    assertThat(live.getType()).isEqualTo("Opaque");
  }

  @Test
  void applyMergesContainerPortsByContainerPortAndProtocol() {
    apply("verity", false, DEPLOYMENT);
    apply("sidecar-injector", false, """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          template:
            spec:
              containers:
              - name: web
                ports:
                - containerPort: 8080
                  protocol: UDP
        """);
    apply("verity", false, DEPLOYMENT);

    Deployment live = deployment("web");
    assertThat(live.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
    assertThat(live.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.27");
    assertThat(live.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts())
        .extracting(p -> p.getContainerPort() + "/" + p.getProtocol())
        .containsExactlyInAnyOrder("8080/TCP", "8080/UDP");
    JsonNode verityContainer = fieldsV1(entry(live, "verity", "Apply"))
        .path("f:spec").path("f:template").path("f:spec").path("f:containers").path("k:{\"name\":\"web\"}");
    assertThat(verityContainer.has(".")).isTrue();
    assertThat(verityContainer.path("f:ports").has("k:{\"containerPort\":8080,\"protocol\":\"TCP\"}")).isTrue();
    assertThat(verityContainer.path("f:ports").has("k:{\"containerPort\":8080,\"protocol\":\"UDP\"}")).isFalse();
    JsonNode injectorPorts = fieldsV1(entry(live, "sidecar-injector", "Apply"))
        .path("f:spec").path("f:template").path("f:spec").path("f:containers").path("k:{\"name\":\"web\"}").path("f:ports");
    assertThat(injectorPorts.has("k:{\"containerPort\":8080,\"protocol\":\"UDP\"}")).isTrue();
  }

  @Test
  void applyRemovesAFieldTheManagerNoLongerAppliesOnlyWhenNoOtherManagerOwnsIt() {
    apply("verity", false, """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels:
            team: payments
            tier: web
        data:
          a: "1"
          b: "2"
        """);
    apply("ops", false, """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels:
            tier: web
        data:
          b: "2"
        """);
    apply("verity", false, """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          a: "1"
        """);

    ConfigMap live = client().configMaps().inNamespace(ns).withName("settings").get();
    assertThat(live.getMetadata().getLabels()).containsExactly(Map.entry("tier", "web"));
    assertThat(live.getData()).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
  }

  @Test
  void applyConflictsOnAFieldAnotherManagerOwnsUnlessForced() {
    apply("verity", false, DEPLOYMENT);

    KubernetesClientException conflict = catchThrowableOfType(KubernetesClientException.class,
        () -> apply("ops", false, replicas(5)));
    assertThat(conflict.getCode()).isEqualTo(409);
    assertThat(conflict.getStatus().getReason()).isEqualTo("Conflict");
    assertThat(conflict.getStatus().getMessage())
        .isEqualTo("Apply failed with 1 conflict: conflict with \"verity\": .spec.replicas");
    assertThat(conflict.getStatus().getDetails().getCauses())
        .extracting(StatusCause::getField).containsExactly(".spec.replicas");
    assertThat(conflict.getStatus().getDetails().getCauses().get(0).getMessage()).contains("\"verity\"");
    assertThat(deployment("web").getSpec().getReplicas()).isEqualTo(2);

    apply("ops", true, replicas(5));

    Deployment live = deployment("web");
    assertThat(live.getSpec().getReplicas()).isEqualTo(5);
    assertThat(fieldsV1(entry(live, "ops", "Apply")).path("f:spec").has("f:replicas")).isTrue();
    assertThat(fieldsV1(entry(live, "verity", "Apply")).path("f:spec").has("f:replicas")).isFalse();
    assertThat(fieldsV1(entry(live, "verity", "Apply")).path("f:spec").has("f:template")).isTrue();
    KubernetesClientException back = catchThrowableOfType(KubernetesClientException.class,
        () -> apply("verity", false, DEPLOYMENT));
    assertThat(back.getCode()).isEqualTo(409);
    assertThat(back.getStatus().getMessage()).contains("\"ops\"");
  }

  @Test
  void serverSideApplyThroughKubectlRecordsItsFieldManager() throws Exception {
    Path manifest = Files.createTempFile("deployment", ".yaml");
    Files.writeString(manifest, DEPLOYMENT);
    Kubectl.Result result = Kubectl.run(kubeconfig(), "apply", "--server-side", "--field-manager=verity", "-n", ns,
        "-f", manifest.toString());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("deployment.apps/web serverside-applied");
    assertThat(fieldsV1(entry(deployment("web"), "verity", "Apply")).path("f:spec").has("f:replicas")).isTrue();

    Files.writeString(manifest, DEPLOYMENT.replace("replicas: 2", "replicas: 4"));
    Kubectl.Result conflict = Kubectl.run(kubeconfig(), "apply", "--server-side", "--field-manager=someone-else", "-n", ns,
        "-f", manifest.toString());
    assertThat(conflict.exitCode()).isNotZero();
    assertThat(conflict.output()).contains("conflict").contains("\"verity\"").contains(".spec.replicas");
  }

  @Test
  void kubectlClientSideApplyLabelAndScaleEachOwnWhatTheyChanged() throws Exception {
    Path manifest = Files.createTempFile("deployment", ".yaml");
    Files.writeString(manifest, DEPLOYMENT);
    for (String[] args : new String[][] {
        {"apply", "-n", ns, "-f", manifest.toString()},
        {"label", "-n", ns, "deployment/web", "owner=ops"},
        {"scale", "-n", ns, "deployment/web", "--replicas=3"}}) {
      Kubectl.Result result = Kubectl.run(kubeconfig(), args);
      assertThat(result.exitCode()).as(String.join(" ", args) + ": " + result.output()).isZero();
    }

    Deployment live = deployment("web");
    assertThat(live.getSpec().getReplicas()).isEqualTo(3);
    assertThat(live.getMetadata().getLabels()).containsEntry("owner", "ops").containsEntry("app", "web");
    assertThat(live.getMetadata().getAnnotations()).containsKey("kubectl.kubernetes.io/last-applied-configuration");
    assertThat(fieldsV1(entry(live, "kubectl-client-side-apply", "Update")).path("f:spec").path("f:template").has("f:spec"))
        .isTrue();
    assertThat(fieldsV1(entry(live, "kubectl-label", "Update")).path("f:metadata").path("f:labels").has("f:owner")).isTrue();
    ManagedFieldsEntry scaler = live.getMetadata().getManagedFields().stream()
        .filter(e -> "scale".equals(e.getSubresource())).findFirst().orElseThrow();
    assertThat(fieldsV1(scaler).path("f:spec").has("f:replicas")).isTrue();
    assertThat(fieldsV1(entry(live, "kubectl-client-side-apply", "Update")).path("f:spec").has("f:replicas")).isFalse();
  }

  // ---- ordinary updates -----------------------------------------------------------------------------------------

  @Test
  void aMergePatchLikeKubectlEditTakesOwnershipOfTheFieldsItChanges() {
    apply("verity", false, DEPLOYMENT);

    client().apps().deployments().inNamespace(ns).withName("web").patch(
        new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE).withFieldManager("kubectl-edit").build(),
        "{\"spec\":{\"replicas\":7}}");

    Deployment live = deployment("web");
    assertThat(live.getSpec().getReplicas()).isEqualTo(7);
    assertThat(fieldsV1(entry(live, "kubectl-edit", "Update")).path("f:spec").has("f:replicas")).isTrue();
    assertThat(fieldsV1(entry(live, "verity", "Apply")).path("f:spec").has("f:replicas")).isFalse();
    KubernetesClientException conflict = catchThrowableOfType(KubernetesClientException.class,
        () -> apply("verity", false, DEPLOYMENT));
    assertThat(conflict.getCode()).isEqualTo(409);
    assertThat(conflict.getStatus().getMessage())
        .isEqualTo("Apply failed with 1 conflict: conflict with \"kubectl-edit\" using apps/v1: .spec.replicas");
  }

  @Test
  void aPutTakesOwnershipForTheManagerNamedAfterTheUserAgent() {
    apply("verity", false, """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          a: "1"
        """);
    ConfigMap current = client().configMaps().inNamespace(ns).withName("settings").get();
    current.getData().put("a", "changed");
    client().configMaps().inNamespace(ns).resource(current).update();

    ConfigMap live = client().configMaps().inNamespace(ns).withName("settings").get();
    assertThat(live.getData()).containsEntry("a", "changed");
    assertThat(fieldsV1(entry(live, "fabric8-kubernetes-client", "Update")).path("f:data").has("f:a")).isTrue();
    assertThat(live.getMetadata().getManagedFields()).noneMatch(e -> e.getManager().equals("verity"));
  }

  @Test
  void aJsonPatchLikeKubectlPatchTakesOwnershipToo() {
    apply("verity", false, DEPLOYMENT);
    client().apps().deployments().inNamespace(ns).withName("web").patch(
        new PatchContext.Builder().withPatchType(PatchType.JSON).withFieldManager("kubectl-patch").build(),
        "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4}]");

    Deployment live = deployment("web");
    assertThat(live.getSpec().getReplicas()).isEqualTo(4);
    assertThat(fieldsV1(entry(live, "kubectl-patch", "Update")).path("f:spec").has("f:replicas")).isTrue();
    assertThat(fieldsV1(entry(live, "verity", "Apply")).path("f:spec").has("f:replicas")).isFalse();
    assertThat(live.getMetadata().getGeneration()).isEqualTo(2);
  }

  @Test
  void aMergePatchDeletesKeysSetToNullAndReplacesLists() {
    apply("verity", false, DEPLOYMENT);
    client().apps().deployments().inNamespace(ns).withName("web").patch(PatchContext.of(PatchType.JSON_MERGE), """
        {"metadata":{"labels":{"app":null,"added":"yes"}},
         "spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}""");

    Deployment live = deployment("web");
    assertThat(live.getMetadata().getLabels()).containsExactly(Map.entry("added", "yes"));
    assertThat(live.getSpec().getTemplate().getSpec().getContainers()).singleElement()
        .satisfies(c -> {
          assertThat(c.getImage()).isEqualTo("nginx:1.28");
          assertThat(c.getPorts()).isEmpty();
        });
  }

  @Test
  void aStrategicMergePatchMergesContainersByName() {
    apply("verity", false, DEPLOYMENT);
    client().apps().deployments().inNamespace(ns).withName("web").patch(PatchContext.of(PatchType.STRATEGIC_MERGE), """
        {"spec":{"template":{"spec":{"containers":[{"name":"web","image":"nginx:1.28"}]}}}}""");

    Deployment live = deployment("web");
    assertThat(live.getSpec().getTemplate().getSpec().getContainers()).singleElement()
        .satisfies(c -> {
          assertThat(c.getImage()).isEqualTo("nginx:1.28");
          assertThat(c.getPorts()).extracting(p -> p.getContainerPort()).containsExactly(8080);
        });
  }

  @Test
  void scalingThroughTheScaleSubresourceTakesOwnershipOfReplicas() {
    apply("verity", false, DEPLOYMENT);
    client().apps().deployments().inNamespace(ns).withName("web").scale(4);

    Deployment live = deployment("web");
    assertThat(live.getSpec().getReplicas()).isEqualTo(4);
    ManagedFieldsEntry scaler = live.getMetadata().getManagedFields().stream()
        .filter(e -> "scale".equals(e.getSubresource())).findFirst().orElseThrow();
    assertThat(scaler.getOperation()).isEqualTo("Update");
    assertThat(fieldsV1(scaler).path("f:spec").has("f:replicas")).isTrue();
    assertThat(fieldsV1(entry(live, "verity", "Apply")).path("f:spec").has("f:replicas")).isFalse();
  }

  // ---- dry run, generation, namespaces ----------------------------------------------------------------------------

  @Test
  void dryRunAnswersTheWouldBeResultWithoutStoringIt() {
    ConfigMap dryCreated = client().configMaps().inNamespace(ns).resource(configMap("dry", Map.of("tier", "web"))).dryRun().create();
    assertThat(dryCreated.getMetadata().getName()).isEqualTo("dry");
    assertThat(client().configMaps().inNamespace(ns).withName("dry").get()).isNull();

    GenericKubernetesResource applied = client().resource(generic(DEPLOYMENT)).inNamespace(ns).dryRun()
        .fieldManager("verity").serverSideApply();
    assertThat(applied.getMetadata().getName()).isEqualTo("web");
    assertThat(deployment("web")).isNull();

    apply("verity", false, DEPLOYMENT);
    Deployment patched = client().apps().deployments().inNamespace(ns).withName("web").dryRun()
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":9}}");
    assertThat(patched.getSpec().getReplicas()).isEqualTo(9);
    assertThat(client().resource(generic(DEPLOYMENT.replace("replicas: 2", "replicas: 8"))).inNamespace(ns).dryRun()
        .fieldManager("verity").serverSideApply().getAdditionalProperties()).containsKey("spec");
    client().apps().deployments().inNamespace(ns).withName("web").dryRun().delete();

    Deployment live = deployment("web");
    assertThat(live.getSpec().getReplicas()).isEqualTo(2);
    assertThat(live.getMetadata().getGeneration()).isEqualTo(1);
    assertThat(live.getMetadata().getDeletionTimestamp()).isNull();
  }

  @Test
  void deleteHonoursDryRunAndPreconditionsInItsBody() {
    createConfigMap("kept", Map.of());
    String path = "/api/v1/namespaces/" + ns + "/configmaps/kept";

    HttpResponse<String> dry = send("DELETE", path, "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"dryRun\":[\"All\"]}");
    assertThat(dry.code()).as(dry.body()).isEqualTo(200);
    HttpResponse<String> wrongUid = send("DELETE", path,
        "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"preconditions\":{\"uid\":\"00000000-0000-0000-0000-000000000000\"}}");
    assertThat(wrongUid.code()).as(wrongUid.body()).isEqualTo(409);
    assertThat(wrongUid.body()).contains("Precondition failed");
    assertThat(client().configMaps().inNamespace(ns).withName("kept").get()).isNotNull();
  }

  @Test
  void generationStartsAtOneAndBumpsOnlyOnSpecChanges() {
    apply("verity", false, DEPLOYMENT);
    assertThat(deployment("web").getMetadata().getGeneration()).isEqualTo(1);

    client().apps().deployments().inNamespace(ns).withName("web").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"labels\":{\"extra\":\"label\"}}}");
    assertThat(deployment("web").getMetadata().getGeneration()).isEqualTo(1);

    apply("verity", false, DEPLOYMENT.replace("nginx:1.27", "nginx:1.28"));
    assertThat(deployment("web").getMetadata().getGeneration()).isEqualTo(2);

    apply("verity", false, DEPLOYMENT.replace("nginx:1.27", "nginx:1.28"));
    assertThat(deployment("web").getMetadata().getGeneration()).isEqualTo(2);
  }

  @Test
  void objectsInANamespaceThatDoesNotExistAreRefused() {
    String missing = "missing-" + UUID.randomUUID().toString().substring(0, 8);
    KubernetesClientException create = catchThrowableOfType(KubernetesClientException.class,
        () -> client().configMaps().inNamespace(missing).resource(configMap("settings", Map.of())).create());
    assertThat(create.getCode()).isEqualTo(404);
    assertThat(create.getStatus().getReason()).isEqualTo("NotFound");
    assertThat(create.getStatus().getMessage()).contains("namespaces \"" + missing + "\" not found");

    KubernetesClientException applied = catchThrowableOfType(KubernetesClientException.class,
        () -> client().resource(generic(DEPLOYMENT)).inNamespace(missing).fieldManager("verity").serverSideApply());
    assertThat(applied.getCode()).isEqualTo(404);
    assertThat(applied.getStatus().getMessage()).contains(missing);
  }

  // ---- selectors and watches --------------------------------------------------------------------------------------

  @Test
  void setBasedLabelSelectorsFilterLists() {
    createConfigMap("front", Map.of("tier", "front"));
    createConfigMap("back", Map.of("tier", "back"));
    createConfigMap("cache", Map.of("tier", "cache", "team", "infra"));
    createConfigMap("plain", Map.of());

    assertThat(names(client().configMaps().inNamespace(ns).withLabelIn("tier", "front", "back").list().getItems()))
        .containsExactlyInAnyOrder("front", "back");
    assertThat(names(client().configMaps().inNamespace(ns).withLabelNotIn("tier", "front").list().getItems()))
        .contains("back", "cache", "plain").doesNotContain("front");
    assertThat(names(client().configMaps().inNamespace(ns).withoutLabel("tier").list().getItems()))
        .contains("plain").doesNotContain("front", "back", "cache");
    assertThat(names(client().configMaps().inNamespace(ns).withLabel("tier").list().getItems()))
        .containsExactlyInAnyOrder("front", "back", "cache");
    assertThat(names(client().configMaps().inNamespace(ns).withLabelSelector("tier notin (front,back),team").list().getItems()))
        .containsExactly("cache");
    assertThat(names(client().configMaps().inNamespace(ns).withLabel("tier", "back").list().getItems()))
        .containsExactly("back");

    HttpResponse<String> bad = httpGet("/api/v1/namespaces/" + ns + "/configmaps?labelSelector=tier%20in%20(front");
    assertThat(bad.code()).isEqualTo(400);
  }

  @Test
  void aWatchWithASetBasedSelectorSeesAddsChangesAndDeletes() {
    List<String> events = new CopyOnWriteArrayList<>();
    try (Watch watch = client().configMaps().inNamespace(ns).withLabelIn("tier", "front", "back").watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        events.add(action + " " + resource.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    })) {
      createConfigMap("a", Map.of("tier", "front"));
      createConfigMap("ignored", Map.of("tier", "cache"));
      client().configMaps().inNamespace(ns).withName("a").edit(cm -> {
        cm.setData(Map.of("k", "v"));
        return cm;
      });
      client().configMaps().inNamespace(ns).withName("ignored").edit(cm -> {
        cm.getMetadata().getLabels().put("tier", "back");
        return cm;
      });
      client().configMaps().inNamespace(ns).withName("a").delete();

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(events).containsExactly("ADDED a", "MODIFIED a", "ADDED ignored", "DELETED a"));
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  GenericKubernetesResource apply(String manager, boolean force, String yaml) {
    var op = client().resource(generic(yaml)).inNamespace(ns).fieldManager(manager);
    return force ? op.forceConflicts().serverSideApply() : op.serverSideApply();
  }

  GenericKubernetesResource generic(String yaml) {
    GenericKubernetesResource resource = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    resource.getMetadata().setNamespace(ns);
    return resource;
  }

  static String replicas(int replicas) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: %d
        """.formatted(replicas);
  }

  Deployment deployment(String name) {
    return client().apps().deployments().inNamespace(ns).withName(name).get();
  }

  static ConfigMap configMap(String name, Map<String, String> labels) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
        .addToData("key", "value").build();
  }

  void createConfigMap(String name, Map<String, String> labels) {
    client().configMaps().inNamespace(ns).resource(configMap(name, labels)).create();
  }

  static List<String> names(List<? extends HasMetadata> items) {
    return items.stream().map(i -> i.getMetadata().getName()).toList();
  }

  static ManagedFieldsEntry entry(HasMetadata object, String manager, String operation) {
    return object.getMetadata().getManagedFields().stream()
        .filter(e -> e.getManager().equals(manager) && e.getOperation().equals(operation))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no managedFields entry for " + manager + "/" + operation + " in "
            + object.getMetadata().getManagedFields()));
  }

  static JsonNode fieldsV1(ManagedFieldsEntry entry) {
    return Json.MAPPER.valueToTree(Serialization.jsonMapper().convertValue(entry.getFieldsV1(), Map.class));
  }

  HttpResponse<String> send(String method, String path, String json) {
    try {
      HttpRequest request = client().getHttpClient().newHttpRequestBuilder()
          .uri(client().getMasterUrl().toString().replaceAll("/$", "") + path).method(method, "application/json", json).build();
      return client().getHttpClient().sendAsync(request, String.class).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }

  HttpResponse<String> httpGet(String path) {
    try {
      HttpRequest request = client().getHttpClient().newHttpRequestBuilder()
          .uri(client().getMasterUrl().toString().replaceAll("/$", "") + path).build();
      return client().getHttpClient().sendAsync(request, String.class).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("GET " + path + " failed", e);
    }
  }
}
