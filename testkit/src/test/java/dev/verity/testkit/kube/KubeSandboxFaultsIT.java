package dev.verity.testkit.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Faults on demand and the request log, as fabric8 clients, kubectl-like raw HTTP and the control endpoint see them. */
class KubeSandboxFaultsIT {

  private static KubeSandbox sandbox;
  private static KubernetesClient noRetries;
  private String ns;

  @BeforeAll
  static void start() {
    sandbox = KubeSandbox.start();
    noRetries = client(0, 10_000);
  }

  @AfterAll
  static void stop() {
    noRetries.close();
    sandbox.close();
  }

  /** A fabric8 client with this many retries and this request timeout. */
  private static KubernetesClient client(int retries, int requestTimeoutMillis) {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(sandbox.url()).withNamespace("default")
        .withRequestRetryBackoffLimit(retries).withRequestTimeout(requestTimeoutMillis).build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  @BeforeEach
  void namespace() {
    ns = "faults-" + UUID.randomUUID().toString().substring(0, 8);
    sandbox.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
    sandbox.requests().clear();
  }

  @AfterEach
  void clearFaults() {
    sandbox.faults().clear();
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("k", "v").build();
  }

  private RequestMatch createConfigMaps() {
    return RequestMatch.of("create", "configmaps").inNamespace(ns);
  }

  // ---- status codes ----------------------------------------------------------------------------------------------

  @Test
  void a429ReachesFabric8WithItsRetryAfter() {
    sandbox.faults().inject(createConfigMaps(), 1, Fault.status(429, Duration.ofSeconds(2)));
    assertThatThrownBy(() -> noRetries.configMaps().inNamespace(ns).resource(configMap("throttled")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(429);
          assertThat(e.getStatus().getReason()).isEqualTo("TooManyRequests");
          assertThat(e.getStatus().getDetails().getRetryAfterSeconds()).isEqualTo(2);
        });
    assertThat(noRetries.configMaps().inNamespace(ns).withName("throttled").get()).as("not carried out").isNull();
  }

  @Test
  void fabric8RetriesA429() {
    // fabric8 7.5.2 retries 429 and 5xx, but after its own backoff: it reads Retry-After and then schedules its own interval
    sandbox.faults().inject(createConfigMaps(), 1, Fault.status(429, Duration.ofSeconds(2)));
    sandbox.client().configMaps().inNamespace(ns).resource(configMap("throttled")).create();
    assertThat(sandbox.requests().matching(createConfigMaps())).extracting(LoggedRequest::code).containsExactly(429, 201);
    assertThat(sandbox.requests().matching(createConfigMaps()).get(0).fault()).isEqualTo("status 429 retry-after 2s");
  }

  @Test
  void a429CarriesRetryAfterAndAStatusOnTheWire() throws Exception {
    sandbox.faults().inject(RequestMatch.of("list", "configmaps"), 1, Fault.status(429));
    HttpResponse<String> response = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create(sandbox.url() + "/api/v1/namespaces/" + ns + "/configmaps")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.headers().firstValue("Retry-After")).contains("1");
    assertThat(Json.parse(response.body()).path("reason").asText()).isEqualTo("TooManyRequests");
    assertThat(Json.parse(response.body()).path("details").path("retryAfterSeconds").asInt()).isEqualTo(1);
  }

  @Test
  void conflictInternalErrorAndUnavailableAreStatusesTheClientReports() {
    sandbox.client().configMaps().inNamespace(ns).resource(configMap("app")).create();
    RequestMatch patchApp = RequestMatch.of("patch", "configmaps").inNamespace(ns).named("app");
    sandbox.faults().inject(patchApp, 1, Fault.status(409));
    assertThatThrownBy(() -> noRetries.configMaps().inNamespace(ns).withName("app").edit(c -> {
      c.getData().put("k", "w");
      return c;
    })).isInstanceOfSatisfying(KubernetesClientException.class, e -> {
      assertThat(e.getCode()).isEqualTo(409);
      assertThat(e.getStatus().getReason()).isEqualTo("Conflict");
      assertThat(e.getStatus().getMessage()).contains("Operation cannot be fulfilled on configmaps \"app\"");
    });
    assertThat(sandbox.client().configMaps().inNamespace(ns).withName("app").get().getData()).containsEntry("k", "v");

    RequestMatch getApp = RequestMatch.of("get", "configmaps").named("app");
    sandbox.faults().inject(getApp, 1, Fault.status(500));
    sandbox.faults().inject(getApp, 1, Fault.status(503));
    assertThatThrownBy(() -> noRetries.configMaps().inNamespace(ns).withName("app").get())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(500);
          assertThat(e.getStatus().getReason()).isEqualTo("InternalError");
        });
    assertThatThrownBy(() -> noRetries.configMaps().inNamespace(ns).withName("app").get())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(503));
    assertThat(noRetries.configMaps().inNamespace(ns).withName("app").get()).as("the rules are used up").isNotNull();
  }

  // ---- hangs, drops, latency -------------------------------------------------------------------------------------

  @Test
  void aHangDelaysTheAnswer() {
    sandbox.client().configMaps().inNamespace(ns).resource(configMap("app")).create();
    sandbox.faults().inject(RequestMatch.of("get", "configmaps").named("app"), 1, Fault.hang(Duration.ofMillis(1200)));
    long started = System.nanoTime();
    assertThat(sandbox.client().configMaps().inNamespace(ns).withName("app").get()).isNotNull();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
  }

  @Test
  void aClientThatTimesOutDuringAHangGetsNothingDone() throws Exception {
    sandbox.faults().inject(createConfigMaps(), 1, Fault.hang(Duration.ofMillis(1500)));
    try (KubernetesClient impatient = client(0, 400)) {
      assertThatThrownBy(() -> impatient.configMaps().inNamespace(ns).resource(configMap("late")).create())
          .isInstanceOf(KubernetesClientException.class);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> !sandbox.requests().matching(createConfigMaps()).isEmpty());
    assertThat(sandbox.requests().matching(createConfigMaps())).extracting(LoggedRequest::code).containsExactly(0);
    assertThat(sandbox.client().configMaps().inNamespace(ns).withName("late").get()).isNull();
  }

  @Test
  void aDroppedConnectionFailsTheRequestWithNothingDone() {
    sandbox.faults().inject(createConfigMaps(), 1, Fault.drop());
    // fabric8's Vert.x client reports the closed connection and does not retry it (it is no IOException)
    assertThatThrownBy(() -> sandbox.client().configMaps().inNamespace(ns).resource(configMap("first")).create())
        .isInstanceOf(KubernetesClientException.class).hasMessageContaining("closed");
    assertThat(sandbox.client().configMaps().inNamespace(ns).withName("first").get()).as("not carried out").isNull();
    sandbox.client().configMaps().inNamespace(ns).resource(configMap("second")).create();
    assertThat(sandbox.requests().matching(createConfigMaps())).extracting(LoggedRequest::code).containsExactly(0, 201);
    assertThat(sandbox.requests().matching(createConfigMaps()).get(0).fault()).isEqualTo("drop");
  }

  @Test
  void latencyIsAddedToEveryRequest() {
    sandbox.faults().latency(Duration.ofMillis(300));
    long started = System.nanoTime();
    sandbox.client().configMaps().inNamespace(ns).list();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    sandbox.faults().latency(Duration.ZERO);
  }

  @Test
  void watchesStillOpenAndHangsHoldThemUnderLatency() {
    sandbox.faults().latency(Duration.ofMillis(200));
    sandbox.faults().inject(RequestMatch.of("watch", "configmaps").inNamespace(ns), 1, Fault.hang(Duration.ofMillis(500)));
    List<String> events = new CopyOnWriteArrayList<>();
    Watch watch = sandbox.client().configMaps().inNamespace(ns).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        events.add(action + " " + resource.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {
      }
    });
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.requests().count(RequestMatch.of("watch", "configmaps").inNamespace(ns), 101) == 1);
      assertThat(sandbox.requests().matching(RequestMatch.of("watch", "configmaps").inNamespace(ns)).get(0).duration())
          .isGreaterThanOrEqualTo(Duration.ofMillis(700));
      sandbox.client().configMaps().inNamespace(ns).resource(configMap("watched")).create();
      await().atMost(Duration.ofSeconds(10)).until(() -> events.contains("ADDED watched"));
    } finally {
      watch.close();
    }
  }

  // ---- the request log -------------------------------------------------------------------------------------------

  @Test
  void theRequestLogShowsA422WasSentExactlyOnce() {
    assertThatThrownBy(() -> sandbox.client().configMaps().inNamespace(ns).resource(configMap("Not_A_Name")).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(422));
    sandbox.client().configMaps().inNamespace(ns).resource(configMap("fine")).create();
    assertThat(sandbox.requests().count(createConfigMaps(), 422)).isEqualTo(1);
    LoggedRequest refused = sandbox.requests().matching(createConfigMaps()).get(0);
    assertThat(refused.method()).isEqualTo("POST");
    assertThat(refused.path()).isEqualTo("/api/v1/namespaces/" + ns + "/configmaps");
    assertThat(refused.time()).isNotNull();
  }

  @Test
  void theRequestLogTellsClientsApartByTheirUserAgent() throws Exception {
    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(sandbox.url()).withNamespace(ns)
        .withUserAgent("verity-drift-monitor").build();
    try (KubernetesClient monitor = new KubernetesClientBuilder().withConfig(config).build()) {
      monitor.configMaps().inNamespace(ns).list();
      SharedIndexInformer<ConfigMap> informer = monitor.configMaps().inNamespace(ns).inform();
      await().atMost(Duration.ofSeconds(10)).until(() -> sandbox.requests().entries().stream()
          .anyMatch(r -> "watch".equals(r.verb()) && r.fromAgent("verity-drift-monitor")));
      informer.stop();
    }
    HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sandbox.url() + "/api/v1/namespaces/" + ns
        + "/configmaps")).header("User-Agent", "kubectl/v1.32.0 (linux/amd64) kubernetes/abc").build(),
        HttpResponse.BodyHandlers.ofString());

    List<LoggedRequest> lists = sandbox.requests().matching(RequestMatch.of("list", "configmaps").inNamespace(ns));
    assertThat(lists).extracting(LoggedRequest::userAgent)
        .containsExactly("verity-drift-monitor", "verity-drift-monitor", "kubectl/v1.32.0 (linux/amd64) kubernetes/abc");
    assertThat(lists.get(2).fromAgent("kubectl/")).isTrue();
    assertThat(lists.get(2).fromAgent("verity-drift-monitor")).isFalse();
  }

  // ---- watches ---------------------------------------------------------------------------------------------------

  @Test
  void closingWatchesFromTheServerMakesFabric8Rewatch() {
    List<String> events = new CopyOnWriteArrayList<>();
    Watch watch = sandbox.client().configMaps().inNamespace(ns).watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        events.add(action + " " + resource.getMetadata().getName());
      }

      @Override
      public void onClose(WatcherException cause) {
        events.add("closed " + cause);
      }
    });
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> !sandbox.requests().matching(RequestMatch.of("watch", "configmaps").inNamespace(ns)).isEmpty());
      assertThat(sandbox.faults().closeWatches()).isGreaterThanOrEqualTo(1);
      await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.requests().matching(RequestMatch.of("watch", "configmaps").inNamespace(ns)).size() >= 2);
      sandbox.client().configMaps().inNamespace(ns).resource(configMap("after-close")).create();
      await().atMost(Duration.ofSeconds(20)).until(() -> events.contains("ADDED after-close"));
    } finally {
      watch.close();
    }
  }

  @Test
  void aWatchFromAResourceVersionOlderThanTheHistoryIsGone() {
    String old = sandbox.client().configMaps().inNamespace(ns).list().getMetadata().getResourceVersion();
    sandbox.client().configMaps().inNamespace(ns).resource(configMap("newer")).create();
    sandbox.faults().compactHistory();
    CompletableFuture<WatcherException> closed = new CompletableFuture<>();
    Watch watch = sandbox.client().configMaps().inNamespace(ns).watch(
        new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withResourceVersion(old).build(), new Watcher<>() {
          @Override
          public void eventReceived(Action action, ConfigMap resource) {
          }

          @Override
          public void onClose(WatcherException cause) {
            closed.complete(cause);
          }
        });
    try {
      WatcherException cause = closed.get(20, TimeUnit.SECONDS);
      assertThat(cause.isHttpGone()).isTrue();
      assertThat(cause.getMessage()).contains("too old resource version: " + old);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      watch.close();
    }
  }

  @Test
  void anInformerRelistsAfterItsWatchIsClosedAndItsResourceVersionIsGone() {
    SharedIndexInformer<ConfigMap> informer = sandbox.client().configMaps().inNamespace(ns).inform();
    try {
      await().atMost(Duration.ofSeconds(20)).until(informer::hasSynced);
      sandbox.faults().watchHistory(1);
      sandbox.client().configMaps().inNamespace("default").resource(configMap("elsewhere-" + ns)).create();
      sandbox.client().configMaps().inNamespace("default").withName("elsewhere-" + ns).delete();
      sandbox.faults().closeWatches();
      sandbox.client().configMaps().inNamespace(ns).resource(configMap("seen-after-relist")).create();
      await().atMost(Duration.ofSeconds(30)).until(() -> informer.getStore().getByKey(ns + "/seen-after-relist") != null);
    } finally {
      informer.close();
      sandbox.client().configMaps().inNamespace("default").withName("elsewhere-" + ns).delete();
    }
  }

  // ---- the control endpoint over HTTP ----------------------------------------------------------------------------

  @Test
  void theControlEndpointInjectsFaultsAndServesTheRequestLog() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> added = http.send(HttpRequest.newBuilder(URI.create(sandbox.controlUrl() + "/faults"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"verb\":\"list\",\"resource\":\"configmaps\",\"namespace\":\"" + ns
            + "\",\"status\":503}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
    assertThatThrownBy(() -> noRetries.configMaps().inNamespace(ns).list())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode()).isEqualTo(503));

    HttpResponse<String> log = http.send(HttpRequest.newBuilder(URI.create(sandbox.controlUrl() + "/requests?code=503&namespace=" + ns))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(log.statusCode()).isEqualTo(200);
    assertThat(Json.parse(log.body()).path("requests")).hasSize(1);
    assertThat(Json.parse(log.body()).path("requests").get(0).path("verb").asText()).isEqualTo("list");
    assertThat(sandbox.requests().entries()).noneMatch(r -> r.path().startsWith("/sandbox"));
  }
}
