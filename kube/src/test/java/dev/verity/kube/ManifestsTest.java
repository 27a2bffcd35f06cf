package dev.verity.kube;

import dev.verity.events.ObjectRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ManifestsTest {

    static final String SECRET_VALUE = "c3VwZXItc2VjcmV0";

    @Test
    void parsesEachDocumentIntoAnObjectInDocumentOrder() {
        Manifests m = Manifests.parse(List.of(
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  replicas: 2\n"));

        assertThat(m.valid()).isTrue();
        assertThat(m.manifests()).extracting(Manifest::ref).containsExactly(
                new ObjectRef("v1", "Namespace", null, "shop"),
                new ObjectRef("apps/v1", "Deployment", "shop", "web"));
        assertThat(m.manifests().get(1).document()).isEqualTo(2);
        assertThat(m.manifests().get(1).group()).isEqualTo("apps");
    }

    @Test
    void keepsKustomizeScalarTypesAsYaml12CoreSchemaReadsThem() {
        Manifests m = Manifests.parse(List.of("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cfg, namespace: shop}
                data:
                  enabled: yes
                  country: NO
                  version: "1.10"
                  when: 2026-01-01
                """));

        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) m.manifests().get(0).content().get("data");
        assertThat(data).containsEntry("enabled", "yes").containsEntry("country", "NO")
                .containsEntry("version", "1.10").containsEntry("when", "2026-01-01");
    }

    @Test
    void skipsEmptyDocumentsAndReadsSeveralObjectsInOneDocument() {
        Manifests m = Manifests.parse(List.of("# only a comment\n", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: a, namespace: shop}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: b, namespace: shop}
                """));

        assertThat(m.valid()).isTrue();
        assertThat(m.manifests()).extracting(x -> x.ref().name()).containsExactly("a", "b");
    }

    @Test
    void namesEveryMissingRequiredField() {
        Manifests m = Manifests.parse(List.of(
                "kind: ConfigMap\nmetadata: {name: a}\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {namespace: shop}\n",
                "apiVersion: v1\nmetadata: {name: c}\n",
                "apiVersion: v1\nkind: ConfigMap\n"));

        assertThat(m.valid()).isFalse();
        assertThat(m.problems()).extracting(Problem::message).containsExactly(
                "document 1 (ConfigMap a) has no apiVersion; every object needs apiVersion, kind and metadata.name",
                "document 2 (ConfigMap) has no metadata.name; every object needs apiVersion, kind and metadata.name",
                "document 3 has no kind; every object needs apiVersion, kind and metadata.name",
                "document 4 (ConfigMap) has no metadata; every object needs apiVersion, kind and metadata.name");
    }

    @Test
    void aYamlErrorGivesThePositionButNeverQuotesTheDocument() {
        Manifests m = Manifests.parse(List.of("apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\n"
                + "data:\n  password: " + SECRET_VALUE + "\n   bad: [\n"));

        assertThat(m.valid()).isFalse();
        assertThat(m.problems()).singleElement().satisfies(p -> {
            assertThat(p.message()).startsWith("document 1 is not valid YAML: ").contains("line ");
            assertThat(p.message()).doesNotContain(SECRET_VALUE).doesNotContain("password");
        });
    }

    @Test
    void refusesScalarsListsAndDuplicates() {
        Manifests m = Manifests.parse(List.of(
                "just a string\n",
                "apiVersion: v1\nkind: List\nmetadata: {name: l}\nitems: []\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\ndata: {x: y}\n"));

        assertThat(m.problems()).extracting(Problem::message).containsExactly(
                "document 1 is not a Kubernetes object (a YAML mapping with apiVersion, kind and metadata)",
                "document 2 (List l) is a list; publish one object per document",
                "document 4 (ConfigMap shop/a) declares the same object as document 3; each object may appear once in a target");
        assertThat(m.problems().get(2).object()).isEqualTo(new ObjectRef("v1", "ConfigMap", "shop", "a"));
    }

    @Test
    void duplicateKeysAreAnError() {
        Manifests m = Manifests.parse(List.of("apiVersion: v1\nkind: ConfigMap\nkind: Secret\nmetadata: {name: a}\n"));

        assertThat(m.problems()).singleElement().extracting(Problem::message).asString()
                .startsWith("document 1 is not valid YAML: ").contains("duplicate key");
    }

    @Test
    void contentIsReadOnly() {
        Manifest m = Manifests.parse(List.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: s}\n"))
                .manifests().get(0);

        Map<String, Object> copy = m.mutableContent();
        copy.put("data", Map.of("k", "v"));
        assertThat(m.content()).doesNotContainKey("data");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> m.content().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
