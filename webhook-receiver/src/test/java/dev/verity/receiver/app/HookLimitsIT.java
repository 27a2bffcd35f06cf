package dev.verity.receiver.app;

import dev.verity.receiver.HmacSignature;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.metrics.PrometheusText;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.verity.receiver.Fixtures.github;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;

/**
 * Per-source rate limits and the request time limit, on small limits: a source over its rate is answered 429 with
 * Retry-After, and answered normally again once the rate allows; a body that does not arrive in time is a 408.
 */
@QuarkusTest
@TestProfile(HookLimitsIT.SmallLimits.class)
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
class HookLimitsIT {

    static final String SECRET = "limits-test-secret";

    public static class SmallLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "verity.receiver.repositories.shop.url", "https://github.com/acme/shop.git",
                    "verity.receiver.repositories.shop.secret", SECRET,
                    "verity.receiver.repositories.blog.url", "https://github.com/acme/blog.git",
                    "verity.receiver.repositories.blog.secret", SECRET,
                    // one request per 5 s regained (slow enough that a loaded machine running the pings does not
                    // regain a token between them); shop may send 3 at once, this client 5
                    "verity.receiver.rate-limit.per-repository-rate", "0.2",
                    "verity.receiver.rate-limit.per-repository-burst", "3",
                    "verity.receiver.rate-limit.per-client-rate", "0.2",
                    "verity.receiver.rate-limit.per-client-burst", "5",
                    "verity.receiver.publish-timeout", "1s",
                    "verity.receiver.request-timeout", "2s");
        }
    }

    @TestHTTPResource("/")
    URL base;

    private static Response ping(String repository) {
        byte[] body = github("ping.json");
        return given().header("X-GitHub-Event", "ping").header("X-GitHub-Delivery", "limits-" + repository)
                .header("X-Hub-Signature-256", HmacSignature.sign(SECRET, body))
                .contentType("application/json").body(body)
                .post("/hooks/github/" + repository);
    }

    @Test
    void aSourceOverItsRateIsAnswered429UntilTheRateAllowsAgain() {
        for (int i = 0; i < 3; i++) ping("shop").then().statusCode(204);

        ping("shop").then().statusCode(429).header("Retry-After", matchesPattern("[1-5]"))
                .body(containsString("repository shop"), containsString("verity.receiver.rate-limit.per-repository-rate"));
        // the other repository has its own bucket; the client's (5) is spent by these
        ping("blog").then().statusCode(204);
        ping("blog").then().statusCode(429).header("Retry-After", matchesPattern("[1-5]"))
                .body(containsString("client 127.0.0.1"), containsString("verity.receiver.rate-limit.per-client-rate"));

        // five seconds later each bucket holds a token again
        await().pollInterval(java.time.Duration.ofMillis(250)).atMost(java.time.Duration.ofSeconds(15))
                .until(() -> ping("shop").statusCode() == 204);
        // unknown ids are not rate-limited per repository (404, and no bucket of their own)
        await().pollInterval(java.time.Duration.ofMillis(250)).atMost(java.time.Duration.ofSeconds(15))
                .until(() -> ping("nosuch").statusCode() == 404);
    }

    @Test
    void refusalsOfTheGuardAreLabelledByTheRouteNeverByTheRequestedPath() {
        String scan = "scan" + java.util.UUID.randomUUID().toString().replace("-", "");
        java.util.Set<Integer> statuses = new java.util.TreeSet<>();
        for (int i = 0; i < 10; i++) statuses.add(ping(scan + i).statusCode());
        assertThat(statuses).as("over the client's burst of 5: 429").contains(429);

        List<String> uris = PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString())
                .samples().stream().filter(s -> s.name().equals("http_server_requests_seconds_count"))
                .map(s -> s.labels().get("uri")).distinct().toList();
        assertThat(uris).as("uri labels of http_server_requests").contains("/hooks/{forge}/{repository}")
                .noneMatch(uri -> uri.contains(scan));
    }

    @Test
    void aBodyThatDoesNotArriveWithinTheRequestTimeoutIsAnswered408() throws Exception {
        Thread.sleep(5500); // this client's bucket holds a token again (one per 5 s) whatever the other tests spent
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /hooks/github/blog HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    // signed (wrongly: the body never completes): only the body can tell, so the receiver waits for it
                    + "X-GitHub-Event: push\r\nX-Hub-Signature-256: sha256=" + "0".repeat(64) + "\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"ref\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8); // until the server closes
            assertThat(answer).startsWith("HTTP/1.1 408").contains("verity.receiver.request-timeout (2000 ms)");
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(1500);
        }
    }
}
