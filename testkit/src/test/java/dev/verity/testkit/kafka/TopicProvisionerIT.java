package dev.verity.testkit.kafka;

import dev.verity.events.topics.ProvisionReport;
import dev.verity.events.topics.TopicOutcome;
import dev.verity.events.topics.TopicPlan;
import dev.verity.events.topics.TopicProvisioner;
import dev.verity.events.topics.TopicSettings;
import dev.verity.events.topics.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared provisioning step against a real KRaft broker that, like production, creates no topic on first use. */
class TopicProvisionerIT {

    static EmbeddedKafka kafka;
    static final TopicSettings SETTINGS = new TopicSettings(4, 2, Duration.ofSeconds(30));

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    TopicProvisioner provisioner() {
        return TopicProvisioner.connect(kafka.bootstrapServers(), Duration.ofSeconds(30));
    }

    @Test
    void theBrokerCreatesNoTopicOnFirstUse() {
        assertThatThrownBy(() -> {
            try (org.apache.kafka.clients.producer.KafkaProducer<String, String> producer =
                         new org.apache.kafka.clients.producer.KafkaProducer<>(Map.of("bootstrap.servers",
                                 kafka.bootstrapServers(), "max.block.ms", 2000),
                                 new org.apache.kafka.common.serialization.StringSerializer(),
                                 new org.apache.kafka.common.serialization.StringSerializer())) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("verity.never.provisioned", "k", "v"))
                        .get(10, TimeUnit.SECONDS);
            }
        }).hasMessageContaining("not present in metadata");
    }

    @Test
    void createsEveryTopicAsPlannedAndASecondRunChangesNothing() throws Exception {
        List<TopicSpec> plan = TopicPlan.of(SETTINGS, List.of("eu-1"));
        ProvisionReport first;
        try (TopicProvisioner p = provisioner()) {
            first = p.ensure(plan);
        }
        assertThat(first.outcomes()).hasSize(plan.size()).allMatch(TopicOutcome.Created.class::isInstance);

        try (Admin admin = admin()) {
            TopicDescription desired = admin.describeTopics(List.of("verity.desired.eu-1")).allTopicNames().get()
                    .get("verity.desired.eu-1");
            assertThat(desired.partitions()).hasSize(4);
            Config config = admin.describeConfigs(List.of(topic("verity.desired.eu-1"))).all().get().get(topic("verity.desired.eu-1"));
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("compression.type").value()).isEqualTo("zstd");
            assertThat(config.get("max.message.bytes").value()).isEqualTo(String.valueOf(16 * 1024 * 1024));
            assertThat(admin.describeTopics(List.of("verity.leader.applier.eu-1", "verity.commits")).allTopicNames().get())
                    .satisfies(d -> assertThat(d.get("verity.leader.applier.eu-1").partitions()).hasSize(1))
                    .satisfies(d -> assertThat(d.get("verity.commits").partitions()).hasSize(2));
        }

        ProvisionReport again;
        try (TopicProvisioner p = provisioner()) {
            again = p.ensure(plan);
        }
        assertThat(again.outcomes()).allMatch(TopicOutcome.AsPlanned.class::isInstance);
        assertThat(again.summary()).isEqualTo(plan.size() + " topic(s) checked: 0 created, 0 with partitions added, 0 not as planned");
    }

    @Test
    void fewerPartitionsAreIncreasedAndWrongSettingsReportedNotChanged() throws Exception {
        kafka.createTopic("verity.desired.us-2", 1, Map.of("cleanup.policy", "delete"));
        kafka.createTopic("verity.leader.drift-monitor.us-2", 3, Map.of("cleanup.policy", "delete", "retention.ms", "86400000"));

        ProvisionReport report;
        try (TopicProvisioner p = provisioner()) {
            report = p.ensure(TopicPlan.forCluster(SETTINGS, "us-2"));
        }

        TopicOutcome.Mismatched desired = report.mismatches().stream()
                .filter(m -> m.spec().name().equals("verity.desired.us-2")).findFirst().orElseThrow();
        assertThat(desired.describe()).startsWith("verity.desired.us-2 (the latest desired state of every target on"
                + " us-2) is not as Verity needs it: ");
        assertThat(desired.problems()).anySatisfy(p -> assertThat(p).startsWith("cleanup.policy is 'delete', needs"
                + " 'compact' (kafka-configs.sh --bootstrap-server <broker> --alter --entity-type topics --entity-name"
                + " verity.desired.us-2 --add-config cleanup.policy=compact)"));
        assertThat(desired.problems()).anySatisfy(p -> assertThat(p).startsWith("compression.type is 'producer', needs 'zstd'"));
        assertThat(report.mismatches()).anySatisfy(m -> assertThat(m.describe())
                .contains("verity.leader.drift-monitor.us-2", "has 3 partitions, needs exactly 1"));
        assertThat(report.outcomes()).filteredOn(o -> o.spec().name().equals("verity.applied.us-2"))
                .singleElement().isInstanceOf(TopicOutcome.Created.class);

        try (Admin admin = admin()) {
            assertThat(admin.describeTopics(List.of("verity.desired.us-2")).allTopicNames().get()
                    .get("verity.desired.us-2").partitions()).as("partitions added to the planned 4").hasSize(4);
            assertThat(admin.describeConfigs(List.of(topic("verity.desired.us-2"))).all().get()
                    .get(topic("verity.desired.us-2")).get("cleanup.policy").value()).as("settings left alone")
                    .isEqualTo("delete");
        }

        // a second run: the partitions are there now, the settings are still reported
        try (TopicProvisioner p = provisioner()) {
            ProvisionReport again = p.ensure(TopicPlan.forCluster(SETTINGS, "us-2"));
            assertThat(again.changes()).isEmpty();
            assertThat(again.mismatches()).extracting(m -> m.spec().name())
                    .containsExactlyInAnyOrder("verity.desired.us-2", "verity.leader.drift-monitor.us-2");
        }
    }

    @Test
    void anUnreachableBrokerIsAClearError() {
        try (TopicProvisioner p = TopicProvisioner.connect("localhost:1", Duration.ofSeconds(2))) {
            assertThatThrownBy(() -> p.ensure(TopicPlan.shared(SETTINGS)))
                    .hasMessageContaining("cannot list topics");
        }
    }

    static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    static ConfigResource topic(String name) {
        return new ConfigResource(ConfigResource.Type.TOPIC, name);
    }
}
