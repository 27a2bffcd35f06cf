package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Bare mode ({@link KubeSandbox.Controllers#NONE}, {@code --controllers=none}): nothing but the client writes, as on
 * kube-apiserver without kube-controller-manager; and the full mode's simulated Deployment controller status.
 */
class SandboxControllersIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static KubeSandbox bare;
  private static KubeSandbox full;

  @BeforeAll
  static void start() {
    bare = KubeSandbox.bare();
    full = KubeSandbox.start(0, KubeSandbox.Controllers.ALL);
  }

  @AfterAll
  static void stop() {
    bare.close();
    full.close();
  }

  static JsonNode send(KubeSandbox sandbox, String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.url() + path)).header("Content-Type", "application/json");
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
    return Json.parse(response.body());
  }

  private static final String DEPLOYMENT = """
      {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,
       "selector":{"matchLabels":{"app":"web"}},
       "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}""";

  private static long resourceVersion(JsonNode object) {
    return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
  }

  @Test
  void aBareSandboxWritesNothingOfItsOwn() throws Exception {
    send(bare, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"quiet\"}}");
    JsonNode deployment = send(bare, "POST", "/apis/apps/v1/namespaces/quiet/deployments", DEPLOYMENT);
    send(bare, "POST", "/apis/batch/v1/namespaces/quiet/jobs", """
        {"metadata":{"name":"once"},"spec":{"template":{"spec":{"restartPolicy":"Never",
         "containers":[{"name":"c","image":"busybox"}]}}}}""");
    long afterJob = resourceVersion(send(bare, "GET", "/apis/batch/v1/namespaces/quiet/jobs/once", null));
    Thread.sleep(bare.rollout().readyAfter().toMillis() + 500); // longer than a simulated rollout takes
    // the next write gets the next resourceVersion: nothing wrote in between
    JsonNode configMap = send(bare, "POST", "/api/v1/namespaces/quiet/configmaps", "{\"metadata\":{\"name\":\"next\"}}");
    assertThat(resourceVersion(configMap)).isEqualTo(afterJob + 1);
    JsonNode stored = send(bare, "GET", "/apis/apps/v1/namespaces/quiet/deployments/web", null);
    assertThat(stored.path("metadata").path("resourceVersion")).isEqualTo(deployment.path("metadata").path("resourceVersion"));
    assertThat(stored.path("status").size()).isZero();
    assertThat(stored.path("metadata").path("managedFields")).hasSize(1);
    assertThatThrownBy(() -> bare.rollout().enabled(true)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Controllers.ALL");
    assertThat(bare.rollout().reset()).isNotNull();

    // no namespace controller: a deleted namespace stays Terminating with its content
    send(bare, "DELETE", "/api/v1/namespaces/quiet", null);
    Thread.sleep(bare.lifecycle().namespaceTerminatedAfter().toMillis() + 500);
    JsonNode namespace = send(bare, "GET", "/api/v1/namespaces/quiet", null);
    assertThat(namespace.path("status").path("phase").asText()).isEqualTo("Terminating");
    assertThat(namespace.path("status").has("conditions")).isFalse();
    send(bare, "GET", "/apis/apps/v1/namespaces/quiet/deployments/web", null);
  }

  @Test
  void theSimulatedDeploymentControllerWritesWhatKubectlRolloutStatusReads() throws Exception {
    send(full, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"busy\"}}");
    send(full, "POST", "/apis/apps/v1/namespaces/busy/deployments", DEPLOYMENT);
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      JsonNode status = send(full, "GET", "/apis/apps/v1/namespaces/busy/deployments/web", null).path("status");
      assertThat(status.path("availableReplicas").asInt()).isEqualTo(2);
    });
    JsonNode deployment = send(full, "GET", "/apis/apps/v1/namespaces/busy/deployments/web", null);
    JsonNode status = deployment.path("status");
    assertThat(status.path("observedGeneration").asLong()).isEqualTo(deployment.path("metadata").path("generation").asLong());
    assertThat(status.path("updatedReplicas").asInt()).isEqualTo(2);
    assertThat(status.path("readyReplicas").asInt()).isEqualTo(2);
    List<String> conditions = new ArrayList<>();
    status.path("conditions").forEach(c -> conditions.add(c.path("type").asText() + "=" + c.path("status").asText()
        + "/" + c.path("reason").asText()));
    assertThat(conditions).containsExactly("Available=True/MinimumReplicasAvailable", "Progressing=True/NewReplicaSetAvailable");
    List<String> managers = new ArrayList<>();
    deployment.path("metadata").path("managedFields").forEach(m -> managers.add(m.path("manager").asText()));
    assertThat(managers).contains("kube-controller-manager");
  }

  @Test
  void theMainTakesControllersNoneAndListsItInHelp(@TempDir Path dir) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process help = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), KubeSandboxMain.class.getName(),
        "--help").redirectErrorStream(true).start();
    assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).contains("--controllers=all|none");

    Process wrong = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), KubeSandboxMain.class.getName(),
        "--controllers=some").redirectErrorStream(true).start();
    assertThat(wrong.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(wrong.exitValue()).isEqualTo(2);
    assertThat(new String(wrong.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
        .contains("--controllers must be 'all' or 'none', got 'some'");

    Path kubeconfig = dir.resolve("kubeconfig");
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), KubeSandboxMain.class.getName(),
        "--port=0", "--kubeconfig=" + kubeconfig, "--controllers=none").redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      StringBuilder printed = new StringBuilder();
      String line;
      while ((line = out.readLine()) != null && !line.equals("KubeSandbox ready")) {
        printed.append(line).append('\n');
      }
      assertThat(line).as(printed.toString()).isEqualTo("KubeSandbox ready");
      assertThat(printed.toString()).contains("(bare: no controllers)");
    } finally {
      process.destroy();
      assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
  }
}
