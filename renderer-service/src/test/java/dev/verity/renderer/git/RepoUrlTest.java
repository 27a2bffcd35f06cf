package dev.verity.renderer.git;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RepoUrlTest {

    @Test
    void sameRepositoryWrittenDifferentlyNormalisesTheSame() {
        String canonical = RepoUrl.normalize("https://github.com/acme/gitops");
        assertThat(RepoUrl.normalize("https://GitHub.com/acme/gitops.git")).isEqualTo(canonical);
        assertThat(RepoUrl.normalize("https://github.com/acme/gitops/")).isEqualTo(canonical);
        assertThat(RepoUrl.normalize("HTTPS://github.com:443/acme/gitops.git/")).isEqualTo(canonical);
        assertThat(RepoUrl.normalize("https://bot:s3cret@github.com/acme/gitops.git")).isEqualTo(canonical);
        assertThat(canonical).isEqualTo("https://github.com/acme/gitops");
    }

    @Test
    void pathCaseAndDifferentRepositoriesStayDistinct() {
        assertThat(RepoUrl.normalize("https://github.com/Acme/GitOps")).isNotEqualTo(RepoUrl.normalize("https://github.com/acme/gitops"));
        assertThat(RepoUrl.normalize("https://github.com/acme/gitops-2")).isNotEqualTo(RepoUrl.normalize("https://github.com/acme/gitops"));
        assertThat(RepoUrl.normalize("https://git.example.com:8443/a/b")).isEqualTo("https://git.example.com:8443/a/b");
    }

    @Test
    void fileAndScpLikeUrls() {
        assertThat(RepoUrl.normalize("file:///tmp/repos/shop.git/")).isEqualTo("file:///tmp/repos/shop");
        assertThat(RepoUrl.normalize("file:/tmp/repos/shop.git")).isEqualTo("file:///tmp/repos/shop");
        assertThat(RepoUrl.normalize("git@GitHub.com:acme/gitops.git")).isEqualTo("ssh://github.com/acme/gitops");
        assertThat(RepoUrl.normalize("ssh://git@github.com/acme/gitops.git")).isEqualTo("ssh://github.com/acme/gitops");
    }

    @Test
    void redactsCredentialsAndMakesSafeDirectoryNames() {
        assertThat(RepoUrl.redact("https://bot:s3cret@github.com/acme/gitops.git")).isEqualTo("https://github.com/acme/gitops.git");
        assertThat(RepoUrl.directoryName("https://GitHub.com/acme/gitops.git"))
                .matches("github\\.com_acme_gitops-[0-9a-f]{10}")
                .isEqualTo(RepoUrl.directoryName("https://github.com/acme/gitops"));
    }
}
