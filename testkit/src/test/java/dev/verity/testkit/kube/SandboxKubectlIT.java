package dev.verity.testkit.kube;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * kubectl 1.32 as a new user drives the sandbox of {@code ./verity up} (all controllers): the imperative creates
 * (protobuf bodies), {@code get all}, {@code rollout status}, {@code explain}, {@code auth}, a streaming
 * {@code get -w}, server-side apply and diff, and deleting a namespace. Skipped when kubectl is not on PATH.
 */
class SandboxKubectlIT {

  private static KubeSandbox sandbox;
  @TempDir
  static Path dir;
  private static final String NS = "demo-" + UUID.randomUUID().toString().substring(0, 8);

  @BeforeAll
  static void start() {
    sandbox = KubeSandbox.start(0, KubeSandbox.Controllers.ALL);
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  /** kubectl with its own discovery cache, so that a cache of another sandbox on the same port is never read. */
  private static Kubectl.Result kubectl(String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of("--cache-dir", dir.resolve("cache").toString()));
    all.addAll(List.of(args));
    return Kubectl.run(sandbox.kubeconfig(), all.toArray(String[]::new));
  }

  private static String ok(String... args) throws Exception {
    Kubectl.Result result = kubectl(args);
    assertThat(result.exitCode()).as("kubectl " + String.join(" ", args) + ":\n" + result.output()).isZero();
    return result.output();
  }

  @Test
  void kubectlAsPeopleDriveIt() throws Exception {
    ok("create", "namespace", NS);
    ok("-n", NS, "create", "deployment", "web", "--image=nginx:1.27", "--replicas=2", "--port=8080");
    ok("-n", NS, "create", "configmap", "settings", "--from-literal=mode=fast");
    ok("-n", NS, "create", "secret", "generic", "login", "--from-literal=password=hunter2");
    ok("-n", NS, "create", "job", "once", "--image=busybox", "--", "echo", "hi");
    ok("-n", NS, "create", "service", "clusterip", "web", "--tcp=80:8080");
    ok("-n", NS, "create", "ingress", "web", "--rule=a.example.com/*=web:80");
    assertThat(ok("-n", NS, "get", "ingress", "web", "-o", "jsonpath={.spec.rules[0].http.paths[0].backend.service.name}"))
        .isEqualTo("web");
    ok("create", "clusterrole", "system:" + NS + "-reader", "--verb=get", "--resource=pods"); // RBAC names are path segments
    assertThat(ok("-n", NS, "get", "secret", "login", "-o", "jsonpath={.data.password}"))
        .isEqualTo(Base64.getEncoder().encodeToString("hunter2".getBytes(StandardCharsets.UTF_8)));
    assertThat(ok("-n", NS, "get", "configmap", "settings", "-o", "jsonpath={.data.mode}")).isEqualTo("fast");

    String all = ok("-n", NS, "get", "all");
    assertThat(all).contains("deployment.apps/web").contains("job.batch/once").contains("service/web");

    String rollout = ok("-n", NS, "rollout", "status", "deployment/web", "--timeout=60s", "-v=4");
    assertThat(rollout).contains("deployment \"web\" successfully rolled out")
        .doesNotContain("very short watch").doesNotContain("Unexpected watch close");

    String explain = ok("explain", "deployment.spec.replicas");
    assertThat(explain).contains("KIND:       Deployment").contains("FIELD: replicas <integer>");

    assertThat(ok("auth", "can-i", "create", "deployments", "-n", NS).trim()).isEqualTo("yes");
    assertThat(ok("auth", "whoami")).contains("verity-sandbox");

    watchStreamsWhileOpen();

    Path manifest = dir.resolve("app.yaml");
    Files.writeString(manifest, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api, namespace: %s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers:
              - name: api
                image: nginx:1.27
                ports: [{containerPort: 80}]
                resources: {limits: {cpu: 500m, memory: 128Mi}}
        """.formatted(NS));
    assertThat(ok("apply", "--server-side", "-f", manifest.toString())).contains("deployment.apps/api serverside-applied");
    Kubectl.Result diff = kubectl("diff", "--server-side", "-f", manifest.toString());
    assertThat(diff.exitCode()).as(diff.output()).isZero();
    assertThat(diff.output()).isEmpty();

    ok("delete", "namespace", NS);
    // kubectl delete waits for the namespace to be gone, which it is only once its content is
    assertThat(kubectl("get", "namespace", NS).output()).contains("NotFound");
    assertThat(sandbox.client().apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
    assertThat(sandbox.client().configMaps().inNamespace(NS).list().getItems()).isEmpty();
  }

  private void watchStreamsWhileOpen() throws Exception {
    Process process = new ProcessBuilder("kubectl", "--kubeconfig", sandbox.kubeconfig().toString(), "--cache-dir",
        dir.resolve("cache").toString(), "-n", NS, "get", "configmaps", "-w", "--output-watch-events")
        .redirectErrorStream(true).start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        in.lines().forEach(lines::add);
      } catch (IOException ignored) {
        // the process was destroyed
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      int before = sandbox.openWatches();
      await().atMost(Duration.ofSeconds(20)).until(() -> sandbox.openWatches() > before);
      ok("-n", NS, "create", "configmap", "watched", "--from-literal=a=1");
      assertThat(next(lines, "watched")).startsWith("ADDED");
      ok("-n", NS, "label", "configmap", "watched", "seen=yes");
      assertThat(next(lines, "watched")).startsWith("MODIFIED");
      ok("-n", NS, "delete", "configmap", "watched");
      assertThat(next(lines, "watched")).startsWith("DELETED");
      assertThat(process.isAlive()).as("kubectl get -w is still watching").isTrue();
    } finally {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String next(BlockingQueue<String> lines, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null && line.contains(text)) {
        return line;
      }
    }
    throw new AssertionError("kubectl get -w printed no line with '" + text + "' within 20 s; left: " + lines);
  }
}
