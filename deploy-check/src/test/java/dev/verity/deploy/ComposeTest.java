package dev.verity.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml against the code: every environment variable it gives a service is one the service reads (Quarkus'
 * mapping, {@code VERITY_RECEIVER_PUBLISH_TIMEOUT} ↔ {@code verity.receiver.publish-timeout}), ports and health checks
 * are the services' own, secrets only come from {@code .env}, and the broker is the one the tests run.
 */
class ComposeTest {

    static final Path ROOT = Service.repositoryRoot(Path.of(""));
    static final Compose COMPOSE = Compose.read(ROOT);
    static final ConfigCatalog CATALOG = new ConfigCatalog(ROOT);

    @Test
    void everyEnvironmentVariableOfAServiceSetsAPropertyThatServiceReads() {
        List<String> unknown = new ArrayList<>();
        for (Service s : Service.values()) {
            for (String variable : COMPOSE.environment(s.module()).keySet()) {
                if (CATALOG.forEnv(s, variable).isEmpty()) unknown.add(s.module() + ": " + variable);
            }
        }
        assertThat(unknown).as("variables no property of their service maps to (see docs/configuration.md)").isEmpty();
    }

    @Test
    void theMappingTellsAMisspeltVariableFromARealOne() {
        assertThat(CATALOG.forEnv(Service.WEBHOOK_RECEIVER, "VERITY_RECEIVER_PUBLISH_TIMEOUT"))
                .map(ConfigProperty::name).contains("verity.receiver.publish-timeout");
        assertThat(CATALOG.forEnv(Service.WEBHOOK_RECEIVER, "VERITY_RECEIVER_REPOSITORIES_SHOP_EU_SECRET"))
                .map(ConfigProperty::name).contains("verity.receiver.repositories.<id>.secret");
        assertThat(CATALOG.forEnv(Service.RENDERER, "VERITY_RENDERER_REPOSITORIES_12__URL"))
                .map(ConfigProperty::name).contains("verity.renderer.repositories[<n>].url");
        assertThat(CATALOG.forEnv(Service.WEBHOOK_RECEIVER, "VERITY_RECEIVER_PUBLISH_TIMOUT")).isEmpty();
        assertThat(CATALOG.forEnv(Service.WEBHOOK_RECEIVER, "VERITY_APPLIER_CLUSTER")).isEmpty();
        assertThat(CATALOG.forEnv(Service.RENDERER, "VERITY_RENDERER_REPOSITORIES_X__URL")).isEmpty();
    }

    @Test
    void theTopicStepIsGivenOnlyWhatProvisionTopicsReads() {
        Set<String> reads = Set.of("KAFKA_BOOTSTRAP_SERVERS", "VERITY_SERVICE_CLUSTERS", "VERITY_TOPICS_PARTITIONS",
                "VERITY_TOPICS_COMMIT_PARTITIONS", "VERITY_TOPICS_TIMEOUT");
        assertThat(reads).allSatisfy(v -> assertThat(CATALOG.forEnv(Service.WEBHOOK_RECEIVER, v)).isPresent());
        assertThat(COMPOSE.environment("topics").keySet()).isSubsetOf(reads).contains("KAFKA_BOOTSTRAP_SERVERS");
        assertThat(COMPOSE.list("topics", "entrypoint")).endsWith("dev.verity.events.topics.ProvisionTopics");
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachServicePublishesAndHealthChecksItsOwnPortAndStartsAfterTheTopics() {
        for (Service s : Service.values()) {
            int port = s.httpPort(ROOT);
            Map<String, Object> service = COMPOSE.service(s.module());
            assertThat(COMPOSE.list(s.module(), "ports")).as(s.module()).containsExactly(port + ":" + port);
            Map<String, Object> health = (Map<String, Object>) service.get("healthcheck");
            assertThat(String.join(" ", (List<String>) health.get("test"))).as(s.module())
                    .contains("/dev/tcp/127.0.0.1/" + port).contains("/q/health/ready");
            Map<String, Map<String, String>> dependsOn = (Map<String, Map<String, String>>) service.get("depends_on");
            assertThat(dependsOn.get("topics")).as(s.module()).containsEntry("condition", "service_completed_successfully");
            assertThat(dependsOn.get("kafka")).as(s.module()).containsEntry("condition", "service_healthy");
            assertThat(service.get("image")).asString().startsWith("verity/" + s.module() + ":");
            Map<String, String> build = (Map<String, String>) service.get("build");
            assertThat(ROOT.resolve(build.get("context")).resolve(build.get("dockerfile"))).isRegularFile();
            assertThat(COMPOSE.environment(s.module())).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        }
    }

    @Test
    void secretsComeOnlyFromTheEnvFileAndEveryVariableItUsesIsInTheExample() throws IOException {
        Pattern secret = Pattern.compile("SECRET|PASSWORD|TOKEN|WEBHOOK_URL");
        for (Service s : Service.values()) {
            COMPOSE.environment(s.module()).forEach((variable, value) -> {
                if (secret.matcher(variable).find()) {
                    assertThat(value).as("%s %s must come from .env", s.module(), variable).matches("\\$\\{[A-Z_]+(:[-?].*)?}");
                }
            });
        }
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\$\\{([A-Z_]+)").matcher(Files.readString(ROOT.resolve("docker-compose.yml")));
        while (m.find()) used.add(m.group(1));
        Set<String> example = new TreeSet<>();
        for (String line : Files.readAllLines(ROOT.resolve(".env.example"))) {
            if (line.matches("[A-Z_]+=.*")) example.add(line.substring(0, line.indexOf('=')));
        }
        assertThat(example).containsAll(used);
        assertThat(Files.readAllLines(ROOT.resolve(".gitignore"))).contains(".env");
    }

    @Test
    void kafkaIsTheOfficialImageOfTheBrokerVersionTheTestsRunWithItsDataOnANamedVolume() throws IOException {
        Matcher version = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(version.find()).isTrue();
        assertThat(COMPOSE.service("kafka").get("image")).isEqualTo("apache/kafka:" + version.group(1));
        assertThat(version.group(1)).startsWith("4.1.");
        assertThat(COMPOSE.list("kafka", "volumes")).containsExactly("kafka-data:/var/lib/kafka/data");
        assertThat(((Map<?, ?>) COMPOSE.file().get("volumes")).keySet()).extracting(String::valueOf).contains("kafka-data");
        assertThat(COMPOSE.environment("kafka")).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .containsEntry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false");
    }
}
