package dev.verity.deploy;

import dev.verity.events.topics.TopicPlan;
import dev.verity.events.topics.TopicSettings;
import dev.verity.events.topics.TopicSpec;
import dev.verity.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one-shot topic step as docker-compose's {@code topics} service runs it: its entrypoint (java on
 * {@code lib/boot/*:lib/main/*}, main class {@code dev.verity.events.topics.ProvisionTopics}) on the webhook-receiver's
 * packaged libraries (what its image holds under /deployments), configured by environment, against a real broker.
 */
class TopicsStepIT {

    static final Path ROOT = Service.repositoryRoot(Path.of(""));
    static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    record Run(int exit, String output) {
    }

    static Run provision(Map<String, String> env) throws Exception {
        // docker-compose's entrypoint, with the image's /deployments being the packaged target/quarkus-app
        Path app = Service.WEBHOOK_RECEIVER.directory(ROOT).resolve("target/quarkus-app");
        List<String> command = new java.util.ArrayList<>(Compose.read(ROOT).list("topics", "entrypoint").stream()
                .map(word -> word.replace("/deployments", app.toString())).toList());
        assertThat(command.get(0)).isEqualTo("java");
        command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("VERITY_"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("the step finishes").isTrue();
        return new Run(p.exitValue(), output);
    }

    @Test
    void createsEveryPlannedTopicForTheClustersGivenThenFindsThemAsPlanned() throws Exception {
        Run first = provision(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "VERITY_SERVICE_CLUSTERS", "prod-eu,prod-us", "VERITY_TOPICS_PARTITIONS", "3"));

        assertThat(first.exit()).as(first.output()).isZero();
        TopicSettings settings = new TopicSettings(3, TopicSettings.DEFAULT_PARTITIONS, TopicSettings.DEFAULT_TIMEOUT);
        List<TopicSpec> plan = TopicPlan.of(settings, List.of("prod-eu", "prod-us"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(plan.stream().map(TopicSpec::name).toList())
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            for (TopicSpec spec : plan) {
                assertThat(topics.get(spec.name()).partitions()).as(spec.name()).hasSize(spec.partitions());
            }
            assertThat(topics).containsKeys("verity.desired.prod-eu", "verity.leader.applier.prod-us", "verity.commits");
        }
        assertThat(first.output()).contains("verity topics: ").contains("verity.desired.prod-us");

        Run again = provision(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "VERITY_SERVICE_CLUSTERS", "prod-eu,prod-us", "VERITY_TOPICS_PARTITIONS", "3"));
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).doesNotContain("ERROR").contains("0 created");
    }

    @Test
    void failsWithAStatusAndAMessageNamingTheBrokerWhenKafkaDoesNotAnswer() throws Exception {
        Run run = provision(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "VERITY_TOPICS_TIMEOUT", "2s"));

        assertThat(run.exit()).as(run.output()).isEqualTo(1);
        assertThat(run.output()).contains("cannot provision the topics at 127.0.0.1:1");
    }
}
