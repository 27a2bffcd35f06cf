package dev.verity.renderer.service;

import dev.verity.events.EventCodec;
import dev.verity.events.TargetEvent;
import dev.verity.events.Rendered;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.events.topics.ProvisionReport;
import dev.verity.events.topics.TopicPlan;
import dev.verity.events.topics.TopicProvisioner;
import dev.verity.events.topics.TopicProvisioningException;
import dev.verity.events.topics.TopicSettings;
import dev.verity.renderer.render.EventSink;
import dev.verity.service.EventTracing;
import org.apache.kafka.common.header.Headers;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.Record;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Publishes rendered events and waits for Kafka's acknowledgement: {@code DesiredState}, {@code TargetRemoved} and
 * tombstones to {@code verity.desired.<cluster>} (its cluster's topics provisioned before the first record, as
 * {@link TopicPlan#forCluster} says: compacted, zstd, 16 MiB messages) through
 * the {@code desired} channel with a per-record topic, {@code RenderFailed} and {@code Rendered} to the {@code rollout}
 * channel. Each record carries the current span's trace context (CloudEvent {@code traceparent} and Kafka header,
 * {@link EventTracing}).
 */
@ApplicationScoped
public class KafkaEventSink implements EventSink {

    private static final Logger LOG = Logger.getLogger(KafkaEventSink.class);

    private final EventCodec codec = new EventCodec();
    private final Set<String> provisionedClusters = ConcurrentHashMap.newKeySet();
    private final TopicSettings topicSettings =
            TopicSettings.from(k -> ConfigProvider.getConfig().getOptionalValue(k, String.class));

    @Inject
    @Channel("desired")
    MutinyEmitter<Record<String, String>> desired;

    @Inject
    @Channel("rollout")
    MutinyEmitter<String> rollout;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaConfig;

    @Inject
    RendererConfig config;

    @Inject
    EventTracing tracing;

    private volatile TopicProvisioner provisioner;

    @Override
    public void publish(VerityEvent event) {
        EventTracing.Outgoing record = tracing.encode(codec, event);
        if (event instanceof TargetEvent targetEvent) {
            send(targetEvent.target(), record.value(), record.headers(), event.type() + " for " + event.describe());
        } else {
            Message<String> message = Message.of(record.value())
                    .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(event.key())
                            .withHeaders(record.headers()).build());
            await(rollout.sendMessage(message), event.type() + " for " + event.describe());
        }
        LOG.infof("published %s for %s", event.getClass().getSimpleName(), event.describe());
    }

    /** The summary of a rendered head goes to the {@code rollout} channel, keyed by repository, like a RenderFailed. */
    @Override
    public void rendered(Rendered summary) {
        publish(summary);
    }

    @Override
    public void tombstone(TargetKey target) {
        send(target, null, EventTracing.headers(tracing.traceparent()), "the tombstone of " + target);
        LOG.infof("published the tombstone of %s on %s", target, Topics.desired(target.cluster()));
    }

    /** A record (a null value is a tombstone) on the target's desired-state topic, keyed by the target. */
    private void send(TargetKey target, String value, Headers headers, String what) {
        String topic = Topics.desired(target.cluster());
        ensureClusterTopics(target.cluster());
        Message<Record<String, String>> message = Message.of(Record.of(target.toString(), value))
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder().withKey(target.toString()).withTopic(topic)
                        .withHeaders(headers).build());
        await(desired.sendMessage(message), what);
    }

    private void await(Uni<Void> ack, String what) {
        try {
            ack.await().atMost(config.publishTimeout());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot publish " + what + " to Kafka: " + e.getMessage()
                    + ". It will be published again on the next render of the repository.", e);
        }
    }

    /** Provisions the cluster's topics (desired and applied state, their dead-letter and leader topics) once. */
    private void ensureClusterTopics(String cluster) {
        if (provisionedClusters.contains(cluster)) return;
        try {
            ProvisionReport report = provisioner().ensure(TopicPlan.forCluster(topicSettings, cluster));
            LOG.infof("topics of cluster %s: %s", cluster, report.summary());
        } catch (TopicProvisioningException e) {
            throw new IllegalStateException("cannot provision the topics of cluster " + cluster + " ("
                    + Topics.desired(cluster) + " and others): " + e.getMessage() + ". Grant the renderer CreateTopics"
                    + " and DescribeConfigs, or provision them as docs/architecture.md (Topics) says.", e);
        }
        provisionedClusters.add(cluster);
    }

    private TopicProvisioner provisioner() {
        TopicProvisioner p = provisioner;
        if (p == null) {
            synchronized (this) {
                if (provisioner == null) {
                    provisioner = TopicProvisioner.connect(kafkaConfig, "verity-renderer-topics", topicSettings.timeout());
                }
                p = provisioner;
            }
        }
        return p;
    }

    @PreDestroy
    void close() {
        if (provisioner != null) provisioner.close();
    }
}
