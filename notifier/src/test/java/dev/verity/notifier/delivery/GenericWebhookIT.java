package dev.verity.notifier.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.verity.events.DriftKind;
import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.AlertComposer;
import dev.verity.notifier.alert.SampleEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generic webhook against a real HTTP server that checks what a Standard Webhooks receiver checks. */
class GenericWebhookIT {

    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    record Received(Map<String, String> headers, byte[] body) {
    }

    HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(204);

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hooks/verity", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(Map.of(
                    "id", exchange.getRequestHeaders().getFirst("webhook-id"),
                    "timestamp", exchange.getRequestHeaders().getFirst("webhook-timestamp"),
                    "signature", exchange.getRequestHeaders().getFirst("webhook-signature"),
                    "type", exchange.getRequestHeaders().getFirst("Content-Type")), body));
            exchange.sendResponseHeaders(status.get(), -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void postsTheAlertSignedSoAReceiverCanVerifyItAndTellsTransientFromPermanentAnswers() throws Exception {
        Instant now = Instant.parse("2026-12-05T12:00:00Z");
        GenericWebhook webhook = new GenericWebhook(URI.create("http://127.0.0.1:" + server.getAddress().getPort()
                + "/hooks/verity"), SECRET, Duration.ofSeconds(5), Clock.fixed(now, ZoneOffset.UTC));
        Alert alert = new AlertComposer().compose(SampleEvents.drift(SampleEvents.WEB, DriftKind.MODIFIED,
                List.of("spec.replicas"), "7")).orElseThrow();

        webhook.deliver(alert);
        Received first = received.get(0);
        assertThat(first.headers()).containsEntry("id", alert.eventId())
                .containsEntry("timestamp", Long.toString(now.getEpochSecond()))
                .containsEntry("type", "application/json");
        assertThat(first.headers().get("signature")).isEqualTo(new StandardWebhookSigner(SECRET)
                .sign(alert.eventId(), now.getEpochSecond(), first.body()));
        JsonNode json = new ObjectMapper().readTree(first.body());
        assertThat(json.get("title").asText()).isEqualTo(alert.title());
        assertThat(json.get("target").asText()).isEqualTo("local/shop/prod");
        assertThat(json.get("fields").get(0).asText()).isEqualTo("spec.replicas");

        status.set(503);
        assertThatThrownBy(() -> webhook.deliver(alert)).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.isTransient()).isTrue());
        assertThat(received.get(1).headers().get("id")).as("the same id on every attempt").isEqualTo(alert.eventId());
        status.set(410);
        assertThatThrownBy(() -> webhook.deliver(alert)).isInstanceOfSatisfying(DeliveryException.class,
                e -> assertThat(e.isTransient()).isFalse());
        assertThat(webhook.describe()).isEqualTo("webhook on 127.0.0.1:" + server.getAddress().getPort());
    }
}
