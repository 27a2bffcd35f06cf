package dev.verity.notifier.alert;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CommitLinksTest {

    static final String SHA = "3f2c1e9a7b6d5c4e3f2a1b0c9d8e7f6a5b4c3d2e";

    @Test
    void knownForgesGetTheirCommitPage() {
        assertThat(CommitLinks.of("https://github.com/acme/gitops.git", SHA))
                .hasValue("https://github.com/acme/gitops/commit/" + SHA);
        assertThat(CommitLinks.of("git@github.com:acme/gitops.git", SHA))
                .hasValue("https://github.com/acme/gitops/commit/" + SHA);
        assertThat(CommitLinks.of("https://gitlab.com/acme/platform/gitops", SHA))
                .hasValue("https://gitlab.com/acme/platform/gitops/-/commit/" + SHA);
        assertThat(CommitLinks.of("ssh://git@gitea.acme.dev:2222/acme/gitops.git", SHA))
                .hasValue("https://gitea.acme.dev/acme/gitops/commit/" + SHA);
        assertThat(CommitLinks.of("https://codeberg.org/acme/gitops/", SHA))
                .hasValue("https://codeberg.org/acme/gitops/commit/" + SHA);
    }

    @Test
    void credentialsNeverReachTheLinkAndUnknownHostsGetNone() {
        assertThat(CommitLinks.of("https://x-access-token:ghs_abc123@github.com/acme/gitops.git", SHA))
                .hasValue("https://github.com/acme/gitops/commit/" + SHA);
        assertThat(CommitLinks.of("https://git.example.com/acme/gitops.git", SHA)).isEmpty();
        assertThat(CommitLinks.of("file:///tmp/repo", SHA)).isEmpty();
        assertThat(CommitLinks.of("https://github.com/acme", SHA)).as("no repository").isEmpty();
        assertThat(CommitLinks.of("https://github.com/acme/gitops", null)).isEmpty();
    }
}
