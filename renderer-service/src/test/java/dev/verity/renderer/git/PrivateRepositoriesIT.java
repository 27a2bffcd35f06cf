package dev.verity.renderer.git;

import dev.verity.testkit.git.GitHttpServer;
import dev.verity.testkit.git.GitRepos;
import dev.verity.testkit.git.GitSshServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Private repositories fetched the two ways forges offer: a token over HTTPS (a smart-HTTP Git server asking for basic
 * authentication) and a deploy key over SSH (an Apache MINA SSHD server), both serving real repositories with JGit.
 */
class PrivateRepositoriesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    @Test
    void aTokenOverHttpsFetchesAndAWrongOrMissingTokenFailsWithoutShowingIt() throws IOException {
        String head = seed("shop.git");
        try (GitHttpServer forge = GitHttpServer.withBasicAuth(tmp.resolve("forge"), "x-access-token", "ghp_s3cretToken")) {
            Path tokenFile = Files.writeString(tmp.resolve("token"), "ghp_wrongToken\n");
            GitCredentials fromFile = GitCredentials.token("x-access-token", () -> read(tokenFile), "file " + tokenFile);
            try (GitMirror mirror = GitMirror.open(forge.url("shop.git"), "main", tmp.resolve("m1"), TIMEOUT, fromFile)) {
                assertThatThrownBy(mirror::fetchHead).isInstanceOf(GitException.class)
                        .hasMessageContaining("cannot fetch refs/heads/main from " + forge.url("shop.git"))
                        .hasMessageContaining("credentials")
                        .hasMessageNotContaining("ghp_wrongToken");
                // the token is read at each fetch: a rotated file is picked up without reopening anything
                Files.writeString(tokenFile, "ghp_s3cretToken\n");
                assertThat(mirror.fetchHead()).isEqualTo(head);
                assertThat(mirror.snapshot(head).read("apps/shop/base/kustomization.yaml")).isPresent();
            }
            try (GitMirror anonymous = GitMirror.open(forge.url("shop.git"), "main", tmp.resolve("m2"), TIMEOUT)) {
                assertThatThrownBy(anonymous::fetchHead).isInstanceOf(GitException.class).hasMessageContaining(forge.url("shop.git"));
            }
            assertThat(forge.fetches()).isEqualTo(1);
            assertThat(forge.refused()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void aDeployKeyOverSshFetchesAndAnUnknownHostOrKeyIsRefused() throws IOException {
        String head = seed("shop.git");
        KeyPair deployKey = GitSshServer.newKeyPair();
        Path keyFile = GitSshServer.writePrivateKey(deployKey, tmp.resolve("keys/deploy"));
        try (GitSshServer forge = GitSshServer.start(tmp.resolve("forge"), deployKey.getPublic())) {
            Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), forge.knownHostsLine() + "\n");
            GitCredentials key = GitCredentials.sshKey(keyFile, knownHosts, Optional.empty(), tmp.resolve("ssh1"));
            try (GitMirror mirror = GitMirror.open(forge.url("shop.git"), "main", tmp.resolve("m1"), TIMEOUT, key)) {
                assertThat(mirror.fetchHead()).isEqualTo(head);
            }
            assertThat(forge.fetches()).isEqualTo(1);

            // a server whose host key is not the one in known_hosts (a man in the middle, or a new server) is refused
            try (GitSshServer impostor = GitSshServer.start(tmp.resolve("forge"), deployKey.getPublic())) {
                Path wrongHosts = Files.writeString(tmp.resolve("known_hosts_other"),
                        forge.knownHostsLine().replace(":" + forge.port() + "]", ":" + impostor.port() + "]") + "\n");
                GitCredentials strict = GitCredentials.sshKey(keyFile, wrongHosts, Optional.empty(), tmp.resolve("ssh2"));
                try (GitMirror mirror = GitMirror.open(impostor.url("shop.git"), "main", tmp.resolve("m2"), TIMEOUT, strict)) {
                    assertThatThrownBy(mirror::fetchHead).isInstanceOf(GitException.class)
                            .hasMessageContaining("cannot fetch refs/heads/main from " + impostor.url("shop.git").replace("git@", ""));
                }
                assertThat(impostor.fetches()).isZero();
                assertThat(Files.readString(wrongHosts)).doesNotContain(impostor.knownHostsLine());
            }

            // a key the server does not know
            Path otherKey = GitSshServer.writePrivateKey(GitSshServer.newKeyPair(), tmp.resolve("keys/other"));
            GitCredentials unknownKey = GitCredentials.sshKey(otherKey, knownHosts, Optional.empty(), tmp.resolve("ssh3"));
            try (GitMirror mirror = GitMirror.open(forge.url("shop.git"), "main", tmp.resolve("m3"), TIMEOUT, unknownKey)) {
                assertThatThrownBy(mirror::fetchHead).isInstanceOf(GitException.class);
            }
            assertThat(forge.fetches()).isEqualTo(1);
        }
    }

    @Test
    void credentialsForTheOtherSchemeAreAClearError() throws IOException {
        Path keyFile = GitSshServer.writePrivateKey(GitSshServer.newKeyPair(), tmp.resolve("keys/deploy"));
        Path knownHosts = Files.writeString(tmp.resolve("known_hosts"), "");
        GitCredentials key = GitCredentials.sshKey(keyFile, knownHosts, Optional.empty(), tmp.resolve("ssh"));
        try (GitMirror mirror = GitMirror.open("https://git.example.com/acme/gitops.git", "main", tmp.resolve("m1"), TIMEOUT, key)) {
            assertThatThrownBy(mirror::fetchHead).hasMessageContaining("an SSH key is configured for https://git.example.com/acme/gitops.git");
        }
        GitCredentials token = GitCredentials.token("git", () -> "t0ken", "test");
        try (GitMirror mirror = GitMirror.open("git@git.example.com:acme/gitops.git", "main", tmp.resolve("m2"), TIMEOUT, token)) {
            assertThatThrownBy(mirror::fetchHead).hasMessageContaining("tokens are sent over HTTPS only").hasMessageNotContaining("t0ken");
        }
        assertThatThrownBy(() -> GitCredentials.sshKey(tmp.resolve("absent"), knownHosts, Optional.empty(), tmp.resolve("ssh")))
                .hasMessageContaining("ssh-key-file " + tmp.resolve("absent") + " cannot be read");
    }

    private String seed(String name) {
        try (GitRepos repo = GitRepos.createBare(tmp.resolve("forge").resolve(name))) {
            return repo.commit("main", "add shop", Map.of("apps/shop/base/kustomization.yaml", "resources: []\n"));
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
