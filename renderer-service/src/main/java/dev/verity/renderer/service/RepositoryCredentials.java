package dev.verity.renderer.service;

import dev.verity.events.RepoIdentity;
import dev.verity.renderer.git.GitCredentials;
import dev.verity.renderer.git.GitException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/** Turns a repository's credential settings ({@code verity.renderer.repositories[i].*}) into {@link GitCredentials}. */
final class RepositoryCredentials {

    private RepositoryCredentials() {
    }

    /** The credentials repository {@code i} is configured with; a clear error for a half or contradictory setting. */
    static GitCredentials of(int i, RendererConfig.Repository repo, Path sshDirectory) {
        String key = "verity.renderer.repositories[" + i + "].";
        boolean token = repo.token().isPresent() || repo.tokenFile().isPresent();
        boolean ssh = repo.sshKeyFile().isPresent() || repo.knownHostsFile().isPresent();
        if (token && ssh) {
            throw new IllegalStateException(key + "token and " + key + "ssh-key-file are both set for "
                    + RepoIdentity.redact(repo.url()) + ": keep the one its URL's scheme uses (https: token, ssh: key)");
        }
        if (repo.token().isPresent() && repo.tokenFile().isPresent()) {
            throw new IllegalStateException(key + "token and " + key + "token-file are both set: keep one");
        }
        if (token) {
            if (repo.tokenFile().isPresent()) {
                Path file = repo.tokenFile().get();
                return GitCredentials.token(repo.username(), () -> readSecret(file, key + "token-file"), "file " + file);
            }
            String value = repo.token().get().trim();
            return GitCredentials.token(repo.username(), () -> value, key + "token");
        }
        if (ssh) {
            if (repo.sshKeyFile().isEmpty() || repo.knownHostsFile().isEmpty()) {
                throw new IllegalStateException(key + "ssh-key-file and " + key + "known-hosts-file go together: "
                        + "set both for " + RepoIdentity.redact(repo.url()) + " (the host key is always checked)");
            }
            Optional<Supplier<String>> passphrase = repo.sshKeyPassphraseFile()
                    .map(file -> () -> readSecret(file, key + "ssh-key-passphrase-file"));
            return GitCredentials.sshKey(repo.sshKeyFile().get(), repo.knownHostsFile().get(), passphrase, sshDirectory);
        }
        return GitCredentials.none();
    }

    private static String readSecret(Path file, String key) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new GitException(key + " " + file + " cannot be read (" + e.getClass().getSimpleName()
                    + "): check the file and its permissions");
        }
    }

}
