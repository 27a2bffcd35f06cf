package dev.verity.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.AlertComposer;
import dev.verity.notifier.alert.SampleEvents;
import dev.verity.notifier.alert.SlackMessageFormatter;
import dev.verity.notifier.delivery.AlertDispatcher;
import dev.verity.notifier.delivery.Delivery;
import dev.verity.notifier.delivery.DeliveryRetry;
import dev.verity.notifier.delivery.SlackWebhook;
import dev.verity.notifier.delivery.Undelivered;
import dev.verity.testkit.kafka.EmbeddedKafka;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.metrics.PrometheusText;
import dev.verity.testkit.slack.SlackRecorder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.verity.notifier.FaultyDestinationsResource.HOOKS;
import static dev.verity.notifier.FaultyDestinationsResource.NEXT_ANSWERS;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Delivery retries (SmallRye Fault Tolerance, the test profile's 3 attempts) with a real broker, the Slack
 * stand-in's Web API, an SMTP server that is down and a generic webhook receiver: what is retried, what is not,
 * what goes to {@code verity.undelivered}, and that a failing channel keeps nothing from the others.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = FaultyDestinationsResource.class, restrictToAnnotatedClass = true)
class DeliveryFaultsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final EventCodec codec = new EventCodec();

    @Inject
    DeliveryRetry retry;

    @Test
    void smtpDownIsRetriedThenReportedOnUndeliveredWhileSlackAndTheWebhookStillGetTheAlert() throws Exception {
        PrometheusText before = scrape();
        VerityEvent drift = drift("local/smtp-down/prod", "501");
        send(drift);

        slack().awaitMessage(m -> m.readableText().contains("`local/smtp-down/prod`"), WAIT);
        JsonNode report = undelivered("local/smtp-down/prod", "email");
        assertThat(report.get("attempts").asInt()).as("every attempt of the retry policy").isEqualTo(3);
        assertThat(report.get("reason").asText()).contains("cannot send e-mail to oncall@example.com", "gave up after 3 attempts");
        assertThat(report.get("target").asText()).isEqualTo("local/smtp-down/prod");
        await().atMost(WAIT).until(() -> HOOKS.stream().anyMatch(h -> h.body().contains("local/smtp-down/prod")));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PrometheusText after = scrape();
            assertThat(after.count("verity_notification_failures_total", Map.of("destination", "email"))
                    - before.count("verity_notification_failures_total", Map.of("destination", "email")))
                    .isGreaterThanOrEqualTo(3);
            assertThat(after.count("verity_notifications_total", Map.of("destination", "email", "outcome", "undelivered"))
                    - before.count("verity_notifications_total", Map.of("destination", "email", "outcome", "undelivered")))
                    .isGreaterThanOrEqualTo(1);
            assertThat(after.count("verity_notifications_total", Map.of("destination", "slack", "outcome", "delivered"))
                    - before.count("verity_notifications_total", Map.of("destination", "slack", "outcome", "delivered")))
                    .isGreaterThanOrEqualTo(1);
            // time from the event to its delivery, per channel: only what was delivered
            assertThat(after.count("verity_notification_delay_seconds_count", Map.of("destination", "slack"))
                    - before.count("verity_notification_delay_seconds_count", Map.of("destination", "slack")))
                    .isGreaterThanOrEqualTo(1);
            assertThat(after.value("verity_notification_delay_seconds_count", Map.of("destination", "email")))
                    .hasValue(0.0);
            assertThat(after.value("verity_incidents_open", Map.of())).hasValueSatisfying(open ->
                    assertThat(open).isGreaterThanOrEqualTo(1.0));
        });
    }

    @Test
    void slackOkFalseChannelNotFoundIsNotRetriedAndGoesToUndelivered() throws Exception {
        slack().deleteChannel(SlackRecorder.DEFAULT_CHANNEL);
        try {
            int posts = slack().posts();
            send(drift("local/no-channel/prod", "502"));

            JsonNode report = undelivered("local/no-channel/prod", "slack");
            assertThat(report.get("attempts").asInt()).isEqualTo(1);
            assertThat(report.get("reason").asText()).contains("channel_not_found", "invite the bot", "permanent");
            assertThat(slack().posts() - posts).as("one chat.postMessage, no retry").isEqualTo(1);
        } finally {
            slack().restoreChannel(SlackRecorder.DEFAULT_CHANNEL);
        }
    }

    @Test
    void aWebhookAnswering429ThenOkIsDeliveredOnceAfterItsRetryAfter() {
        NEXT_ANSWERS.add(429);
        send(drift("local/limited-hook/prod", "503"));

        await().atMost(WAIT).until(() -> hooksAbout("local/limited-hook/prod").size() == 2);
        List<FaultyDestinationsResource.Hook> hooks = hooksAbout("local/limited-hook/prod");
        assertThat(hooks).extracting(FaultyDestinationsResource.Hook::status).containsExactly(429, 200);
        assertThat(hooks.get(1).id()).as("the same webhook-id on the retry").isEqualTo(hooks.get(0).id());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> hooksAbout("local/limited-hook/prod").size() == 2);
        assertThat(kafka().readValues(Topics.UNDELIVERED)).noneMatch(v -> v.contains("local/limited-hook/prod")
                && v.contains("\"channel\":\"webhook\""));
    }

    @Test
    void anIncomingWebhooksChannelNotFoundIsNotRetriedButA503Is() {
        SlackRecorder slack = slack();
        String retired = slack.webhook("retired-alerts");
        slack.deleteChannel("retired-alerts");
        List<Undelivered> reports = new CopyOnWriteArrayList<>();
        Alert alert = new AlertComposer().compose(drift("local/retired/prod", "504")).orElseThrow();
        try (AlertDispatcher dispatcher = new AlertDispatcher(List.of(new SlackWebhook(URI.create(retired),
                Duration.ofSeconds(5), new SlackMessageFormatter())), retry, 10, reports::add, Clock.systemUTC())) {
            int posts = slack.posts();
            assertThat(dispatcher.dispatch(alert)).singleElement().satisfies(d -> {
                assertThat(d.outcome()).isEqualTo(Delivery.Outcome.UNDELIVERED);
                assertThat(d.attempts()).isEqualTo(1);
            });
            assertThat(slack.posts() - posts).isEqualTo(1);
            assertThat(reports).singleElement().satisfies(u -> assertThat(u.error()).contains("404 channel_not_found"));

            slack.restoreChannel("retired-alerts");
            slack.failNextPosts(2, 503);
            assertThat(dispatcher.dispatch(alert)).singleElement().satisfies(d -> {
                assertThat(d.outcome()).isEqualTo(Delivery.Outcome.DELIVERED);
                assertThat(d.attempts()).isEqualTo(3);
            });
            assertThat(slack.messages("retired-alerts")).hasSize(1);
        }
    }

    private static List<FaultyDestinationsResource.Hook> hooksAbout(String target) {
        return HOOKS.stream().filter(h -> h.body().contains(target)).toList();
    }

    /** The report on verity.undelivered of the target's alert at a channel. */
    private static JsonNode undelivered(String target, String channel) throws Exception {
        ObjectMapper json = new ObjectMapper();
        String value = await().atMost(WAIT).until(() -> kafka().readAll(Topics.UNDELIVERED).stream()
                .filter(r -> target.equals(r.key()) && r.value().contains("\"channel\":\"" + channel + "\""))
                .map(r -> r.value()).findFirst(), java.util.Optional::isPresent).orElseThrow();
        return json.readTree(value);
    }

    private static VerityEvent drift(String target, String resourceVersion) {
        return new DriftDetected(TargetKey.parse(target), SampleEvents.REPO, SampleEvents.COMMIT,
                new ObjectRef("v1", "ConfigMap", "shop-prod", "flags"), DriftKind.MODIFIED, List.of("data.mode"),
                resourceVersion);
    }

    private void send(VerityEvent event) {
        kafka().send(Topics.DRIFT, event.key(), codec.encode(event));
    }

    private static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    private static EmbeddedKafka kafka() {
        return EmbeddedKafkaResource.kafka();
    }

    private static SlackRecorder slack() {
        return FaultyDestinationsResource.slack();
    }
}
