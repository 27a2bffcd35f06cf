package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultsTest {

  private final Faults faults = new Faults(new ObjectStore());
  private final RequestLog log = new RequestLog();
  private final SandboxControl control = new SandboxControl(faults, log);
  private final RequestInfo patchWeb = RequestInfo.of("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web", Map.of());

  @Test
  void aRuleAppliesToTheNextNMatchingRequestsThenTheNextRule() {
    faults.inject(RequestMatch.of("patch", "deployments"), 2, Fault.status(503));
    faults.inject(RequestMatch.any(), 1, Fault.drop());
    assertThat(faults.take(RequestInfo.of("GET", "/api/v1/namespaces/shop/configmaps", Map.of()))).contains(Fault.drop());
    assertThat(faults.take(patchWeb)).contains(Fault.status(503));
    assertThat(faults.take(patchWeb)).contains(Fault.status(503));
    assertThat(faults.take(patchWeb)).isEmpty();
    assertThat(faults.pending()).isEmpty();
  }

  @Test
  void statusBodiesAreTheApiServersOwn() {
    ObjectNode conflict = Faults.statusBody(new Fault.Status(409, null, null), patchWeb);
    assertThat(conflict.path("reason").asText()).isEqualTo("Conflict");
    assertThat(conflict.path("message").asText()).isEqualTo("Operation cannot be fulfilled on deployments.apps \"web\": "
        + "the object has been modified; please apply your changes to the latest version and try again");
    assertThat(conflict.path("details").path("name").asText()).isEqualTo("web");

    ObjectNode throttled = Faults.statusBody((Fault.Status) Fault.status(429), patchWeb);
    assertThat(throttled.path("reason").asText()).isEqualTo("TooManyRequests");
    assertThat(throttled.path("code").asInt()).isEqualTo(429);
    assertThat(throttled.path("details").path("retryAfterSeconds").asInt()).as("APF always says when to retry").isEqualTo(1);

    ObjectNode internal = Faults.statusBody(new Fault.Status(500, null, "etcdserver: request timed out"), patchWeb);
    assertThat(internal.path("message").asText()).isEqualTo("Internal error occurred: etcdserver: request timed out");
    assertThat(Faults.statusBody((Fault.Status) Fault.status(503, Duration.ofMillis(1500)), patchWeb)
        .path("details").path("retryAfterSeconds").asInt()).as("rounded up to whole seconds").isEqualTo(2);
  }

  @Test
  void refusesFaultsARealServerWouldNotProduce() {
    assertThatThrownBy(() -> Fault.status(418)).hasMessageContaining("[409, 429, 500, 503, 504]");
    assertThatThrownBy(() -> RequestMatch.verb("fetch")).hasMessageContaining("unknown verb 'fetch'");
    assertThatThrownBy(() -> faults.inject(RequestMatch.any(), 0, Fault.drop())).hasMessageContaining("times=0");
  }

  @Test
  void theControlEndpointAddsListsAndClearsRules() {
    SandboxControl.Answer added = control.handle("POST", "/sandbox/faults", Map.of(),
        "{\"verb\":\"patch\",\"resource\":\"deployments\",\"namespace\":\"shop\",\"times\":2,\"status\":429,\"retryAfterSeconds\":3}");
    assertThat(added.code()).isEqualTo(201);
    assertThat(faults.take(patchWeb)).contains(new Fault.Status(429, Duration.ofSeconds(3), null));

    control.handle("PUT", "/sandbox/faults/latency", Map.of(), "{\"millis\":40}");
    JsonNode state = control.handle("GET", "/sandbox/faults", Map.of(), "").body();
    assertThat(state.path("latencyMillis").asInt()).isEqualTo(40);
    assertThat(state.path("rules").get(0).path("remaining").asInt()).isEqualTo(1);
    assertThat(state.path("rules").get(0).path("retryAfterSeconds").asInt()).isEqualTo(3);

    assertThat(control.handle("DELETE", "/sandbox/faults", Map.of(), "").body().path("removed").asInt()).isEqualTo(1);
    assertThat(faults.pending()).isEmpty();
    assertThat(faults.latency()).isZero();
  }

  @Test
  void theControlEndpointSaysWhatToSendInstead() {
    SandboxControl.Answer twoKinds = control.handle("POST", "/sandbox/faults", Map.of(), "{\"status\":500,\"drop\":true}");
    assertThat(twoKinds.code()).isEqualTo(400);
    assertThat(twoKinds.body().path("error").asText()).contains("exactly one of \"status\"");
    assertThat(control.handle("POST", "/sandbox/faults", Map.of(), "{\"status\":404}").body().path("error").asText())
        .contains("[409, 429, 500, 503, 504]");
    assertThat(control.handle("GET", "/sandbox/nothing", Map.of(), "").code()).isEqualTo(404);
    assertThat(control.handle("PUT", "/sandbox/requests", Map.of(), "").code()).isEqualTo(405);
  }

  @Test
  void theRequestLogIsFilteredAndBounded() {
    for (int i = 0; i < RequestLog.CAPACITY + 5; i++) {
      log.add(new LoggedRequest(Instant.now(), "PATCH", "/apis/apps/v1/namespaces/shop/deployments/web", "", "patch", "apps",
          "deployments", null, "shop", "web", i == RequestLog.CAPACITY ? 422 : 200, Duration.ofMillis(1), null));
    }
    assertThat(log.entries()).hasSize(RequestLog.CAPACITY);
    assertThat(log.count(RequestMatch.of("patch", "deployments"), 422)).isEqualTo(1);
    JsonNode answer = control.handle("GET", "/sandbox/requests", Map.of("code", "422"), "").body();
    assertThat(answer.path("requests")).hasSize(1);
    assertThat(answer.path("requests").get(0).path("name").asText()).isEqualTo("web");
  }
}
