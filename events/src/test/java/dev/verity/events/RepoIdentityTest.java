package dev.verity.events;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepoIdentityTest {

    @Test
    void httpsSshAndScpFormsOfOneRepositoryAreTheSame() {
        String id = "github.com/acme/gitops";
        assertThat(RepoIdentity.of("https://github.com/acme/gitops")).isEqualTo(id);
        assertThat(RepoIdentity.of("https://GitHub.com/acme/gitops.git")).isEqualTo(id);
        assertThat(RepoIdentity.of("https://github.com/acme/gitops/")).isEqualTo(id);
        assertThat(RepoIdentity.of("HTTPS://github.com:443/acme/gitops.git/")).isEqualTo(id);
        assertThat(RepoIdentity.of("http://github.com:80/acme/gitops")).isEqualTo(id);
        assertThat(RepoIdentity.of("https://x-access-token:s3cret@github.com/acme/gitops.git")).isEqualTo(id);
        assertThat(RepoIdentity.of("git@github.com:acme/gitops.git")).isEqualTo(id);
        assertThat(RepoIdentity.of("git@GITHUB.COM:/acme/gitops")).isEqualTo(id);
        assertThat(RepoIdentity.of("ssh://git@github.com/acme/gitops.git")).isEqualTo(id);
        assertThat(RepoIdentity.of("ssh://git@github.com:22/acme/gitops")).isEqualTo(id);
        assertThat(RepoIdentity.of("git://github.com/acme/gitops")).isEqualTo(id);
        assertThat(RepoIdentity.same("git@github.com:acme/gitops.git", "https://github.com/acme/gitops")).isTrue();
    }

    @Test
    void otherPortsPathCaseAndOtherRepositoriesStayDistinct() {
        assertThat(RepoIdentity.of("ssh://git@git.example.com:2222/a/b.git")).isEqualTo("git.example.com:2222/a/b");
        assertThat(RepoIdentity.of("https://git.example.com:8443/a/b")).isEqualTo("git.example.com:8443/a/b");
        assertThat(RepoIdentity.same("https://git.example.com:8443/a/b", "https://git.example.com/a/b")).isFalse();
        assertThat(RepoIdentity.same("https://github.com/Acme/GitOps", "https://github.com/acme/gitops")).isFalse();
        assertThat(RepoIdentity.same("https://github.com/acme/gitops-2", "https://github.com/acme/gitops")).isFalse();
        assertThat(RepoIdentity.same("https://gitlab.com/acme/gitops", "https://github.com/acme/gitops")).isFalse();
        assertThat(RepoIdentity.of("https://gitlab.com/group/sub/group/repo.git")).isEqualTo("gitlab.com/group/sub/group/repo");
    }

    @Test
    void localRepositories() {
        assertThat(RepoIdentity.of("file:///tmp/repos/shop.git/")).isEqualTo("file:///tmp/repos/shop");
        assertThat(RepoIdentity.of("file:/tmp/repos/shop.git")).isEqualTo("file:///tmp/repos/shop");
        assertThat(RepoIdentity.of("/tmp/repos/shop")).isEqualTo("file:///tmp/repos/shop");
        assertThat(RepoIdentity.of("file:///tmp/other/../repos/./shop.git")).isEqualTo("file:///tmp/repos/shop");
        assertThat(RepoIdentity.same("/tmp/repos/Shop", "/tmp/repos/shop")).isFalse();
        assertThat(RepoIdentity.same("http://localhost:8090/shop.git", "http://127.0.0.1:8090/shop.git")).isFalse();
    }

    @Test
    void userInfoNeverShowsInRedactedUrlsOrErrors() {
        assertThat(RepoIdentity.redact("https://bot:s3cret@github.com/acme/gitops.git")).isEqualTo("https://github.com/acme/gitops.git");
        assertThat(RepoIdentity.redact("https://ghp_TOKEN@github.com/acme/gitops")).isEqualTo("https://github.com/acme/gitops");
        assertThat(RepoIdentity.redact("git@github.com:acme/gitops.git")).isEqualTo("git@github.com:acme/gitops.git");
        assertThatThrownBy(() -> RepoIdentity.of("https://bot:s3cret@github.com/"))
                .hasMessageContaining("https://github.com/").hasMessageContaining("no repository path")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void whatNamesNoRepositoryIsRefusedClearly() {
        assertThatThrownBy(() -> RepoIdentity.of(" ")).hasMessageContaining("empty");
        assertThatThrownBy(() -> RepoIdentity.of("gitops")).hasMessageContaining("'gitops' is not a repository URL");
        assertThat(RepoIdentity.same("gitops", "gitops")).isFalse();
    }
}
