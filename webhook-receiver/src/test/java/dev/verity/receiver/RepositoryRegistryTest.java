package dev.verity.receiver;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryRegistryTest {

    private static final ForgeRepository SAMPLE = new ForgeRepository("https://github.com/binkkatal/sample_app.git",
            List.of("https://github.com/binkkatal/sample_app", "git@github.com:binkkatal/sample_app.git"), "binkkatal/sample_app");

    @Test
    void aRepositoryIsFoundByAnyOfItsUrls() {
        for (String configured : List.of("https://github.com/binkkatal/sample_app.git", "https://github.com/binkkatal/sample_app",
                "git@github.com:binkkatal/sample_app.git")) {
            RepositoryRegistry registry = new RepositoryRegistry(
                    List.of(new RepositorySettings("sample", configured, "s3cret", Optional.empty())), Optional.empty(), "main");
            assertThat(registry.lookup(SAMPLE)).as(configured)
                    .contains(new RepositoryRegistry.Match("s3cret", "main", "verity.receiver.repositories.sample.secret",
                            "verity.receiver.default-branch"));
        }
    }

    @Test
    void withoutAnEntryOrADefaultSecretNothingMatches() {
        RepositoryRegistry registry = new RepositoryRegistry(
                List.of(new RepositorySettings("other", "https://github.com/o/other.git", "s3cret", Optional.of("prod"))),
                Optional.empty(), "main");
        assertThat(registry.lookup(SAMPLE)).isEmpty();
        assertThat(registry.fallback()).isEmpty();
        assertThat(registry.acceptsAnything()).isTrue();
        assertThat(new RepositoryRegistry(List.of(), Optional.empty(), "main").acceptsAnything()).isFalse();
    }

    @Test
    void invalidConfigurationFailsNamingEveryKeyToFix() {
        assertThatThrownBy(() -> new RepositoryRegistry(List.of(
                new RepositorySettings("a", "https://github.com/o/r.git", " ", Optional.empty()),
                new RepositorySettings("b", "git@github.com:o/r.git", "x", Optional.empty()),
                new RepositorySettings("c", "", "y", Optional.empty())), Optional.of(""), " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("verity.receiver.repositories.a.secret is empty")
                .hasMessageContaining("verity.receiver.repositories.b.url names the same repository as verity.receiver.repositories.a.url")
                .hasMessageContaining("verity.receiver.repositories.c.url is empty")
                .hasMessageContaining("verity.receiver.default-secret is blank")
                .hasMessageContaining("verity.receiver.default-branch is empty");
    }

    @Test
    void secretsNeverShowInDescriptionsOrToString() {
        RepositorySettings settings = new RepositorySettings("sample", SAMPLE.cloneUrl(), "top-s3cret", Optional.empty());
        RepositoryRegistry registry = new RepositoryRegistry(List.of(settings), Optional.of("default-s3cret"), "main");

        assertThat(settings.toString()).doesNotContain("top-s3cret");
        assertThat(registry.lookup(SAMPLE).orElseThrow().toString()).doesNotContain("top-s3cret");
        assertThat(registry.fallback().orElseThrow().toString()).doesNotContain("default-s3cret");
        assertThat(registry.describe()).doesNotContain("s3cret")
                .isEqualTo("sample=https://github.com/binkkatal/sample_app.git (branch main, endpoint /hooks/<forge>/sample); default secret set"
                        + " (any other repository, branch main)");
    }
}
