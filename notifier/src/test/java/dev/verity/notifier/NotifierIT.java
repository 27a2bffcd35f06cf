package dev.verity.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.Applied;
import dev.verity.events.DriftKind;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.notifier.alert.SampleEvents;
import dev.verity.notifier.incident.Incident;
import dev.verity.notifier.incident.IncidentCodec;
import dev.verity.notifier.incident.IncidentKey;
import dev.verity.notifier.incident.IncidentKind;
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
        // the only test with drift on local/shop/prod: its first drift, so an announcement, not an update
        send(Topics.DRIFT, drift);

        SlackMessage message = slackAlertFor(drift);
        assertThat(message.readableText()).contains(incidentId(SampleEvents.PROD, IncidentKind.DRIFT));
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
        TargetKey target = TargetKey.parse("local/render/prod");
        VerityEvent applied = new Applied(target, SampleEvents.REPO, SampleEvents.COMMIT, "sha256:1", List.of());
        VerityEvent failed = new RenderFailed(target, SampleEvents.REPO, SampleEvents.COMMIT, "apps/shop/overlays/prod",
                "patch targets Deployment/web2 which is not in the build (apps/shop/overlays/prod/kustomization.yaml)");
        send(Topics.ROLLOUT, applied);
        send(Topics.ROLLOUT, failed);

        assertThat(slackAlertFor(failed).readableText()).contains("Render failed: local/render/prod at commit 3f2c1e9a7b6d",
                "`apps/shop/overlays/prod`", "patch targets Deployment/web2 which is not in the build");
        assertThat(mailFor(failed).text()).contains("Path:       apps/shop/overlays/prod",
                "    patch targets Deployment/web2 which is not in the build");
        // same key, same partition: the Applied before it has been handled, and made no alert
        assertThat(slackAlertsFor(applied)).hasSize(1);
        assertThat(mailsFor(applied)).hasSize(1);
    }

    @Test
    void aDegradedRolloutIsAlertedAndProgressingAndHealthyAreNot() {
        TargetKey target = TargetKey.parse("local/health/prod");
        VerityEvent progressing = new dev.verity.events.Progressing(target, SampleEvents.REPO,
                SampleEvents.COMMIT, "sha256:2", List.of(), Instant.parse("2026-12-05T10:00:00Z"), null);
        VerityEvent healthy = new dev.verity.events.Healthy(target, SampleEvents.REPO, SampleEvents.COMMIT,
                "sha256:2", List.of(), null);
        dev.verity.events.Degraded sample = SampleEvents.degraded();
        VerityEvent degraded = new dev.verity.events.Degraded(target, sample.repo(), sample.commit(), sample.digest(),
                sample.error(), sample.objects(), sample.timedOut());
        send(Topics.ROLLOUT, progressing);
        send(Topics.ROLLOUT, healthy);
        send(Topics.ROLLOUT, degraded);

        assertThat(slackAlertFor(degraded).readableText()).contains("Degraded: local/health/prod at commit 3f2c1e9a7b6d",
                "ProgressDeadlineExceeded");
        assertThat(mailFor(degraded).text()).contains("Progressing=False ProgressDeadlineExceeded");
        // same key, same partition: the events before it have been handled, and made no alert
        assertThat(slackAlertsFor(progressing)).hasSize(1);
        assertThat(mailsFor(healthy)).hasSize(1);

        // healthy again: the incident is resolved, in one more message
        send(Topics.ROLLOUT, new dev.verity.events.Healthy(target, SampleEvents.REPO, SampleEvents.COMMIT, "sha256:2",
                List.of(), null));
        assertThat(slack().awaitMessage(m -> m.readableText().contains("Resolved: Degraded: local/health/prod"), WAIT)
                .readableText()).contains("Resolved by local/health/prod@3f2c1e9a7b6d");
        assertThat(recordedIncident(target, IncidentKind.DEGRADED).status()).isEqualTo(Incident.Status.RESOLVED);
    }

    @Test
    void aDriftDetectedAgainIsOneIncidentOneMessageAndItsResolutionAnother() {
        TargetKey target = TargetKey.parse("local/repeat/prod");
        ObjectRef web = new ObjectRef("v1", "Service", "repeat-prod", "web");
        VerityEvent once = new DriftDetected(target, SampleEvents.REPO, SampleEvents.COMMIT, web, DriftKind.MODIFIED,
                List.of("spec.ports[0].port"), "202");
        send(Topics.DRIFT, once);
        // a re-publication by the producer: a later time, the same deterministic id
        kafka().send(Topics.DRIFT, once.key(),
                new EventCodec(Clock.fixed(Instant.now().plusSeconds(30), ZoneOffset.UTC)).encode(once));
        // detected again after a resync: a new event saying the same
        send(Topics.DRIFT, new DriftDetected(target, SampleEvents.REPO, SampleEvents.COMMIT, web, DriftKind.MODIFIED,
                List.of("spec.ports[0].port"), "203"));
        VerityEvent resolved = new DriftResolved(target, SampleEvents.REPO, SampleEvents.COMMIT, web, "204");
        send(Topics.DRIFT, resolved);

        SlackMessage resolution = slack().awaitMessage(m -> m.readableText().contains("Resolved: Drift: Service"
                + " repeat-prod/web"), WAIT);
        assertThat(resolution.readableText()).contains(incidentId(target, IncidentKind.DRIFT));
        assertThat(slackAlertsFor(once)).as("the announcement and the resolution, nothing between").hasSize(2);
        await().atMost(WAIT).until(() -> mailsFor(once).size() == 2);
        // one e-mail thread: the same subject, the root's id derived from the incident, the resolution replying to it
        ReceivedMail first = mailsFor(once).get(0);
        ReceivedMail last = mailsFor(once).get(1);
        String root = "<incident-" + incidentId(target, IncidentKind.DRIFT) + "@test.local>";
        assertThat(first.messageId()).isEqualTo(root);
        assertThat(first.inReplyTo()).isNull();
        assertThat(last.subject()).isEqualTo(first.subject());
        assertThat(last.messageId()).isNotEqualTo(root).endsWith("@test.local>");
        assertThat(last.inReplyTo()).isEqualTo(root);
        assertThat(last.references()).containsExactly(root);
        assertThat(last.text()).contains("Resolved by local/repeat/prod@3f2c1e9a7b6d");
        Incident incident = recordedIncident(target, IncidentKind.DRIFT);
        assertThat(incident.status()).isEqualTo(Incident.Status.RESOLVED);
        assertThat(incident.updates()).isEqualTo(1);
    }

    @Test
    void driftThatCannotBeToldIsItsOwnIncidentResolvedWhenTheObjectIsComparedAgain() {
        TargetKey target = TargetKey.parse("local/unknown/prod");
        ObjectRef web = new ObjectRef("apps/v1", "Deployment", "unknown-prod", "web");
        send(Topics.DRIFT, new dev.verity.events.DriftUnknown(target, SampleEvents.REPO, SampleEvents.COMMIT, web,
                "403 Forbidden: deployments.apps \"web\" is forbidden: User \"system:serviceaccount:verity:drift\""));

        SlackMessage opened = slack().awaitMessage(m -> m.readableText().contains("`local/unknown/prod`"), WAIT);
        assertThat(opened.readableText()).contains("Drift unknown: Deployment unknown-prod/web cannot be compared",
                "not a claim that anything drifted", "403 Forbidden", "kubectl auth can-i list deployments -n unknown-prod",
                "Since ");
        assertThat(recordedIncident(target, IncidentKind.DRIFT_UNKNOWN).isOpen()).isTrue();

        send(Topics.DRIFT, new DriftResolved(target, SampleEvents.REPO, SampleEvents.COMMIT, web, "77"));
        slack().awaitMessage(m -> m.readableText().contains("Resolved: Drift unknown: Deployment unknown-prod/web"), WAIT);
        await().atMost(WAIT).until(() -> !recordedIncident(target, IncidentKind.DRIFT_UNKNOWN).isOpen());
    }

    @Test
    void aDeletedBranchIsWordedAsSuchAndTheCommitOnGitHubIsLinked() {
        String repo = "https://github.com/acme/deleted-branch.git";
        String error = "branch main of " + repo + ", which Verity renders, was deleted by alice (github delivery d-9;"
                + " its last head was " + SampleEvents.COMMIT + "). Nothing was removed from the clusters: they keep"
                + " what the last render published. Restore the branch (git push origin " + SampleEvents.COMMIT
                + ":refs/heads/main) or point the renderer's repository at another branch"
                + " (verity.renderer.repositories[<n>].branch)";
        kafka().send(Topics.ROLLOUT, repo, codec.encode(new RenderFailed(null, repo, SampleEvents.COMMIT, null, error)));

        SlackMessage message = slack().awaitMessage(m -> m.readableText().contains("Branch deleted: main of " + repo), WAIT);
        assertThat(message.readableText()).contains("was deleted by alice; its last head was 3f2c1e9a7b6d",
                "Nothing was removed from the clusters", "git push origin " + SampleEvents.COMMIT + ":refs/heads/main",
                "<https://github.com/acme/deleted-branch/commit/" + SampleEvents.COMMIT + "|3f2c1e9a7b6d>");
        ReceivedMail mail = smtp().awaitMessage(m -> m.subject().contains("Branch deleted: main of " + repo), WAIT);
        assertThat(mail.text()).contains("Change:     https://github.com/acme/deleted-branch/commit/" + SampleEvents.COMMIT);
    }

    @Test
    void aGarbageRecordGoesToTheDeadLetterTopicAndLaterEventsAreStillAlerted() {
        kafka().send(Topics.DRIFT, "local/shop/prod", "this is not a CloudEvent {");
        await().atMost(WAIT).until(() -> kafka().readValues(Topics.deadLetter(Topics.DRIFT)),
                values -> values.contains("this is not a CloudEvent {"));

        VerityEvent later = new DriftDetected(TargetKey.parse("local/garbage/prod"), SampleEvents.REPO,
                SampleEvents.COMMIT, new ObjectRef("v1", "ConfigMap", "shop-prod", "settings"), DriftKind.DELETED,
                List.of(), "");
        send(Topics.DRIFT, later);
        assertThat(slackAlertFor(later).readableText()).contains("Drift: ConfigMap shop-prod/settings was deleted outside Git");
        mailFor(later);
    }

    @Test
    void anEventOfATypeThisVersionDoesNotKnowIsSkippedAndCountedAndTheNextOneAlerted() {
        String newType = cloudEvent("dev.verity.incident.opened.v1");
        String newerDrift = cloudEvent("dev.verity.drift.detected.v2");
        TargetKey future = TargetKey.parse("local/future/prod");
        kafka().send(Topics.DRIFT, future.toString(), newType);
        kafka().send(Topics.DRIFT, future.toString(), newerDrift);
        VerityEvent next = new DriftDetected(future, SampleEvents.REPO, SampleEvents.COMMIT,
                new ObjectRef("v1", "ConfigMap", "shop-prod", "flags"), DriftKind.MODIFIED, List.of("data.beta"), "301");
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

        ConsumerRecord<String, String> report = await().atMost(WAIT)
                .until(() -> kafka().readAll(Topics.UNDELIVERED).stream()
                        .filter(r -> r.value().contains("Apply failed: local/shop/prod")).findFirst(),
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
        VerityEvent drift = new DriftDetected(TargetKey.parse("local/metered/prod"), SampleEvents.REPO,
                SampleEvents.COMMIT, new ObjectRef("v1", "ConfigMap", "shop-prod", "metered"), DriftKind.MODIFIED,
                List.of("data.mode"), "401");

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

    /** The first Slack message about the event's target (each test uses targets of its own). */
    private static SlackMessage slackAlertFor(VerityEvent event) {
        return slack().awaitMessage(m -> about(m.readableText(), event), WAIT);
    }

    private static List<SlackMessage> slackAlertsFor(VerityEvent event) {
        return slack().messages().stream().filter(m -> about(m.readableText(), event)).toList();
    }

    private static ReceivedMail mailFor(VerityEvent event) {
        smtp().awaitMessage(m -> about(m.subject() + "\n" + m.text(), event), WAIT);
        return await().atMost(WAIT).until(() -> mailsFor(event), mails -> !mails.isEmpty()).get(0);
    }

    /** The mails about an event's target in the on-call inbox. */
    private static List<ReceivedMail> mailsFor(VerityEvent event) {
        return smtp().inbox(ONCALL).stream().filter(m -> about(m.subject() + "\n" + m.text(), event)).toList();
    }

    /** Whether a message is about the event's target and, for drift, its object. */
    private static boolean about(String text, VerityEvent event) {
        String target = event.targetKey().map(TargetKey::toString).orElse(event.repo());
        if (!text.contains("`" + target + "`") && !text.contains(target + "@") && !text.contains(target + " at commit")
                && !text.contains("Target:     " + target)) {
            return false;
        }
        if (event instanceof DriftDetected d) {
            return text.contains(d.object().kind() + " " + d.object().namespace() + "/" + d.object().name());
        }
        String title = event instanceof dev.verity.events.ApplyFailed ? "Apply failed"
                : event instanceof RenderFailed ? "Render failed"
                : event instanceof dev.verity.events.Degraded ? "Degraded" : null;
        return title == null || text.contains(title);
    }

    /** The id of the incident opened for the target and kind, as the notifier derives it from the opening event. */
    private static String incidentId(TargetKey target, IncidentKind kind) {
        return recordedIncident(target, kind).id();
    }

    /** The latest record of an incident on verity.incidents. */
    private static Incident recordedIncident(TargetKey target, IncidentKind kind) {
        String key = new IncidentKey(target.toString(), kind).recordKey();
        IncidentCodec incidents = new IncidentCodec();
        return await().atMost(WAIT).until(() -> kafka().readAll(Topics.INCIDENTS).stream()
                .filter(r -> key.equals(r.key())).reduce((a, b) -> b)
                .map(r -> incidents.decode(r.value().getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                java.util.Optional::isPresent).orElseThrow();
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
