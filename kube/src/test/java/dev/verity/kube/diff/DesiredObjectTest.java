package dev.verity.kube.diff;

import dev.verity.events.ObjectRef;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DesiredObjectTest {

    @Test
    void parsesTheIdentityOfEachDocument() {
        List<DesiredObject> objects = DesiredObject.parseAll(List.of(
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-prod\n",
                "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"shop-prod\"}}"));

        assertThat(objects).extracting(DesiredObject::ref).containsExactly(
                new ObjectRef("v1", "Namespace", null, "shop-prod"),
                new ObjectRef("apps/v1", "Deployment", "shop-prod", "web"));
        assertThat(objects.get(1).inNamespace("other").ref().namespace()).isEqualTo("other");
    }

    @Test
    void errorsNameTheDocumentButNeverQuoteIt() {
        assertThatThrownBy(() -> DesiredObject.parseAll(List.of(
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n",
                "apiVersion: v1\nkind: Secret\nmetadata: {}\ndata: {password: c2VjcmV0}\n")))
                .hasMessageStartingWith("document 2: object name is required")
                .message().doesNotContain("c2VjcmV0");
        assertThatThrownBy(() -> DesiredObject.parse("kind: Secret\ndata: {password: [c2VjcmV0\n", 3))
                .hasMessageStartingWith("document 3 is not valid YAML")
                .message().doesNotContain("c2VjcmV0");
        assertThatThrownBy(() -> DesiredObject.parse("- just\n- a list\n", 4))
                .hasMessageContaining("document 4 is not a YAML mapping");
    }

    @Test
    void readsValuesAsTheApplierDoesWithTheYaml12CoreSchema() {
        DesiredObject cm = DesiredObject.parse("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: flags}
                data: {enabled: yes, switch: on, released: 2024-05-01, replicas: 3}
                """, 1);

        assertThat(cm.content().path("data").path("enabled").isTextual()).isTrue();
        assertThat(cm.content().path("data").path("switch").asText()).isEqualTo("on");
        assertThat(cm.content().path("data").path("released").asText()).isEqualTo("2024-05-01");
        assertThat(cm.content().path("data").path("replicas").isInt()).isTrue();
        assertThatThrownBy(() -> DesiredObject.parse("apiVersion: v1\nkind: Secret\nkind: ConfigMap\nmetadata: {name: a}\n", 2))
                .hasMessageStartingWith("document 2 is not valid YAML");
    }
}
