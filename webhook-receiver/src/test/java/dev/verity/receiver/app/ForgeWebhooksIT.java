package dev.verity.receiver.app;

import dev.verity.events.RepoIdentity;
import dev.verity.events.CommitPushed;
import dev.verity.events.EventCodec;
import dev.verity.events.RefDeleted;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.receiver.FixtureEvents;
import dev.verity.receiver.ForgeDeliveries;
import dev.verity.receiver.Fixtures;
import dev.verity.receiver.StandardWebhookSignature;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.metrics.PrometheusText;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.emptyString;

/**
 * Every forge's per-repository endpoint on a real broker: each stored fixture, signed as its forge signs it, is
 * answered 202 with exactly its event on {@code verity.commits} (or 204 and nothing); refusals publish nothing.
 * Each "nothing published" check is followed by a good delivery that must be the only new record.
 */
@QuarkusTest
@TestProfile(ForgeWebhooksIT.OneRepositoryPerForge.class)
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
class ForgeWebhooksIT {

    static final List<String> FORGES = List.of("github", "gitlab", "gitea", "forgejo", "bitbucket", "bitbucket-server", "generic");
    static final String SIGNING_KEY = "whsec_" + Base64.getEncoder().encodeToString("it-signing-key-0123456789abcdef!".getBytes(StandardCharsets.US_ASCII));
    static final String NEW_SIGNING_KEY = "whsec_" + Base64.getEncoder().encodeToString("it-signing-key-rotated-456789ab!".getBytes(StandardCharsets.US_ASCII));

    static String id(String forge) {
        return forge.replace("-", "");
    }

    static String url(String forge) {
        return "https://git.example.com/verity/" + id(forge) + ".git";
    }

    static String secret(String forge) {
        return id(forge) + "-it-secret";
    }

    /** One repository per forge, each only reachable on its forge's endpoint, every branch published. */
    public static class OneRepositoryPerForge implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            for (String forge : FORGES) {
                String key = "verity.receiver.repositories." + id(forge);
                config.put(key + ".url", url(forge));
                config.put(key + ".secret", secret(forge));
                config.put(key + ".branch", "*");
                config.put(key + ".forge", forge);
            }
            config.put("verity.receiver.repositories.labsigned.url", "https://gitlab.example.com/verity/signed.git");
            config.put("verity.receiver.repositories.labsigned.secret", secret("labsigned"));
            config.put("verity.receiver.repositories.labsigned.branch", "*");
            config.put("verity.receiver.repositories.labsigned.signing-key", SIGNING_KEY + "," + NEW_SIGNING_KEY);
            // a smaller cap than the default 25M, so the test sends little
            config.put("verity.receiver.max-body-size", "1M");
            return config;
        }
    }

    private final EventCodec codec = new EventCodec();

    @Test
    void everyFixtureOfEveryForgeIsPublishedAsItsEventOrAnsweredNoContent() {
        int published = 0;
        for (Map.Entry<String, List<String>> dir : Fixtures.ALL.entrySet()) {
            for (String fixture : dir.getValue()) {
                String forge = ForgeDeliveries.forgeOf(dir.getKey(), fixture);
                String delivery = UUID.randomUUID().toString();
                int before = records().size();

                Response response = delivery(forge, ForgeDeliveries.eventOf(forge, fixture), delivery,
                        Fixtures.read(dir.getKey(), fixture), secret(forge)).post("/hooks/" + forge + "/" + id(forge));

                List<ConsumerRecord<String, String>> added = records().subList(before, records().size());
                Optional<VerityEvent> expected = FixtureEvents.expected(dir.getKey(), fixture, url(forge), delivery);
                String what = dir.getKey() + "/" + fixture;
                if (expected.isPresent()) {
                    response.then().statusCode(202);
                    assertThat(added).as(what).hasSize(1);
                    assertThat(added.get(0).key()).as(what).isEqualTo(RepoIdentity.of(url(forge)));
                    assertThat(codec.decodeEnvelope(added.get(0).value()).event()).as(what).isEqualTo(expected.get());
                    published++;
                } else {
                    response.then().statusCode(204);
                    assertThat(response.header("X-Verity-Ignored")).as(what).isNotBlank();
                    assertThat(added).as(what).isEmpty();
                }
            }
        }
        assertThat(published).isEqualTo(12);
    }

    @Test
    void aWrongOrMissingSignatureOrTokenIs401AndNothingIsPublished() {
        for (String forge : FORGES) {
            int before = records().size();
            byte[] body = body(forge);
            delivery(forge, ForgeDeliveries.eventOf(forge, "push.json"), "wrong-" + forge, body, "not-the-secret")
                    .post("/hooks/" + forge + "/" + id(forge))
                    .then().statusCode(401).body(containsString("verity.receiver.repositories." + id(forge) + ".secret"))
                    .body(org.hamcrest.Matchers.not(containsString(secret(forge))));
            given().contentType("application/json").body(body).post("/hooks/" + forge + "/" + id(forge))
                    .then().statusCode(401);
            assertOnlyNewRecordIsAGoodPush(before, forge);
        }
    }

    @Test
    void anUnknownRepositoryIdOrAnotherForgesEndpointIsABare404() {
        int before = records().size();
        byte[] body = body("gitlab");
        delivery("gitlab", "Push Hook", "unknown", body, secret("gitlab")).post("/hooks/gitlab/nosuchrepo")
                .then().statusCode(404).body(emptyString());
        // the gitlab repository is configured with forge=gitlab
        delivery("generic", "push", "other-forge", body(("generic")), secret("gitlab")).post("/hooks/generic/gitlab")
                .then().statusCode(404).body(emptyString());
        delivery("gitlab", "Push Hook", "no-forge", body, secret("gitlab")).post("/hooks/gitbucket/gitlab")
                .then().statusCode(404).body(emptyString());
        assertOnlyNewRecordIsAGoodPush(before, "gitlab");
    }

    @Test
    void serverMetricsNameTheRouteNeverTheRequestedPath() {
        String scan = "scan" + UUID.randomUUID().toString().replace("-", "");
        for (int i = 0; i < 3; i++) {
            delivery("gitlab", "Push Hook", "scan", body("gitlab"), secret("gitlab")).post("/hooks/gitlab/" + scan + i)
                    .then().statusCode(404);
            delivery("gitlab", "Push Hook", "scan", body("gitlab"), secret("gitlab")).post("/hooks/" + scan + i + "/gitlab")
                    .then().statusCode(404);
        }
        given().get("/hooks/gitlab/gitlab").then().statusCode(405);
        assertOnlyNewRecordIsAGoodPush(records().size(), "gitlab");

        PrometheusText metrics = PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
        List<String> uris = metrics.samples().stream().filter(s -> s.name().equals("http_server_requests_seconds_count"))
                .map(s -> s.labels().get("uri")).distinct().toList();
        assertThat(uris).as("uri labels of http_server_requests").contains("/hooks/{forge}/{repository}")
                .noneMatch(uri -> uri.contains(scan));
    }

    @Test
    void gitlabSigningTokenExpiredIs401AndRotatedKeysAreAccepted() {
        byte[] body = body("gitlab");
        long now = Instant.now().getEpochSecond();
        int before = records().size();

        signedGitlab(body, now - 3600, StandardWebhookSignature.sign(SIGNING_KEY, "msg-old", now - 3600, body), "msg-old")
                .then().statusCode(401).body(containsString("replay"));
        signedGitlab(body, now, "v1," + Base64.getEncoder().encodeToString(new byte[32]), "msg-forged").then().statusCode(401);
        assertThat(records().subList(before, records().size())).isEmpty();

        // GitLab rotating: two signatures, the first with a key this receiver does not hold
        String stranger = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        String both = StandardWebhookSignature.sign(stranger, "msg-rot", now, body) + " "
                + StandardWebhookSignature.sign(NEW_SIGNING_KEY, "msg-rot", now, body);
        signedGitlab(body, now, both, "msg-rot").then().statusCode(202);
        signedGitlab(body, now, StandardWebhookSignature.sign(SIGNING_KEY, "msg-cur", now, body), "msg-cur").then().statusCode(202);
        List<ConsumerRecord<String, String>> added = records().subList(before, records().size());
        assertThat(added).hasSize(2);
        assertThat(added).allSatisfy(r -> assertThat(r.key()).isEqualTo("gitlab.example.com/verity/signed"));
    }

    private static Response signedGitlab(byte[] body, long timestamp, String signature, String id) {
        return given().headers(ForgeDeliveries.headers("gitlab", "Push Hook", id, body, secret("labsigned")))
                .header("webhook-id", id).header("webhook-timestamp", String.valueOf(timestamp))
                .header("webhook-signature", signature).body(body).post("/hooks/gitlab/labsigned");
    }

    @Test
    void aBitbucketDeliveryMovingThreeBranchesIsAcceptedWithThreeEventsOnTheTopic() {
        String json = "{\"eventKey\":\"repo:refs_changed\",\"actor\":{\"name\":\"jo\"},\"changes\":["
                + "{\"ref\":{\"id\":\"refs/heads/main\",\"type\":\"BRANCH\"},\"fromHash\":\"5c64a07cd6c0f21b753bf261ef059c7e7633c50a\",\"toHash\":\"823b2230a56056231c9425d63758fa87078a66b4\",\"type\":\"UPDATE\"},"
                + "{\"ref\":{\"id\":\"refs/heads/old\",\"type\":\"BRANCH\"},\"fromHash\":\"208b0a5c05eddadad01f2aed8802fe0c3b3eaf5e\",\"toHash\":\"0000000000000000000000000000000000000000\",\"type\":\"DELETE\"},"
                + "{\"ref\":{\"id\":\"refs/tags/v9\",\"type\":\"TAG\"},\"fromHash\":\"0000000000000000000000000000000000000000\",\"toHash\":\"823b2230a56056231c9425d63758fa87078a66b4\",\"type\":\"ADD\"},"
                + "{\"ref\":{\"id\":\"refs/heads/new\",\"type\":\"BRANCH\"},\"fromHash\":\"0000000000000000000000000000000000000000\",\"toHash\":\"823b2230a56056231c9425d63758fa87078a66b4\",\"type\":\"ADD\"}]}";
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        int before = records().size();

        delivery("bitbucket-server", "repo:refs_changed", "multi", body, secret("bitbucket-server"))
                .post("/hooks/bitbucket-server/bitbucketserver").then().statusCode(202);

        List<VerityEvent> events = new ArrayList<>();
        records().subList(before, records().size()).forEach(r -> events.add(codec.decodeEnvelope(r.value()).event()));
        String repo = url("bitbucket-server");
        assertThat(events).containsExactlyInAnyOrder(
                new CommitPushed(repo, "main", "5c64a07cd6c0f21b753bf261ef059c7e7633c50a", "823b2230a56056231c9425d63758fa87078a66b4",
                        List.of(), "multi", "bitbucket-server", false, "jo"),
                new RefDeleted(repo, "old", "208b0a5c05eddadad01f2aed8802fe0c3b3eaf5e", "multi", "bitbucket-server", "jo"),
                new CommitPushed(repo, "new", "0".repeat(40), "823b2230a56056231c9425d63758fa87078a66b4",
                        List.of(), "multi", "bitbucket-server", false, "jo"));
    }

    @Test
    void formEncodedDeliveriesAreVerifiedAsEachForgeSignsOr415() throws Exception {
        byte[] json = Fixtures.read("gitea", "push-new-branch.json");
        byte[] form = ("payload=" + java.net.URLEncoder.encode(new String(json, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.US_ASCII);
        int before = records().size();
        // Gitea signs the payload JSON, not the form body
        assertThat(postForm("/hooks/gitea/gitea", ForgeDeliveries.headers("gitea", "push", "form-gitea", json, secret("gitea")), form)
                .statusCode()).isEqualTo(202);
        // GitHub signs the raw form body
        byte[] githubForm = ("payload=" + java.net.URLEncoder.encode(new String(Fixtures.github("push.json"), StandardCharsets.UTF_8),
                StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
        assertThat(postForm("/hooks/github/github", ForgeDeliveries.headers("github", "push", "form-github", githubForm,
                secret("github")), githubForm).statusCode()).isEqualTo(202);
        assertThat(records().subList(before, records().size())).hasSize(2);
        // Bitbucket sends JSON only
        HttpResponse<String> refused = postForm("/hooks/bitbucket/bitbucket",
                ForgeDeliveries.headers("bitbucket", "repo:push", "form-bb", form, secret("bitbucket")), form);
        assertThat(refused.statusCode()).isEqualTo(415);
        assertThat(refused.body()).contains("application/json");
        assertThat(records().subList(before, records().size())).hasSize(2);
    }

    @TestHTTPResource("/")
    URI root;

    private HttpResponse<String> postForm(String path, Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            if (!name.equals("Content-Type")) request.header(name, value);
        });
        request.header("Content-Type", "application/x-www-form-urlencoded");
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyOverTheConfiguredCapIs413WithOrWithoutContentLength() throws Exception {
        byte[] big = new byte[1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        Map<String, String> headers = ForgeDeliveries.headers("generic", "push", "big", big, secret("generic"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (boolean chunked : List.of(false, true)) {
            HttpRequest.Builder request = HttpRequest.newBuilder(root.resolve("/hooks/generic/generic"))
                    .header("X-Verity-Signature", headers.get("X-Verity-Signature")).header("Content-Type", "application/json");
            // an InputStream publisher has no length: the body goes out chunked, with no Content-Length
            request.POST(chunked ? HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))
                    : HttpRequest.BodyPublishers.ofByteArray(big));
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(chunked ? "chunked" : "with Content-Length").isEqualTo(413);
            assertThat(response.body()).as(chunked ? "chunked" : "with Content-Length").contains("verity.receiver.max-body-size");
        }
    }

    /**
     * A delivery the headers already refuse — no signature, a wrong GitLab token, an unknown repository — is answered
     * at once, while its (large) body is still on its way: nothing waits for or buffers it.
     */
    @Test
    void whatTheHeadersRefuseIsAnsweredBeforeTheBodyArrives() throws Exception {
        Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("POST /hooks/github/github HTTP/1.1\r\nX-GitHub-Event: push\r\n", "HTTP/1.1 401");
        cases.put("POST /hooks/gitlab/gitlab HTTP/1.1\r\nX-Gitlab-Event: Push Hook\r\nX-Gitlab-Token: not-the-token\r\n",
                "HTTP/1.1 401");
        cases.put("POST /hooks/github/nosuch HTTP/1.1\r\nX-GitHub-Event: push\r\n", "HTTP/1.1 404");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            try (java.net.Socket socket = new java.net.Socket(root.getHost(), root.getPort())) {
                socket.setSoTimeout(5_000); // well under the 10 s request time limit, which a waiting receiver would use
                java.io.OutputStream out = socket.getOutputStream();
                // announces 1,000,000 bytes (under the 1M cap) and sends 10
                out.write((c.getKey() + "Host: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
                        + "{\"ref\":\"x\"").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                String status = in.readLine();
                assertThat(status).as(c.getKey()).startsWith(c.getValue());
                if (c.getValue().endsWith("401")) {
                    String line;
                    do {
                        line = in.readLine(); // headers, then the text
                    } while (line != null && !line.contains("verity.receiver.repositories."));
                    assertThat(line).as(c.getKey() + ": the text says which secret to set").isNotNull();
                }
            }
        }
    }

    /**
     * Refused on its headers alone, a sender waiting for {@code 100 Continue} gets the refusal, never the go-ahead,
     * and the connection closes (the body it announced will not come).
     */
    @Test
    void anUnsignedDeliveryThatWaitsFor100ContinueIsRefusedWithoutItsBody() throws Exception {
        byte[] body = Fixtures.github("push.json");
        ExpectContinueExchange exchange = ExpectContinueExchange.post(root.resolve("/hooks/github/github"),
                Map.of("X-GitHub-Event", "push", "Content-Type", "application/json"), body, body.length);

        assertThat(exchange.interim()).as(exchange.answer()).isNull();
        assertThat(exchange.status()).as(exchange.answer()).isEqualTo(401);
        assertThat(exchange.answer()).contains("verity.receiver.repositories.github.secret");
        assertThat(exchange.closed()).as("connection closed after the 401").isTrue();
    }

    /** A push body each forge's endpoint publishes. */
    private static byte[] body(String forge) {
        return switch (forge) {
            case "github" -> Fixtures.github("push.json");
            case "gitlab" -> Fixtures.read("gitlab", "push.json");
            case "gitea" -> Fixtures.read("gitea", "push.json");
            case "forgejo" -> Fixtures.read("forgejo", "push-docs-example.json");
            case "bitbucket" -> Fixtures.read("bitbucket", "cloud-repo-push.json");
            case "bitbucket-server" -> Fixtures.read("bitbucket", "datacenter-repo-refs_changed.json");
            default -> "{\"ref\":\"refs/heads/main\",\"after\":\"823b2230a56056231c9425d63758fa87078a66b4\"}".getBytes(StandardCharsets.UTF_8);
        };
    }

    private void assertOnlyNewRecordIsAGoodPush(int before, String forge) {
        String marker = "good-" + UUID.randomUUID();
        delivery(forge, ForgeDeliveries.eventOf(forge, "push.json"), marker, body(forge), secret(forge))
                .post("/hooks/" + forge + "/" + id(forge)).then().statusCode(202);
        List<ConsumerRecord<String, String>> added = records().subList(before, records().size());
        assertThat(added).as("records added to " + Topics.COMMITS).hasSize(1);
        assertThat(codec.decode(added.get(0).value(), CommitPushed.class).deliveryId()).isEqualTo(marker);
    }

    private static List<ConsumerRecord<String, String>> records() {
        return EmbeddedKafkaResource.kafka().readAll(Topics.COMMITS).stream()
                .sorted(Comparator.comparingLong(ConsumerRecord<String, String>::timestamp)).toList();
    }

    private static RequestSpecification delivery(String forge, String event, String deliveryId, byte[] body, String secret) {
        return given().headers(ForgeDeliveries.headers(forge, event, deliveryId, body, secret)).body(body);
    }
}
