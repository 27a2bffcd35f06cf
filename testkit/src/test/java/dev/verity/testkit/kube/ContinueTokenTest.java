package dev.verity.testkit.kube;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContinueTokenTest {

  private static String encode(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTheApiServersFormat() {
    ContinueToken token = ContinueToken.decode(encode("{\"v\":\"meta.k8s.io/v1\",\"rv\":1234,\"start\":\"shop/web\\u0000\"}"));
    assertThat(token.resourceVersion()).isEqualTo(1234);
    assertThat(token.start()).isEqualTo("shop/web\0");
  }

  @Test
  void roundTrips() {
    ContinueToken token = ContinueToken.after("shop/web", 77);
    assertThat(ContinueToken.decode(token.encode())).isEqualTo(token);
    assertThat(token.encode()).doesNotContain("=");
  }

  @Test
  void refusesWhatTheApiServerRefuses() {
    assertThatThrownBy(() -> ContinueToken.decode("invalidContinueToken")).hasMessageStartingWith(
        "invalid continue token: continue key is not valid");
    assertThatThrownBy(() -> ContinueToken.decode(encode("{\"v\":\"meta.k8s.io/v2\",\"rv\":1,\"start\":\"a\"}")))
        .hasMessageContaining("server does not recognize this encoded version");
    assertThatThrownBy(() -> ContinueToken.decode(encode("{\"v\":\"meta.k8s.io/v1\",\"rv\":0,\"start\":\"a\"}")))
        .hasMessageContaining("incorrect encoded start resourceVersion");
    assertThatThrownBy(() -> ContinueToken.decode(encode("{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"\"}")))
        .hasMessageContaining("encoded start key empty");
    assertThatThrownBy(() -> ContinueToken.decode(encode("{\"v\":\"meta.k8s.io/v1\",\"rv\":1,\"start\":\"../secrets/x\"}")))
        .hasMessageContaining("continue key is not valid: ../secrets/x");
  }

  @Test
  void aStartKeyAcrossNamespacesNamesTheNamespace() {
    ResourceType deployments = new ResourceTypes().byPlural("apps", "v1", "deployments").orElseThrow();
    ObjectStore.Key key = ContinueToken.after("shop/web", 5).startKey(deployments, null);
    assertThat(key).isEqualTo(new ObjectStore.Key("apps", "deployments", "shop", "web\0"));
    assertThat(ContinueToken.after("web", 5).startKey(deployments, "shop")).isEqualTo(key);
  }
}
