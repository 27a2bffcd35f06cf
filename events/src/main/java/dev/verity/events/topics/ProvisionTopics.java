package dev.verity.events.topics;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The topic provisioning step on its own, for a one-shot container (docker-compose's {@code topics}) or a Kubernetes
 * Job: provisions {@link TopicPlan#of} once, as every service does at start, prints what it did and exits.
 *
 * <p>Configuration, each as a system property or as its environment variable in Quarkus' form (upper case,
 * {@code .} and {@code -} as {@code _}): {@code kafka.bootstrap.servers} (required), {@code verity.service.clusters}
 * (comma-separated: the clusters whose topics to provision), {@code verity.topics.partitions},
 * {@code verity.topics.commit-partitions}, {@code verity.topics.timeout} ({@link TopicSettings}). Other
 * {@code kafka.*} settings ({@code KAFKA_SECURITY_PROTOCOL}, {@code KAFKA_SASL_JAAS_CONFIG}, ...) reach the Admin
 * client as they reach the services' Kafka clients.
 *
 * <p>Exit status: 0 when every topic exists (a topic that differs from the plan is printed as an error and left
 * alone, as the services do), 1 when Kafka could not be asked or refused, 2 when the configuration is wrong.
 */
public final class ProvisionTopics {

    private ProvisionTopics() {
    }

    public static void main(String[] args) {
        System.exit(run(property -> lookup(property, System.getenv(), System::getProperty), kafkaSettings(System.getenv()),
                System.out, System.err));
    }

    /** Provisions the plan the configuration asks for; returns the exit status. */
    static int run(Function<String, Optional<String>> config, Map<String, String> kafka, PrintStream out, PrintStream err) {
        Map<String, String> clientSettings = new LinkedHashMap<>(kafka);
        Optional<String> bootstrap = config.apply("kafka.bootstrap.servers");
        if (bootstrap.isEmpty()) {
            err.println("verity topics: set kafka.bootstrap.servers (env KAFKA_BOOTSTRAP_SERVERS) to the Kafka brokers,"
                    + " e.g. kafka:9092");
            return 2;
        }
        clientSettings.put("bootstrap.servers", bootstrap.get());
        TopicSettings settings;
        List<String> clusters;
        try {
            settings = TopicSettings.from(config);
            clusters = config.apply("verity.service.clusters").map(ProvisionTopics::list).orElse(List.of());
            TopicPlan.of(settings, clusters); // checks every cluster name before connecting
        } catch (IllegalArgumentException e) {
            err.println("verity topics: " + e.getMessage());
            return 2;
        }
        try (TopicProvisioner provisioner = TopicProvisioner.connect(clientSettings, "verity-topics", settings.timeout())) {
            ProvisionReport report = provisioner.ensure(TopicPlan.of(settings, clusters));
            out.println("verity topics: " + report.summary() + " (clusters " + clusters + ")");
            for (TopicOutcome o : report.changes()) out.println("  " + o.describe());
            for (TopicOutcome o : report.mismatches()) err.println("verity topics: ERROR " + o.describe());
            return 0;
        } catch (TopicProvisioningException | org.apache.kafka.common.KafkaException e) {
            err.println("verity topics: cannot provision the topics at " + bootstrap.get() + ": " + e.getMessage());
            return 1;
        }
    }

    /** A property from the system properties, else from its environment variable in Quarkus' form. */
    static Optional<String> lookup(String property, Map<String, String> env, Function<String, String> systemProperties) {
        String value = systemProperties.apply(property);
        if (value == null) value = env.get(envName(property));
        return Optional.ofNullable(value).map(String::trim).filter(v -> !v.isEmpty());
    }

    /** The environment variable Quarkus reads a property from: {@code verity.topics.commit-partitions} → {@code VERITY_TOPICS_COMMIT_PARTITIONS}. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The Kafka client settings among the environment: {@code KAFKA_SECURITY_PROTOCOL} → {@code security.protocol}. */
    static Map<String, String> kafkaSettings(Map<String, String> env) {
        Map<String, String> settings = new LinkedHashMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && name.length() > "KAFKA_".length()) {
                settings.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return settings;
    }

    private static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
