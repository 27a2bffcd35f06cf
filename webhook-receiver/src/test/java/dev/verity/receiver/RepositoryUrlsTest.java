package dev.verity.receiver;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RepositoryUrlsTest {

    @Test
    void theFormsGithubGivesForOneRepositoryAreTheSameRepository() {
        String clone = "https://github.com/binkkatal/sample_app.git";
        assertThat(RepositoryUrls.sameRepository(clone, "https://github.com/binkkatal/sample_app")).isTrue();
        assertThat(RepositoryUrls.sameRepository(clone, "https://GitHub.com/binkkatal/sample_app/")).isTrue();
        assertThat(RepositoryUrls.sameRepository(clone, "git@github.com:binkkatal/sample_app.git")).isTrue();
        assertThat(RepositoryUrls.sameRepository(clone, "ssh://git@github.com/binkkatal/sample_app.git")).isTrue();
        assertThat(RepositoryUrls.sameRepository(clone, "git://github.com/binkkatal/sample_app.git")).isTrue();
        assertThat(RepositoryUrls.identity(clone)).isEqualTo("github.com/binkkatal/sample_app");
    }

    @Test
    void otherRepositoriesAndHostsDiffer() {
        String clone = "https://github.com/binkkatal/sample_app.git";
        assertThat(RepositoryUrls.sameRepository(clone, "https://github.com/binkkatal/sample_app2.git")).isFalse();
        assertThat(RepositoryUrls.sameRepository(clone, "https://gitlab.com/binkkatal/sample_app.git")).isFalse();
        assertThat(RepositoryUrls.sameRepository(clone, "https://github.com/other/sample_app.git")).isFalse();
    }

    @Test
    void localRepositoriesAreComparedByPath() {
        assertThat(RepositoryUrls.sameRepository("file:///tmp/verity/shop.git", "file:///tmp/verity/shop")).isTrue();
        assertThat(RepositoryUrls.sameRepository("http://localhost:8090/shop.git", "http://127.0.0.1:8090/shop.git")).isFalse();
        assertThat(RepositoryUrls.sameRepository("file:///tmp/verity/shop.git", "file:///tmp/other/shop.git")).isFalse();
    }
}
