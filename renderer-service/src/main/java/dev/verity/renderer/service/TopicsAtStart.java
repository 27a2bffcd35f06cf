package dev.verity.renderer.service;

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

import java.util.List;
import java.util.Map;

/**
 * Provisions Verity's topics that are not per cluster at start ({@code verity.topics.*}, see {@link TopicSettings}),
 * before the Kafka channels connect (they start at {@code LIBRARY_BEFORE}). Each cluster's topics are provisioned
 * by {@link KafkaEventSink} before its first record.
 */
@ApplicationScoped
public class TopicsAtStart {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private ProvisionAtStart step;

    void provision(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE - 1) StartupEvent start) {
        TopicSettings settings = TopicSettings.from(k -> ConfigProvider.getConfig().getOptionalValue(k, String.class));
        step = ProvisionAtStart.run("renderer", kafka, settings, List.of());
    }

    @PreDestroy
    void close() {
        if (step != null) step.close();
    }
}
