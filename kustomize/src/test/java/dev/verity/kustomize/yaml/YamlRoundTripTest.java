package dev.verity.kustomize.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Reading then printing a resource gives what {@code kubectl kustomize} (v1.32, Kustomize v5.5.0) printed for it: the
 * expected files were recorded with kubectl from the input files next to them (a kustomization listing the input).
 */
class YamlRoundTripTest {

    private static String resource(String name) throws IOException {
        try (InputStream in = YamlRoundTripTest.class.getResourceAsStream("/yaml/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void scalarsAreTypedQuotedAndWrappedAsKubectlPrintsThem() throws IOException {
        List<Node> documents = YamlReader.readAll(resource("scalars-input.yaml"), "scalars-input.yaml");
        assertThat(YamlPrinter.print(documents)).isEqualTo(resource("scalars-expected.yaml"));
    }

    @Test
    void keysAreSortedInGoYamlNaturalOrder() throws IOException {
        List<Node> documents = YamlReader.readAll(resource("keyorder-input.yaml"), "keyorder-input.yaml");
        assertThat(YamlPrinter.print(documents)).isEqualTo(resource("keyorder-expected.yaml"));
    }

    @Test
    void multiDocumentStreamWithCrlfBomCommentsAndEmptyDocuments() {
        String text = "\uFEFF# head\r\n---\r\na: 1\r\n---\r\n# only a comment\r\n---\r\nb: [x, 'y']\r\n...\r\n";
        List<Node> documents = YamlReader.readAll(text, "multi.yaml");
        assertThat(documents).hasSize(2);
        assertThat(documents.get(0)).isEqualTo(new MapNode().put("a", ScalarNode.integer(1)));
        assertThat(YamlPrinter.print(documents)).isEqualTo("a: 1\n---\nb:\n- x\n- \"y\"\n");
    }

    @Test
    void invalidYamlNamesTheFileAndLine() {
        String text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n bad: 1\n";
        assertThatThrownBy(() -> YamlReader.readAll(text, "service.yaml"))
                .isInstanceOf(YamlException.class)
                .hasMessageContaining("service.yaml")
                .hasMessageContaining("line 5");
    }
}
