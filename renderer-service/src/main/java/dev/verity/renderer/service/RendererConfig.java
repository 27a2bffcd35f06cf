package dev.verity.renderer.service;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Configuration of the renderer-service, under {@code verity.renderer}. */
@ConfigMapping(prefix = "verity.renderer")
public interface RendererConfig {

    /**
     * The GitOps repositories to render, e.g. {@code verity.renderer.repositories[0].url=https://github.com/acme/gitops}.
     * Commit events for other repositories are logged and skipped.
     */
    Optional<List<Repository>> repositories();

    /** Where the bare mirrors and temporary checkouts live. */
    @WithDefault("${java.io.tmpdir}/verity-renderer")
    Path workDir();

    /** How often every repository is fetched and rendered even without commit events (±10% jitter). */
    @WithDefault("60s")
    Duration pollInterval();

    /**
     * The Kustomize command, with the overlay folder appended (e.g. {@code kustomize build} or
     * {@code /usr/local/bin/kubectl kustomize}). Default: {@code kustomize build} or {@code kubectl kustomize},
     * whichever is on PATH.
     */
    Optional<String> kustomizeCommand();

    /** How long one overlay may take to build before it is stopped and reported as failed. */
    @WithDefault("60s")
    Duration renderTimeout();

    /** How long a fetch may wait on the Git server. */
    @WithDefault("60s")
    Duration fetchTimeout();

    /** How long publishing one event may wait for Kafka's acknowledgement. */
    @WithDefault("30s")
    Duration publishTimeout();

    /** One repository. */
    interface Repository {
        /** Clone URL: https, ssh or file. */
        String url();

        /** The branch whose head is rendered. */
        @WithDefault("main")
        String branch();

        /**
         * HTTPS: the user name sent with the token ({@code x-access-token} for GitHub, {@code oauth2} for GitLab,
         * {@code x-token-auth} for Bitbucket; other forges take any name with a personal access token).
         */
        @WithDefault("git")
        String username();

        /**
         * HTTPS: an access token with read access to the repository. Prefer {@link #tokenFile()} or the environment
         * ({@code VERITY_RENDERER_REPOSITORIES_0__TOKEN}) to a properties file. Never logged.
         */
        Optional<String> token();

        /** HTTPS: a file holding the token (trimmed), read at each fetch so a rotated token is picked up. */
        Optional<Path> tokenFile();

        /** SSH: the private key (OpenSSH or PEM) the Git server knows, e.g. as a read-only deploy key. */
        Optional<Path> sshKeyFile();

        /**
         * SSH: a {@code known_hosts} file holding the server's host key (e.g. from {@code ssh-keyscan}); required with
         * an SSH key. Hosts not in it, or with another key, are refused.
         */
        Optional<Path> knownHostsFile();

        /** SSH: a file holding the passphrase of an encrypted private key. */
        Optional<Path> sshKeyPassphraseFile();
    }
}
