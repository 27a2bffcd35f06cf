package dev.verity.kustomize.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Aliases are expanded as Kustomize expands them, but a document that aliases make explode is refused, early. */
class YamlAliasLimitTest {

    /** Nine aliases of nine aliases ... nine levels deep: 9^9 (387 million) strings from eleven lines. */
    static String billionLaughs() {
        StringBuilder b = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n");
        b.append("  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 9; i++) {
            b.append("  l").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 9; j++) b.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            b.append("]\n");
        }
        return b.toString();
    }

    @Test
    void aBillionLaughsDocumentIsRefusedBeforeItIsExpanded() {
        // a guard, not a figure: without the limit this expands for minutes and runs out of memory
        assertTimeoutPreemptively(Duration.ofSeconds(30), () ->
                assertThatThrownBy(() -> YamlReader.readAll(billionLaughs(), "/apps/shop/overlays/prod/lol.yaml"))
                        .isInstanceOf(YamlException.class)
                        .hasMessageStartingWith("invalid YAML in /apps/shop/overlays/prod/lol.yaml: line ")
                        .hasMessageContaining("excessive aliasing"));
    }

    @Test
    void ordinaryAliasesAndMergeKeysAreStillExpanded() {
        StringBuilder b = new StringBuilder("common: &common {team: shop, tier: web}\nitems:\n");
        for (int i = 0; i < 300; i++) b.append("- {<<: *common, name: item").append(i).append("}\n");
        List<Node> documents = YamlReader.readAll(b.toString(), "items.yaml");

        SeqNode items = (SeqNode) ((MapNode) documents.get(0)).get("items");
        assertThat(items.items()).hasSize(300);
        assertThat(((MapNode) items.items().get(299)).string("team")).isEqualTo("shop");
    }

    @Test
    void theShareOfAliasedNodesAllowedFallsAsTheDocumentGrows() {
        assertThat(YamlReader.Expansion.allowedFromAliases(1_000)).isEqualTo(990.0);
        assertThat(YamlReader.Expansion.allowedFromAliases(4_000_000)).isEqualTo(400_000.0);
        assertThat(YamlReader.Expansion.allowedFromAliases(2_200_000) / 2_200_000).isBetween(0.5, 0.6);
    }
}
