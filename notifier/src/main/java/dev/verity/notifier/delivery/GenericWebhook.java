package dev.verity.notifier.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.notifier.alert.Alert;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.nio.charset.StandardCharsets;

/**
 * Posts each alert as JSON to any URL, signed as Standard Webhooks specifies ({@link StandardWebhookSigner}):
 * {@code webhook-id} is the alert's id (the same on every attempt, so a receiver can drop a redelivery),
 * {@code webhook-timestamp} the time of the attempt in Unix seconds, {@code webhook-signature} the signature of both
 * and the body. Any 2xx is delivered; 429 (after its {@code Retry-After}), 408, 5xx and no answer are transient;
 * other answers are permanent. The URL may hold a secret: only its host is ever logged.
 *
 * <p>The body: {@code {"type":"verity.alert","id":…,"severity":…,"title":…,"summary":[…],"details":[…],
 * "target":"cluster/app/env"|null,"repo":…,"commit":…,"commitUrl":…|null,"object":{…}|null,"fields":[…],"path":…,"nextStep":…,
 * "eventType":…,"traceparent":…}}.
 */
public final class GenericWebhook implements Destination {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final URI url;
    private final StandardWebhookSigner signer;
    private final Duration timeout;
    private final Clock clock;
    private final HttpClient http;

    public GenericWebhook(URI url, String secret, Duration timeout, Clock clock) {
        this("webhook", url, secret, timeout, clock);
    }

    /** @param name the destination's name, unique among the dispatcher's destinations */
    public GenericWebhook(String name, URI url, String secret, Duration timeout, Clock clock) {
        this.name = name;
        if (url == null || url.getHost() == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))) {
            throw new IllegalArgumentException("the webhook URL must be an http(s) URL with a host");
        }
        this.url = url;
        this.signer = new StandardWebhookSigner(secret);
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String channel() {
        return "webhook";
    }

    @Override
    public String describe() {
        return "webhook on " + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }

    @Override
    public void deliver(Alert alert) throws DeliveryException {
        byte[] body = body(alert);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json")
                .header("webhook-id", alert.eventId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signer.sign(alert.eventId(), timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response = HttpDelivery.send(http, request, describe(), timeout);
        int status = response.statusCode();
        if (status >= 200 && status < 300) return;
        String answer = describe() + " answered " + status;
        if (status == 429) throw new DeliveryException(answer, HttpDelivery.retryAfter(response));
        throw new DeliveryException(answer + (status == 408 || status >= 500 ? "" : "; the receiver refused it"),
                status == 408 || status >= 500);
    }

    static byte[] body(Alert alert) {
        ObjectNode json = JSON.createObjectNode();
        json.put("type", "verity.alert");
        json.put("id", alert.eventId());
        json.put("severity", alert.severity().name());
        json.put("title", alert.title());
        alert.summary().forEach(json.putArray("summary")::add);
        alert.details().forEach(json.putArray("details")::add);
        json.put("target", alert.target() == null ? null : alert.target().toString());
        json.put("repo", alert.repo());
        json.put("commit", alert.commit());
        json.put("commitUrl", dev.verity.notifier.alert.CommitLinks.of(alert.repo(), alert.commit()).orElse(null));
        json.set("object", alert.object() == null ? null : JSON.valueToTree(alert.object()));
        alert.fields().forEach(json.putArray("fields")::add);
        json.put("path", alert.path());
        json.put("nextStep", alert.nextStep());
        json.put("eventType", alert.eventType());
        json.put("traceparent", alert.traceparent());
        try {
            return JSON.writeValueAsString(json).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the webhook body for " + alert.where(), e);
        }
    }
}
