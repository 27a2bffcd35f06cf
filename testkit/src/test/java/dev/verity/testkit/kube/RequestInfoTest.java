package dev.verity.testkit.kube;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RequestInfoTest {

  private static RequestInfo info(String method, String path, Map<String, String> query) {
    return RequestInfo.of(method, path, query);
  }

  @Test
  void namesVerbsAsTheApiServerDoes() {
    assertThat(info("GET", "/api/v1/namespaces/shop/configmaps", Map.of()).verb()).isEqualTo("list");
    assertThat(info("GET", "/api/v1/namespaces/shop/configmaps", Map.of("watch", "true")).verb()).isEqualTo("watch");
    assertThat(info("GET", "/api/v1/namespaces/shop/configmaps/app", Map.of()).verb()).isEqualTo("get");
    assertThat(info("POST", "/api/v1/namespaces/shop/configmaps", Map.of()).verb()).isEqualTo("create");
    assertThat(info("PUT", "/api/v1/namespaces/shop/configmaps/app", Map.of()).verb()).isEqualTo("update");
    assertThat(info("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web", Map.of()).verb()).isEqualTo("patch");
    assertThat(info("DELETE", "/api/v1/namespaces/shop/configmaps/app", Map.of()).verb()).isEqualTo("delete");
    assertThat(info("DELETE", "/api/v1/namespaces/shop/configmaps", Map.of()).verb()).isEqualTo("deletecollection");
  }

  @Test
  void splitsResourcePaths() {
    assertThat(info("PUT", "/apis/apps/v1/namespaces/shop/deployments/web/status", Map.of()))
        .isEqualTo(new RequestInfo("update", "apps", "v1", "deployments", "status", "shop", "web"));
    assertThat(info("GET", "/apis/apps/v1/deployments", Map.of()))
        .isEqualTo(new RequestInfo("list", "apps", "v1", "deployments", null, null, null));
    // a namespace is its own namespace, and status/finalize are its subresources
    assertThat(info("GET", "/api/v1/namespaces/shop", Map.of()))
        .isEqualTo(new RequestInfo("get", "", "v1", "namespaces", null, "shop", "shop"));
    assertThat(info("PUT", "/api/v1/namespaces/shop/finalize", Map.of()))
        .isEqualTo(new RequestInfo("update", "", "v1", "namespaces", "finalize", "shop", "shop"));
  }

  @Test
  void discoveryIsANonResourceRequest() {
    RequestInfo discovery = info("GET", "/apis/apps/v1", Map.of());
    assertThat(discovery.isResourceRequest()).isFalse();
    assertThat(discovery.verb()).isEqualTo("get");
    assertThat(RequestMatch.of("get", "deployments").matches(discovery)).isFalse();
    assertThat(RequestMatch.verb("get").matches(discovery)).isTrue();
  }

  @Test
  void matchesByPluralOrGroupQualifiedResource() {
    RequestInfo patch = info("PATCH", "/apis/apps/v1/namespaces/shop/deployments/web", Map.of());
    assertThat(RequestMatch.of("patch", "deployments").matches(patch)).isTrue();
    assertThat(RequestMatch.of("patch", "deployments.apps").matches(patch)).isTrue();
    assertThat(RequestMatch.of("patch", "deployments.extensions").matches(patch)).isFalse();
    assertThat(RequestMatch.of(null, "deployments").inNamespace("shop").named("web").matches(patch)).isTrue();
    assertThat(RequestMatch.of(null, "deployments").inNamespace("other").matches(patch)).isFalse();
    assertThat(RequestMatch.of(null, "deployments").onSubresource("status").matches(patch)).isFalse();
  }
}
