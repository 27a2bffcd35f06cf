package dev.verity.receiver.app;

import dev.verity.receiver.RepositoryHooks;
import dev.verity.receiver.RepositoryRegistry;
import dev.verity.receiver.bitbucket.BitbucketForge;
import dev.verity.receiver.generic.GenericForge;
import dev.verity.receiver.gitea.GiteaForge;
import dev.verity.receiver.gitlab.GitlabForge;
import dev.verity.receiver.RepositorySettings;
import dev.verity.receiver.WebhookIntake;
import dev.verity.receiver.github.GithubForge;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Builds the core from configuration, once; an invalid configuration stops the start with the keys to fix. */
@ApplicationScoped
public class ReceiverBeans {

    private static final Logger LOG = Logger.getLogger(ReceiverBeans.class);

    @Produces
    @ApplicationScoped
    RepositoryRegistry registry(ReceiverConfig config) {
        return registryOf(config);
    }

    /**
     * The registry the configuration describes, secrets read from their files.
     *
     * @throws IllegalArgumentException naming every key to fix (never a secret's value)
     */
    static RepositoryRegistry registryOf(ReceiverConfig config) {
        List<String> errors = new ArrayList<>();
        List<RepositorySettings> repositories = new ArrayList<>();
        config.repositories().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String key = RepositoryRegistry.REPOSITORIES + "." + e.getKey();
            ReceiverConfig.Repository r = e.getValue();
            String secret = r.secret().orElse(null);
            if (r.secretFile().isPresent()) {
                if (secret != null) errors.add(key + ".secret and " + key + ".secret-file are both set: keep one");
                secret = read(r.secretFile().get(), key + ".secret-file", errors);
            }
            List<String> signingKeys = new ArrayList<>(r.signingKey().orElse(List.of()));
            r.signingKeyFile().map(file -> read(file, key + ".signing-key-file", errors))
                    .ifPresent(text -> text.lines().map(String::trim).filter(l -> !l.isEmpty()).forEach(signingKeys::add));
            repositories.add(new RepositorySettings(e.getKey(), r.url(), secret, r.branch(), r.forge(), signingKeys));
        });
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("webhook-receiver configuration is invalid:\n  " + String.join("\n  ", errors));
        }
        return new RepositoryRegistry(repositories, config.defaultSecret(), config.defaultBranch());
    }

    private static String read(Path file, String key, List<String> errors) {
        try {
            return Files.readString(file).strip();
        } catch (IOException | RuntimeException e) {
            errors.add(key + " names " + file + ", which cannot be read (" + e.getClass().getSimpleName() + "): mount"
                    + " the secret there or fix the path");
            return null;
        }
    }

    @Produces
    @ApplicationScoped
    RepositoryHooks repositoryHooks(RepositoryRegistry registry, GithubForge github, ReceiverConfig config) {
        return new RepositoryHooks(registry, List.of(github, new GitlabForge(), GiteaForge.gitea(), GiteaForge.forgejo(),
                BitbucketForge.cloud(), BitbucketForge.dataCenter(), new GenericForge()), config.replayWindow(),
                Clock.systemUTC());
    }

    @Produces
    @ApplicationScoped
    WebhookIntake intake(RepositoryRegistry registry) {
        return new WebhookIntake(registry);
    }

    @Produces
    @ApplicationScoped
    GithubForge github() {
        return new GithubForge();
    }

    void logConfiguration(@Observes StartupEvent start, RepositoryRegistry registry) {
        if (registry.acceptsAnything()) {
            LOG.infof("webhook-receiver accepts pushes for: %s", registry.describe());
        } else {
            LOG.warnf("webhook-receiver has no repository configured and no default secret: every delivery will be"
                    + " refused. Set %s.<id>.url and %s.<id>.secret, or %s", RepositoryRegistry.REPOSITORIES,
                    RepositoryRegistry.REPOSITORIES, RepositoryRegistry.DEFAULT_SECRET);
        }
    }
}
