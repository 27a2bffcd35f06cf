package dev.verity.receiver.app;

import dev.verity.events.RepoIdentity;
import dev.verity.events.CommitPartitions;
import dev.verity.events.topics.TopicSettings;
import dev.verity.events.CommitPushed;
import dev.verity.events.RefDeleted;
import dev.verity.events.Envelope;
import dev.verity.events.EventCodec;
import dev.verity.events.Topics;
import dev.verity.receiver.HmacSignature;
import dev.verity.testkit.kafka.EmbeddedKafka;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.metrics.PrometheusText;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.verity.receiver.Fixtures.github;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The receiver as GitHub sees it, on a real broker: what it answers, and what lands on {@code verity.commits}.
 * Each "nothing published" case sends a good push afterwards and checks that it is the only new record, so the
 * check cannot pass because publishing is broken.
 */
@QuarkusTest
@TestProfile(GithubWebhookIT.FixtureRepositories.class)
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
class GithubWebhookIT {

    static final String SAMPLE_SECRET = "sample-app-test-secret";
    static final String DRONE_SECRET = "drone-test-secret";
    static final String HELLO_SECRET = "hello-world-test-secret";
    static final String OCTO_SECRET = "octocoders-test-secret";
    static final String SAMPLE_CLONE_URL = "https://github.com/binkkatal/sample_app.git";

    /** The fixtures' repositories, configured the ways an operator would write them (web, SSH and clone URLs). */
    public static class FixtureRepositories implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "verity.receiver.repositories.sample.url", "https://github.com/binkkatal/sample_app",
                    "verity.receiver.repositories.sample.secret", SAMPLE_SECRET,
                    "verity.receiver.repositories.sample.branch", "master",
                    "verity.receiver.repositories.drone.url", "git@github.com:bradrydzewski/drone-test-go.git",
                    "verity.receiver.repositories.drone.secret", DRONE_SECRET,
                    // the branch the fixture deletes: its deletion is published as RefDeleted
                    "verity.receiver.repositories.drone.branch", "feature-branch",
                    // no branch: the default (main), so the fixture's push to master is ignored
                    "verity.receiver.repositories.hello.url", "https://github.com/Codertocat/Hello-World.git",
                    "verity.receiver.repositories.hello.secret", HELLO_SECRET,
                    "verity.receiver.repositories.octo.url", "https://github.com/Octocoders/Hello-World.git",
                    "verity.receiver.repositories.octo.secret", OCTO_SECRET);
        }
    }

    private final EventCodec codec = new EventCodec();

    @TestHTTPResource("/hooks/github")
    URI hookUrl;

    @Test
    void aSignedPushIsAcceptedOnlyOnceTheCommitPushedIsOnTheTopic() {
        int before = records().size();
        String delivery = UUID.randomUUID().toString();

        Response response = delivery("push", delivery, github("push.json"), SAMPLE_SECRET).post("/hooks/github");

        response.then().statusCode(202).body(containsString("published CommitPushed"));
        // 202 means acknowledged: the record is readable now, without waiting
        List<ConsumerRecord<String, String>> added = records().subList(before, records().size());
        assertThat(added).hasSize(1);
        ConsumerRecord<String, String> record = added.get(0);
        assertThat(record.key()).isEqualTo(RepoIdentity.of(SAMPLE_CLONE_URL));
        assertThat(record.partition()).as("the partition the renderer computes for the repository: its owner's")
                .isEqualTo(CommitPartitions.of("git@github.com:binkkatal/sample_app", TopicSettings.DEFAULT_PARTITIONS));
        Envelope envelope = codec.decodeEnvelope(record.value());
        assertThat(envelope.type()).isEqualTo("dev.verity.commit.pushed.v1");
        assertThat(envelope.subject()).isEqualTo("github.com/binkkatal/sample_app");
        assertThat(response.asString()).contains(envelope.id());
        assertThat(envelope.event()).isEqualTo(new CommitPushed(SAMPLE_CLONE_URL, "master",
                "737d38c599c1b2991664dfc6155d6bf516fcce36", "fd489864e7642b48eaad6e3f155c10e46810ec72",
                List.of(".razorops.yaml", "app/controllers/application_controller.rb"), delivery, "github", true, "binkkatal"));
        // traces are off here (no OTLP endpoint): the traceparent is the one derived from repository and commit, and
        // the Kafka header carries the same value as the CloudEvent
        assertThat(envelope.traceparent()).isEqualTo(EventCodec.traceparentOf(envelope.event()));
        assertThat(record.headers().headers("traceparent")).hasSize(1);
        assertThat(new String(record.headers().lastHeader("traceparent").value(), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo(envelope.traceparent());
    }

    @Test
    void aWrongSignatureIsRefusedAndNothingIsPublished() {
        int before = records().size();

        delivery("push", "wrong-secret", github("push.json"), "not-the-secret").post("/hooks/github")
                .then().statusCode(401)
                .body(containsString("signature does not match " + SAMPLE_CLONE_URL),
                        containsString("verity.receiver.repositories.sample.secret"));

        assertOnlyNewRecordIsAGoodPush(before);
    }

    @Test
    void deliveriesAreCountedByOutcomeAtQMetrics() {
        PrometheusText before = scrape();

        delivery("ping", "metrics-ping", github("ping.json"), OCTO_SECRET).post("/hooks/github").then().statusCode(204);
        delivery("push", "metrics-wrong", github("push.json"), "not-the-secret").post("/hooks/github")
                .then().statusCode(401);

        PrometheusText after = scrape();
        assertThat(after.names("verity_")).contains("verity_webhooks_total");
        for (String outcome : List.of("ignored", "bad_signature")) {
            Map<String, String> labels = Map.of("forge", "github", "outcome", outcome);
            assertThat(after.count("verity_webhooks_total", labels) - before.count("verity_webhooks_total", labels))
                    .as(outcome).isEqualTo(1.0);
        }
    }

    private static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    @Test
    void aSignatureOverDifferentBytesIsRefused() {
        int before = records().size();
        byte[] body = github("push.json");
        given().header("X-GitHub-Event", "push").header("X-GitHub-Delivery", "tampered")
                .header("X-Hub-Signature-256", HmacSignature.sign(SAMPLE_SECRET, body))
                .contentType("application/json")
                .body(new String(body, StandardCharsets.UTF_8).replace("test a push event", "evil push").getBytes(StandardCharsets.UTF_8))
                .post("/hooks/github").then().statusCode(401);
        assertOnlyNewRecordIsAGoodPush(before);
    }

    @Test
    void aMissingSignatureIsRefusedAndNothingIsPublished() {
        int before = records().size();

        given().header("X-GitHub-Event", "push").header("X-GitHub-Delivery", "unsigned")
                .contentType("application/json").body(github("push.json"))
                .post("/hooks/github")
                .then().statusCode(401).body(containsString("no X-Hub-Signature-256 header"));

        assertOnlyNewRecordIsAGoodPush(before);
    }

    @Test
    void signedMalformedJsonIsABadRequest() {
        int before = records().size();
        byte[] truncated = java.util.Arrays.copyOf(github("push.json"), 300);

        delivery("push", "malformed", truncated, SAMPLE_SECRET).post("/hooks/github")
                .then().statusCode(400).body(containsString("the push payload is not valid JSON"));

        assertOnlyNewRecordIsAGoodPush(before);
    }

    @Test
    void aRefGitWouldRefuseIsABadRequestWithTheReason() {
        int before = records().size();
        byte[] body = ("{\"ref\": \"refs/heads/../../etc/passwd\", \"after\": \"fd489864e7642b48eaad6e3f155c10e46810ec72\","
                + " \"repository\": {\"clone_url\": \"" + SAMPLE_CLONE_URL + "\"}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);

        delivery("push", "dot-dot", body, SAMPLE_SECRET).post("/hooks/github")
                .then().statusCode(400).body(containsString("ref refs/heads/../../etc/passwd contains '..'"));

        assertOnlyNewRecordIsAGoodPush(before);
    }

    @Test
    void aPingIsAnsweredWithNoContent() {
        int before = records().size();

        delivery("ping", "ping", github("ping.json"), OCTO_SECRET).post("/hooks/github")
                .then().statusCode(204).body(emptyString())
                .header("X-Verity-Ignored", containsString("ping: the webhook reaches Verity"));
        // a ping signed with the wrong secret shows the mistake on the forge's delivery page
        delivery("ping", "ping-wrong", github("ping.json"), SAMPLE_SECRET).post("/hooks/github").then().statusCode(401);

        assertOnlyNewRecordIsAGoodPush(before);
    }

    @Test
    void aPullRequestIsAnsweredWithNoContent() {
        int before = records().size();

        delivery("pull_request", "pr", github("pull_request.json"), HELLO_SECRET).post("/hooks/github")
                .then().statusCode(204)
                .header("X-Verity-Ignored", equalTo("event pull_request is not a push: Verity acts on pushes only"));

        assertOnlyNewRecordIsAGoodPush(before);
    }

    @Test
    void tagPushesAndTagDeletionsPublishNothing() {
        int before = records().size();

        delivery("push", "tag", github("push-tag.json"), DRONE_SECRET).post("/hooks/github")
                .then().statusCode(204).header("X-Verity-Ignored", containsString("tag push refs/tags/v0.0.1"));
        delivery("push", "tag-delete", github("push-tag-delete.json"), HELLO_SECRET).post("/hooks/github")
                .then().statusCode(204);

        assertOnlyNewRecordIsAGoodPush(before);
    }

    @Test
    void deletingTheConfiguredBranchPublishesRefDeleted() {
        int before = records().size();

        Response response = delivery("push", "branch-delete", github("push-branch-delete.json"), DRONE_SECRET)
                .post("/hooks/github");

        response.then().statusCode(202).body(containsString("published RefDeleted"));
        List<ConsumerRecord<String, String>> added = records().subList(before, records().size());
        assertThat(added).hasSize(1);
        assertThat(added.get(0).key()).isEqualTo("github.com/bradrydzewski/drone-test-go");
        Envelope envelope = codec.decodeEnvelope(added.get(0).value());
        assertThat(envelope.type()).isEqualTo("dev.verity.ref.deleted.v1");
        assertThat(envelope.event()).isEqualTo(new RefDeleted("https://github.com/bradrydzewski/drone-test-go.git",
                "feature-branch", "d2b75aa7797ec26b088fa2dd527e9d2c052fcedd", "branch-delete", "github", "bradrydzewski"));
    }

    @Test
    void aPushToABranchOtherThanTheConfiguredOnePublishesNothing() {
        int before = records().size();

        delivery("push", "other-branch", github("push-new-branch.json"), HELLO_SECRET).post("/hooks/github")
                .then().statusCode(204)
                .header("X-Verity-Ignored", equalTo("push to branch master of https://github.com/Codertocat/Hello-World.git:"
                        + " Verity renders branch main (verity.receiver.default-branch)"));

        assertOnlyNewRecordIsAGoodPush(before);
    }

    @Test
    void anUnconfiguredRepositoryIsNotFoundWithTheKeysToSet() {
        int before = records().size();
        byte[] body = new String(github("push.json"), StandardCharsets.UTF_8)
                .replace("binkkatal/sample_app", "acme/unknown").getBytes(StandardCharsets.UTF_8);

        delivery("push", "unknown", body, "any-secret").post("/hooks/github")
                .then().statusCode(404)
                .body(containsString("no webhook secret is configured for repository https://github.com/acme/unknown.git"),
                        containsString("verity.receiver.repositories.<id>.secret"),
                        containsString("verity.receiver.default-secret"));

        assertOnlyNewRecordIsAGoodPush(before);
    }

    /**
     * A sender that asks before sending its body ({@code Expect: 100-continue}) is refused a body over the cap
     * without sending it: it gets the 413, naming the setting, instead of the go-ahead, and the connection closes.
     */
    @Test
    void aBodyOverTheLimitIsRefusedUnread() throws Exception {
        long declared = 25 * 1024 * 1024 + 1;
        ExpectContinueExchange exchange = ExpectContinueExchange.post(hookUrl, Map.of("X-GitHub-Event", "push",
                "X-Hub-Signature-256", "sha256=" + "0".repeat(64), "Content-Type", "application/json"), new byte[0], declared);

        assertThat(exchange.interim()).as(exchange.answer()).isNull();
        assertThat(exchange.status()).as(exchange.answer()).isEqualTo(413);
        assertThat(exchange.answer()).contains("verity.receiver.max-body-size");
        assertThat(exchange.closed()).as("connection closed after the 413").isTrue();
    }

    /**
     * A sender that asks before sending its body ({@code Expect: 100-continue}, as curl does for large bodies) is told
     * to go on and its push is published; the HTTP layer does not answer that question by itself.
     */
    @Test
    void aDeliveryThatWaitsFor100ContinueIsPublished() throws Exception {
        int before = records().size();
        String marker = "continue-" + UUID.randomUUID();
        byte[] body = github("push.json");

        ExpectContinueExchange exchange = ExpectContinueExchange.post(hookUrl, Map.of("X-GitHub-Event", "push",
                "X-GitHub-Delivery", marker, "X-Hub-Signature-256", HmacSignature.sign(SAMPLE_SECRET, body),
                "Content-Type", "application/json"), body, body.length);

        assertThat(exchange.interim()).as(exchange.answer()).startsWith("HTTP/1.1 100");
        assertThat(exchange.status()).as(exchange.answer()).isEqualTo(202);
        List<ConsumerRecord<String, String>> all = records();
        List<ConsumerRecord<String, String>> added = all.subList(before, all.size());
        assertThat(added).hasSize(1);
        assertThat(codec.decode(added.get(0).value(), CommitPushed.class).deliveryId()).isEqualTo(marker);
    }

    @Test
    void readinessIsUp() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
    }

    /** The only record added since {@code before} is a fresh, good push: whatever came earlier published nothing. */
    private void assertOnlyNewRecordIsAGoodPush(int before) {
        String marker = "good-" + UUID.randomUUID();
        delivery("push", marker, github("push.json"), SAMPLE_SECRET).post("/hooks/github").then().statusCode(202);
        List<ConsumerRecord<String, String>> all = records();
        List<ConsumerRecord<String, String>> added = all.subList(before, all.size());
        assertThat(added).as("records added to " + Topics.COMMITS).hasSize(1);
        assertThat(codec.decode(added.get(0).value(), CommitPushed.class).deliveryId()).isEqualTo(marker);
    }

    /**
     * The records of {@code verity.commits} in the order they were published (the topic has several partitions;
     * each delivery is acknowledged before the next is sent, so later records never have earlier timestamps).
     */
    private static List<ConsumerRecord<String, String>> records() {
        EmbeddedKafka kafka = EmbeddedKafkaResource.kafka();
        return kafka.readAll(Topics.COMMITS).stream()
                .sorted(java.util.Comparator.comparingLong(ConsumerRecord<String, String>::timestamp)).toList();
    }

    private static RequestSpecification delivery(String event, String deliveryId, byte[] body, String secret) {
        return given()
                .header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", deliveryId)
                .header("X-Hub-Signature-256", HmacSignature.sign(secret, body))
                .header("User-Agent", "GitHub-Hookshot/test")
                .contentType("application/json")
                .body(body);
    }
}
