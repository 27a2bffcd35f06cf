package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox reads and writes built-in kinds through their Go types, as a user of a real cluster sees over HTTP:
 * warnings and strict refusals for unknown and duplicate fields, type errors, apply's strict conversion, zero values
 * left out, canonical quantities.
 */
class SandboxFieldTypesIT {

  private static KubeSandbox sandbox;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    sandbox = KubeSandbox.start();
  }

  @AfterAll
  static void stop() {
    sandbox.close();
  }

  private static HttpResponse<String> send(String method, String path, String contentType, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.url() + path))
        .header("Content-Type", contentType)
        .method(method, HttpRequest.BodyPublishers.ofString(body))
        .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode get(String path) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(sandbox.url() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return Json.parse(response.body());
  }

  private static String invalidDeployment(String name) {
    return TypedDecoderTest.INVALID_BODY_JSON.replace("test-deployment", name);
  }

  @Test
  void unknownAndDuplicateFieldsAreWarnedAboutByDefaultAndDropped() throws Exception {
    HttpResponse<String> created = send("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json",
        invalidDeployment("warned"));

    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.headers().allValues("Warning")).containsExactly(
        "299 - \"duplicate field \\\"metadata.name\\\"\"",
        "299 - \"unknown field \\\"metadata.unknownMeta\\\"\"",
        "299 - \"unknown field \\\"spec.unknown1\\\"\"",
        "299 - \"unknown field \\\"spec.unknownDupe\\\"\"",
        "299 - \"duplicate field \\\"spec.paused\\\"\"",
        "299 - \"unknown field \\\"spec.template.spec.containers[0].unknownNested\\\"\"",
        "299 - \"duplicate field \\\"spec.template.spec.containers[0].imagePullPolicy\\\"\"");
    JsonNode stored = get("/apis/apps/v1/namespaces/default/deployments/warned");
    assertThat(stored.path("spec").has("unknown1")).isFalse();
    assertThat(stored.at("/spec/template/spec/containers/0/imagePullPolicy").asText()).isEqualTo("Never");
  }

  @Test
  void strictValidationRefusesTheBodyNamingEveryProblem() throws Exception {
    HttpResponse<String> refused = send("POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Strict",
        "application/json", invalidDeployment("strict"));

    assertThat(refused.statusCode()).isEqualTo(400);
    JsonNode status = Json.parse(refused.body());
    assertThat(status.path("reason").asText()).isEqualTo("BadRequest");
    assertThat(status.path("message").asText()).endsWith("strict decoding error: duplicate field \"metadata.name\", "
        + "unknown field \"metadata.unknownMeta\", unknown field \"spec.unknown1\", unknown field \"spec.unknownDupe\", "
        + "duplicate field \"spec.paused\", unknown field \"spec.template.spec.containers[0].unknownNested\", "
        + "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"");
    assertThat(send("GET", "/apis/apps/v1/namespaces/default/deployments/strict", "application/json", "").statusCode())
        .isEqualTo(404);
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedWhateverTheValidation() throws Exception {
    HttpResponse<String> refused = send("POST", "/apis/apps/v1/namespaces/default/deployments?fieldValidation=Ignore",
        "application/json", """
            {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "typed"}, "spec": {"replicas": "3"}}""");

    assertThat(refused.statusCode()).isEqualTo(400);
    assertThat(Json.parse(refused.body()).path("message").asText()).isEqualTo("Deployment in version \"v1\" cannot be "
        + "handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
  }

  @Test
  void applyRefusesAFieldTheTypeDoesNotDeclare() throws Exception {
    HttpResponse<String> refused = send("PATCH",
        "/api/v1/namespaces/default/configmaps/unknown?fieldManager=verity&fieldValidation=Ignore",
        "application/apply-patch+yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: unknown
            data:
              a: b
            extra: true
            """);

    assertThat(refused.statusCode()).isEqualTo(500);
    assertThat(Json.parse(refused.body()).path("message").asText())
        .isEqualTo("failed to create typed patch object (/unknown; /v1, Kind=ConfigMap): .extra: field not declared in schema");
  }

  @Test
  void zeroValuesAreLeftOutButStillOwnedByTheirApplier() throws Exception {
    HttpResponse<String> applied = send("PATCH", "/api/v1/namespaces/default/pods/zero?fieldManager=verity",
        "application/apply-patch+yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: zero
            spec:
              hostNetwork: false
              containers:
              - name: app
                image: nginx:1.27
                env:
                - name: EMPTY
                  value: ""
            """);

    assertThat(applied.statusCode()).isEqualTo(201);
    JsonNode pod = get("/api/v1/namespaces/default/pods/zero");
    assertThat(pod.at("/spec/containers/0/env/0").toString()).isEqualTo("{\"name\":\"EMPTY\"}");
    assertThat(pod.path("spec").has("hostNetwork")).isFalse();
    JsonNode owned = pod.at("/metadata/managedFields/0/fieldsV1");
    assertThat(owned.at("/f:spec/f:containers/k:{\"name\":\"app\"}/f:env/k:{\"name\":\"EMPTY\"}").has("f:value")).isTrue();
    assertThat(owned.at("/f:spec").has("f:hostNetwork")).isTrue();
  }

  @Test
  void quantitiesAreStoredInCanonicalForm() throws Exception {
    send("PATCH", "/api/v1/namespaces/default/limitranges/limits?fieldManager=verity", "application/apply-patch+yaml", """
        apiVersion: v1
        kind: LimitRange
        metadata:
          name: limits
        spec:
          limits:
          - type: Container
            default:
              cpu: 1000m
              memory: 1024Mi
        """);

    JsonNode limits = get("/api/v1/namespaces/default/limitranges/limits");
    assertThat(limits.at("/spec/limits/0/default/cpu").asText()).isEqualTo("1");
    assertThat(limits.at("/spec/limits/0/default/memory").asText()).isEqualTo("1Gi");
  }
}
