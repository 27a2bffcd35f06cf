package dev.verity.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.stack.LocalStack;
import dev.verity.stack.ServiceProcess;
import dev.verity.stack.StackOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What an operator's probes see of each service while Kafka is down and after it is back, on the local stack (one
 * broker outage covers the five services at once): {@code /q/health/ready} of the renderer, applier, drift monitor
 * and notifier turns DOWN (503) with a {@code kafka} check naming the bootstrap servers and the error, and UP again
 * once the broker is back; the receiver stays ready (it answers forges 503 itself); {@code /q/health/live} stays UP
 * everywhere, since a restart would not bring Kafka back.
 */
class HealthE2EIT {

    static final Duration WAIT = Duration.ofMinutes(2);
    static final List<String> GATED = List.of("renderer-service", "applier-service", "drift-monitor", "notifier");
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    static LocalStack stack;

    @BeforeAll
    static void startStack() throws Exception {
        Path dir = Files.createTempDirectory("verity-health-");
        stack = LocalStack.start(StackOptions.onFreePorts(dir));
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) stack.close();
    }

    @Test
    void readinessFollowsKafkaExceptAtTheReceiverAndLivenessStaysUp() {
        Map<String, ServiceProcess> services = stack.services();
        String bootstrap = stack.kafka().bootstrapServers();
        for (ServiceProcess service : services.values()) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(probe(service, "ready").status())
                    .as(service.name() + " ready with the broker up").isEqualTo(200));
            Probe ready = probe(service, "ready");
            assertThat(ready.check("kafka")).as(service.name() + ": " + ready.body()).hasValueSatisfying(kafka -> {
                assertThat(kafka.path("status").asText()).isEqualTo("UP");
                assertThat(kafka.path("data").path("bootstrap.servers").asText()).isEqualTo(bootstrap);
            });
        }

        stack.kafka().stop();
        for (String name : GATED) {
            ServiceProcess service = services.get(name);
            // SmallRye's channel checks may turn DOWN first; the kafka check follows within its interval + timeout
            await().atMost(WAIT).untilAsserted(() -> {
                Probe ready = probe(service, "ready");
                assertThat(ready.status()).as(name + " not ready while Kafka is down: " + ready.body()).isEqualTo(503);
                assertThat(ready.check("kafka")).as(name + ": " + ready.body()).hasValueSatisfying(kafka -> {
                    assertThat(kafka.path("status").asText()).isEqualTo("DOWN");
                    assertThat(kafka.path("data").path("bootstrap.servers").asText()).isEqualTo(bootstrap);
                    assertThat(kafka.path("data").path("error").asText()).startsWith("no answer within");
                });
            });
            System.out.println(name + " ready, Kafka down: " + probe(service, "ready").body());
        }
        ServiceProcess receiver = services.get("webhook-receiver");
        await().atMost(WAIT).untilAsserted(() -> {
            Probe ready = probe(receiver, "ready");
            assertThat(ready.status()).as("the receiver stays ready: " + ready.body()).isEqualTo(200);
            assertThat(ready.check("kafka")).as(ready.body()).hasValueSatisfying(kafka ->
                    assertThat(kafka.path("data").path("reachable").asBoolean(true)).isFalse());
        });
        System.out.println("webhook-receiver ready, Kafka down: " + probe(receiver, "ready").body());
        // a push during the outage: the receiver answers the forge 503 and stays alive and ready
        var push = stack.forge().pushEdit("a push while Kafka is down", "apps/shop/base/kustomization.yaml",
                text -> text + "# pushed while Kafka was down\n");
        assertThat(stack.forge().sendWebhook(push)).isEqualTo(503);
        for (ServiceProcess service : services.values()) {
            Probe live = probe(service, "live");
            System.out.println(service.name() + " live, Kafka down: " + live.body());
            assertThat(live.status()).as(service.name() + " alive while Kafka is down: " + live.body()).isEqualTo(200);
        }

        stack.kafka().restart();
        for (ServiceProcess service : services.values()) {
            await().atMost(WAIT).untilAsserted(() -> {
                Probe ready = probe(service, "ready");
                assertThat(ready.status()).as(service.name() + " ready again after Kafka is back").isEqualTo(200);
                assertThat(ready.check("kafka")).as(ready.body()).hasValueSatisfying(kafka ->
                        assertThat(kafka.path("data").path("reachable").asBoolean()).isTrue());
            });
            Probe live = probe(service, "live");
            assertThat(live.status()).as(service.name() + " alive after the outage: " + live.body()).isEqualTo(200);
        }
    }

    static Probe probe(ServiceProcess service, String which) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(service.url() + "/q/health/" + which))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            return new Probe(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Probe(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record Probe(int status, String body) {
        Optional<JsonNode> check(String name) {
            try {
                JsonNode checks = JSON.readTree(body).path("checks");
                return StreamSupport.stream(checks.spliterator(), false)
                        .filter(c -> name.equals(c.path("name").asText())).findFirst();
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }
}
