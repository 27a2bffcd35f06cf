package dev.verity.drift;

import dev.verity.drift.ApiRequests.Kind;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class ApiRequestsTest {

    @Test
    void tellsListsWatchesAndGetsApartAsAnInformerAndAReadSendThem() {
        assertThat(kind("/api/v1/configmaps?labelSelector=app.kubernetes.io%2Fmanaged-by%3Dverity&resourceVersion=0"))
                .isEqualTo(Kind.LIST);
        assertThat(kind("/api/v1/configmaps?allowWatchBookmarks=true&labelSelector=x&resourceVersion=12&watch=true"))
                .isEqualTo(Kind.WATCH);
        assertThat(kind("/api/v1/configmaps?limit=500&continue=abc")).as("the next page of the same list")
                .isEqualTo(Kind.OTHER);
        assertThat(kind("/api/v1/namespaces/shop/configmaps/settings")).isEqualTo(Kind.GET);
        assertThat(kind("/api/v1/namespaces/shop/configmaps")).isEqualTo(Kind.LIST);
        assertThat(kind("/api/v1/namespaces")).isEqualTo(Kind.LIST);
        assertThat(kind("/api/v1/namespaces/shop")).isEqualTo(Kind.GET);
        assertThat(kind("/apis/apps/v1/deployments?watch=1")).isEqualTo(Kind.WATCH);
        assertThat(kind("/apis/apps/v1/namespaces/shop/deployments/web")).isEqualTo(Kind.GET);
        assertThat(kind("/apis/apps/v1/namespaces/shop/deployments/web/scale")).isEqualTo(Kind.OTHER);
        assertThat(kind("/version")).isEqualTo(Kind.OTHER);
        assertThat(ApiRequests.classify("PATCH", URI.create("/api/v1/namespaces/shop/configmaps/settings")))
                .isEqualTo(Kind.OTHER);
    }

    @Test
    void namesTheResourceWithoutNamespaceOrName() {
        assertThat(ApiRequests.resource("/api/v1/namespaces/shop/configmaps/settings")).isEqualTo("v1/configmaps");
        assertThat(ApiRequests.resource("/api/v1/configmaps")).isEqualTo("v1/configmaps");
        assertThat(ApiRequests.resource("/apis/apps/v1/namespaces/shop/deployments")).isEqualTo("apps/v1/deployments");
        assertThat(ApiRequests.resource("/api/v1/namespaces/shop")).isEqualTo("v1/namespaces");
    }

    @Test
    void aSecondListOrWatchOfAResourceIsARelistOrARestart() {
        java.util.List<String> heard = new java.util.ArrayList<>();
        ApiRequests requests = new ApiRequests((kind, resource) -> heard.add(kind + " " + resource));
        requests.sent("GET", URI.create("/api/v1/configmaps?labelSelector=x"));
        requests.sent("GET", URI.create("/api/v1/configmaps?labelSelector=x&watch=true&resourceVersion=5"));
        requests.sent("GET", URI.create("/apis/apps/v1/deployments?labelSelector=x"));
        requests.sent("GET", URI.create("/api/v1/configmaps?labelSelector=x&watch=true&resourceVersion=9"));
        requests.sent("GET", URI.create("/api/v1/configmaps?labelSelector=x"));
        requests.sent("GET", URI.create("/api/v1/namespaces/shop/configmaps/settings"));
        assertThat(heard).containsExactly("LIST v1/configmaps", "WATCH v1/configmaps", "LIST apps/v1/deployments",
                "WATCH_RESTART v1/configmaps", "RELIST v1/configmaps", "GET v1/configmaps");
    }

    private static Kind kind(String uri) {
        return ApiRequests.classify("GET", URI.create(uri));
    }
}
