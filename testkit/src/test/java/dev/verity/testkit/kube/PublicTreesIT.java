package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real public trees (test data under {@code kube-trees/}, each with its source repository and commit) server-side
 * applied object by object, as a 1.32 server takes them: every object accepted (ClusterRoles named
 * {@code system:metrics-server}, ValidatingWebhookConfiguration, APIService, IngressClass, Jobs, ...); objects of
 * removed versions refused.
 */
class PublicTreesIT {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static KubeSandbox sandbox;

  @BeforeAll
  static void start() {
    sandbox = KubeSandbox.start();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static HttpResponse<String> apply(String apiVersion, String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(sandbox.url() + path + "?fieldManager=tree-test&force=true"))
        .header("Content-Type", "application/apply-patch+yaml")
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String path(String apiVersion, String plural, String namespace, String name) {
    String base = apiVersion.contains("/") ? "/apis/" + apiVersion : "/api/" + apiVersion;
    return base + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + plural + "/" + name;
  }

  @ParameterizedTest
  @ValueSource(strings = {"metrics-server.yaml", "ingress-nginx.yaml"})
  void everyObjectOfAPublicTreeIsAccepted(String tree) throws Exception {
    List<String> refused = new ArrayList<>();
    int applied = 0;
    try (InputStream in = PublicTreesIT.class.getResourceAsStream("/kube-trees/" + tree);
         MappingIterator<JsonNode> documents = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class).readValues(in)) {
      while (documents.hasNext()) {
        JsonNode object = documents.next();
        if (object == null || object.isEmpty()) {
          continue;
        }
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        String name = object.path("metadata").path("name").asText();
        ResourceType type = sandbox.api().types().byKind(apiVersion, kind)
            .orElseThrow(() -> new AssertionError(tree + ": " + apiVersion + " " + kind + " is not served"));
        String namespace = type.namespaced() ? object.path("metadata").path("namespace").asText("default") : null;
        HttpResponse<String> response = apply(apiVersion, path(apiVersion, type.plural(), namespace, name), Json.write(object));
        if (response.statusCode() / 100 != 2) {
          refused.add(kind + "/" + name + ": " + response.statusCode() + " " + response.body());
        }
        applied++;
      }
    }
    assertThat(refused).as(tree).isEmpty();
    assertThat(applied).as(tree).isGreaterThanOrEqualTo(9);
  }

  @Test
  void objectsOfRemovedVersionsAreRefused() throws Exception {
    HttpResponse<String> deployment = apply("apps/v1beta2", path("apps/v1beta2", "deployments", "default", "old"), """
        {"apiVersion":"apps/v1beta2","kind":"Deployment","metadata":{"name":"old"}}""");
    assertThat(deployment.statusCode()).isEqualTo(404);
    HttpResponse<String> crd = apply("apiextensions.k8s.io/v1beta1",
        path("apiextensions.k8s.io/v1beta1", "customresourcedefinitions", null, "widgets.example.com"), """
        {"apiVersion":"apiextensions.k8s.io/v1beta1","kind":"CustomResourceDefinition","metadata":{"name":"widgets.example.com"}}""");
    assertThat(crd.statusCode()).isEqualTo(404);
    assertThat(sandbox.api().types().byKind("apps/v1beta2", "Deployment")).isEmpty();
  }
}
