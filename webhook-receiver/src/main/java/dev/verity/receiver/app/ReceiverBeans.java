package dev.verity.receiver.app;

import dev.verity.receiver.RepositoryRegistry;
import dev.verity.receiver.RepositorySettings;
import dev.verity.receiver.WebhookIntake;
import dev.verity.receiver.github.GithubForge;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;

/** Builds the core from configuration, once; an invalid configuration stops the start with the keys to fix. */
@ApplicationScoped
public class ReceiverBeans {

    private static final Logger LOG = Logger.getLogger(ReceiverBeans.class);

    @Produces
    @ApplicationScoped
    RepositoryRegistry registry(ReceiverConfig config) {
        List<RepositorySettings> repositories = config.repositories().entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .map(e -> new RepositorySettings(e.getKey(), e.getValue().url(), e.getValue().secret(), e.getValue().branch()))
                .toList();
        return new RepositoryRegistry(repositories, config.defaultSecret(), config.defaultBranch());
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
