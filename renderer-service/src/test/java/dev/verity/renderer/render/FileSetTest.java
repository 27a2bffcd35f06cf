package dev.verity.renderer.render;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class FileSetTest {

    @Test
    void pathsBelowAnotherAreCoveredByIt() {
        FileSet set = new FileSet(List.of("apps/shop/overlays/prod/kustomization.yaml", "apps/shop/overlays/prod",
                "apps/shop/base/kustomization.yml", "apps/shop/base-extra", "apps/shop/base/x.yaml"));

        assertThat(set.paths()).containsExactly("apps/shop/base-extra", "apps/shop/base/kustomization.yml",
                "apps/shop/base/x.yaml", "apps/shop/overlays/prod");
    }

    @Test
    void aChangeAtOrBelowAPathTouchesTheSetAndASiblingWithTheSamePrefixDoesNot() {
        FileSet set = new FileSet(List.of("apps/shop/base", "apps/shop/overlays/prod/kustomization.yml"));

        assertThat(set.touchedBy(Set.of("apps/shop/base/configmap.yaml"))).isTrue();
        assertThat(set.touchedBy(Set.of("apps/shop/overlays/prod/kustomization.yml"))).as("an absent path it probed, added")
                .isTrue();
        assertThat(set.touchedBy(Set.of("apps/shop/base-v2/configmap.yaml"))).isFalse();
        assertThat(set.touchedBy(Set.of("apps/shop/overlays/dev/kustomization.yaml", "README.md"))).isFalse();
        assertThat(set.touchedBy(Set.of())).isFalse();
    }

    @Test
    void theRepositoryRootCoversEverything() {
        FileSet set = new FileSet(List.of("", "apps/x"));

        assertThat(set.paths()).containsExactly(FileSet.WHOLE_REPOSITORY);
        assertThat(set.touchedBy(Set.of("anything/at/all"))).isTrue();
    }
}
