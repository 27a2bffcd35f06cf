package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** What every answer carries, and the name rule of each kind, as a 1.32 API server answers them, over raw HTTP. */
class SandboxResponsesIT {

  @RegisterExtension
  static final SandboxFixture SANDBOX = new SandboxFixture("responses");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private String ns;

  @BeforeEach
  void namespace() {
    ns = SANDBOX.namespace();
  }

  record Answer(int code, JsonNode body) {
  }

  static Answer send(String method, String path, String contentType, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SANDBOX.sandbox().url() + path));
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body().isEmpty() ? null : Json.parse(response.body()));
  }

  @Test
  void aCreateOrUpdateWithoutApiVersionAndKindIsAnsweredWithThem() throws Exception {
    // client-go's typed clients send the object without its TypeMeta; the server fills it from the URL
    Answer created = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", "application/json",
        "{\"metadata\":{\"name\":\"bare\"},\"data\":{\"a\":\"b\"}}");
    assertThat(created.code()).isEqualTo(201);
    assertThat(created.body().path("apiVersion").asText()).isEqualTo("v1");
    assertThat(created.body().path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(created.body().fieldNames().next()).isEqualTo("apiVersion");

    Answer deployment = send("POST", "/apis/apps/v1/namespaces/" + ns + "/deployments", "application/json", """
        {"metadata":{"name":"web"},"spec":{"selector":{"matchLabels":{"app":"web"}},
         "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}}}""");
    assertThat(deployment.code()).isEqualTo(201);
    assertThat(deployment.body().path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(deployment.body().path("kind").asText()).isEqualTo("Deployment");

    Answer updated = send("PUT", "/api/v1/namespaces/" + ns + "/configmaps/bare", "application/json",
        "{\"metadata\":{\"name\":\"bare\"},\"data\":{\"a\":\"c\"}}");
    assertThat(updated.code()).isEqualTo(200);
    assertThat(updated.body().path("apiVersion").asText()).isEqualTo("v1");
    assertThat(updated.body().path("kind").asText()).isEqualTo("ConfigMap");
    Answer read = send("GET", "/api/v1/namespaces/" + ns + "/configmaps/bare", null, null);
    assertThat(read.body().path("kind").asText()).isEqualTo("ConfigMap");
    assertThat(read.body().path("data").path("a").asText()).isEqualTo("c");
  }

  @Test
  void rbacNamesArePathSegmentsSoColonsAreAccepted() throws Exception {
    Answer role = send("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "application/json",
        "{\"metadata\":{\"name\":\"system:metrics-server\"},\"rules\":[]}");
    assertThat(role.code()).isEqualTo(201);
    Answer applied = send("PATCH", "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/system:metrics-server?fieldManager=test",
        "application/apply-patch+yaml", """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: "system:metrics-server"}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "system:metrics-server"}
        subjects: [{kind: ServiceAccount, name: metrics-server, namespace: kube-system}]
        """);
    assertThat(applied.code()).isEqualTo(201);
    Answer namespaced = send("POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/roles", "application/json",
        "{\"metadata\":{\"name\":\"system:auth-reader\"},\"rules\":[]}");
    assertThat(namespaced.code()).isEqualTo(201);
    Answer dot = send("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", "application/json",
        "{\"metadata\":{\"name\":\"..\"},\"rules\":[]}");
    assertThat(dot.code()).isEqualTo(422);
    assertThat(dot.body().path("message").asText()).isEqualTo("ClusterRole \"..\" is invalid: metadata.name: Invalid value: \"..\": may not be '..'");
  }

  @Test
  void otherKindsKeepTheirOwnNameRules() throws Exception {
    Answer configMap = send("POST", "/api/v1/namespaces/" + ns + "/configmaps", "application/json",
        "{\"metadata\":{\"name\":\"system:cm\"}}");
    assertThat(configMap.code()).isEqualTo(422);
    assertThat(configMap.body().path("message").asText()).contains("a lowercase RFC 1123 subdomain must consist of");
    // a Service's name is a DNS-1035 label: it must start with a letter
    Answer service = send("POST", "/api/v1/namespaces/" + ns + "/services", "application/json",
        "{\"metadata\":{\"name\":\"1web\"},\"spec\":{\"ports\":[{\"port\":80}]}}");
    assertThat(service.code()).isEqualTo(422);
    assertThat(service.body().path("message").asText()).contains("a DNS-1035 label must consist of");
    Answer namespace = send("POST", "/api/v1/namespaces", "application/json", "{\"metadata\":{\"name\":\"a.b\"}}");
    assertThat(namespace.code()).isEqualTo(422);
    assertThat(namespace.body().path("message").asText()).contains("a lowercase RFC 1123 label must consist of");
  }
}
