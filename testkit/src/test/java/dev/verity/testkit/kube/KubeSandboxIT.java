package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What only the sandbox does (simulated rollouts, its kubeconfig and main, raw protocol details), over real HTTP. */
class KubeSandboxIT {

  @RegisterExtension
  static final SandboxFixture SANDBOX = new SandboxFixture("sandbox");
  private static final HttpClient JDK_HTTP = HttpClient.newHttpClient();
  private String ns;

  @BeforeEach
  void namespace() {
    ns = SANDBOX.namespace();
  }

  private static KubernetesClient client() {
    return SANDBOX.client();
  }

  // ---- simulated rollout ------------------------------------------------------------------------------------------

  @Test
  void aDeploymentBecomesReadyAfterTheConfiguredDelay() {
    SANDBOX.sandbox().rollout().readyAfter(Duration.ofMillis(800));
    List<Deployment> seen = new CopyOnWriteArrayList<>();
    try (Watch watch = client().apps().deployments().inNamespace(ns).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, Deployment resource) {
        seen.add(resource);
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    })) {
      long started = System.nanoTime();
      apply(KubeApiContract.DEPLOYMENT);
      await().atMost(Duration.ofSeconds(20)).until(() -> seen.stream().anyMatch(KubeSandboxIT::available));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
    }
    // in order: created with an empty status (as a real server writes the zero DeploymentStatus), then progressing, then ready
    assertThat(seen.get(0).getStatus().getObservedGeneration()).isNull();
    Deployment progressing = seen.stream().filter(d -> d.getStatus().getObservedGeneration() != null).findFirst().orElseThrow();
    assertThat(progressing.getStatus().getObservedGeneration()).isEqualTo(1);
    assertThat(condition(progressing, "Progressing").getReason()).isEqualTo("ReplicaSetUpdated");
    assertThat(progressing.getStatus().getAvailableReplicas()).isNull();
    Deployment first = seen.stream().filter(KubeSandboxIT::available).findFirst().orElseThrow();
    assertThat(first.getStatus().getReadyReplicas()).isEqualTo(2);
    assertThat(first.getStatus().getUpdatedReplicas()).isEqualTo(2);
    assertThat(first.getStatus().getObservedGeneration()).isEqualTo(1);
    assertThat(condition(first, "Progressing").getReason()).isEqualTo("NewReplicaSetAvailable");

    Deployment ready = deployment("web");
    assertThat(ready.getMetadata().getManagedFields())
        .anySatisfy(e -> {
          assertThat(e.getManager()).isEqualTo("kube-controller-manager");
          assertThat(e.getSubresource()).isEqualTo("status");
        });

    apply(KubeApiContract.DEPLOYMENT.replace("replicas: 2", "replicas: 3"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Deployment next = deployment("web");
      assertThat(next.getMetadata().getGeneration()).isEqualTo(2);
      assertThat(next.getStatus().getObservedGeneration()).isEqualTo(2);
      assertThat(next.getStatus().getAvailableReplicas()).isEqualTo(3);
    });
  }

  @Test
  void aDeploymentFailsItsNextRolloutOnRequest() {
    SANDBOX.sandbox().rollout().readyAfter(Duration.ofMillis(100)).failNext("Deployment", ns, "web");
    apply(KubeApiContract.DEPLOYMENT);

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Deployment failed = deployment("web");
      DeploymentCondition progressing = condition(failed, "Progressing");
      assertThat(progressing.getStatus()).isEqualTo("False");
      assertThat(progressing.getReason()).isEqualTo("ProgressDeadlineExceeded");
      assertThat(condition(failed, "Available").getStatus()).isEqualTo("False");
      assertThat(failed.getStatus().getAvailableReplicas()).isNull();
    });

    apply(KubeApiContract.DEPLOYMENT.replace("nginx:1.27", "nginx:1.28"));
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(condition(deployment("web"), "Progressing").getReason()).isEqualTo("NewReplicaSetAvailable"));
  }

  @Test
  void jobsCompleteOrFailOnRequest() {
    SANDBOX.sandbox().rollout().readyAfter(Duration.ofMillis(100)).failNext("Job", ns, "broken");
    apply(job("migrate"));
    apply(job("broken"));

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      Job done = client().batch().v1().jobs().inNamespace(ns).withName("migrate").get();
      assertThat(done.getStatus().getSucceeded()).isEqualTo(1);
      assertThat(jobCondition(done, "Complete").getStatus()).isEqualTo("True");
      Job broken = client().batch().v1().jobs().inNamespace(ns).withName("broken").get();
      assertThat(jobCondition(broken, "Failed").getReason()).isEqualTo("BackoffLimitExceeded");
      assertThat(broken.getStatus().getSucceeded()).isNull();
    });
  }

  @Test
  void statefulSetsAndDaemonSetsBecomeReady() {
    SANDBOX.sandbox().rollout().readyAfter(Duration.ofMillis(50));
    apply(KubeApiContract.DEPLOYMENT.replace("kind: Deployment", "kind: StatefulSet").replace("replicas: 2", "replicas: 3"));
    apply(KubeApiContract.DEPLOYMENT.replace("kind: Deployment", "kind: DaemonSet").replace("  replicas: 2\n", ""));

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      var sts = client().apps().statefulSets().inNamespace(ns).withName("web").get();
      assertThat(sts.getStatus().getReadyReplicas()).isEqualTo(3);
      assertThat(sts.getStatus().getUpdateRevision()).isEqualTo(sts.getStatus().getCurrentRevision());
      var ds = client().apps().daemonSets().inNamespace(ns).withName("web").get();
      assertThat(ds.getStatus().getNumberReady()).isEqualTo(ds.getStatus().getDesiredNumberScheduled()).isEqualTo(1);
    });
  }

  // ---- watches, namespaces, custom resources ----------------------------------------------------------------------

  /**
   * The replay of what changed after the resourceVersion, then the live changes, read from a WebSocket of the JDK's
   * client, whose listener is in place before the handshake. Not through fabric8: the sandbox sends the replay the
   * moment the watch opens, as kube-apiserver does, and fabric8's Vert.x client (7.5.2) attaches its message handlers
   * in a callback on the connect future; registered after that future completed (the calling thread off the CPU under
   * load), the callback runs after the frames received by then went to no handler, and the replayed ADDED was lost.
   */
  @Test
  void aWatchFromAResourceVersionSeesOnlyLaterChanges() throws Exception {
    createConfigMap("before");
    String resourceVersion = client().configMaps().inNamespace(ns).list().getMetadata().getResourceVersion();
    createConfigMap("after");
    List<String> events = new CopyOnWriteArrayList<>();
    WebSocket watch = openWatch("/api/v1/namespaces/" + ns + "/configmaps?watch=true&resourceVersion=" + resourceVersion,
        events);
    try {
      client().configMaps().inNamespace(ns).withName("before").delete();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(events).containsExactly("ADDED after", "DELETED before"));
    } finally {
      watch.sendClose(WebSocket.NORMAL_CLOSURE, "done"); // the server's side of the close is awaited below
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> SANDBOX.sandbox().openWatches() == 0);
  }

  @Test
  void deletingANamespaceDeletesWhatIsInItAndFinalizersHoldDeletion() {
    String doomed = "doomed-" + UUID.randomUUID().toString().substring(0, 6);
    client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(doomed).endMetadata().build()).create();
    client().configMaps().inNamespace(doomed).resource(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata()
        .build()).create();
    client().namespaces().withName(doomed).delete();
    // Terminating first (see SandboxLifecycleIT), then gone with its content
    await().atMost(Duration.ofSeconds(10)).until(() -> client().namespaces().withName(doomed).get() == null);
    assertThat(client().configMaps().inAnyNamespace().list().getItems())
        .noneMatch(c -> c.getMetadata().getNamespace().equals(doomed));

    client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName("held")
        .withFinalizers("verity.dev/test").endMetadata().build()).create();
    client().configMaps().inNamespace(ns).withName("held").delete();
    ConfigMap held = client().configMaps().inNamespace(ns).withName("held").get();
    assertThat(held.getMetadata().getDeletionTimestamp()).isNotBlank();
    client().configMaps().inNamespace(ns).withName("held").edit(c -> {
      c.getMetadata().setFinalizers(List.of());
      return c;
    });
    assertThat(client().configMaps().inNamespace(ns).withName("held").get()).isNull();
  }

  @Test
  void customResourcesAreServedOnceTheirDefinitionIsEstablished() {
    GenericKubernetesResource crd = Serialization.unmarshal("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: widgets.example.com
        spec:
          group: example.com
          scope: Namespaced
          names: {plural: widgets, singular: widget, kind: Widget}
          versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        """, GenericKubernetesResource.class);
    client().resource(crd).fieldManager("verity").serverSideApply();
    await().atMost(Duration.ofSeconds(10)).until(() -> client().apiextensions().v1().customResourceDefinitions()
        .withName("widgets.example.com").get().getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Established") && c.getStatus().equals("True")));
    ResourceDefinitionContext widgets = new ResourceDefinitionContext.Builder()
        .withGroup("example.com").withVersion("v1").withPlural("widgets").withKind("Widget").withNamespaced(true).build();
    GenericKubernetesResource widget = Serialization.unmarshal("""
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: w1
        spec:
          size: 3
        """, GenericKubernetesResource.class);
    client().genericKubernetesResources(widgets).inNamespace(ns).resource(widget).fieldManager("verity").serverSideApply();

    GenericKubernetesResource live = client().genericKubernetesResources(widgets).inNamespace(ns).withName("w1").get();
    assertThat(live.getAdditionalProperties()).containsKey("spec");
    assertThat(live.getMetadata().getGeneration()).isEqualTo(1);
  }

  // ---- protocol details a typed client cannot express -----------------------------------------------------------

  @Test
  void applyWithoutAFieldManagerIsRefused() {
    HttpResponse<String> response = send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/x",
        "application/apply-patch+yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
    assertThat(response.code()).isEqualTo(422);
    assertThat(response.body()).contains("fieldManager: Required value");
  }

  @Test
  void applyAcceptsYamlAndJsonBodiesAndAnswersCreatedThenOk() {
    HttpResponse<String> created = send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/x?fieldManager=verity",
        "application/apply-patch+yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: \"1\"\n");
    assertThat(created.code()).as(created.body()).isEqualTo(201);
    HttpResponse<String> updated = send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/x?fieldManager=verity",
        "application/apply-patch+yaml", "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\"},\"data\":{\"a\":\"2\"}}");
    assertThat(updated.code()).as(updated.body()).isEqualTo(200);
    assertThat(client().configMaps().inNamespace(ns).withName("x").get().getData()).containsExactly(Map.entry("a", "2"));
  }

  @Test
  void anUnknownPatchTypeIsUnsupportedMediaType() {
    createConfigMap("x");
    HttpResponse<String> response = send("PATCH", "/api/v1/namespaces/" + ns + "/configmaps/x", "text/plain", "{}");
    assertThat(response.code()).isEqualTo(415);
  }

  @Test
  void aStaleResourceVersionIsAConflict() {
    createConfigMap("x");
    ConfigMap stale = client().configMaps().inNamespace(ns).withName("x").get();
    client().configMaps().inNamespace(ns).withName("x").edit(c -> {
      c.setData(Map.of("k", "new"));
      return c;
    });
    HttpResponse<String> response = send("PUT", "/api/v1/namespaces/" + ns + "/configmaps/x", "application/json",
        Serialization.asJson(stale));
    assertThat(response.code()).isEqualTo(409);
    assertThat(response.body()).contains("the object has been modified");
  }

  @Test
  void kubectlRolloutStatusWaitsForTheSimulatedRollout() throws Exception {
    SANDBOX.sandbox().rollout().readyAfter(Duration.ofSeconds(2));
    apply(KubeApiContract.DEPLOYMENT);

    Kubectl.Result result = Kubectl.run(SANDBOX.sandbox().kubeconfig(), "rollout", "status", "-n", ns, "deployment/web", "--timeout=30s");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("successfully rolled out");
    assertThat(deployment("web").getStatus().getAvailableReplicas()).isEqualTo(2);
    Kubectl.Result table = Kubectl.run(SANDBOX.sandbox().kubeconfig(), "get", "deployments", "-n", ns);
    assertThat(table.exitCode()).as(table.output()).isZero();
    assertThat(table.output()).containsPattern("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE")
        .containsPattern("web\\s+2/2\\s+2\\s+2\\s+\\d+s");
  }

  // ---- kubeconfig and main ----------------------------------------------------------------------------------------

  @Test
  void theKubeconfigWorksForFabric8AndKubectl() throws Exception {
    try (KubernetesClient fromFile = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(SANDBOX.sandbox().kubeconfig()))).build()) {
      assertThat(fromFile.getNamespace()).isEqualTo("default");
      assertThat(fromFile.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
          .contains("default", "kube-system", ns);
    }
    Kubectl.Result result = Kubectl.run(SANDBOX.sandbox().kubeconfig(), "get", "namespaces", "-o", "name");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("namespace/default", "namespace/kube-system");
    Kubectl.Result table = Kubectl.run(SANDBOX.sandbox().kubeconfig(), "get", "namespaces,configmaps,secrets,services", "-A");
    assertThat(table.exitCode()).as(table.output()).isZero();
    assertThat(table.output()).containsPattern("namespace/default\\s+Active");
  }

  @Test
  void theMainServesASandboxAndWritesItsKubeconfig(@TempDir Path dir) throws Exception {
    Path kubeconfig = dir.resolve("nested").resolve("kubeconfig");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), KubeSandboxMain.class.getName(),
        "--port=0", "--kubeconfig=" + kubeconfig)
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder printed = new StringBuilder();
      String line;
      while ((line = out.readLine()) != null && !line.equals("KubeSandbox ready")) {
        printed.append(line).append('\n');
      }
      assertThat(line).as(printed.toString()).isEqualTo("KubeSandbox ready");
      assertThat(printed.toString()).contains("kubeconfig: " + kubeconfig.toAbsolutePath());
      Kubectl.Result result = Kubectl.run(kubeconfig, "get", "namespace", "default", "-o", "name");
      assertThat(result.exitCode()).as(result.output()).isZero();
      assertThat(result.output().trim()).isEqualTo("namespace/default");
    } finally {
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void theQuarkusTestResourcePointsTheClientAtASandbox() {
    KubeSandboxResource resource = new KubeSandboxResource();
    Map<String, String> config = resource.start();
    try {
      KubeSandbox started = KubeSandboxResource.sandbox();
      assertThat(config).containsEntry("quarkus.kubernetes-client.api-server-url", started.url())
          .containsEntry("quarkus.kubernetes-client.trust-certs", "true")
          .containsEntry("quarkus.kubernetes-client.devservices.enabled", "false")
          .containsEntry("verity.test.kubeconfig", started.kubeconfig().toString());
      assertThat(started.client().namespaces().withName("default").get()).isNotNull();
    } finally {
      resource.stop();
    }
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  private void apply(String yaml) {
    GenericKubernetesResource resource = Serialization.unmarshal(yaml, GenericKubernetesResource.class);
    client().resource(resource).inNamespace(ns).fieldManager("verity").serverSideApply();
  }

  private static String job(String name) {
    return """
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: %s
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
              - name: run
                image: busybox
        """.formatted(name);
  }

  private Deployment deployment(String name) {
    return client().apps().deployments().inNamespace(ns).withName(name).get();
  }

  private static boolean available(Deployment deployment) {
    return deployment.getStatus() != null && deployment.getStatus().getAvailableReplicas() != null
        && deployment.getStatus().getConditions().stream()
        .anyMatch(c -> c.getType().equals("Available") && c.getStatus().equals("True"));
  }

  private static DeploymentCondition condition(Deployment deployment, String type) {
    return deployment.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " condition in " + deployment.getStatus()));
  }

  private static JobCondition jobCondition(Job job, String type) {
    return job.getStatus().getConditions().stream().filter(c -> c.getType().equals(type)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type + " condition in " + job.getStatus()));
  }

  private void createConfigMap(String name) {
    client().configMaps().inNamespace(ns).resource(new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
        .addToData("key", "value").build()).create();
  }

  /**
   * Opens a watch over a WebSocket of the JDK's client (which holds incoming frames until its listener asks for them)
   * and records each event as {@code TYPE name}, in the order they arrive; returns once the handshake is done.
   */
  private static WebSocket openWatch(String pathAndQuery, List<String> events) throws Exception {
    URI uri = URI.create(SANDBOX.sandbox().url().replaceFirst("^http", "ws") + pathAndQuery);
    return JDK_HTTP.newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
      private final StringBuilder message = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
        message.append(data);
        if (last) {
          JsonNode event = Json.parse(message.toString());
          events.add(event.path("type").asText() + " " + event.at("/object/metadata/name").asText());
          message.setLength(0);
        }
        socket.request(1);
        return null;
      }
    }).get(20, TimeUnit.SECONDS);
  }

  private HttpResponse<String> send(String method, String path, String contentType, String body) {
    try {
      HttpRequest request = client().getHttpClient().newHttpRequestBuilder()
          .uri(SANDBOX.sandbox().url() + path).method(method, contentType, body).build();
      return client().getHttpClient().sendAsync(request, String.class).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(method + " " + path + " failed", e);
    }
  }
}
