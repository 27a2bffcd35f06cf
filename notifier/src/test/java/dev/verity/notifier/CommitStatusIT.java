package dev.verity.notifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplyStarted;
import dev.verity.events.CommitPushed;
import dev.verity.events.EventCodec;
import dev.verity.events.Healthy;
import dev.verity.events.Rendered;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.testkit.forge.ForgeStatusRecorder;
import dev.verity.testkit.forge.ForgeStatusRecorder.Api;
import dev.verity.testkit.forge.StatusCall;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.metrics.PrometheusText;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.verity.testkit.kafka.EmbeddedKafkaResource.kafka;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Commit statuses through real Kafka to the recording stand-in of each forge's statuses API: a push pending on
 * {@code verity/render} as soon as it is read, then rendered, then its changed environment pending until healthy;
 * pending → success and pending → failure on GitHub, GitLab and Forgejo, the commit-status metrics, a superseded commit ended, a 429 waited out, and a wrong token
 * reported on {@code verity.undelivered} without the token.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = CommitStatusIT.Forges.class, restrictToAnnotatedClass = true)
class CommitStatusIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String GITHUB_REPO = "https://github.com/acme/shop.git";
    static final String GITLAB_REPO = "https://gitlab.example.com/acme/platform/shop.git";
    static final String FORGEJO_REPO = "https://codeberg.org/acme/shop";
    static final String WRONG_TOKEN_REPO = "https://github.com/acme/locked.git";
    static final String WRONG_TOKEN = "ghp_wrong-token-that-must-not-leak";

    /** The stand-in, and one repository per forge (and one with a wrong token). */
    public static class Forges implements QuarkusTestResourceLifecycleManager {
        static volatile ForgeStatusRecorder recorder;

        @Override
        public Map<String, String> start() {
            recorder = ForgeStatusRecorder.start();
            Map<String, String> config = new HashMap<>();
            forge(config, "shop-github", GITHUB_REPO, "github", Api.GITHUB, recorder.token());
            forge(config, "shop-gitlab", GITLAB_REPO, "gitlab", Api.GITLAB, recorder.token());
            forge(config, "shop-forgejo", FORGEJO_REPO, "forgejo", Api.GITEA, recorder.token());
            forge(config, "locked", WRONG_TOKEN_REPO, "github", Api.GITHUB, WRONG_TOKEN);
            config.put("verity.notifier.forges.shop-github.target-url", "https://verity.example.com/targets");
            return config;
        }

        private static void forge(Map<String, String> config, String id, String url, String forge, Api api, String token) {
            config.put("verity.notifier.forges." + id + ".url", url);
            config.put("verity.notifier.forges." + id + ".forge", forge);
            config.put("verity.notifier.forges." + id + ".api-url", recorder.apiUrl(api));
            config.put("verity.notifier.forges." + id + ".token", token);
        }

        @Override
        public void stop() {
            if (recorder != null) recorder.close();
        }
    }

    final EventCodec codec = new EventCodec();

    @Test
    void githubShowsPendingThenSuccessAndPendingThenFailure() {
        pendingThenSuccessAndFailure(GITHUB_REPO, Api.GITHUB, "acme/shop", "pending", "success", "failure",
                "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01");
        StatusCall call = recorder().statuses("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01").get(0);
        assertThat(call.path()).isEqualTo("/github/repos/acme/shop/statuses/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01");
        assertThat(call.targetUrl()).isEqualTo("https://verity.example.com/targets");
    }

    @Test
    void gitlabShowsRunningThenSuccessAndRunningThenFailed() {
        pendingThenSuccessAndFailure(GITLAB_REPO, Api.GITLAB, "acme/platform/shop", "running", "success", "failed",
                "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb02");
        assertThat(recorder().statuses("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb02").get(0).path())
                .isEqualTo("/gitlab/api/v4/projects/acme%2Fplatform%2Fshop/statuses/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb02");
    }

    @Test
    void forgejoShowsPendingThenSuccessAndPendingThenFailure() {
        pendingThenSuccessAndFailure(FORGEJO_REPO, Api.GITEA, "acme/shop", "pending", "success", "failure",
                "cccccccccccccccccccccccccccccccccccccc03");
    }

    @Test
    void aPushIsPendingAtOnceThenRenderedThenEachChangedEnvironmentUntilHealthyAndCounted() {
        PrometheusText before = scrape();
        assertThat(before.value("verity_commit_statuses_total", Map.of("forge", "gitlab", "result", "failure",
                "outcome", "undelivered"))).as("registered at zero from the start, for every configured forge")
                .contains(0.0);
        String sha = "abababababababababababababababababab0010";
        String older = "abababababababababababababababababab0009";
        TargetKey prod = TargetKey.parse("gh-eu/web/prod");
        TargetKey dev = TargetKey.parse("gh-eu/web/dev");
        sendPush(new CommitPushed(GITHUB_REPO, "main", "0".repeat(40), older, List.of(), "d-9", "github", true, "octocat"));
        sendPush(new CommitPushed(GITHUB_REPO, "main", older, sha, List.of("apps/web/overlays/prod/x.yaml"), "d-10",
                "github", true, "octocat"));
        sendPush(new CommitPushed(GITHUB_REPO, "feature/x", older, "abababababababababababababababababab0011", List.of(),
                "d-11", "github", true, "octocat"));
        recorder().await(c -> c.sha().equals(sha) && "verity/render".equals(c.context()) && "pending".equals(c.state()),
                WAIT);

        send(new Rendered(GITHUB_REPO, "main", sha, List.of(prod), List.of(dev), List.of(), List.of()));
        recorder().await(c -> c.sha().equals(sha) && ("verity/" + prod).equals(c.context()), WAIT);
        send(new ApplyStarted(prod, GITHUB_REPO, sha, "sha256:w", 2));
        send(new Healthy(prod, GITHUB_REPO, sha, "sha256:w", List.of(), null));
        recorder().await(c -> c.sha().equals(sha) && "success".equals(c.state()) && c.context().endsWith("/prod"), WAIT);

        List<StatusCall> statuses = recorder().statuses(sha);
        assertThat(statuses).extracting(StatusCall::context, StatusCall::state).containsExactly(
                org.assertj.core.groups.Tuple.tuple("verity/render", "pending"),
                org.assertj.core.groups.Tuple.tuple("verity/render", "success"),
                org.assertj.core.groups.Tuple.tuple("verity/" + prod, "pending"),
                org.assertj.core.groups.Tuple.tuple("verity/" + prod, "pending"),
                org.assertj.core.groups.Tuple.tuple("verity/" + prod, "success"));
        assertThat(statuses).extracting(StatusCall::description).containsExactly(
                "Rendering main at abababababab, pushed by octocat",
                "Rendered; changed: gh-eu/web/prod; 1 unchanged",
                "Rendered; waiting for the applier of gh-eu (gh-eu/web/prod)",
                "Applying 2 object(s) to gh-eu/web/prod",
                "Applied and healthy in gh-eu/web/prod");
        assertThat(recorder().statuses(older)).as("pushed before the rendered head: never rendered, not left pending")
                .extracting(StatusCall::state).containsExactly("pending", "error");
        assertThat(recorder().statuses("abababababababababababababababababab0011")).as("a branch not rendered").isEmpty();

        // counted once the forge answered (the stand-in records the call before the notifier reads the answer)
        await().atMost(WAIT).untilAsserted(() -> {
            PrometheusText after = scrape();
            assertThat(after.count("verity_commit_statuses_total", Map.of("forge", "github", "result", "success",
                    "outcome", "delivered")) - before.count("verity_commit_statuses_total", Map.of("forge", "github",
                    "result", "success", "outcome", "delivered"))).isGreaterThanOrEqualTo(2);
            assertThat(after.count("verity_commit_statuses_total", Map.of("forge", "github", "result", "error",
                    "outcome", "delivered")) - before.count("verity_commit_statuses_total", Map.of("forge", "github",
                    "result", "error", "outcome", "delivered"))).isGreaterThanOrEqualTo(1);
            assertThat(after.count("verity_notifications_total", Map.of("destination", "forge", "outcome", "delivered"))
                    - before.count("verity_notifications_total", Map.of("destination", "forge", "outcome", "delivered")))
                    .isGreaterThanOrEqualTo(7);
        });
    }

    @Test
    void aCommitSupersededBeforeItWasAppliedDoesNotStayPending() {
        TargetKey target = TargetKey.parse("gh-eu/cart/prod");
        String older = "dddddddddddddddddddddddddddddddddddddd04";
        String newer = "dddddddddddddddddddddddddddddddddddddd05";
        send(new ApplyStarted(target, GITHUB_REPO, older, "sha256:1", 2));
        send(new ApplyStarted(target, GITHUB_REPO, newer, "sha256:2", 2));
        send(new Healthy(target, GITHUB_REPO, newer, "sha256:2", List.of(), null));
        recorder().await(c -> c.sha().equals(newer) && "success".equals(c.state()), WAIT);
        assertThat(recorder().statuses(older)).extracting(StatusCall::state).containsExactly("pending", "error");
        assertThat(recorder().statuses(older).get(1).description())
                .isEqualTo("Superseded by dddddddddddd before it finished in gh-eu/cart/prod");
    }

    @Test
    void aRateLimitIsWaitedOutAndTheStatusDeliveredOnce() {
        String sha = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee06";
        recorder().failNext(1, 403, Map.of("X-RateLimit-Remaining", "0",
                "X-RateLimit-Reset", String.valueOf(java.time.Instant.now().getEpochSecond() + 1)));
        send(new ApplyStarted(TargetKey.parse("gh-eu/limited/prod"), GITHUB_REPO, sha, "sha256:1", 1));
        recorder().await(c -> c.sha().equals(sha) && c.accepted(), WAIT);
        List<StatusCall> calls = recorder().calls().stream().filter(c -> c.sha().equals(sha)).toList();
        assertThat(calls).extracting(StatusCall::answered).containsExactly(403, 201);
        assertThat(Duration.between(calls.get(0).at(), calls.get(1).at())).as("waited for the reset")
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aWrongTokenIsReportedUndeliveredWithoutTheToken() throws Exception {
        String sha = "ffffffffffffffffffffffffffffffffffffff07";
        TargetKey target = TargetKey.parse("gh-eu/locked/prod");
        send(new ApplyStarted(target, WRONG_TOKEN_REPO, sha, "sha256:1", 1));
        String value = await().atMost(WAIT).until(() -> kafka().readAll(Topics.UNDELIVERED).stream()
                .filter(r -> target.toString().equals(r.key()) && r.value().contains("\"channel\":\"forge\""))
                .map(r -> r.value()).findFirst(), java.util.Optional::isPresent).orElseThrow();
        JsonNode report = new ObjectMapper().readTree(value);
        assertThat(report.get("destination").asText()).isEqualTo("forge@locked");
        assertThat(report.get("reason").asText()).contains("answered 401", "Bad credentials", "permanent; not retried",
                "verity.notifier.forges.locked.token");
        assertThat(report.get("attempts").asInt()).isEqualTo(1);
        assertThat(value).doesNotContain(WRONG_TOKEN);
        List<StatusCall> calls = recorder().calls().stream().filter(c -> c.sha().equals(sha)).toList();
        assertThat(calls).singleElement().satisfies(c -> {
            assertThat(c.authorized()).isTrue();
            assertThat(c.answered()).isEqualTo(401);
        });
    }

    private void pendingThenSuccessAndFailure(String repo, Api api, String project, String pending, String success,
            String failure, String sha) {
        TargetKey prod = TargetKey.parse(api.name().toLowerCase() + "-eu/shop/prod");
        TargetKey staging = TargetKey.parse(api.name().toLowerCase() + "-eu/shop/staging");
        send(new ApplyStarted(prod, repo, sha, "sha256:p", 3));
        send(new ApplyStarted(staging, repo, sha, "sha256:s", 3));
        send(new Applied(prod, repo, sha, "sha256:p", List.of()));
        send(new Healthy(prod, repo, sha, "sha256:p", List.of(), null));
        send(new ApplyFailed(staging, repo, sha, "sha256:s", null,
                "Deployment shop-staging/web: admission webhook denied the request: image tag latest is not allowed"));

        String prodContext = "verity/" + prod;
        String stagingContext = "verity/" + staging;
        recorder().await(c -> c.sha().equals(sha) && c.accepted() && prodContext.equals(c.context())
                && success.equals(c.state()), WAIT);
        recorder().await(c -> c.sha().equals(sha) && c.accepted() && stagingContext.equals(c.context())
                && failure.equals(c.state()), WAIT);
        List<StatusCall> statuses = recorder().statuses(sha);
        assertThat(statuses).allSatisfy(c -> {
            assertThat(c.api()).isEqualTo(api);
            assertThat(c.project()).isEqualTo(project);
            assertThat(c.authorized()).isTrue();
        });
        assertThat(statuses.stream().filter(c -> prodContext.equals(c.context())))
                .extracting(StatusCall::state).containsExactly(pending, success);
        assertThat(statuses.stream().filter(c -> stagingContext.equals(c.context())))
                .extracting(StatusCall::state).containsExactly(pending, failure);
        StatusCall failed = statuses.stream().filter(c -> failure.equals(c.state())).findFirst().orElseThrow();
        assertThat(failed.description()).startsWith("ApplyFailed in " + staging + ": Deployment shop-staging/web:")
                .hasSizeLessThanOrEqualTo(140);
        assertThat(statuses.stream().filter(c -> success.equals(c.state())).findFirst().orElseThrow().description())
                .isEqualTo("Applied and healthy in " + prod);
    }

    private void send(VerityEvent event) {
        kafka().send(Topics.ROLLOUT, event.key(), codec.encode(event));
    }

    private void sendPush(CommitPushed push) {
        kafka().send(Topics.COMMITS, push.key(), codec.encode(push));
    }

    private static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    private static ForgeStatusRecorder recorder() {
        return Forges.recorder;
    }
}
