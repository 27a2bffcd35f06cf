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

    /** Where the bare mirrors live (nothing is checked out: the engine reads the Git tree). */
    @WithDefault("${java.io.tmpdir}/verity-renderer")
    Path workDir();

    /** How often every repository is fetched and rendered even without commit events (±10% jitter). */
    @WithDefault("60s")
    Duration pollInterval();

    /**
     * How long one overlay may take to build (the in-process engine's deadline) before it is stopped and reported
     * as a RenderFailed; the commit is rendered again on the next poll.
     */
    @WithDefault("60s")
    Duration renderTimeout();

    /**
     * How many overlays are built at once, across all repositories (the render pool's size). Default: the number of
     * processors.
     */
    Optional<Integer> renderConcurrency();

    /**
     * The largest desired state published, in bytes of the serialized event before compression (what the Kafka
     * producer checks against {@code max.request.size}); a bigger render is a RenderFailed saying so. Must leave
     * room for the record's key and headers under {@code mp.messaging.outgoing.desired.max.request.size}: the service
     * does not start otherwise. Default 16 MiB.
     */
    @WithDefault("16777216")
    int maxDesiredStateSize();

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
