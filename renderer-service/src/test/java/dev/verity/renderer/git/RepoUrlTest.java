package dev.verity.renderer.git;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RepoUrlTest {

    @Test
    void oneRepositoryHasOneSafeDirectoryWhicheverUrlNamesIt() {
        String name = RepoUrl.directoryName("https://GitHub.com/acme/gitops.git");
        assertThat(name).matches("github\\.com_acme_gitops-[0-9a-f]{10}");
        assertThat(RepoUrl.directoryName("git@github.com:acme/gitops.git")).isEqualTo(name);
        assertThat(RepoUrl.directoryName("https://bot:s3cret@github.com/acme/gitops")).isEqualTo(name).doesNotContain("s3cret");
        assertThat(RepoUrl.directoryName("https://github.com/acme/gitops-2")).isNotEqualTo(name);
        assertThat(RepoUrl.directoryName("file:///tmp/repos/../../shop.git")).isEqualTo(RepoUrl.directoryName("/shop"))
                .matches("[A-Za-z0-9._-]+").doesNotContain("..");
    }
}
