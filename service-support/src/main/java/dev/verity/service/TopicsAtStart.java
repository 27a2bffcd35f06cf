package dev.verity.service;

import dev.verity.events.topics.ProvisionAtStart;
import dev.verity.events.topics.TopicSettings;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Provisions Verity's topics at start ({@code verity.topics.*}, see {@link TopicSettings}): those that are not per
 * cluster, plus those of each cluster in {@code verity.service.clusters} — before the Kafka channels connect (they
 * start at {@code LIBRARY_BEFORE}). When Kafka cannot be reached the service starts anyway and provisioning is
 * retried in the background ({@link ProvisionAtStart}).
 */
@ApplicationScoped
public class TopicsAtStart {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @ConfigProperty(name = "verity.service.name")
    String service;

    @ConfigProperty(name = "verity.service.clusters")
    Optional<List<String>> clusters;

    private volatile ProvisionAtStart step;

    void provision(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE - 1) StartupEvent start) {
        TopicSettings settings = TopicSettings.from(k -> ConfigProvider.getConfig().getOptionalValue(k, String.class));
        step = ProvisionAtStart.run(service, kafka, settings, clusters.orElse(List.of()));
    }

    /** Whether the topics were provisioned (false before start, and while Kafka could not be asked yet). */
    public boolean provisioned() {
        ProvisionAtStart current = step;
        return current != null && current.report().isPresent();
    }

    @PreDestroy
    void close() {
        if (step != null) step.close();
    }
}
