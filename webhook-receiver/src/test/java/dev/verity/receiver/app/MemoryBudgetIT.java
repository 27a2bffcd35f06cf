package dev.verity.receiver.app;

import dev.verity.receiver.HmacSignature;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static dev.verity.receiver.Fixtures.github;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The receiver-wide memory budget ({@code verity.receiver.memory-budget}), over real HTTP: while deliveries in flight
 * hold the budget, a large one is answered 503 with Retry-After before its body is read; small ones still fit; once
 * the budget is free again the same delivery is read and judged (401 for a wrong signature). Many large wrongly
 * signed bodies at once are answered 401 or 503, never 500.
 */
@QuarkusTest
@TestProfile(MemoryBudgetIT.SmallBudget.class)
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
class MemoryBudgetIT {

    static final String SECRET = "budget-test-secret";
    static final int MIB = 1024 * 1024;

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "verity.receiver.repositories.shop.url", "https://github.com/acme/shop.git",
                    "verity.receiver.repositories.shop.secret", SECRET,
                    "verity.receiver.max-body-size", "7M",
                    "verity.receiver.memory-budget", "8M",
                    "verity.receiver.request-timeout", "20s",
                    "verity.receiver.retry-after-seconds", "7");
        }
    }

    @TestHTTPResource("/")
    URL base;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpRequest delivery(byte[] body, String signature) {
        return HttpRequest.newBuilder(URI.create(base + "hooks/github/shop"))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static byte[] large(int bytes) {
        byte[] body = new byte[bytes];
        Arrays.fill(body, (byte) ' ');
        body[0] = '{';
        body[bytes - 1] = '}';
        return body;
    }

    @Test
    void aLargeDeliveryPastTheBudgetIsAnswered503UntilTheBudgetIsFreeAgain() throws Exception {
        byte[] threeMib = large(3 * MIB);
        String wrong = "sha256=" + "0".repeat(64);
        try (Socket slow = new Socket(base.getHost(), base.getPort())) {
            // a delivery whose 6 MiB body is still arriving holds 6 of the 8 MiB
            OutputStream out = slow.getOutputStream();
            out.write(("POST /hooks/github/shop HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "X-GitHub-Event: push\r\nX-Hub-Signature-256: " + wrong + "\r\n"
                    + "Content-Length: " + 6 * MIB + "\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(500);

            HttpResponse<String> refused = client.send(delivery(threeMib, wrong), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.headers().firstValue("Retry-After")).contains("7");
            assertThat(refused.body()).contains("verity.receiver.memory-budget");

            byte[] ping = github("ping.json");
            HttpResponse<String> small = client.send(HttpRequest.newBuilder(URI.create(base + "hooks/github/shop"))
                    .header("Content-Type", "application/json").header("X-GitHub-Event", "ping")
                    .header("X-Hub-Signature-256", HmacSignature.sign(SECRET, ping))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(ping)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(small.statusCode()).isEqualTo(204);
        }
        // the slow delivery's connection is closed: its reservation is released
        long deadline = System.nanoTime() + 10_000_000_000L;
        int status;
        do {
            Thread.sleep(200);
            status = client.send(delivery(threeMib, wrong), HttpResponse.BodyHandlers.ofString()).statusCode();
        } while (status == 503 && System.nanoTime() < deadline);
        assertThat(status).isEqualTo(401);
    }

    @Test
    void manyLargeWronglySignedDeliveriesAtOnceAreAnswered401Or503NeverA500() {
        byte[] body = large(3 * MIB);
        String wrong = HmacSignature.sign("not-the-secret", body);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            answers.add(client.sendAsync(delivery(body, wrong), HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = answers.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();
        assertThat(statuses).hasSize(16).allMatch(s -> s == 401 || s == 503, "401 or 503");
        assertThat(statuses).contains(401);
    }
}
