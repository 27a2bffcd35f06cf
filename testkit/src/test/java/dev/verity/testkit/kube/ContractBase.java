package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every contract shares: the server under test ({@link ApiServer}, chosen by the runner), a namespace of its
 * own per test (deleted after it), cluster-scoped objects to delete after the test, and raw HTTP requests as
 * client-go's REST client sends them (content type, query, body), answered as a {@link Reply}.
 *
 * <p>The Kubernetes tests transcribed here work in namespace {@code default}; each transcription works in its own
 * namespace instead ({@link #inNamespace} rewrites {@code "namespace": "default"} in bodies), so cases do not see
 * each other's objects.
 */
abstract class ContractBase {

  static final String APPLY = "application/apply-patch+yaml";
  static final String MERGE = "application/merge-patch+json";
  static final String STRATEGIC = "application/strategic-merge-patch+json";
  static final String JSON_PATCH = "application/json-patch+json";
  static final String JSON = "application/json";

  protected String ns;
  private final List<String> clusterScopedToDelete = new ArrayList<>();

  /** The server under test, given by the runner. */
  protected abstract ApiServer server();

  protected KubernetesClient client() {
    return server().client();
  }

  protected Path kubeconfig() {
    return server().kubeconfig();
  }

  @BeforeEach
  void createNamespace() {
    ns = "contract-" + UUID.randomUUID().toString().substring(0, 8);
    client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
  }

  @AfterEach
  void deleteNamespace() {
    for (String path : clusterScopedToDelete) {
      call("DELETE", path, JSON, "");
    }
    clusterScopedToDelete.clear();
    client().namespaces().withName(ns).delete();
  }

  /** Deletes the cluster-scoped object at {@code path} after the test. */
  void deleteAfterwards(String path) {
    clusterScopedToDelete.add(path);
  }

  /** {@code /api/v1/namespaces/<ns>/<resource>[/<name>]}. */
  String core(String resource, String name) {
    return "/api/v1/namespaces/" + ns + "/" + resource + (name == null ? "" : "/" + name);
  }

  /** {@code /apis/<group>/<version>/namespaces/<ns>/<resource>[/<name>]}. */
  String grouped(String groupVersion, String resource, String name) {
    return "/apis/" + groupVersion + "/namespaces/" + ns + "/" + resource + (name == null ? "" : "/" + name);
  }

  String apps(String resource, String name) {
    return grouped("apps/v1", resource, name);
  }

  /** A body written for namespace {@code default}, moved to this test's namespace. */
  String inNamespace(String body) {
    return body.replaceAll("\"namespace\":(\\s*)\"default\"", "\"namespace\":$1\"" + ns + "\"")
        .replaceAll("(?m)^(\\s*)namespace: default$", "$1namespace: " + ns);
  }

  Reply apply(String path, String query, String body) {
    return call("PATCH", path + query, APPLY, body);
  }

  Reply patch(String contentType, String path, String query, String body) {
    return call("PATCH", path + query, contentType, body);
  }

  Reply put(String path, String query, String body) {
    return call("PUT", path + query, JSON, body);
  }

  Reply post(String path, String query, String body) {
    return call("POST", path + query, JSON, body);
  }

  Reply get(String path) {
    return call("GET", path, null, null);
  }

  /** One HTTP request to the server under test, as client-go's REST client sends it (JSON accepted). */
  Reply call(String method, String pathAndQuery, String contentType, String body) {
    try {
      HttpRequest.Builder builder = client().getHttpClient().newHttpRequestBuilder()
          .uri(client().getMasterUrl().toString().replaceAll("/$", "") + pathAndQuery)
          .header("Accept", JSON);
      if (body != null) {
        builder.method(method, contentType, body);
      } else {
        builder.method(method, JSON, null);
      }
      HttpResponse<String> response = client().getHttpClient().sendAsync(builder.build(), String.class)
          .get(60, TimeUnit.SECONDS);
      return new Reply(method + " " + pathAndQuery, response.code(), response.body(), warnings(response.headers("Warning")));
    } catch (Exception e) {
      throw new AssertionError(method + " " + pathAndQuery + " failed", e);
    }
  }

  /** The texts of {@code Warning: 299 - "<text>"} headers, unquoted. */
  static List<String> warnings(List<String> headers) {
    List<String> texts = new ArrayList<>();
    for (String header : headers == null ? List.<String>of() : headers) {
      int first = header.indexOf('"');
      int last = header.lastIndexOf('"');
      String text = first >= 0 && last > first ? header.substring(first + 1, last) : header;
      texts.add(text.replace("\\\"", "\"").replace("\\\\", "\\"));
    }
    return texts;
  }

  /** An answer: status code, body and the warnings the server sent. */
  record Reply(String request, int code, String body, List<String> warnings) {

    JsonNode json() {
      if (body == null || body.isBlank()) {
        return MissingNode.getInstance();
      }
      return Json.parse(body);
    }

    boolean ok() {
      return code >= 200 && code < 300;
    }

    /** Asserts a 2xx answer and returns its body. */
    JsonNode ok(String what) {
      assertThat(ok()).as("%s: %s answered %s %s", what, request, code, body).isTrue();
      return json();
    }

    String reason() {
      return json().path("reason").asText("");
    }

    String message() {
      return json().path("message").asText("");
    }

    List<JsonNode> causes() {
      List<JsonNode> causes = new ArrayList<>();
      json().path("details").path("causes").forEach(causes::add);
      return causes;
    }

    String resourceVersion() {
      return json().path("metadata").path("resourceVersion").asText();
    }

    List<JsonNode> managedFields() {
      List<JsonNode> entries = new ArrayList<>();
      json().path("metadata").path("managedFields").forEach(entries::add);
      return entries;
    }

    @Override
    public String toString() {
      return request + " -> " + code + " " + body;
    }
  }
}
