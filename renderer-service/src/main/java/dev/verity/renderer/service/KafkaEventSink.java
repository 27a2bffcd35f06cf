package dev.verity.renderer.service;

import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.render.EventSink;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Publishes rendered events and waits for Kafka's acknowledgement: {@code DesiredState} to
 * {@code verity.desired.<cluster>} (created on first use: compacted, zstd, 16 MiB messages) through the
 * {@code desired} channel with a per-record topic, {@code RenderFailed} to the {@code rollout} channel.
 */
@ApplicationScoped
public class KafkaEventSink implements EventSink {

    private static final Logger LOG = Logger.getLogger(KafkaEventSink.class);

    private final EventCodec codec = new EventCodec();
    private final Set<String> knownTopics = ConcurrentHashMap.newKeySet();

    @Inject
    @Channel("desired")
    MutinyEmitter<String> desired;

    @Inject
    @Channel("rollout")
    MutinyEmitter<String> rollout;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    RendererConfig config;

    private volatile Admin admin;

    @Override
    public void publish(VerityEvent event) {
        String value = codec.encode(event);
        boolean desiredState = event instanceof DesiredState;
        OutgoingKafkaRecordMetadata.OutgoingKafkaRecordMetadataBuilder<String> metadata =
                OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key());
        if (desiredState) {
            String topic = Topics.desired(((DesiredState) event).target().cluster());
            ensureDesiredTopic(topic);
            metadata.withTopic(topic);
        }
        Message<String> message = Message.of(value).addMetadata(metadata.build());
        try {
            (desiredState ? desired : rollout).sendMessage(message).await().atMost(config.publishTimeout());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot publish " + event.type() + " for " + event.describe() + " to Kafka: "
                    + e.getMessage() + ". It will be published again on the next render of the repository.", e);
        }
        LOG.infof("published %s for %s", event.getClass().getSimpleName(), event.describe());
    }

    private void ensureDesiredTopic(String topic) {
        if (knownTopics.contains(topic)) return;
        NewTopic newTopic = new NewTopic(topic, Optional.empty(), Optional.empty()).configs(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.COMPRESSION_TYPE_CONFIG, "zstd",
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(Topics.DESIRED_MAX_MESSAGE_BYTES)));
        try {
            admin().createTopics(List.of(newTopic)).all().get(config.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("created topic %s (compacted, zstd, max.message.bytes=%d)", topic, Topics.DESIRED_MAX_MESSAGE_BYTES);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create the desired-state topic " + topic + ": "
                        + e.getCause().getMessage() + ". Create it (compacted, compression.type=zstd, max.message.bytes="
                        + Topics.DESIRED_MAX_MESSAGE_BYTES + ") or grant the renderer CreateTopics.", e.getCause());
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            throw new IllegalStateException("cannot create the desired-state topic " + topic + ": " + e.getMessage(), e);
        }
        knownTopics.add(topic);
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, Object> props = new HashMap<>();
                    kafkaConfig.forEach((k, v) -> {
                        if (AdminClientConfig.configNames().contains(k)) props.put(k, v);
                    });
                    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "verity-renderer-admin");
                    admin = Admin.create(props);
                }
                a = admin;
            }
        }
        return a;
    }

    @PreDestroy
    void close() {
        if (admin != null) admin.close();
    }
}
