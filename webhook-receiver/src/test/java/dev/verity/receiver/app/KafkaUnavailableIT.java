package dev.verity.receiver.app;

import dev.verity.receiver.HmacSignature;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.Map;

import static dev.verity.receiver.Fixtures.github;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.awaitility.Awaitility.await;

/** With no broker to acknowledge, a push is answered 503 with Retry-After inside GitHub's 10 s timeout. */
@QuarkusTest
@TestProfile(KafkaUnavailableIT.OneRepository.class)
@QuarkusTestResource(value = KafkaUnavailableIT.NoBroker.class, restrictToAnnotatedClass = true)
class KafkaUnavailableIT {

    public static class OneRepository implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // a shorter wait than the default 8 s leaves a margin under GitHub's 10 s on a loaded test machine
            return Map.of("verity.receiver.default-secret", "default-test-secret",
                    "verity.receiver.default-branch", "master",
                    "verity.receiver.publish-timeout", "4s",
                    // the first provisioning attempt at start gives up quickly; it is retried in the background
                    "verity.topics.timeout", "2s",
                    // few workers: deliveries waiting for Kafka must not hold them (see manyDeliveries…)
                    "quarkus.thread-pool.max-threads", "4");
        }
    }

    /** Points the service at a local port where nothing listens. */
    public static class NoBroker implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return Map.of("kafka.bootstrap.servers", "localhost:" + socket.getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void stop() {
        }
    }

    @TestHTTPResource("/")
    URI hooks;

    @Test
    void aPushIsAnswered503WithRetryAfterWhenKafkaDoesNotAcknowledge() {
        byte[] body = github("push.json");
        given().get("/q/health/live").then().statusCode(200); // warm the HTTP client up so only the delivery is timed
        long start = System.nanoTime();

        given().header("X-GitHub-Event", "push").header("X-GitHub-Delivery", "no-broker")
                .header("X-Hub-Signature-256", HmacSignature.sign("default-test-secret", body))
                .contentType("application/json").body(body)
                .post("/hooks/github")
                .then().statusCode(503)
                .header("Retry-After", equalTo("30"))
                .body(containsString("CommitPushed for https://github.com/binkkatal/sample_app.git@fd489864e7642b48eaad6e3f155c10e46810ec72"),
                        containsString("within 4000 ms"), containsString("Redeliver the webhook once Kafka is reachable"));

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void deliveriesThatPublishNothingDoNotNeedKafka() {
        byte[] body = github("ping.json");
        given().header("X-GitHub-Event", "ping").header("X-GitHub-Delivery", "ping-no-broker")
                .header("X-Hub-Signature-256", HmacSignature.sign("default-test-secret", body))
                .contentType("application/json").body(body)
                .post("/hooks/github")
                .then().statusCode(204);
    }

    /**
     * Three times as many deliveries as worker threads, all waiting for a broker that is not there: each is answered
     * 503 inside GitHub's 10 s, which a receiver holding a worker per waiting delivery (3 rounds of 4 s) cannot do.
     */
    @Test
    void manyDeliveriesWaitingForKafkaDoNotHoldWorkerThreads() throws Exception {
        byte[] body = github("push.json");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < 12; i++) {
            answers.add(client.sendAsync(HttpRequest.newBuilder(hooks.resolve("/hooks/github"))
                    .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", "no-broker-" + i)
                    .header("X-Hub-Signature-256", HmacSignature.sign("default-test-secret", body))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).hasValue("30");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        // the forge must record the 503s, not a receiver taken out of its load balancer
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
    }

    /** The shared kafka check tells the operator what it found, without taking the receiver out of service. */
    @Test
    void readinessStaysUpAndItsKafkaCheckSaysKafkaIsUnreachable() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.find { it.name == 'kafka' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'kafka' }.data.reachable", equalTo(false))
                .body("checks.find { it.name == 'kafka' }.data.'bootstrap.servers'", startsWith("localhost:"))
                .body("checks.find { it.name == 'kafka' }.data.error", containsString("no answer within"))
                .body("checks.find { it.name == 'kafka' }.data.readiness", containsString("answered 503")));
    }
}
