package dev.verity.receiver.github;

import dev.verity.events.RepoIdentity;
import dev.verity.events.CommitPushed;
import dev.verity.receiver.ForgeRepository;
import dev.verity.receiver.ParsedHook;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.verity.receiver.Fixtures.github;
import static org.assertj.core.api.Assertions.assertThat;

class GithubPushParserTest {

    private final GithubPushParser parser = new GithubPushParser();

    @Test
    void aBranchPushBecomesAPushWithTheUnionOfChangedPaths() {
        ParsedHook hook = parser.parse("push", "delivery-1", github("push.json"));

        assertThat(hook).isInstanceOf(ParsedHook.Push.class);
        ParsedHook.Push push = (ParsedHook.Push) hook;
        assertThat(push.repo().cloneUrl()).isEqualTo("https://github.com/binkkatal/sample_app.git");
        assertThat(push.repo().fullName()).isEqualTo("binkkatal/sample_app");
        assertThat(push.repo().otherUrls()).contains("https://github.com/binkkatal/sample_app",
                "git@github.com:binkkatal/sample_app.git");
        assertThat(push.branch()).isEqualTo("master");
        assertThat(push.before()).isEqualTo("737d38c599c1b2991664dfc6155d6bf516fcce36");
        assertThat(push.after()).isEqualTo("fd489864e7642b48eaad6e3f155c10e46810ec72");
        assertThat(push.changedPaths()).containsExactly(".razorops.yaml", "app/controllers/application_controller.rb");
        assertThat(push.deliveryId()).isEqualTo("delivery-1");
        assertThat(push.pathsComplete()).as("an ordinary push lists every commit").isTrue();
        assertThat(push.pusher()).isEqualTo("binkkatal");

        CommitPushed event = push.toEvent("github");
        assertThat(event.repo()).isEqualTo("https://github.com/binkkatal/sample_app.git");
        assertThat(event.key()).isEqualTo(RepoIdentity.of(event.repo()));
        assertThat(event.commit()).isEqualTo("fd489864e7642b48eaad6e3f155c10e46810ec72");
        assertThat(event.forge()).isEqualTo("github");
    }

    @Test
    void aPushThatCreatesABranchIsAPushFromZeros() {
        ParsedHook.Push push = (ParsedHook.Push) parser.parse("push", null, github("push-new-branch.json"));

        assertThat(push.repo().cloneUrl()).isEqualTo("https://github.com/Codertocat/Hello-World.git");
        assertThat(push.branch()).isEqualTo("master");
        assertThat(push.before()).isEqualTo("0".repeat(40));
        assertThat(push.after()).isEqualTo("6113728f27ae82c7b1a177c8d03f9e96e0adf246");
        assertThat(push.changedPaths()).containsExactly("README.md");
        assertThat(push.deliveryId()).isNull();
        assertThat(push.pathsComplete()).as("a new branch lists only some commits").isFalse();
    }

    @Test
    void aBranchDeletionIsADeletionOfItsLastHead() {
        ParsedHook hook = parser.parse("push", "d", github("push-branch-delete.json"));

        assertThat(hook).isInstanceOf(ParsedHook.Deletion.class);
        ParsedHook.Deletion deletion = (ParsedHook.Deletion) hook;
        assertThat(deletion.branch()).isEqualTo("feature-branch");
        assertThat(deletion.before()).isEqualTo("d2b75aa7797ec26b088fa2dd527e9d2c052fcedd");
        assertThat(deletion.pusher()).isEqualTo("bradrydzewski");
        assertThat(hook.repository()).map(ForgeRepository::cloneUrl)
                .contains("https://github.com/bradrydzewski/drone-test-go.git");
    }

    @Test
    void tagPushesAndTagDeletionsAreIgnored() {
        ParsedHook tag = parser.parse("push", "d", github("push-tag.json"));
        assertThat(tag).isInstanceOf(ParsedHook.Ignored.class);
        assertThat(((ParsedHook.Ignored) tag).reason()).isEqualTo("tag push refs/tags/v0.0.1: Verity renders branch heads only");
        assertThat(tag.repository()).isPresent();

        ParsedHook deletion = parser.parse("push", "d", github("push-tag-delete.json"));
        assertThat(deletion).isInstanceOf(ParsedHook.Ignored.class);
        assertThat(((ParsedHook.Ignored) deletion).reason()).contains("refs/tags/simple-tag");
    }

    @Test
    void pingAndOtherEventsAreIgnoredButNameTheirRepository() {
        ParsedHook ping = parser.parse("ping", "d", github("ping.json"));
        assertThat(ping).isInstanceOf(ParsedHook.Ignored.class);
        assertThat(((ParsedHook.Ignored) ping).reason()).contains("ping").contains("109948940");
        assertThat(ping.repository()).map(ForgeRepository::cloneUrl).contains("https://github.com/Octocoders/Hello-World.git");

        ParsedHook pr = parser.parse("pull_request", "d", github("pull_request.json"));
        assertThat(pr).isInstanceOf(ParsedHook.Ignored.class);
        assertThat(((ParsedHook.Ignored) pr).reason()).isEqualTo("event pull_request is not a push: Verity acts on pushes only");
        assertThat(pr.repository()).map(ForgeRepository::cloneUrl).contains("https://github.com/Codertocat/Hello-World.git");
    }

    @Test
    void aPullRequestPayloadSentAsAPushIsInvalidNotPublished() {
        // pull_request.json has no ref/after: a push event header on it must not become a Push
        ParsedHook hook = parser.parse("push", "d", github("pull_request.json"));
        assertThat(hook).isInstanceOf(ParsedHook.Invalid.class);
        assertThat(((ParsedHook.Invalid) hook).reason()).isEqualTo("the push payload has no ref");
    }

    @Test
    void bodiesThatAreNotAJsonObjectAreInvalid() {
        assertInvalid("push", "{\"ref\": ", "is not valid JSON");
        assertInvalid("push", "", "not a JSON object");
        assertInvalid("push", "[1, 2]", "not a JSON object");
        assertInvalid("push", "{} {}", "is not valid JSON");
        assertInvalid("ping", "payload=%7B%7D", "is not valid JSON");
    }

    @Test
    void pushesWithoutTheFieldsEveryPushHasAreInvalid() {
        String repo = "\"repository\": {\"clone_url\": \"https://github.com/o/r.git\"}";
        String sha = "fd489864e7642b48eaad6e3f155c10e46810ec72";
        assertInvalid("push", "{\"ref\": \"refs/heads/main\", \"after\": \"" + sha + "\"}", "no repository.clone_url");
        assertInvalid("push", "{\"after\": \"" + sha + "\", " + repo + "}", "no ref");
        assertInvalid("push", "{\"ref\": \"refs/heads/main\", " + repo + "}", "new head is not a commit id: (none)");
        assertInvalid("push", "{\"ref\": \"refs/heads/main\", \"after\": \"HEAD\", " + repo + "}", "new head is not a commit id: HEAD");
        assertInvalid("push", "{\"ref\": \"refs/heads/main\", \"before\": 7, \"after\": \"" + sha + "\", " + repo + "}",
                null);
        assertInvalid(null, "{}", "no X-GitHub-Event header");
    }

    @Test
    void aBadHeadIsShownEscapedNeverAsTheLinesItHolds() {
        String body = "{\"ref\": \"refs/heads/main\", \"after\": \"x\\r\\nX-Injected: 1\","
                + " \"repository\": {\"clone_url\": \"https://github.com/o/r.git\"}}";
        ParsedHook hook = parser.parse("push", "d", body.getBytes(StandardCharsets.UTF_8));
        assertThat(((ParsedHook.Invalid) hook).reason())
                .isEqualTo("the push payload's new head is not a commit id: x\\u000d\\u000aX-Injected: 1");
    }

    @Test
    void pushesToRefsThatAreNeitherBranchesNorTagsAreInvalid() {
        ParsedHook hook = parser.parse("push", "d", pushTo("refs/notes/commits"));
        assertThat(hook).isInstanceOf(ParsedHook.Invalid.class);
        assertThat(((ParsedHook.Invalid) hook).reason()).isEqualTo("the push payload's ref is not valid: ref"
                + " refs/notes/commits is neither a branch (refs/heads/…) nor a tag (refs/tags/…)");
    }

    @Test
    void refsGitWouldRefuseAreInvalidWithTheReason() {
        assertInvalidRef("refs/heads/../../etc/passwd", "contains '..'");
        assertInvalidRef("refs/heads/main\\r\\nX-Injected: 1", "contains a control character");
        assertInvalidRef("refs/heads/main\\u0000", "contains a control character");
        assertInvalidRef("refs/heads/a\\nb", "ref refs/heads/a\\u000ab contains a control character");
        assertInvalidRef("refs/heads/a\\\\b", "contains '\\'");
        assertInvalidRef("refs/heads/main@{1}", "contains '@{'");
        assertInvalidRef("refs/heads/main.lock", "ending with '.lock'");
        assertInvalidRef("refs/heads/main/", "ends with '/'");
        assertInvalidRef("refs/heads/a//b", "empty component");
        assertInvalidRef("refs/heads/.hidden", "starting with '.'");
        assertInvalidRef("refs/heads/main.", "ends with '.'");
        assertInvalidRef("refs/heads/a b", "contains ' '");
        assertInvalidRef("refs/heads/a:b", "contains ':'");
        assertInvalidRef("refs/heads/", "names no branch or tag");
        assertInvalidRef("refs/tags/v1^{}", "contains '^'");
    }

    @Test
    void aPayloadWithAKeyTwiceIsInvalid() {
        String body = "{\"ref\": \"refs/heads/main\", \"ref\": \"refs/heads/prod\","
                + " \"after\": \"fd489864e7642b48eaad6e3f155c10e46810ec72\","
                + " \"repository\": {\"clone_url\": \"https://github.com/o/r.git\"}}";
        ParsedHook hook = parser.parse("push", "d", body.getBytes(StandardCharsets.UTF_8));
        assertThat(hook).isInstanceOf(ParsedHook.Invalid.class);
        assertThat(((ParsedHook.Invalid) hook).reason()).startsWith("the push payload has a key twice: Duplicate field 'ref'");
    }

    private void assertInvalidRef(String ref, String reason) {
        ParsedHook hook = parser.parse("push", "d", pushTo(ref));
        assertThat(hook).as(ref).isInstanceOf(ParsedHook.Invalid.class);
        assertThat(((ParsedHook.Invalid) hook).reason()).as(ref).startsWith("the push payload's ref is not valid: ").contains(reason);
    }

    /** A push of {@code ref} with the ref written as a JSON string (escapes such as \n are JSON's). */
    private static byte[] pushTo(String jsonRef) {
        return ("{\"ref\": \"" + jsonRef + "\", \"after\": \"fd489864e7642b48eaad6e3f155c10e46810ec72\","
                + " \"repository\": {\"clone_url\": \"https://github.com/o/r.git\"}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aBranchNamedWithSlashesKeepsThem() {
        String body = "{\"ref\": \"refs/heads/release/1.x\", \"before\": \"737d38c599c1b2991664dfc6155d6bf516fcce36\","
                + " \"after\": \"fd489864e7642b48eaad6e3f155c10e46810ec72\", \"commits\": [],"
                + " \"repository\": {\"clone_url\": \"https://github.com/o/r.git\"}}";
        ParsedHook.Push push = (ParsedHook.Push) parser.parse("push", "d", body.getBytes(StandardCharsets.UTF_8));
        assertThat(push.branch()).isEqualTo("release/1.x");
        assertThat(push.changedPaths()).isEmpty();
    }

    private void assertInvalid(String event, String body, String reasonPart) {
        ParsedHook hook = parser.parse(event, "d", body.getBytes(StandardCharsets.UTF_8));
        assertThat(hook).as(body).isInstanceOf(ParsedHook.Invalid.class);
        if (reasonPart != null) assertThat(((ParsedHook.Invalid) hook).reason()).as(body).contains(reasonPart);
    }
}
