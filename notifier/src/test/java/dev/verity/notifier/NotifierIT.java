package dev.verity.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.Applied;
import dev.verity.events.DriftKind;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.notifier.alert.SampleEvents;
import dev.verity.testkit.kafka.EmbeddedKafka;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.mail.ReceivedMail;
import dev.verity.testkit.metrics.PrometheusText;
import dev.verity.testkit.mail.SmtpServer;
import dev.verity.testkit.slack.SlackMessage;
import dev.verity.testkit.slack.SlackRecorder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static dev.verity.notifier.AlertSinksResource.ONCALL;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The notifier on a real broker, posting to a real HTTP Slack stand-in and mailing a real SMTP server. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = AlertSinksResource.class, restrictToAnnotatedClass = true)
class NotifierIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final EventCodec codec = new EventCodec();

    @Test
    void driftReachesSlackAndTheInboxNamingObjectFieldTargetAndCommit() {
        ObjectRef api = new ObjectRef("apps/v1", "Deployment", "shop-prod", "api");
        VerityEvent drift = SampleEvents.drift(api, DriftKind.MODIFIED, List.of("spec.replicas"), "101");
        send(Topics.DRIFT, drift);

        SlackMessage message = slackAlertFor(drift);
        assertThat(message.via()).isEqualTo(SlackMessage.Via.WEBHOOK);
        assertThat(message.readableText()).contains("Drift: Deployment shop-prod/api was changed outside Git",
                "Someone changed spec.replicas of Deployment shop-prod/api outside Git.", "`local/shop/prod`",
                "`3f2c1e9a7b6d`", "What to do:");
        ReceivedMail mail = mailFor(drift);
        assertThat(mail.from()).isEqualTo("verity@test.local");
        assertThat(mail.to()).containsExactly(ONCALL, AlertSinksResource.PLATFORM);
        assertThat(mail.subject()).isEqualTo(
                "[verity] WARNING Drift: Deployment shop-prod/api was changed outside Git (local/shop/prod@3f2c1e9a7b6d)");
        assertThat(mail.text()).contains("Object:     Deployment shop-prod/api", "Fields:     spec.replicas",
                "Commit:     " + SampleEvents.COMMIT);
        assertThat(mail.html()).contains("<code>spec.replicas</code>");
    }

    @Test
    void renderFailureOnTheRolloutTopicIsAlertedAndAppliedIsNot() {
        VerityEvent applied = new Applied(SampleEvents.PROD, SampleEvents.REPO, SampleEvents.COMMIT, "sha256:1", List.of());
        VerityEvent failed = SampleEvents.renderFailed("patch targets Deployment/web2 which is not in the build "
                + "(apps/shop/overlays/prod/kustomization.yaml)");
        send(Topics.ROLLOUT, applied);
        send(Topics.ROLLOUT, failed);

        assertThat(slackAlertFor(failed).readableText()).contains("Render failed: local/shop/prod at commit 3f2c1e9a7b6d",
                "`apps/shop/overlays/prod`", "patch targets Deployment/web2 which is not in the build");
        assertThat(mailFor(failed).text()).contains("Path:       apps/shop/overlays/prod",
                "    patch targets Deployment/web2 which is not in the build");
        // same key, same partition: the Applied before it has been handled, and made no alert
        assertThat(slackAlertsFor(applied)).isEmpty();
        assertThat(mailsFor(applied)).isEmpty();
    }

    @Test
    void aDegradedRolloutIsAlertedAndProgressingAndHealthyAreNot() {
        VerityEvent progressing = new dev.verity.events.Progressing(SampleEvents.PROD, SampleEvents.REPO,
                SampleEvents.COMMIT, "sha256:2", List.of(), Instant.parse("2026-12-05T10:00:00Z"), null);
        VerityEvent healthy = new dev.verity.events.Healthy(SampleEvents.PROD, SampleEvents.REPO, SampleEvents.COMMIT,
                "sha256:2", List.of(), null);
        VerityEvent degraded = SampleEvents.degraded();
        send(Topics.ROLLOUT, progressing);
        send(Topics.ROLLOUT, healthy);
        send(Topics.ROLLOUT, degraded);

        assertThat(slackAlertFor(degraded).readableText()).contains("Degraded: local/shop/prod at commit 3f2c1e9a7b6d",
                "ProgressDeadlineExceeded");
        assertThat(mailFor(degraded).text()).contains("Progressing=False ProgressDeadlineExceeded");
        // same key, same partition: the events before it have been handled, and made no alert
        assertThat(slackAlertsFor(progressing)).isEmpty();
        assertThat(slackAlertsFor(healthy)).isEmpty();
        assertThat(mailsFor(healthy)).isEmpty();
    }

    @Test
    void theSameEventTwiceIsAlertedOnce() {
        VerityEvent once = SampleEvents.drift(new ObjectRef("v1", "Service", "shop-prod", "web"), DriftKind.MODIFIED,
                List.of("spec.ports[0].port"), "202");
        send(Topics.DRIFT, once);
        // a re-publication by the producer: a later time, the same deterministic id
        kafka().send(Topics.DRIFT, once.key(),
                new EventCodec(Clock.fixed(Instant.now().plusSeconds(30), ZoneOffset.UTC)).encode(once));
        VerityEvent after = SampleEvents.drift(new ObjectRef("v1", "Service", "shop-prod", "web"), DriftKind.MODIFIED,
                List.of("spec.ports[0].port"), "203");
        send(Topics.DRIFT, after);

        slackAlertFor(after);
        mailFor(after);
        assertThat(slackAlertsFor(once)).hasSize(1);
        assertThat(mailsFor(once)).hasSize(1);
    }

    @Test
    void aGarbageRecordGoesToTheDeadLetterTopicAndLaterEventsAreStillAlerted() {
        kafka().send(Topics.DRIFT, "local/shop/prod", "this is not a CloudEvent {");
        await().atMost(WAIT).until(() -> kafka().readValues(Topics.deadLetter(Topics.DRIFT)),
                values -> values.contains("this is not a CloudEvent {"));

        VerityEvent later = SampleEvents.drift(new ObjectRef("v1", "ConfigMap", "shop-prod", "settings"), DriftKind.DELETED,
                List.of(), "");
        send(Topics.DRIFT, later);
        assertThat(slackAlertFor(later).readableText()).contains("Drift: ConfigMap shop-prod/settings was deleted outside Git");
        mailFor(later);
    }

    @Test
    void anEventOfATypeThisVersionDoesNotKnowIsSkippedAndCountedAndTheNextOneAlerted() {
        String newType = cloudEvent("dev.verity.incident.opened.v1");
        String newerDrift = cloudEvent("dev.verity.drift.detected.v2");
        kafka().send(Topics.DRIFT, SampleEvents.PROD.toString(), newType);
        kafka().send(Topics.DRIFT, SampleEvents.PROD.toString(), newerDrift);
        VerityEvent next = SampleEvents.drift(new ObjectRef("v1", "ConfigMap", "shop-prod", "flags"), DriftKind.MODIFIED,
                List.of("data.beta"), "301");
        send(Topics.DRIFT, next); // same key, same partition: after the two above

        assertThat(slackAlertFor(next).readableText()).contains("ConfigMap shop-prod/flags");
        assertThat(kafka().readValues(Topics.deadLetter(Topics.DRIFT))).doesNotContain(newType, newerDrift);
        given().get("/verity/events/skipped").then().statusCode(200)
                .body("'dev.verity.incident.opened.v1'", equalTo(1))
                .body("'dev.verity.drift.detected.v2'", equalTo(1));
        assertThat(scrape().value("verity_events_skipped_total", Map.of("type", "dev.verity.incident.opened.v1")))
                .contains(1.0);
    }

    /** A well-formed CloudEvent of a type this version does not know, as a newer producer might publish. */
    private static String cloudEvent(String type) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + type.hashCode() + "\",\"source\":\"/verity/future\","
                + "\"type\":\"" + type + "\",\"subject\":\"local/shop/prod\",\"data\":{\"somethingNew\":true}}";
    }

    @Test
    void aSlackThatKeepsFailingIsReportedOnTheUndeliveredTopicWhileMailStillGoesOut() throws Exception {
        slack().failNextPosts(3, 503); // every attempt of the test profile's retry policy
        VerityEvent failed = SampleEvents.applyFailed();
        send(Topics.ROLLOUT, failed);

        String id = EventCodec.idOf(failed);
        ConsumerRecord<String, String> report = await().atMost(WAIT)
                .until(() -> kafka().readAll(Topics.UNDELIVERED).stream().filter(r -> r.value().contains(id)).findFirst(),
                        java.util.Optional::isPresent).orElseThrow();
        assertThat(report.key()).isEqualTo("local/shop/prod");
        JsonNode json = new ObjectMapper().readTree(report.value());
        assertThat(json.get("destination").asText()).isEqualTo("slack");
        assertThat(json.get("attempts").asInt()).isEqualTo(3);
        assertThat(json.get("error").asText()).contains("answered 503");
        assertThat(json.at("/alert/title").asText()).isEqualTo("Apply failed: local/shop/prod at commit 3f2c1e9a7b6d");
        assertThat(json.at("/alert/where").asText()).isEqualTo("local/shop/prod@3f2c1e9a7b6d");
        assertThat(report.value()).doesNotContain("/services/");
        assertThat(mailFor(failed).text()).contains("admission webhook denied the request");
        assertThat(slackAlertsFor(failed)).isEmpty();
    }

    @Test
    void deliveriesAreCountedPerDestinationAtQMetrics() {
        Map<String, String> slackDelivered = Map.of("destination", "slack", "outcome", "delivered");
        Map<String, String> mailDelivered = Map.of("destination", "email", "outcome", "delivered");
        PrometheusText before = scrape();
        VerityEvent drift = SampleEvents.drift(new ObjectRef("v1", "ConfigMap", "shop-prod", "metered"),
                DriftKind.MODIFIED, List.of("data.mode"), "401");

        send(Topics.DRIFT, drift);
        slackAlertFor(drift);
        mailFor(drift);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PrometheusText after = scrape();
            assertThat(after.count("verity_notifications_total", slackDelivered)
                    - before.count("verity_notifications_total", slackDelivered)).isGreaterThanOrEqualTo(1);
            assertThat(after.count("verity_notifications_total", mailDelivered)
                    - before.count("verity_notifications_total", mailDelivered)).isGreaterThanOrEqualTo(1);
            assertThat(after.names("verity_")).contains("verity_notifications_total");
        });
    }

    private static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    private void send(String topic, VerityEvent event) {
        kafka().send(topic, event.key(), codec.encode(event));
    }

    private static SlackMessage slackAlertFor(VerityEvent event) {
        return slack().awaitMessage(m -> m.readableText().contains(EventCodec.idOf(event)), WAIT);
    }

    private static List<SlackMessage> slackAlertsFor(VerityEvent event) {
        return slack().messages().stream().filter(m -> m.readableText().contains(EventCodec.idOf(event))).toList();
    }

    private static ReceivedMail mailFor(VerityEvent event) {
        smtp().awaitMessage(m -> m.text().contains(EventCodec.idOf(event)), WAIT);
        return await().atMost(WAIT).until(() -> mailsFor(event), mails -> !mails.isEmpty()).get(0);
    }

    /** The mails about an event in the on-call inbox. */
    private static List<ReceivedMail> mailsFor(VerityEvent event) {
        return smtp().inbox(ONCALL).stream().filter(m -> m.text().contains(EventCodec.idOf(event))).toList();
    }

    private static EmbeddedKafka kafka() {
        return EmbeddedKafkaResource.kafka();
    }

    private static SlackRecorder slack() {
        return AlertSinksResource.slack();
    }

    private static SmtpServer smtp() {
        return AlertSinksResource.smtp();
    }
}
