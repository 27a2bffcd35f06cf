package dev.verity.receiver;

import dev.verity.events.CommitPushed;
import dev.verity.events.RefDeleted;
import dev.verity.receiver.HookOutcome.Ignored;
import dev.verity.receiver.HookOutcome.Publish;
import dev.verity.receiver.HookOutcome.Reason;
import dev.verity.receiver.HookOutcome.Rejected;
import dev.verity.receiver.github.GithubForge;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.verity.receiver.Fixtures.github;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole decision for GitHub deliveries of the real fixtures, signed as GitHub would sign them. */
class WebhookIntakeTest {

    private static final String SAMPLE_SECRET = "sample-app-secret";
    private static final String HELLO_SECRET = "hello-world-secret";
    private static final String DRONE_SECRET = "drone-secret";

    private final GithubForge github = new GithubForge();
    private final WebhookIntake intake = new WebhookIntake(new RepositoryRegistry(List.of(
            new RepositorySettings("sample", "https://github.com/binkkatal/sample_app", SAMPLE_SECRET, Optional.of("master")),
            new RepositorySettings("hello", "git@github.com:Codertocat/Hello-World.git", HELLO_SECRET, Optional.of("master")),
            new RepositorySettings("drone", "https://github.com/bradrydzewski/drone-test-go.git", DRONE_SECRET, Optional.of("master"))),
            Optional.empty(), "main"));

    @Test
    void aSignedBranchPushIsPublished() {
        HookOutcome outcome = intake.receive(github, signed("push", "push.json", SAMPLE_SECRET));

        assertThat(outcome).isInstanceOf(Publish.class);
        assertThat(((Publish) outcome).event()).isEqualTo(new CommitPushed("https://github.com/binkkatal/sample_app.git", "master",
                "737d38c599c1b2991664dfc6155d6bf516fcce36", "fd489864e7642b48eaad6e3f155c10e46810ec72",
                List.of(".razorops.yaml", "app/controllers/application_controller.rb"), "delivery-push.json", "github",
                true, "binkkatal"));
    }

    @Test
    void aPushCreatingTheBranchIsPublished() {
        HookOutcome outcome = intake.receive(github, signed("push", "push-new-branch.json", HELLO_SECRET));

        assertThat(outcome).isInstanceOf(Publish.class);
        CommitPushed event = (CommitPushed) ((Publish) outcome).event();
        assertThat(event.before()).isEqualTo("0".repeat(40));
        assertThat(event.pathsComplete()).as("a new branch lists only the commits new to the repository").isFalse();
        assertThat(event.pusher()).isEqualTo("Codertocat");
        assertThat(((Publish) outcome).event().repo()).isEqualTo("https://github.com/Codertocat/Hello-World.git");
    }

    @Test
    void aSignatureMadeWithAnotherSecretIsRejected() {
        HookOutcome outcome = intake.receive(github, signed("push", "push.json", HELLO_SECRET));

        assertThat(outcome).isInstanceOf(Rejected.class);
        Rejected rejected = (Rejected) outcome;
        assertThat(rejected.reason()).isEqualTo(Reason.BAD_SIGNATURE);
        assertThat(rejected.message())
                .isEqualTo("the X-Hub-Signature-256 signature does not match https://github.com/binkkatal/sample_app.git:"
                        + " the webhook's secret must equal verity.receiver.repositories.sample.secret")
                .doesNotContain(SAMPLE_SECRET).doesNotContain(HELLO_SECRET);
    }

    @Test
    void aSignatureOfOtherBytesIsRejected() {
        byte[] body = github("push.json");
        Map<String, String> headers = headers("push", "push.json");
        headers.put("X-Hub-Signature-256", HmacSignature.sign(SAMPLE_SECRET, github("push-new-branch.json")));

        assertThat(intake.receive(github, new HookRequest(headers, body)))
                .isInstanceOf(Rejected.class).extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void anUnsignedDeliveryIsRejectedBeforeItsBodyIsRead() {
        Map<String, String> headers = headers("push", "push.json");
        HookOutcome outcome = intake.receive(github, new HookRequest(headers, "not json".getBytes(StandardCharsets.UTF_8)));
        assertThat(outcome).isInstanceOf(Rejected.class);
        assertThat(((Rejected) outcome).reason()).isEqualTo(Reason.UNSIGNED);
        assertThat(((Rejected) outcome).message()).startsWith("the delivery has no X-Hub-Signature-256 header");

        headers.put("X-Hub-Signature-256", "sha256=");
        assertThat(intake.receive(github, new HookRequest(headers, github("push.json"))))
                .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.UNSIGNED);
    }

    @Test
    void anUnknownRepositoryIsRejectedNamingItAndTheKeysToSet() {
        byte[] body = new String(github("push.json"), StandardCharsets.UTF_8)
                .replace("binkkatal/sample_app", "someone/elsewhere").getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = headers("push", "push.json");
        headers.put("X-Hub-Signature-256", HmacSignature.sign("whatever", body));

        HookOutcome outcome = intake.receive(github, new HookRequest(headers, body));

        assertThat(outcome).isInstanceOf(Rejected.class);
        assertThat(((Rejected) outcome).reason()).isEqualTo(Reason.UNKNOWN_REPOSITORY);
        assertThat(((Rejected) outcome).message())
                .startsWith("no webhook secret is configured for repository https://github.com/someone/elsewhere.git:")
                .contains("verity.receiver.repositories.<id>.url=https://github.com/someone/elsewhere.git")
                .contains("verity.receiver.repositories.<id>.secret")
                .contains("VERITY_RECEIVER_REPOSITORIES_<ID>_SECRET")
                .contains("verity.receiver.default-secret");
    }

    @Test
    void theDefaultSecretAcceptsUnlistedRepositoriesOnTheDefaultBranch() {
        WebhookIntake withDefault = new WebhookIntake(new RepositoryRegistry(List.of(), Optional.of("one-for-all"), "master"));

        assertThat(withDefault.receive(github, signed("push", "push.json", "one-for-all"))).isInstanceOf(Publish.class);
        assertThat(withDefault.receive(github, signed("push", "push.json", SAMPLE_SECRET)))
                .isEqualTo(new Rejected(Reason.BAD_SIGNATURE, "the X-Hub-Signature-256 signature does not match"
                        + " https://github.com/binkkatal/sample_app.git: the webhook's secret must equal"
                        + " verity.receiver.default-secret"));

        WebhookIntake onMain = new WebhookIntake(new RepositoryRegistry(List.of(), Optional.of("one-for-all"), "main"));
        assertThat(onMain.receive(github, signed("push", "push.json", "one-for-all")))
                .isEqualTo(new Ignored("push to branch master of https://github.com/binkkatal/sample_app.git:"
                        + " Verity renders branch main (verity.receiver.default-branch)"));
    }

    @Test
    void aListedRepositoryUsesItsOwnSecretEvenWhenADefaultIsSet() {
        WebhookIntake both = new WebhookIntake(new RepositoryRegistry(List.of(
                new RepositorySettings("sample", "https://github.com/binkkatal/sample_app.git", SAMPLE_SECRET, Optional.empty())),
                Optional.of("one-for-all"), "master"));

        assertThat(both.receive(github, signed("push", "push.json", SAMPLE_SECRET))).isInstanceOf(Publish.class);
        assertThat(both.receive(github, signed("push", "push.json", "one-for-all")))
                .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void pushesToAnotherBranchThanTheConfiguredOneAreIgnored() {
        WebhookIntake mainOnly = new WebhookIntake(new RepositoryRegistry(List.of(
                new RepositorySettings("sample", "https://github.com/binkkatal/sample_app.git", SAMPLE_SECRET, Optional.of("main"))),
                Optional.empty(), "master"));

        assertThat(mainOnly.receive(github, signed("push", "push.json", SAMPLE_SECRET)))
                .isEqualTo(new Ignored("push to branch master of https://github.com/binkkatal/sample_app.git:"
                        + " Verity renders branch main (verity.receiver.repositories.sample.branch)"));
    }

    @Test
    void deletingTheBranchVerityRendersIsPublishedAsRefDeleted() {
        WebhookIntake onFeature = new WebhookIntake(new RepositoryRegistry(List.of(new RepositorySettings("drone",
                "https://github.com/bradrydzewski/drone-test-go.git", DRONE_SECRET, Optional.of("feature-branch"))),
                Optional.empty(), "main"));

        HookOutcome outcome = onFeature.receive(github, signed("push", "push-branch-delete.json", DRONE_SECRET));

        assertThat(outcome).isEqualTo(new Publish(new RefDeleted("https://github.com/bradrydzewski/drone-test-go.git",
                "feature-branch", "d2b75aa7797ec26b088fa2dd527e9d2c052fcedd", "delivery-push-branch-delete.json", "github",
                "bradrydzewski")));
    }

    @Test
    void signedTagsDeletionsPingsAndOtherEventsAreIgnored() {
        assertThat(intake.receive(github, signed("push", "push-tag.json", DRONE_SECRET)))
                .isEqualTo(new Ignored("tag push refs/tags/v0.0.1: Verity renders branch heads only"));
        assertThat(intake.receive(github, signed("push", "push-tag-delete.json", HELLO_SECRET)))
                .isInstanceOf(Ignored.class);
        assertThat(intake.receive(github, signed("push", "push-branch-delete.json", DRONE_SECRET)))
                .isEqualTo(new Ignored("branch feature-branch of https://github.com/bradrydzewski/drone-test-go.git was"
                        + " deleted: Verity renders branch master (verity.receiver.repositories.drone.branch)"));
        assertThat(intake.receive(github, signed("pull_request", "pull_request.json", HELLO_SECRET)))
                .isEqualTo(new Ignored("event pull_request is not a push: Verity acts on pushes only"));
    }

    @Test
    void aPingIsCheckedLikeAnyDeliverySoAWrongSecretShowsOnTheForge() {
        WebhookIntake octocoders = new WebhookIntake(new RepositoryRegistry(List.of(
                new RepositorySettings("octo", "https://github.com/Octocoders/Hello-World.git", "octo-secret", Optional.empty())),
                Optional.empty(), "main"));

        assertThat(octocoders.receive(github, signed("ping", "ping.json", "octo-secret"))).isInstanceOf(Ignored.class);
        assertThat(octocoders.receive(github, signed("ping", "ping.json", "wrong")))
                .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void aDeliveryNamingNoRepositoryNeedsTheDefaultSecret() {
        byte[] body = "{\"zen\": \"Keep it logically awesome.\", \"hook_id\": 1}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = headers("ping", "org-ping");
        headers.put("X-Hub-Signature-256", HmacSignature.sign("one-for-all", body));

        assertThat(intake.receive(github, new HookRequest(headers, body)))
                .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.UNKNOWN_REPOSITORY);
        WebhookIntake withDefault = new WebhookIntake(new RepositoryRegistry(List.of(), Optional.of("one-for-all"), "main"));
        assertThat(withDefault.receive(github, new HookRequest(headers, body))).isInstanceOf(Ignored.class);
    }

    @Test
    void malformedJsonIsInvalid() {
        byte[] broken = "{\"ref\": \"refs/heads/master\",".getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = headers("push", "broken");
        headers.put("X-Hub-Signature-256", HmacSignature.sign(SAMPLE_SECRET, broken));
        HookOutcome outcome = intake.receive(github, new HookRequest(headers, broken));
        assertThat(outcome).isInstanceOf(Rejected.class);
        assertThat(((Rejected) outcome).reason()).isEqualTo(Reason.INVALID);
        assertThat(((Rejected) outcome).message()).startsWith("the push payload is not valid JSON");
    }

    @Test
    void aFormEncodedDeliveryIsVerifiedOverTheRawFormBodyAsGithubSignsIt() {
        byte[] json = github("push.json");
        byte[] form = ("payload=" + java.net.URLEncoder.encode(new String(json, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.US_ASCII);
        Map<String, String> headers = headers("push", "form");
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        headers.put("X-Hub-Signature-256", HmacSignature.sign(SAMPLE_SECRET, form));
        HookOutcome outcome = intake.receive(github, new HookRequest(headers, form));
        assertThat(outcome).isInstanceOf(Publish.class);
        assertThat(((CommitPushed) ((Publish) outcome).event()).after()).isEqualTo("fd489864e7642b48eaad6e3f155c10e46810ec72");

        // signed over the JSON inside, as Gitea does: not how GitHub signs, so refused
        headers.put("X-Hub-Signature-256", HmacSignature.sign(SAMPLE_SECRET, json));
        assertThat(intake.receive(github, new HookRequest(headers, form)))
                .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void aJsonBodyIsReadWhateverTheContentTypeSays() {
        // curl --data-binary sends application/x-www-form-urlencoded unless told otherwise
        HookRequest signed = signed("push", "push.json", SAMPLE_SECRET);
        Map<String, String> headers = headers("push", "push.json");
        headers.put("Content-Type", "application/x-www-form-urlencoded");
        headers.put("X-Hub-Signature-256", signed.header("X-Hub-Signature-256").orElseThrow());
        assertThat(intake.receive(github, new HookRequest(headers, signed.body()))).isInstanceOf(Publish.class);
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        byte[] body = github("push.json");
        Map<String, String> headers = Map.of("x-github-event", "push", "x-github-delivery", "lower",
                "x-hub-signature-256", HmacSignature.sign(SAMPLE_SECRET, body));
        HookOutcome outcome = intake.receive(github, new HookRequest(headers, body));
        assertThat(outcome).isInstanceOf(Publish.class);
        assertThat(((CommitPushed) ((Publish) outcome).event()).deliveryId()).isEqualTo("lower");
    }

    private static HookRequest signed(String event, String fixture, String secret) {
        byte[] body = github(fixture);
        Map<String, String> headers = headers(event, fixture);
        headers.put("X-Hub-Signature-256", HmacSignature.sign(secret, body));
        return new HookRequest(headers, body);
    }

    private static Map<String, String> headers(String event, String delivery) {
        Map<String, String> headers = new HashMap<>();
        headers.put("X-GitHub-Event", event);
        headers.put("X-GitHub-Delivery", "delivery-" + delivery);
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", "GitHub-Hookshot/044aadd");
        return headers;
    }
}
