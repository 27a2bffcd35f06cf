package dev.verity.renderer.git;

import dev.verity.events.RepoIdentity;
import org.eclipse.jgit.api.TransportCommand;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;
import org.eclipse.jgit.transport.sshd.KeyPasswordProvider;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * How the renderer authenticates to one repository's Git server: nothing (public repositories and local paths), a
 * token over HTTPS (sent as the password of HTTP basic authentication, the way GitHub, GitLab, Gitea and Bitbucket
 * take personal or project access tokens), or an SSH private key, with the server's host key checked strictly
 * against a {@code known_hosts} file (an unknown or changed host key fails the fetch; the file is never written).
 *
 * <p>A token is read when a fetch needs it, so a token file rotated by a secret manager is picked up without a
 * restart. Secrets are never logged, and {@link #toString()} says only where they come from.
 */
public final class GitCredentials {

    private static final GitCredentials NONE = new GitCredentials("none", null, null);

    private final String description;
    private final UsernamePasswordCredentialsProvider httpsCredentials;
    private final Supplier<SshdSessionFactory> ssh;

    private GitCredentials(String description, UsernamePasswordCredentialsProvider httpsCredentials,
                           Supplier<SshdSessionFactory> ssh) {
        this.description = description;
        this.httpsCredentials = httpsCredentials;
        this.ssh = ssh;
    }

    /** For public repositories and local paths. */
    public static GitCredentials none() {
        return NONE;
    }

    /**
     * A token sent as the password of {@code username} (e.g. {@code x-access-token} for GitHub, {@code oauth2} for
     * GitLab, {@code x-token-auth} for Bitbucket; most forges accept any user name with a personal access token).
     *
     * @param token   the token, read at each fetch (from a file or the environment, trimmed)
     * @param source  where it comes from, for messages (never the value)
     */
    public static GitCredentials token(String username, Supplier<String> token, String source) {
        return new GitCredentials("token (" + source + ") as user " + username, new TokenProvider(username, token), null);
    }

    /**
     * An SSH private key (OpenSSH or PEM format; a passphrase when it is encrypted) and the {@code known_hosts} file
     * holding the server's host key. {@code sshDirectory} is a directory of the renderer's own, used instead of
     * {@code ~/.ssh} so that the user's SSH configuration and keys never take part.
     */
    public static GitCredentials sshKey(Path privateKey, Path knownHosts, Optional<Supplier<String>> passphrase,
                                        Path sshDirectory) {
        requireReadable(privateKey, "ssh-key-file", "the private key the Git server knows as a deploy key");
        requireReadable(knownHosts, "known-hosts-file",
                "the server's host key, e.g. the output of 'ssh-keyscan -p <port> <host>'");
        Supplier<SshdSessionFactory> factory = new Supplier<>() {
            private SshdSessionFactory built;

            @Override
            public synchronized SshdSessionFactory get() {
                if (built == null) built = build(privateKey, knownHosts, passphrase, sshDirectory);
                return built;
            }
        };
        return new GitCredentials("SSH key " + privateKey + " with known hosts " + knownHosts, null, factory);
    }

    /** Fits these credentials to a fetch (or any transport command) against {@code url}. */
    public void applyTo(TransportCommand<?, ?> command, String url) {
        if (httpsCredentials != null) {
            if (!isHttp(url)) throw new GitException("a token is configured for " + RepoIdentity.redact(url)
                    + ", but tokens are sent over HTTPS only: use the repository's https:// URL, or an ssh-key-file");
            command.setCredentialsProvider(httpsCredentials);
        }
        if (ssh != null) {
            if (isHttp(url)) throw new GitException("an SSH key is configured for " + RepoIdentity.redact(url)
                    + ", which is an HTTP URL: use the repository's ssh:// (or git@host:owner/repo) URL, or a token");
            SshdSessionFactory factory = ssh.get();
            command.setTransportConfigCallback(transport -> {
                if (transport instanceof SshTransport sshTransport) sshTransport.setSshSessionFactory(factory);
            });
        }
    }

    @Override
    public String toString() {
        return description;
    }

    private static boolean isHttp(String url) {
        String u = url.trim().toLowerCase(Locale.ROOT);
        return u.startsWith("https://") || u.startsWith("http://");
    }

    private static SshdSessionFactory build(Path privateKey, Path knownHosts, Optional<Supplier<String>> passphrase,
                                            Path sshDirectory) {
        try {
            Files.createDirectories(sshDirectory);
            // strict: a host missing from known_hosts, or with another key, fails the fetch; nothing is ever added
            Path config = sshDirectory.resolve("config");
            Files.writeString(config, "Host *\n  StrictHostKeyChecking yes\n  UpdateHostKeys no\n"
                    + "  PreferredAuthentications publickey\n", StandardCharsets.UTF_8);
            return new SshdSessionFactoryBuilder()
                    .setHomeDirectory(sshDirectory.toFile())
                    .setSshDirectory(sshDirectory.toFile())
                    .setConfigFile(dir -> config.toFile())
                    .setDefaultIdentities(dir -> List.of(privateKey))
                    .setDefaultKnownHostsFiles(dir -> List.of(knownHosts))
                    .setPreferredAuthentications("publickey")
                    .setKeyPasswordProvider(cp -> new Passphrase(passphrase, privateKey))
                    .build(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the SSH directory " + sshDirectory + ": " + e.getMessage()
                    + ". Check that the renderer's work dir is writable", e);
        }
    }

    private static void requireReadable(Path file, String key, String what) {
        if (!Files.isReadable(file)) {
            throw new GitException(key + " " + file + " cannot be read: it must hold " + what);
        }
    }

    private static final class TokenProvider extends UsernamePasswordCredentialsProvider {
        private final String username;
        private final Supplier<String> token;

        TokenProvider(String username, Supplier<String> token) {
            super(username, new char[0]);
            this.username = username;
            this.token = token;
        }

        @Override
        public boolean get(URIish uri, org.eclipse.jgit.transport.CredentialItem... items) {
            String value = token.get();
            return new UsernamePasswordCredentialsProvider(username, value).get(uri, items);
        }
    }

    private static final class Passphrase implements KeyPasswordProvider {
        private final Optional<Supplier<String>> passphrase;
        private final Path privateKey;
        private int attempts = 1;

        Passphrase(Optional<Supplier<String>> passphrase, Path privateKey) {
            this.passphrase = passphrase;
            this.privateKey = privateKey;
        }

        @Override
        public char[] getPassphrase(URIish uri, int attempt) {
            if (passphrase.isEmpty()) {
                throw new GitException("the SSH key " + privateKey + " is encrypted: set the repository's ssh-key-passphrase-file");
            }
            return passphrase.get().get().toCharArray();
        }

        @Override
        public void setAttempts(int attempts) {
            this.attempts = attempts;
        }

        @Override
        public int getAttempts() {
            return Math.min(attempts, 1);
        }

        @Override
        public boolean keyLoaded(URIish uri, int attempt, Exception error) {
            if (error != null) {
                throw new GitException("the SSH key " + privateKey + " cannot be decrypted with the configured passphrase"
                        + " (ssh-key-passphrase-file)");
            }
            return true;
        }
    }
}
