package dev.verity.notifier.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.TargetKey;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ForgeKindTest {

    static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    final CommitStatus failed = new CommitStatus("https://example.com/r", SHA, "verity/prod-eu/shop/prod",
            StatusState.FAILURE, "ApplyFailed in prod-eu/shop/prod: denied", TargetKey.parse("prod-eu/shop/prod"), "e1",
            "dev.verity.rollout.failed.v1");

    @Test
    void eachForgeHasItsPathHeaderAndWords() throws Exception {
        ForgeRepository github = ForgeRepository.of("gh", "git@github.com:acme/gitops.git", "github", null, null, "t",
                null, Duration.ofSeconds(1));
        assertThat(github.kind().statusUrl(github.apiUrl(), github.project(), SHA))
                .isEqualTo(URI.create("https://api.github.com/repos/acme/gitops/statuses/" + SHA));
        assertThat(github.kind().authorization("t")).isEqualTo(java.util.Map.entry("Authorization", "Bearer t"));
        JsonNode body = new ObjectMapper().readTree(github.kind().body(failed, URI.create("https://verity.example.com")));
        assertThat(body.get("state").asText()).isEqualTo("failure");
        assertThat(body.get("context").asText()).isEqualTo("verity/prod-eu/shop/prod");
        assertThat(body.get("target_url").asText()).isEqualTo("https://verity.example.com");

        ForgeRepository gitlab = ForgeRepository.of("gl", "https://gitlab.example.com/acme/platform/gitops.git",
                "GitLab", null, null, "t", null, Duration.ofSeconds(1));
        assertThat(gitlab.kind().statusUrl(gitlab.apiUrl(), gitlab.project(), SHA)).isEqualTo(URI.create(
                "https://gitlab.example.com/api/v4/projects/acme%2Fplatform%2Fgitops/statuses/" + SHA));
        assertThat(gitlab.kind().authorization("t")).isEqualTo(java.util.Map.entry("PRIVATE-TOKEN", "t"));
        JsonNode gl = new ObjectMapper().readTree(gitlab.kind().body(failed, null));
        assertThat(gl.get("state").asText()).isEqualTo("failed");
        assertThat(gl.get("name").asText()).isEqualTo("verity/prod-eu/shop/prod");
        assertThat(gl.has("target_url")).isFalse();
        assertThat(ForgeKind.GITLAB.state(StatusState.PENDING)).isEqualTo("running");
        assertThat(ForgeKind.GITLAB.state(StatusState.ERROR)).isEqualTo("canceled");

        ForgeRepository forgejo = ForgeRepository.of("cb", "https://codeberg.org:443/acme/gitops", "forgejo", null,
                null, "t", null, Duration.ofSeconds(1));
        assertThat(forgejo.kind()).isEqualTo(ForgeKind.GITEA);
        assertThat(forgejo.kind().statusUrl(forgejo.apiUrl(), forgejo.project(), SHA))
                .isEqualTo(URI.create("https://codeberg.org/api/v1/repos/acme/gitops/statuses/" + SHA));
        assertThat(forgejo.kind().authorization("t")).isEqualTo(java.util.Map.entry("Authorization", "token t"));
        assertThat(forgejo.hosts("https://codeberg.org/acme/gitops.git")).isTrue();
        assertThat(forgejo.hosts("https://codeberg.org/acme/other.git")).isFalse();

        ForgeRepository enterprise = ForgeRepository.of("ghe", "https://git.corp.example:8443/acme/gitops", "github",
                null, null, "t", null, Duration.ofSeconds(1));
        assertThat(enterprise.apiUrl()).isEqualTo(URI.create("https://git.corp.example:8443/api/v3"));
    }

    @Test
    void wrongSettingsSayWhatToGiveAndNeverShowTheToken() {
        assertThatThrownBy(() -> ForgeKind.parse("bitbucket")).hasMessageContaining("github, gitlab, gitea or forgejo")
                .hasMessageContaining("Bitbucket is not covered");
        assertThatThrownBy(() -> ForgeRepository.of("local", "/srv/git/gitops.git", "github", null, null, "t", null,
                Duration.ofSeconds(1))).hasMessageContaining("local path").hasMessageContaining("api-url");
        ForgeRepository repo = ForgeRepository.of("gh", "https://github.com/acme/gitops", "github", null, null,
                "ghp_secret-token", null, Duration.ofSeconds(1));
        assertThat(repo.toString()).doesNotContain("ghp_secret-token").contains("acme/gitops");
        assertThat(repo.describe()).doesNotContain("ghp_secret-token");
    }
}
