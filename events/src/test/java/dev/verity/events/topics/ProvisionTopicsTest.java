package dev.verity.events.topics;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The standalone provisioning step's configuration: what it reads, and what it says when something is missing. */
class ProvisionTopicsTest {

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int run(Map<String, String> env) {
        return ProvisionTopics.run(p -> ProvisionTopics.lookup(p, env, k -> null), ProvisionTopics.kafkaSettings(env),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void readsPropertiesFromTheirQuarkusEnvironmentNamesUnlessASystemPropertySetsThem() {
        assertThat(ProvisionTopics.envName("verity.topics.commit-partitions")).isEqualTo("VERITY_TOPICS_COMMIT_PARTITIONS");
        Map<String, String> env = Map.of("VERITY_TOPICS_PARTITIONS", "3", "KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");

        assertThat(ProvisionTopics.lookup("verity.topics.partitions", env, k -> null)).contains("3");
        assertThat(ProvisionTopics.lookup("verity.topics.partitions", env, k -> "12")).contains("12");
        assertThat(ProvisionTopics.lookup("verity.topics.timeout", env, k -> null)).isEmpty();
    }

    @Test
    void passesKafkaClientSettingsFromTheEnvironment() {
        assertThat(ProvisionTopics.kafkaSettings(Map.of("KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "KAFKA_", "x",
                "VERITY_TOPICS_PARTITIONS", "3"))).isEqualTo(Map.of("security.protocol", "SASL_SSL"));
    }

    @Test
    void withoutBootstrapServersItSaysWhichVariableToSet() {
        assertThat(run(Map.of("VERITY_SERVICE_CLUSTERS", "local"))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void refusesABadClusterNameOrPartitionCountBeforeConnecting() {
        assertThat(run(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "VERITY_SERVICE_CLUSTERS", "local,Prod EU"))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cluster 'Prod EU' is not a valid cluster name");

        err.reset();
        assertThat(run(Map.of("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:1", "VERITY_TOPICS_PARTITIONS", "zero"))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("verity.topics.partitions=zero is not a partition count");
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anUnsetValueIsEmptyNotBlank() {
        assertThat(ProvisionTopics.lookup("verity.service.clusters", Map.of("VERITY_SERVICE_CLUSTERS", "  "), k -> null))
                .isEqualTo(Optional.empty());
    }
}
