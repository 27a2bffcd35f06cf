package dev.verity.receiver;

import dev.verity.events.CommitPushed;
import dev.verity.events.RefDeleted;
import dev.verity.events.VerityEvent;
import dev.verity.receiver.HookOutcome.Ignored;
import dev.verity.receiver.HookOutcome.Publish;
import dev.verity.receiver.HookOutcome.Reason;
import dev.verity.receiver.HookOutcome.Rejected;
import dev.verity.receiver.bitbucket.BitbucketForge;
import dev.verity.receiver.generic.GenericForge;
import dev.verity.receiver.gitea.GiteaForge;
import dev.verity.receiver.github.GithubForge;
import dev.verity.receiver.gitlab.GitlabForge;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Per-repository endpoints for every forge, with the real fixtures signed as each forge signs them. */
class RepositoryHooksTest {

    static final String SECRET = "per-repo-test-secret";
    static final String URL = "https://git.example.com/acme/gitops.git";
    static final Instant NOW = Instant.parse("2026-12-06T03:00:00Z");
    static final String SIGNING_KEY = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    static final String OLD_SIGNING_KEY = "whsec_" + Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII));

    private final RepositoryHooks hooks = hooks(List.of(
            new RepositorySettings("any", URL, SECRET, Optional.of("*")),
            new RepositorySettings("mainonly", URL + "/mainonly", SECRET, Optional.empty()),
            new RepositorySettings("lab", URL + "/lab", SECRET, Optional.of("*"), Optional.of("gitlab"), List.of()),
            new RepositorySettings("signed", URL + "/signed", SECRET, Optional.of("*"), Optional.of("gitlab"), List.of(SIGNING_KEY, OLD_SIGNING_KEY))));

    static RepositoryHooks hooks(List<RepositorySettings> repositories) {
        return new RepositoryHooks(new RepositoryRegistry(repositories, Optional.empty(), "main"), List.of(new GithubForge(),
                new GitlabForge(), GiteaForge.gitea(), GiteaForge.forgejo(), BitbucketForge.cloud(),
                BitbucketForge.dataCenter(), new GenericForge()), Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private HookOutcome deliver(String forge, String repo, String event, byte[] body, String secret) {
        return hooks.receive(forge, repo, new HookRequest(ForgeDeliveries.headers(forge, event, "d-1", body, secret), body));
    }

    @Test
    void everyFixtureOfEveryForgeBecomesItsEventOrIsIgnored() {
        int published = 0;
        for (Map.Entry<String, List<String>> dir : Fixtures.ALL.entrySet()) {
            for (String fixture : dir.getValue()) {
                String forge = ForgeDeliveries.forgeOf(dir.getKey(), fixture);
                HookOutcome outcome = deliver(forge, "any", ForgeDeliveries.eventOf(forge, fixture),
                        Fixtures.read(dir.getKey(), fixture), SECRET);
                Optional<VerityEvent> expected = FixtureEvents.expected(dir.getKey(), fixture, URL, "d-1");
                if (expected.isPresent()) {
                    assertThat(outcome).as(dir.getKey() + "/" + fixture).isEqualTo(new Publish(expected.get()));
                    published++;
                } else {
                    assertThat(outcome).as(dir.getKey() + "/" + fixture).isInstanceOf(Ignored.class);
                }
            }
        }
        assertThat(published).isEqualTo(12);
    }

    @Test
    void aWrongSecretIsRefusedForEveryForgeAndAMissingOneSaysWhichHeader() {
        for (String forge : List.of("github", "gitlab", "gitea", "forgejo", "bitbucket", "bitbucket-server", "generic")) {
            byte[] body = "{\"ref\":\"refs/heads/main\",\"after\":\"fd489864e7642b48eaad6e3f155c10e46810ec72\"}".getBytes(StandardCharsets.UTF_8);
            assertThat(deliver(forge, "any", "push", body, "not-the-secret")).as(forge)
                    .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.BAD_SIGNATURE);
            HookOutcome unsigned = hooks.receive(forge, "any", new HookRequest(Map.of("Content-Type", "application/json"), body));
            assertThat(unsigned).as(forge).extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.UNSIGNED);
            assertThat(((Rejected) unsigned).message()).contains("verity.receiver.repositories.any.secret");
        }
    }

    @Test
    void theSignatureIsCheckedBeforeTheBodyIsRead() {
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        assertThat(deliver("bitbucket", "any", "repo:push", garbage, "wrong")).extracting(o -> ((Rejected) o).reason())
                .isEqualTo(Reason.BAD_SIGNATURE);
        assertThat(deliver("bitbucket", "any", "repo:push", garbage, SECRET)).extracting(o -> ((Rejected) o).reason())
                .isEqualTo(Reason.INVALID);
    }

    @Test
    void anUnknownRepositoryOrForgeOrAForgeOtherThanTheConfiguredOneIsABareNotFound() {
        byte[] body = Fixtures.read("gitlab", "push.json");
        assertThat(deliver("gitlab", "nosuch", "Push Hook", body, SECRET)).isEqualTo(RepositoryHooks.NO_SUCH_ENDPOINT);
        assertThat(hooks.receive("gitbucket", "any", new HookRequest(Map.of(), body))).isEqualTo(RepositoryHooks.NO_SUCH_ENDPOINT);
        // repository "lab" is configured for gitlab only
        assertThat(deliver("github", "lab", "push", Fixtures.github("push.json"), SECRET)).isEqualTo(RepositoryHooks.NO_SUCH_ENDPOINT);
        assertThat(deliver("gitlab", "lab", "Push Hook", body, SECRET)).isInstanceOf(Publish.class);
        assertThat(RepositoryHooks.NO_SUCH_ENDPOINT.message()).isEmpty();
    }

    /**
     * What the endpoint and headers decide (no such endpoint, no authentication, a wrong GitLab token) is refused before
     * the body, with the refusal {@code receive} gives; a signature of the body is left to {@code receive}.
     */
    @Test
    void whatTheHeadersAloneDecideIsRefusedBeforeTheBodyAsReceiveWouldRefuseIt() {
        byte[] body = Fixtures.read("gitlab", "push.json");
        HookRequest headersOnly;
        for (String forge : List.of("github", "gitlab", "gitea", "forgejo", "bitbucket", "bitbucket-server", "generic")) {
            Map<String, String> unsigned = Map.of("Content-Type", "application/json");
            assertThat(hooks.refuseBeforeBody(forge, "any", new HookRequest(unsigned, null))).as(forge)
                    .hasValue((Rejected) hooks.receive(forge, "any", new HookRequest(unsigned, body)));
            // a wrong signature of the body (every forge but GitLab) needs the body
            Map<String, String> wrong = ForgeDeliveries.headers(forge, "push", "d-1", body, "not-the-secret");
            HookOutcome refused = hooks.receive(forge, "any", new HookRequest(wrong, body));
            assertThat(hooks.refuseBeforeBody(forge, "any", new HookRequest(wrong, null))).as(forge)
                    .isEqualTo(forge.equals("gitlab") ? Optional.of(refused) : Optional.empty());
            assertThat(hooks.refuseBeforeBody(forge, "any", new HookRequest(
                    ForgeDeliveries.headers(forge, "push", "d-1", body, SECRET), null))).as(forge).isEmpty();
        }
        headersOnly = new HookRequest(ForgeDeliveries.headers("gitlab", "Push Hook", "d-1", body, SECRET), null);
        assertThat(hooks.refuseBeforeBody("gitlab", "nosuch", headersOnly)).hasValue(RepositoryHooks.NO_SUCH_ENDPOINT);
        assertThat(hooks.refuseBeforeBody("gitbucket", "any", headersOnly)).hasValue(RepositoryHooks.NO_SUCH_ENDPOINT);
        assertThat(hooks.refuseBeforeBody("github", "lab", headersOnly)).hasValue(RepositoryHooks.NO_SUCH_ENDPOINT);
        // GitLab with signing keys: the token is checked first, the Standard Webhooks signature needs the body
        assertThat(hooks.refuseBeforeBody("gitlab", "signed", headersOnly)).isEmpty();
    }

    @Test
    void aRepositoryNamingAForgeThatDoesNotExistFailsAtStartNamingTheKey() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> hooks(List.of(new RepositorySettings("x", URL, SECRET,
                        Optional.empty(), Optional.of("gitbucket"), List.of()))))
                .hasMessageContaining("verity.receiver.repositories.x.forge is gitbucket, which is not one of");
    }

    @Test
    void onlyTheConfiguredBranchIsPublished() {
        HookOutcome outcome = deliver("gitea", "mainonly", "push", Fixtures.read("gitea", "push.json"), SECRET);
        assertThat(outcome).isEqualTo(new Ignored("push to branch develop of mainonly: Verity renders branch main"
                + " (verity.receiver.default-branch)"));
    }

    // GitLab signing token (Standard Webhooks)

    private HookOutcome gitlabSigned(String repo, byte[] body, long timestamp, String signature) {
        Map<String, String> headers = new java.util.HashMap<>(ForgeDeliveries.headers("gitlab", "Push Hook", "d-1", body, SECRET));
        headers.put("webhook-id", "msg-1");
        headers.put("webhook-timestamp", String.valueOf(timestamp));
        headers.put("webhook-signature", signature);
        return hooks.receive("gitlab", repo, new HookRequest(headers, body));
    }

    @Test
    void gitlabWithASigningKeyNeedsTheTokenAndASignatureWithinTheReplayWindow() {
        byte[] body = Fixtures.read("gitlab", "push.json");
        long now = NOW.getEpochSecond();
        assertThat(gitlabSigned("signed", body, now - 60, StandardWebhookSignature.sign(SIGNING_KEY, "msg-1", now - 60, body)))
                .isInstanceOf(Publish.class);
        // token alone is no longer enough
        assertThat(deliver("gitlab", "signed", "Push Hook", body, SECRET)).extracting(o -> ((Rejected) o).reason())
                .isEqualTo(Reason.UNSIGNED);
        // signed over other bytes, or with another key
        byte[] other = new String(body, StandardCharsets.UTF_8).replace("jsmith", "mallory").getBytes(StandardCharsets.UTF_8);
        assertThat(gitlabSigned("signed", other, now, StandardWebhookSignature.sign(SIGNING_KEY, "msg-1", now, body)))
                .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.BAD_SIGNATURE);
        String stranger = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(gitlabSigned("signed", body, now, StandardWebhookSignature.sign(stranger, "msg-1", now, body)))
                .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.BAD_SIGNATURE);
        // outside the 5 min window, either side
        HookOutcome old = gitlabSigned("signed", body, now - 301, StandardWebhookSignature.sign(SIGNING_KEY, "msg-1", now - 301, body));
        assertThat(old).extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.EXPIRED);
        assertThat(((Rejected) old).message()).contains("verity.receiver.replay-window");
        assertThat(gitlabSigned("signed", body, now + 301, StandardWebhookSignature.sign(SIGNING_KEY, "msg-1", now + 301, body)))
                .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.EXPIRED);
        // a timestamp changed after signing is a mismatch, not "expired"
        assertThat(gitlabSigned("signed", body, now - 600, StandardWebhookSignature.sign(SIGNING_KEY, "msg-1", now, body)))
                .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void rotatedKeysAreAcceptedOnEitherSide() {
        byte[] body = Fixtures.read("gitlab", "push.json");
        long now = NOW.getEpochSecond();
        String stranger = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        // the forge sends several signatures while it rotates: one made with a configured key is enough
        String several = StandardWebhookSignature.sign(stranger, "msg-1", now, body) + " "
                + StandardWebhookSignature.sign(OLD_SIGNING_KEY, "msg-1", now, body);
        assertThat(gitlabSigned("signed", body, now, several)).isInstanceOf(Publish.class);
        // the receiver holds old and new keys while the forge switches
        assertThat(gitlabSigned("signed", body, now, StandardWebhookSignature.sign(OLD_SIGNING_KEY, "msg-1", now, body)))
                .isInstanceOf(Publish.class);
        assertThat(gitlabSigned("signed", body, now, "v1a,xyz " + StandardWebhookSignature.sign(stranger, "msg-1", now, body)))
                .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void gitlabTruncatedCommitListsAndNewBranchesAreIncomplete() {
        String full = "{\"object_kind\":\"push\",\"ref\":\"refs/heads/main\",\"before\":\"95790bf891e76fee5e1747ab589903a6a1f80f22\","
                + "\"after\":\"da1560886d4f094c3e6c9ef40349f7d38b5d27d7\",\"total_commits_count\":1,\"user_username\":\"jo\","
                + "\"commits\":[{\"id\":\"da1560886d4f094c3e6c9ef40349f7d38b5d27d7\",\"added\":[\"a\"],\"modified\":[\"b\"],\"removed\":[]}],"
                + "\"some_future_field\":{\"x\":[1,2]}}";
        CommitPushed complete = (CommitPushed) ((Publish) deliver("gitlab", "any", "Push Hook", full.getBytes(StandardCharsets.UTF_8), SECRET)).event();
        assertThat(complete.pathsComplete()).isTrue();
        assertThat(complete.changedPaths()).containsExactly("a", "b");
        String created = full.replace("95790bf891e76fee5e1747ab589903a6a1f80f22", "0".repeat(40));
        assertThat(((CommitPushed) ((Publish) deliver("gitlab", "any", "Push Hook", created.getBytes(StandardCharsets.UTF_8), SECRET))
                .event()).pathsComplete()).isFalse();
    }

    // Gitea and Forgejo

    @Test
    void aGiteaOrForgejoBranchDeleteEventIsRefDeletedAndTagDeletesAndCreatesAreIgnored() {
        for (String forge : List.of("gitea", "forgejo")) {
            byte[] body = ("{\"ref\":\"feature/x\",\"ref_type\":\"branch\",\"pusher_type\":\"user\",\"repository\":{\"id\":1},"
                    + "\"sender\":{\"login\":\"alice\"}}").getBytes(StandardCharsets.UTF_8);
            assertThat(deliver(forge, "any", "delete", body, SECRET)).as(forge)
                    .isEqualTo(new Publish(new RefDeleted(URL, "feature/x", "0".repeat(40), "d-1", forge, "alice")));
            byte[] tag = new String(body, StandardCharsets.UTF_8).replace("\"branch\"", "\"tag\"").getBytes(StandardCharsets.UTF_8);
            assertThat(deliver(forge, "any", "delete", tag, SECRET)).isInstanceOf(Ignored.class);
            assertThat(deliver(forge, "any", "create", body, SECRET)).isInstanceOf(Ignored.class);
            byte[] dotdot = new String(body, StandardCharsets.UTF_8).replace("feature/x", "../x").getBytes(StandardCharsets.UTF_8);
            assertThat(deliver(forge, "any", "delete", dotdot, SECRET)).extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.INVALID);
        }
    }

    @Test
    void giteaIsIdentifiedByItsOwnHeadersNeverByGithubs() {
        byte[] body = Fixtures.read("gitea", "push.json");
        Map<String, String> headers = new java.util.HashMap<>(ForgeDeliveries.headers("gitea", "push", "d-1", body, SECRET));
        headers.remove("X-Gitea-Event");
        // X-GitHub-Event is there (as Gitea sends it) but not read
        assertThat(hooks.receive("gitea", "any", new HookRequest(headers, body))).extracting(o -> ((Rejected) o).message())
                .isEqualTo("the delivery has no X-Gitea-Event header: is the sender a Gitea webhook?");
        headers = new java.util.HashMap<>(ForgeDeliveries.headers("gitea", "push", "d-1", body, SECRET));
        headers.remove("X-Gitea-Signature");
        assertThat(hooks.receive("gitea", "any", new HookRequest(headers, body))).extracting(o -> ((Rejected) o).reason())
                .isEqualTo(Reason.UNSIGNED);
    }

    @Test
    void giteaCommitListsAtTheCapOrShortOfTotalCommitsAreIncomplete() {
        String commit = "{\"id\":\"bffeb74224043ba2feb48d137756c8a9331c449a\",\"added\":[\"a\"],\"removed\":[],\"modified\":[]}";
        String head = "{\"ref\":\"refs/heads/main\",\"before\":\"28e1879d029cb852e4844d9c718537df08844e03\","
                + "\"after\":\"bffeb74224043ba2feb48d137756c8a9331c449a\",\"pusher\":{\"login\":\"g\"},";
        String one = head + "\"commits\":[" + commit + "]}";
        String five = head + "\"commits\":[" + String.join(",", java.util.Collections.nCopies(5, commit)) + "]}";
        String counted = head + "\"total_commits\":7,\"commits\":[" + String.join(",", java.util.Collections.nCopies(5, commit)) + "]}";
        assertThat(paths("gitea", one)).isTrue();
        assertThat(paths("gitea", five)).isFalse();
        assertThat(paths("forgejo", counted)).isFalse();
    }

    private boolean paths(String forge, String json) {
        return ((CommitPushed) ((Publish) deliver(forge, "any", "push", json.getBytes(StandardCharsets.UTF_8), SECRET)).event()).pathsComplete();
    }

    // Bitbucket: several refs in one delivery

    @Test
    void aBitbucketDeliveryMovingSeveralRefsGivesOneEventPerBranch() {
        String json = "{\"eventKey\":\"repo:refs_changed\",\"actor\":{\"name\":\"jo\"},\"newField\":true,\"changes\":["
                + "{\"ref\":{\"id\":\"refs/heads/main\",\"type\":\"BRANCH\"},\"fromHash\":\"5c64a07cd6c0f21b753bf261ef059c7e7633c50a\",\"toHash\":\"823b2230a56056231c9425d63758fa87078a66b4\",\"type\":\"UPDATE\"},"
                + "{\"ref\":{\"id\":\"refs/tags/v2\",\"type\":\"TAG\"},\"fromHash\":\"0000000000000000000000000000000000000000\",\"toHash\":\"823b2230a56056231c9425d63758fa87078a66b4\",\"type\":\"ADD\"},"
                + "{\"ref\":{\"id\":\"refs/heads/old\",\"type\":\"BRANCH\"},\"fromHash\":\"208b0a5c05eddadad01f2aed8802fe0c3b3eaf5e\",\"toHash\":\"0000000000000000000000000000000000000000\",\"type\":\"DELETE\"},"
                + "{\"ref\":{\"id\":\"refs/heads/new\",\"type\":\"BRANCH\"},\"fromHash\":\"0000000000000000000000000000000000000000\",\"toHash\":\"823b2230a56056231c9425d63758fa87078a66b4\",\"type\":\"ADD\"}]}";
        HookOutcome outcome = deliver("bitbucket-server", "any", "repo:refs_changed", json.getBytes(StandardCharsets.UTF_8), SECRET);
        assertThat(outcome).isEqualTo(new Publish(List.of(
                new CommitPushed(URL, "main", "5c64a07cd6c0f21b753bf261ef059c7e7633c50a", "823b2230a56056231c9425d63758fa87078a66b4",
                        List.of(), "d-1", "bitbucket-server", false, "jo"),
                new RefDeleted(URL, "old", "208b0a5c05eddadad01f2aed8802fe0c3b3eaf5e", "d-1", "bitbucket-server", "jo"),
                new CommitPushed(URL, "new", "0".repeat(40), "823b2230a56056231c9425d63758fa87078a66b4",
                        List.of(), "d-1", "bitbucket-server", false, "jo"))));
        // with one branch configured, only its change is published
        assertThat(deliver("bitbucket-server", "mainonly", "repo:refs_changed", json.getBytes(StandardCharsets.UTF_8), SECRET))
                .extracting(o -> ((Publish) o).events()).asList().hasSize(1);
    }

    @Test
    void bitbucketPingsAndOtherEventsAreIgnored() {
        byte[] body = "{\"test\":true}".getBytes(StandardCharsets.UTF_8);
        assertThat(deliver("bitbucket-server", "any", "diagnostics:ping", body, SECRET)).isInstanceOf(Ignored.class);
        assertThat(deliver("bitbucket", "any", "pullrequest:created", body, SECRET)).isInstanceOf(Ignored.class);
    }

    // generic

    @Test
    void theGenericSchema() {
        String sha = "823b2230a56056231c9425d63758fa87078a66b4";
        assertThat(deliver("generic", "any", "push", ("{\"ref\":\"refs/heads/main\",\"before\":\"5c64a07cd6c0f21b753bf261ef059c7e7633c50a\","
                + "\"after\":\"" + sha + "\",\"paths\":[\"b\",\"a\",\"b\"],\"pusher\":\"ci\",\"extra\":1}").getBytes(StandardCharsets.UTF_8), SECRET))
                .isEqualTo(new Publish(new CommitPushed(URL, "main", "5c64a07cd6c0f21b753bf261ef059c7e7633c50a", sha,
                        List.of("a", "b"), "d-1", "generic", true, "ci")));
        assertThat(deliver("generic", "any", "push", ("{\"ref\":\"refs/heads/main\",\"after\":\"" + sha + "\"}").getBytes(StandardCharsets.UTF_8), SECRET))
                .isEqualTo(new Publish(new CommitPushed(URL, "main", "0".repeat(40), sha, List.of(), "d-1", "generic", false, null)));
        assertThat(deliver("generic", "any", "push", ("{\"ref\":\"refs/heads/main\",\"before\":\"" + sha + "\",\"after\":\"" + "0".repeat(40) + "\"}")
                .getBytes(StandardCharsets.UTF_8), SECRET))
                .isEqualTo(new Publish(new RefDeleted(URL, "main", sha, "d-1", "generic", null)));
        for (String bad : List.of("{\"after\":\"" + sha + "\"}", "{\"ref\":\"refs/heads/main\"}", "{\"ref\":\"refs/heads/a..b\",\"after\":\"" + sha + "\"}",
                "{\"ref\":\"refs/heads/main\",\"after\":\"" + sha + "\",\"paths\":\"a\"}", "{\"ref\":\"x\",\"ref\":\"y\"}", "[]")) {
            assertThat(deliver("generic", "any", "push", bad.getBytes(StandardCharsets.UTF_8), SECRET)).as(bad)
                    .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.INVALID);
        }
    }

    // form-encoded deliveries

    private static byte[] form(byte[] json) {
        return ("payload=" + URLEncoder.encode(new String(json, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void giteaAndForgejoFormDeliveriesAreVerifiedOverThePayloadJsonAsTheySignThem() {
        for (String forge : List.of("gitea", "forgejo")) {
            byte[] json = Fixtures.read("gitea", "push-new-branch.json");
            Map<String, String> headers = new java.util.HashMap<>(ForgeDeliveries.headers(forge, "push", "d-1", json, SECRET));
            headers.put("Content-Type", "application/x-www-form-urlencoded");
            HookOutcome outcome = hooks.receive(forge, "any", new HookRequest(headers, form(json)));
            assertThat(outcome).as(forge).isEqualTo(new Publish(FixtureEvents.expected("gitea", "push-new-branch.json", URL, "d-1")
                    .map(e -> (CommitPushed) e).map(e -> new CommitPushed(e.repo(), e.branch(), e.before(), e.after(),
                            e.changedPaths(), e.deliveryId(), forge, e.pathsComplete(), e.pusher())).orElseThrow()));
            // signed over the form body, as GitHub would: not how Gitea signs
            Map<String, String> overForm = new java.util.HashMap<>(ForgeDeliveries.headers(forge, "push", "d-1", form(json), SECRET));
            assertThat(hooks.receive(forge, "any", new HookRequest(overForm, form(json))))
                    .extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.BAD_SIGNATURE);
        }
    }

    @Test
    void githubFormDeliveriesAreVerifiedOverTheRawFormBody() {
        byte[] body = form(Fixtures.github("push.json"));
        assertThat(deliver("github", "any", "push", body, SECRET))
                .isEqualTo(new Publish(FixtureEvents.expected("github", "push.json", URL, "d-1").orElseThrow()));
    }

    @Test
    void forgesThatSignOnlyJsonAnswerUnsupportedSayingToSwitchToJson() {
        List<String> refused = new ArrayList<>();
        for (String forge : List.of("gitlab", "bitbucket", "bitbucket-server", "generic")) {
            String event = ForgeDeliveries.eventOf(forge, "push.json");
            HookOutcome outcome = deliver(forge, "any", event, form("{}".getBytes(StandardCharsets.UTF_8)), SECRET);
            assertThat(outcome).as(forge).extracting(o -> ((Rejected) o).reason()).isEqualTo(Reason.UNSUPPORTED_MEDIA_TYPE);
            assertThat(((Rejected) outcome).message()).contains("application/json");
            refused.add(forge);
        }
        assertThat(refused).hasSize(4);
    }
}
