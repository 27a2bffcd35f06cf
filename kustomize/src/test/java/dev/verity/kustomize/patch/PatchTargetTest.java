package dev.verity.kustomize.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Expectations recorded with {@code kubectl kustomize} v1.32 (Kustomize v5.5.0): a kustomization with the resources
 * below in {@code r.yaml} and one patch {@code - target: {...}} adding an annotation, checking which resources got
 * it; and conformance cases 25 (selectors) and 34 (a target matching nothing is no error).
 */
class PatchTargetTest {

    private record Res(String group, String version, String kind, String name, String originalName,
                       String namespace, boolean clusterScoped, Map<String, String> labels,
                       Map<String, String> annotations) implements SelectableResource {

        static Res of(String apiVersion, String kind, String name, String namespace, Map<String, String> labels,
                      Map<String, String> annotations) {
            int slash = apiVersion.indexOf('/');
            return new Res(slash < 0 ? "" : apiVersion.substring(0, slash), apiVersion.substring(slash + 1), kind,
                    name, name, namespace, "Namespace".equals(kind), labels, annotations);
        }
    }

    private static final Res PLAIN = Res.of("v1", "ConfigMap", "plain", "",
            Map.of("tier", "backend", "stage", "prod"), Map.of("url", "https://x.example/a", "team", "pay"));
    private static final Res OTHER = Res.of("v1", "ConfigMap", "other", "ns1", Map.of("tier", "frontend"), Map.of());
    private static final Res NS = Res.of("v1", "Namespace", "ns1", "", Map.of(), Map.of());
    private static final Res WEB = Res.of("apps/v1", "Deployment", "web", "", Map.of("app", "web"), Map.of());
    private static final List<Res> ALL = List.of(PLAIN, OTHER, NS, WEB);

    private static List<String> selected(String group, String version, String kind, String name, String namespace,
                                         String labels, String annotations) {
        return PatchTarget.of(group, version, kind, name, namespace, labels, annotations).select(ALL).stream()
                .map(Res::name).toList();
    }

    private static List<String> byLabels(String selector) {
        return selected(null, null, null, null, null, selector, null);
    }

    @Test
    void namespaceDefaultMatchesNamespacedResourcesWithoutOneAndDotStarMatchesClusterScopedToo() {
        assertThat(selected(null, null, null, null, "default", null, null)).containsExactly("plain", "web");
        assertThat(selected(null, null, null, null, ".*", null, null)).containsExactly("plain", "other", "ns1", "web");
        assertThat(selected(null, null, null, null, "ns1", null, null)).containsExactly("other");
    }

    @Test
    void namesAndKindsAreAnchoredCaseSensitiveRegularExpressions() {
        assertThat(selected(null, null, null, "plai", null, null, null)).isEmpty();
        assertThat(selected(null, null, null, "plain", null, null, null)).containsExactly("plain");
        assertThat(selected(null, null, "configmap", null, null, null, null)).isEmpty();
        assertThat(selected(null, null, "ConfigMap|Deployment", null, null, null, null))
                .containsExactly("plain", "other", "web");
        assertThat(selected(null, "v1", null, null, null, null, null)).containsExactly("plain", "other", "ns1", "web");
        assertThat(selected("", null, null, null, null, null, null)).containsExactly("plain", "other", "ns1", "web");
        assertThat(selected("apps", null, null, null, null, null, null)).containsExactly("web");
    }

    @Test
    void goRegexpSyntaxPosixClassesNamedGroupsAndNoLookaround() {
        // kubectl: name "[[:alpha:]]+" selects other, plain, web (not ns1); "(?P<x>pl)ain" selects plain;
        // "(?=p)plain" fails: error parsing regexp: invalid or unsupported Perl syntax: `(?=`
        assertThat(selected(null, null, null, "[[:alpha:]]+", null, null, null)).containsExactly("plain", "other",
                "web");
        assertThat(selected(null, null, null, "(?P<x>pl)ain", null, null, null)).containsExactly("plain");
        assertThatThrownBy(() -> selected(null, null, null, "(?=p)plain", null, null, null))
                .isInstanceOf(PatchException.class)
                .hasMessageStartingWith("error parsing regexp: invalid or unsupported Perl syntax: `(?=`");
    }

    @Test
    void nameMatchesTheOriginalNameToo() {
        Res prefixed = new Res("", "v1", "ConfigMap", "p-plain", "plain", "", false, Map.of(), Map.of());
        assertThat(PatchTarget.of(null, null, null, "plain", null, null, null).matches(prefixed)).isTrue();
        assertThat(PatchTarget.of(null, null, null, "p-plain", null, null, null).matches(prefixed)).isTrue();
        assertThat(PatchTarget.of(null, null, null, "q-plain", null, null, null).matches(prefixed)).isFalse();
    }

    @Test
    void labelSelectorsEqualitySetBasedAndExistence() {
        assertThat(byLabels("!stage")).containsExactly("other", "ns1", "web");
        assertThat(byLabels("tier")).containsExactly("plain", "other");
        assertThat(byLabels("tier notin (frontend)")).containsExactly("plain", "ns1", "web");
        assertThat(byLabels("stage!=dev")).containsExactly("plain", "other", "ns1", "web");
        assertThat(byLabels("tier==backend")).containsExactly("plain");
        assertThat(byLabels(" tier = backend , stage in ( prod , x ) ")).containsExactly("plain");
        assertThat(byLabels("tier>1")).isEmpty();
        assertThat(selected(null, null, null, null, null, null, "team=pay")).containsExactly("plain");
    }

    @Test
    void conformance25Selectors() {
        Res ordersApi = Res.of("apps/v1", "Deployment", "orders-api", "", Map.of("tier", "backend", "stage", "prod"),
                Map.of());
        Res storefront = Res.of("apps/v1", "Deployment", "storefront", "", Map.of("tier", "frontend"), Map.of());
        Res scratchApi = Res.of("apps/v1", "Deployment", "scratch-api", "", Map.of("tier", "backend", "stage", "dev"),
                Map.of());
        Res stockApi = Res.of("apps/v1", "StatefulSet", "stock-api", "", Map.of("tier", "backend"), Map.of());
        Res orders = Res.of("v1", "Service", "orders", "", Map.of("tier", "backend"), Map.of());
        Res storefrontSvc = Res.of("v1", "Service", "storefront", "", Map.of("tier", "frontend"),
                Map.of("acme.io/expose", "internet"));
        Res edge = Res.of("v1", "Service", "edge-proxy", "", Map.of("tier", "edge"), Map.of("acme.io/expose", "vpn"));
        List<Res> all = List.of(ordersApi, storefront, scratchApi, stockApi, orders, storefrontSvc, edge);

        assertThat(PatchTarget.of(null, null, "Deployment|StatefulSet", ".*-api", null, null, null).select(all))
                .containsExactly(ordersApi, scratchApi, stockApi);
        assertThat(PatchTarget.of(null, null, null, "orders", null, null, null).select(all)).containsExactly(orders);
        assertThat(PatchTarget.of(null, null, null, null, null, "tier=backend,stage!=dev", null).select(all))
                .containsExactly(ordersApi, stockApi, orders);
        assertThat(PatchTarget.of(null, null, "Service", null, null, "tier in (frontend,edge)", null).select(all))
                .containsExactly(storefrontSvc, edge);
        assertThat(PatchTarget.of(null, null, null, null, null, null, "acme.io/expose=internet").select(all))
                .containsExactly(storefrontSvc);
    }

    @Test
    void conformance34TargetsMatchingNothingSelectNothing() {
        Res deployment = Res.of("apps/v1", "Deployment", "payments-api", "", Map.of("team", "payments"), Map.of());
        Res service = Res.of("v1", "Service", "payments-api", "", Map.of("team", "payments"), Map.of());
        List<Res> all = List.of(deployment, service);
        assertThat(PatchTarget.of(null, null, "Deployment", "payments-worker", null, null, null).select(all)).isEmpty();
        assertThat(PatchTarget.of(null, null, null, null, null, "team=nobody", null).select(all)).isEmpty();
        assertThat(PatchTarget.of(null, null, "StatefulSet", null, null, null, null).select(all)).isEmpty();
        assertThat(PatchTarget.of(null, null, "Deployment", "payments-api", null, null, null).select(all))
                .containsExactly(deployment);
    }

    @Test
    void invalidSelectorsAndExpressionsFailWithKustomizesMessage() {
        assertThatThrownBy(() -> byLabels("tier in frontend")).isInstanceOf(PatchException.class)
                .hasMessage("unable to parse requirement: found 'frontend' expected: '('");
        // annotation values are validated as label values, so a URL cannot be selected
        assertThatThrownBy(() -> selected(null, null, null, null, null, null, "url=https://x.example/a"))
                .isInstanceOf(PatchException.class)
                .hasMessageStartingWith("unable to parse requirement: invalid label value: \"https://x.example/a\":"
                        + " at key: \"url\"");
        assertThatThrownBy(() -> selected(null, null, null, "a(", null, null, null))
                .isInstanceOf(PatchException.class).hasMessageContaining("error parsing regexp");
    }
}
