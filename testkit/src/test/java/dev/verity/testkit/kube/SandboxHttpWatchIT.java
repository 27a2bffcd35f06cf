package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Watches over plain HTTP, as kubectl and client-go open them: streamed, timed out, bookmarked, expired. */
class SandboxHttpWatchIT {

  @RegisterExtension
  static final SandboxFixture SANDBOX = new SandboxFixture("httpwatch");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String END = "<end of stream>";
  private String ns;

  @BeforeEach
  void namespace() {
    ns = SANDBOX.namespace();
  }

  /** An open watch's lines, read as they arrive; {@link #END} once the server ends the stream. */
  private static final class Stream implements AutoCloseable {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final HttpResponse<InputStream> response;
    private final Thread reader;

    Stream(String path) throws Exception {
      response = HTTP.send(HttpRequest.newBuilder(URI.create(SANDBOX.sandbox().url() + path)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = in.readLine()) != null) {
            lines.add(line);
          }
          lines.add(END);
        } catch (IOException closed) {
          lines.add(END);
        }
      }, "http-watch-reader");
      reader.setDaemon(true);
      reader.start();
    }

    String next() throws InterruptedException {
      String line = lines.poll(10, TimeUnit.SECONDS);
      assertThat(line).as("a line within 10 s").isNotNull();
      return line;
    }

    @Override
    public void close() throws IOException {
      response.body().close();
    }
  }

  private static JsonNode send(String method, String path, String contentType, String body) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(SANDBOX.sandbox().url() + path))
        .header("Content-Type", contentType)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return Json.parse(response.body());
  }

  private static String typeAndName(String line) {
    JsonNode event = Json.parse(line);
    return event.path("type").asText() + " " + event.path("object").path("metadata").path("name").asText();
  }

  @Test
  void anHttpWatchStaysOpenAndDeliversEachEventAsItHappens() throws Exception {
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    String listVersion = send("GET", path, "application/json", null).path("metadata").path("resourceVersion").asText();
    try (Stream watch = new Stream(path + "?watch=true&resourceVersion=" + listVersion)) {
      assertThat(watch.response.statusCode()).isEqualTo(200);
      assertThat(watch.response.headers().firstValue("Transfer-Encoding")).contains("chunked");
      send("POST", path, "application/json", "{\"metadata\":{\"name\":\"one\"}}");
      assertThat(typeAndName(watch.next())).isEqualTo("ADDED one");
      send("PATCH", path + "/one", "application/merge-patch+json", "{\"data\":{\"a\":\"b\"}}");
      String modified = watch.next();
      assertThat(typeAndName(modified)).isEqualTo("MODIFIED one");
      assertThat(Json.parse(modified).path("object").path("data").path("a").asText()).isEqualTo("b");
      send("DELETE", path + "/one", "application/json", null);
      assertThat(typeAndName(watch.next())).isEqualTo("DELETED one");
      assertThat(watch.lines).isEmpty(); // still open: nothing more, and no end
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> SANDBOX.sandbox().openWatches() == 0);
  }

  @Test
  void anHttpWatchEndsCleanlyAtItsTimeoutWithABookmarkFirstWhenAllowed() throws Exception {
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    JsonNode created = send("POST", path, "application/json", "{\"metadata\":{\"name\":\"before\"}}");
    long createdAt = Long.parseLong(created.path("metadata").path("resourceVersion").asText());
    try (Stream watch = new Stream(path + "?watch=true&timeoutSeconds=3&allowWatchBookmarks=true")) {
      List<String> lines = new ArrayList<>();
      String line;
      while (!(line = watch.next()).equals(END)) {
        lines.add(line);
      }
      assertThat(lines).hasSize(2);
      assertThat(typeAndName(lines.get(0))).isEqualTo("ADDED before");
      JsonNode bookmark = Json.parse(lines.get(1));
      assertThat(bookmark.path("type").asText()).isEqualTo("BOOKMARK");
      assertThat(bookmark.path("object").path("kind").asText()).isEqualTo("ConfigMap");
      assertThat(bookmark.path("object").path("apiVersion").asText()).isEqualTo("v1");
      assertThat(Long.parseLong(bookmark.path("object").path("metadata").path("resourceVersion").asText()))
          .isGreaterThanOrEqualTo(createdAt);
    }
    try (Stream plain = new Stream(path + "?watch=true&timeoutSeconds=1&resourceVersion="
        + created.path("metadata").path("resourceVersion").asText())) {
      assertThat(plain.next()).isEqualTo(END); // no bookmarks unless allowed, no events: just the clean end
    }
  }

  @Test
  void aWatchFromATooOldResourceVersionGetsAnErrorEventWith410() throws Exception {
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    JsonNode created = send("POST", path, "application/json", "{\"metadata\":{\"name\":\"old\"}}");
    send("POST", path, "application/json", "{\"metadata\":{\"name\":\"newer\"}}");
    SANDBOX.sandbox().faults().compactHistory(); // a watch from before the newer write is now too old
    try (Stream watch = new Stream(path + "?watch=true&resourceVersion=" + created.path("metadata").path("resourceVersion").asText())) {
      assertThat(watch.response.statusCode()).isEqualTo(200);
      JsonNode error = Json.parse(watch.next());
      assertThat(error.path("type").asText()).isEqualTo("ERROR");
      assertThat(error.path("object").path("kind").asText()).isEqualTo("Status");
      assertThat(error.path("object").path("code").asInt()).isEqualTo(410);
      assertThat(error.path("object").path("reason").asText()).isEqualTo("Expired");
      assertThat(error.path("object").path("message").asText()).startsWith("too old resource version: ");
      assertThat(watch.next()).isEqualTo(END);
    }
  }

  @Test
  void kubectlGetWatchStreamsAddedModifiedDeletedWhileOpen() throws Exception {
    Process process;
    try {
      process = new ProcessBuilder("kubectl", "--kubeconfig", SANDBOX.sandbox().kubeconfig().toString(), "-n", ns,
          "get", "configmaps", "-w", "--output-watch-events").redirectErrorStream(true).start();
    } catch (IOException noKubectl) {
      org.junit.jupiter.api.Assumptions.abort("kubectl is not on PATH: " + noKubectl.getMessage());
      return;
    }
    BlockingQueue<String> out = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        in.lines().forEach(out::add);
      } catch (IOException ignored) {
        // the process was destroyed
      }
    });
    reader.setDaemon(true);
    reader.start();
    try {
      await().atMost(Duration.ofSeconds(20)).until(() -> SANDBOX.sandbox().openWatches() > 0);
      String path = "/api/v1/namespaces/" + ns + "/configmaps";
      send("POST", path, "application/json", "{\"metadata\":{\"name\":\"watched\"}}");
      assertThat(nextContaining(out, "watched")).startsWith("ADDED");
      send("PATCH", path + "/watched", "application/merge-patch+json", "{\"data\":{\"a\":\"b\"}}");
      assertThat(nextContaining(out, "watched")).startsWith("MODIFIED");
      send("DELETE", path + "/watched", "application/json", null);
      assertThat(nextContaining(out, "watched")).startsWith("DELETED");
      assertThat(process.isAlive()).as("kubectl get -w is still watching").isTrue();
    } finally {
      process.destroy();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static String nextContaining(BlockingQueue<String> lines, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null && line.contains(text)) {
        return line;
      }
    }
    throw new AssertionError("no line with '" + text + "' within 15 s; left: " + lines);
  }

  @Test
  void kubectlRolloutStatusFollowsTheWatchWithoutShortWatchWarnings() throws Exception {
    String path = "/apis/apps/v1/namespaces/" + ns + "/deployments";
    send("POST", path, "application/json", """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,
         "selector":{"matchLabels":{"app":"web"}},
         "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}""");
    SANDBOX.sandbox().rollout().readyAfter(Duration.ofSeconds(2));
    Kubectl.Result result = Kubectl.run(SANDBOX.sandbox().kubeconfig(), "-n", ns, "rollout", "status", "deployment/web",
        "--timeout=30s", "-v=4");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("deployment \"web\" successfully rolled out")
        .doesNotContain("very short watch").doesNotContain("Unexpected watch close");
  }
}
