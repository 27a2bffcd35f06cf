package dev.verity.renderer.render;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class YamlDocumentsTest {

    @Test
    void splitsOnDocumentMarkersKeepingOrderAndText() {
        String stream = """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop-dev
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: web-config
                data:
                  script: |
                    echo "---not a marker"
                      ---
                    done
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                """;
        assertThat(YamlDocuments.split(stream)).containsExactly(
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-dev\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  script: |\n    echo \"---not a marker\"\n      ---\n    done\n",
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n");
    }

    @Test
    void dropsEmptyAndCommentOnlyDocumentsAndLeadingMarkers() {
        assertThat(YamlDocuments.split("---\n# header\n---\na: 1\n---\n\n---\nb: 2\n...\n")).containsExactly("a: 1\n", "b: 2\n");
        assertThat(YamlDocuments.split("")).isEmpty();
        assertThat(YamlDocuments.split("\n\n")).isEmpty();
    }

    @Test
    void handlesWindowsLineEndingsAndAMissingFinalNewline() {
        assertThat(YamlDocuments.split("a: 1\r\n---\r\nb: 2")).containsExactly("a: 1\n", "b: 2\n");
    }
}
