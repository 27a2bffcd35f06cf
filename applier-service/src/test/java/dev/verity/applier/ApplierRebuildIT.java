package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.Policy;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.testkit.kafka.EmbeddedKafka;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.kube.KubeSandboxResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An applier starting on a desired-state topic that already holds history, with offsets committed at the end for
 * the very consumer group the process joins (its per-process group {@code verity-applier-<cluster>-<quarkus.uuid>},
 * with {@code quarkus.uuid} fixed here so that the test knows it): it rebuilds from the start anyway and applies
 * only the latest desired state of each target.
 */
@QuarkusTest
@QuarkusTestResource(value = ApplierRebuildIT.TopicWithHistory.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)
class ApplierRebuildIT {

    static final String DESIRED = Topics.desired("local");
    static final EventCodec CODEC = new EventCodec();
    static final TargetKey SHOP = TargetKey.parse("local/shop/prod");
    static final TargetKey REMOVED = TargetKey.parse("local/removed/prod");
    /** This test's process id ({@code quarkus.uuid}), and so its desired-state consumer group. */
    static final String PROCESS = "0b5e55ed-0000-4000-8000-000000000001";
    static final String GROUP = "verity-applier-local-" + PROCESS;

    /** The broker, with history on the desired-state topic written before the applier starts. */
    public static class TopicWithHistory extends EmbeddedKafkaResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = super.start();
            EmbeddedKafka kafka = kafka();
            kafka.provision("local"); // as the first service to start would (the broker creates no topic)
            send(kafka, desired(SHOP, "01d0000000", "old"));
            send(kafka, desired(REMOVED, "02d0000000", "removed"));
            send(kafka, desired(SHOP, "03d0000000", "new"));
            kafka.send(DESIRED, REMOVED.toString(), null);
            commitGroupOffsetsAtTheEnd(kafka);
            Map<String, String> withProcess = new java.util.HashMap<>(config);
            withProcess.put("quarkus.uuid", PROCESS);
            return withProcess;
        }
    }

    @Test
    void theProcessJoinsTheGroupWhoseOffsetsWereCommitted() throws Exception {
        Map<String, Object> props = Map.of("bootstrap.servers", EmbeddedKafkaResource.kafka().bootstrapServers());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            await().atMost(Duration.ofSeconds(40)).until(() -> admin.describeConsumerGroups(List.of(GROUP)).all()
                    .get().get(GROUP).members().size() == 1);
            assertThat(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get()).isNotEmpty();
        }
    }

    @Test
    void appliesOnlyTheLatestDesiredStateOfEachTargetWhateverTheCommittedOffsets() {
        TargetEvent applied = await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300))
                .until(() -> events(SHOP), e -> !e.isEmpty()).get(0);

        assertThat(applied).isInstanceOf(Applied.class);
        assertThat(applied.commit()).isEqualTo("03d0000000");
        assertThat(KubeSandboxResource.sandbox().client().configMaps().inNamespace("shop-prod").withName("version")
                .get().getData()).containsEntry("version", "new");
        assertThat(events(SHOP)).hasSize(1);
        assertThat(allEvents(REMOVED)).as("a removed target that was never applied has nothing to prune").isEmpty();
        assertThat(KubeSandboxResource.sandbox().client().namespaces().withName("removed-prod").get()).isNull();
    }

    static DesiredState desired(TargetKey target, String commit, String version) {
        String ns = target.app() + "-" + target.env();
        return DesiredState.of(target, "https://git.example/gitops.git", commit, "apps/" + target.app(), Policy.DEFAULT,
                List.of("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: version, namespace: " + ns + "}\n"
                                + "data: {version: " + version + "}\n"));
    }

    static void send(EmbeddedKafka kafka, DesiredState desired) {
        kafka.send(DESIRED, desired.key(), CODEC.encode(desired));
    }

    static void commitGroupOffsetsAtTheEnd(EmbeddedKafka kafka) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, GROUP, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(DESIRED).stream()
                    .map(p -> new TopicPartition(DESIRED, p.partition())).toList();
            Map<TopicPartition, OffsetAndMetadata> ends = new java.util.HashMap<>();
            consumer.endOffsets(partitions).forEach((p, end) -> ends.put(p, new OffsetAndMetadata(end)));
            consumer.commitSync(ends);
        }
    }

    /** The target's {@code Applied} and {@code ApplyFailed} events. */
    static List<TargetEvent> events(TargetKey target) {
        return allEvents(target).stream().filter(e -> e instanceof Applied || e instanceof dev.verity.events.ApplyFailed)
                .toList();
    }

    static List<TargetEvent> allEvents(TargetKey target) {
        return EmbeddedKafkaResource.kafka().readAll(Topics.ROLLOUT).stream()
                .filter(r -> target.toString().equals(r.key())).map(r -> (TargetEvent) CODEC.decode(r.value())).toList();
    }
}
