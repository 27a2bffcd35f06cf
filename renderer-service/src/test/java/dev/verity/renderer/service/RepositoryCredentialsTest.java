package dev.verity.renderer.service;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RepositoryCredentialsTest {

    @TempDir
    Path tmp;

    @Test
    void nothingConfiguredMeansNoCredentials() {
        assertThat(RepositoryCredentials.of(0, repo("https://github.com/acme/gitops", null, null, null, null), tmp))
                .hasToString("none");
    }

    @Test
    void aTokenIsDescribedByWhereItComesFromNeverByItsValue() throws IOException {
        assertThat(RepositoryCredentials.of(0, repo("https://github.com/acme/gitops", "ghp_s3cret", null, null, null), tmp).toString())
                .contains("verity.renderer.repositories[0].token").doesNotContain("ghp_s3cret");
        Path file = Files.writeString(tmp.resolve("token"), "ghp_s3cret\n");
        assertThat(RepositoryCredentials.of(1, repo("https://github.com/acme/gitops", null, file, null, null), tmp).toString())
                .contains("file " + file).doesNotContain("ghp_s3cret");
    }

    @Test
    void halfOrContradictorySettingsAreRefusedNamingTheKeys() throws IOException {
        Path key = Files.writeString(tmp.resolve("key"), "x");
        Path hosts = Files.writeString(tmp.resolve("known_hosts"), "");
        assertThatThrownBy(() -> RepositoryCredentials.of(2, repo("git@github.com:acme/gitops.git", null, null, key, null), tmp))
                .hasMessageContaining("verity.renderer.repositories[2].ssh-key-file and verity.renderer.repositories[2].known-hosts-file go together");
        assertThatThrownBy(() -> RepositoryCredentials.of(0, repo("https://bot:pw@github.com/acme/gitops", "t", null, key, hosts), tmp))
                .hasMessageContaining("token and verity.renderer.repositories[0].ssh-key-file are both set for https://github.com/acme/gitops")
                .hasMessageNotContaining("pw@");
        assertThatThrownBy(() -> RepositoryCredentials.of(0, repo("https://github.com/acme/gitops", "t", key, null, null), tmp))
                .hasMessageContaining("token and verity.renderer.repositories[0].token-file are both set");
        assertThat(RepositoryCredentials.of(0, repo("git@github.com:acme/gitops.git", null, null, key, hosts), tmp).toString())
                .contains("SSH key " + key);
    }

    private static RendererConfig.Repository repo(String url, String token, Path tokenFile, Path key, Path knownHosts) {
        return new RendererConfig.Repository() {
            public String url() { return url; }
            public String branch() { return "main"; }
            public String username() { return "git"; }
            public Optional<String> token() { return Optional.ofNullable(token); }
            public Optional<Path> tokenFile() { return Optional.ofNullable(tokenFile); }
            public Optional<Path> sshKeyFile() { return Optional.ofNullable(key); }
            public Optional<Path> knownHostsFile() { return Optional.ofNullable(knownHosts); }
            public Optional<Path> sshKeyPassphraseFile() { return Optional.empty(); }
        };
    }
}
