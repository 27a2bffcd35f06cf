package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every GA built-in resource of 1.32 in discovery, the review kinds as an allow-all server, protobuf bodies over HTTP. */
class SandboxBuiltinKindsIT {

  @RegisterExtension
  static final SandboxFixture SANDBOX = new SandboxFixture("kinds");
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private String ns;

  @BeforeEach
  void namespace() {
    ns = SANDBOX.namespace();
  }

  record Answer(int code, JsonNode body) {
  }

  static Answer send(String method, String path, String contentType, byte[] body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(SANDBOX.sandbox().url() + path)).timeout(Duration.ofSeconds(10));
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.body().isEmpty() ? null : Json.parse(response.body()));
  }

  static Answer send(String method, String path, String contentType, String body) throws Exception {
    return send(method, path, contentType, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static JsonNode resource(String groupVersionPath, String plural) throws Exception {
    for (JsonNode resource : send("GET", groupVersionPath, null, (byte[]) null).body().path("resources")) {
      if (resource.path("name").asText().equals(plural)) {
        return resource;
      }
    }
    throw new AssertionError(plural + " is not in " + groupVersionPath);
  }

  @Test
  void discoveryServesEveryGaGroupVersionAndNothingRemoved() throws Exception {
    List<String> groupVersions = new ArrayList<>();
    send("GET", "/apis", null, (byte[]) null).body().path("groups")
        .forEach(g -> g.path("versions").forEach(v -> groupVersions.add(v.path("groupVersion").asText())));
    assertThat(groupVersions).contains("admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "apiregistration.k8s.io/v1",
        "apps/v1", "authentication.k8s.io/v1", "authorization.k8s.io/v1", "autoscaling/v1", "autoscaling/v2", "batch/v1",
        "certificates.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "events.k8s.io/v1",
        "flowcontrol.apiserver.k8s.io/v1", "networking.k8s.io/v1", "node.k8s.io/v1", "policy/v1",
        "rbac.authorization.k8s.io/v1", "scheduling.k8s.io/v1", "storage.k8s.io/v1");
    assertThat(groupVersions).noneMatch(gv -> gv.contains("beta") || gv.contains("alpha"));
    assertThat(send("GET", "/apis/apps/v1beta2", null, (byte[]) null).code()).isEqualTo(404);
    assertThat(send("GET", "/apis/apiextensions.k8s.io/v1beta1/customresourcedefinitions", null, (byte[]) null).code()).isEqualTo(404);

    JsonNode deployments = resource("/apis/apps/v1", "deployments");
    assertThat(deployments.path("categories").toString()).isEqualTo("[\"all\"]");
    assertThat(deployments.path("shortNames").toString()).isEqualTo("[\"deploy\"]");
    assertThat(resource("/api/v1", "services").path("categories").toString()).isEqualTo("[\"all\"]");
    assertThat(resource("/api/v1", "configmaps").has("categories")).isFalse();
    assertThat(resource("/apis/admissionregistration.k8s.io/v1", "validatingwebhookconfigurations").path("categories").toString())
        .isEqualTo("[\"api-extensions\"]");
    assertThat(resource("/apis/authorization.k8s.io/v1", "selfsubjectaccessreviews").path("verbs").toString())
        .isEqualTo("[\"create\"]");
    assertThat(resource("/apis/certificates.k8s.io/v1", "certificatesigningrequests").path("namespaced").asBoolean()).isFalse();
    assertThat(resource("/apis/storage.k8s.io/v1", "csistoragecapacities").path("namespaced").asBoolean()).isTrue();
  }

  @Test
  void webhookConfigurationsAndApiServicesApplyAsOnARealServer() throws Exception {
    Answer webhook = send("PATCH", "/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/ingress-nginx-admission"
        + "?fieldManager=test", "application/apply-patch+yaml", """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata: {name: ingress-nginx-admission}
        webhooks:
        - name: validate.nginx.ingress.kubernetes.io
          admissionReviewVersions: [v1]
          sideEffects: None
          clientConfig: {service: {name: ingress-nginx-controller-admission, namespace: ingress-nginx, path: /networking/v1/ingresses}}
        """);
    assertThat(webhook.code()).as(String.valueOf(webhook.body())).isEqualTo(201);
    Answer mutating = send("POST", "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", "application/json",
        "{\"metadata\":{\"name\":\"m\"},\"webhooks\":[]}");
    assertThat(mutating.code()).isEqualTo(201);
    assertThat(mutating.body().path("kind").asText()).isEqualTo("MutatingWebhookConfiguration");
    Answer service = send("PATCH", "/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io?fieldManager=test",
        "application/apply-patch+yaml", """
        apiVersion: apiregistration.k8s.io/v1
        kind: APIService
        metadata: {name: v1beta1.metrics.k8s.io}
        spec: {group: metrics.k8s.io, version: v1beta1, groupPriorityMinimum: 100, versionPriority: 100,
               insecureSkipTLSVerify: true, service: {name: metrics-server, namespace: kube-system}}
        """);
    assertThat(service.code()).as(String.valueOf(service.body())).isEqualTo(201);
    Answer misnamed = send("POST", "/apis/apiregistration.k8s.io/v1/apiservices", "application/json",
        "{\"metadata\":{\"name\":\"metrics\"},\"spec\":{\"group\":\"metrics.k8s.io\",\"version\":\"v1beta1\"}}");
    assertThat(misnamed.code()).isEqualTo(422);
    assertThat(misnamed.body().path("message").asText()).contains("must be `spec.version+\".\"+spec.group`: \"v1beta1.metrics.k8s.io\"");
  }

  @Test
  void reviewsAnswerAsAnAllowAllServerAndAreNeverStored() throws Exception {
    Answer access = send("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", "application/json", """
        {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview",
         "spec":{"resourceAttributes":{"verb":"create","group":"apps","resource":"deployments","namespace":"x"}}}""");
    assertThat(access.code()).isEqualTo(201);
    assertThat(access.body().path("status").path("allowed").asBoolean()).isTrue();
    assertThat(access.body().path("status").path("reason").asText()).contains("allows every request");
    assertThat(access.body().path("spec").path("resourceAttributes").path("resource").asText()).isEqualTo("deployments");

    Answer rules = send("POST", "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews", "application/json",
        "{\"spec\":{\"namespace\":\"" + ns + "\"}}");
    assertThat(rules.code()).isEqualTo(201);
    assertThat(rules.body().path("status").path("resourceRules").get(0).path("verbs").toString()).isEqualTo("[\"*\"]");
    assertThat(rules.body().path("status").path("incomplete").asBoolean()).isFalse();

    Answer whoami = send("POST", "/apis/authentication.k8s.io/v1/selfsubjectreviews", "application/json", "{}");
    assertThat(whoami.code()).isEqualTo(201);
    assertThat(whoami.body().path("kind").asText()).isEqualTo("SelfSubjectReview");
    assertThat(whoami.body().path("status").path("userInfo").path("username").asText()).isEqualTo("verity-sandbox");

    assertThat(send("GET", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", null, (byte[]) null).code()).isEqualTo(405);
  }

  @Test
  void protobufBodiesAreCreatedAndBadOnesRefusedWithAReasonWithoutHangingTheServer() throws Exception {
    String path = "/api/v1/namespaces/" + ns + "/configmaps";
    byte[] configMap = ProtobufBodiesTest.envelope("v1", "ConfigMap", V1.ConfigMap.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("from-protobuf")).putData("a", "b").build().toByteString());
    Answer created = send("POST", path, "application/vnd.kubernetes.protobuf", configMap);
    assertThat(created.code()).as(String.valueOf(created.body())).isEqualTo(201);
    assertThat(created.body().path("data").path("a").asText()).isEqualTo("b");
    assertThat(created.body().path("kind").asText()).isEqualTo("ConfigMap");

    Answer unknownKind = send("POST", "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases",
        "application/vnd.kubernetes.protobuf", ProtobufBodiesTest.envelope("coordination.k8s.io/v1", "Lease", ByteString.EMPTY));
    assertThat(unknownKind.code()).isEqualTo(415);
    assertThat(unknownKind.body().path("message").asText()).contains("Lease");
    Answer truncated = send("POST", path, "application/vnd.kubernetes.protobuf", Arrays.copyOf(configMap, configMap.length - 4));
    assertThat(truncated.code()).isEqualTo(400);
    assertThat(truncated.body().path("message").asText()).contains("could not be decoded");
    Answer garbage = send("POST", path, "application/vnd.kubernetes.protobuf", new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    assertThat(garbage.code()).isEqualTo(400);
    assertThat(garbage.body().path("message").asText()).contains("envelope prefix");
    Answer badJson = send("POST", path, "application/json", "k8s\u0000{{{");
    assertThat(badJson.code()).isEqualTo(400);
    assertThat(badJson.body().path("message").asText()).isNotBlank();
    Answer empty = send("POST", path, "application/vnd.kubernetes.protobuf", new byte[0]);
    assertThat(empty.code()).isEqualTo(400);
    // still serving
    assertThat(send("GET", path + "/from-protobuf", null, (byte[]) null).code()).isEqualTo(200);
  }

  @Test
  void openApiV3DescribesEachGroupVersionFromTheTypesTable() throws Exception {
    JsonNode index = send("GET", "/openapi/v3", null, (byte[]) null).body();
    String url = index.path("paths").path("apis/apps/v1").path("serverRelativeURL").asText();
    assertThat(url).startsWith("/openapi/v3/apis/apps/v1?hash=");
    assertThat(index.path("paths").has("api/v1")).isTrue();
    assertThat(index.path("paths").has("apis/admissionregistration.k8s.io/v1")).isTrue();
    JsonNode schemas = send("GET", url, null, (byte[]) null).body().path("components").path("schemas");
    JsonNode deployment = schemas.path("io.k8s.api.apps.v1.Deployment");
    assertThat(deployment.path("x-kubernetes-group-version-kind").toString())
        .isEqualTo("[{\"group\":\"apps\",\"version\":\"v1\",\"kind\":\"Deployment\"}]");
    assertThat(deployment.path("properties").path("spec").path("allOf").get(0).path("$ref").asText())
        .isEqualTo("#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec");
    assertThat(schemas.path("io.k8s.api.apps.v1.DeploymentSpec").path("properties").path("replicas").path("type").asText())
        .isEqualTo("integer");
    JsonNode containers = schemas.path("io.k8s.api.core.v1.PodSpec").path("properties").path("containers");
    assertThat(containers.path("type").asText()).isEqualTo("array");
    assertThat(containers.path("x-kubernetes-list-map-keys").toString()).isEqualTo("[\"name\"]");
    assertThat(containers.path("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
    assertThat(schemas.path("io.k8s.api.core.v1.Container").path("required").toString()).contains("\"name\"");
    assertThat(send("GET", "/openapi/v3/apis/apps/v1beta2", null, (byte[]) null).code()).isEqualTo(404);
  }
}
