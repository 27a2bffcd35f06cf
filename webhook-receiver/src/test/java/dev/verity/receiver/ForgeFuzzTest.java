package dev.verity.receiver;

import dev.verity.receiver.HookOutcome.Publish;
import dev.verity.receiver.HookOutcome.Rejected;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random and mutated deliveries to every forge's per-repository endpoint: none throws (a 5xx), and none signed over
 * other bytes or with mutated headers is published. Seeded, so a failure names a case that can be replayed.
 */
class ForgeFuzzTest {

    private static final String SECRET = RepositoryHooksTest.SECRET;
    private static final long SEED = 20261206L;
    private static final String SYNTAX = "{}[]\":,0\\ \n\u0000";
    private final RepositoryHooks hooks = RepositoryHooksTest.hooks(List.of(
            new RepositorySettings("any", RepositoryHooksTest.URL, SECRET, Optional.of("*")),
            new RepositorySettings("signed", RepositoryHooksTest.URL + "/signed", SECRET, Optional.of("*"),
                    Optional.of("gitlab"), List.of(RepositoryHooksTest.SIGNING_KEY))));

    private record Seedling(String forge, String event, byte[] body) {
    }

    private static final List<Seedling> SEEDS = seeds();

    private static List<Seedling> seeds() {
        List<Seedling> seeds = new ArrayList<>();
        Fixtures.ALL.forEach((dir, files) -> files.forEach(file -> {
            String forge = ForgeDeliveries.forgeOf(dir, file);
            seeds.add(new Seedling(forge, ForgeDeliveries.eventOf(forge, file), Fixtures.read(dir, file)));
        }));
        seeds.add(new Seedling("generic", "push", ("{\"ref\":\"refs/heads/main\",\"before\":\"5c64a07cd6c0f21b753bf261ef059c7e7633c50a\","
                + "\"after\":\"823b2230a56056231c9425d63758fa87078a66b4\",\"paths\":[\"a\"]}").getBytes(StandardCharsets.UTF_8)));
        seeds.add(new Seedling("gitea", "delete", "{\"ref\":\"main\",\"ref_type\":\"branch\"}".getBytes(StandardCharsets.UTF_8)));
        return seeds;
    }

    private static byte[] mutate(byte[] body, Random random) {
        byte[] copy = body.clone();
        int edits = 1 + random.nextInt(4);
        for (int i = 0; i < edits && copy.length > 0; i++) {
            int at = random.nextInt(copy.length);
            switch (random.nextInt(4)) {
                case 0 -> copy[at] = (byte) random.nextInt(256);
                case 1 -> copy[at] = (byte) SYNTAX.charAt(random.nextInt(SYNTAX.length()));
                case 2 -> copy = java.util.Arrays.copyOf(copy, at); // truncated
                default -> {
                    byte[] longer = new byte[copy.length + 1];
                    System.arraycopy(copy, 0, longer, 0, at);
                    longer[at] = (byte) random.nextInt(128);
                    System.arraycopy(copy, at, longer, at + 1, copy.length - at);
                    copy = longer;
                }
            }
        }
        return copy;
    }

    private HookOutcome receive(String forge, String repo, Map<String, String> headers, byte[] body, String what) {
        try {
            return hooks.receive(forge, repo, new HookRequest(headers, body));
        } catch (RuntimeException e) {
            throw new AssertionError(what + " threw (a 5xx): " + e, e);
        }
    }

    @Test
    void mutatedBodiesUnderTheOriginalSignatureAreNeverPublishedAndNeverThrow() {
        Random random = new Random(SEED);
        int refused = 0;
        for (int i = 0; i < 3000; i++) {
            Seedling seed = SEEDS.get(random.nextInt(SEEDS.size()));
            Map<String, String> headers = ForgeDeliveries.headers(seed.forge(), seed.event(), "fuzz", seed.body(), SECRET);
            byte[] mutated = mutate(seed.body(), random);
            if (java.util.Arrays.equals(mutated, seed.body())) continue;
            HookOutcome outcome = receive(seed.forge(), "any", headers, mutated, "case " + i + " (" + seed.forge() + ")");
            if (seed.forge().equals("gitlab")) {
                // GitLab's token does not cover the body: only the signing token does
                HookOutcome signed = receive("gitlab", "signed", gitlabSigned(seed.body(), headers), mutated, "case " + i + " (gitlab signed)");
                assertThat(signed).as("case " + i).isNotInstanceOf(Publish.class);
                continue;
            }
            assertThat(outcome).as("case " + i + " " + seed.forge()).isInstanceOf(Rejected.class);
            refused++;
        }
        assertThat(refused).isGreaterThan(2000);
    }

    private static Map<String, String> gitlabSigned(byte[] signedBody, Map<String, String> headers) {
        Map<String, String> h = new HashMap<>(headers);
        long now = RepositoryHooksTest.NOW.getEpochSecond();
        h.put("webhook-id", "fuzz");
        h.put("webhook-timestamp", String.valueOf(now));
        h.put("webhook-signature", StandardWebhookSignature.sign(RepositoryHooksTest.SIGNING_KEY, "fuzz", now, signedBody));
        return h;
    }

    @Test
    void correctlySignedRandomAndMutatedBodiesNeverThrow() {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < 1000; i++) {
            Seedling seed = SEEDS.get(random.nextInt(SEEDS.size()));
            byte[] body = random.nextInt(4) == 0 ? randomBytes(random) : mutate(seed.body(), random);
            Map<String, String> headers = ForgeDeliveries.headers(seed.forge(), seed.event(), "fuzz", body, SECRET);
            HookOutcome outcome = receive(seed.forge(), "any", headers, body, "case " + i + " (" + seed.forge() + ")");
            assertThat(outcome).isNotNull();
            if (outcome instanceof Rejected rejected) {
                assertThat(rejected.reason()).as("case " + i).isIn(HookOutcome.Reason.INVALID, HookOutcome.Reason.UNSUPPORTED_MEDIA_TYPE);
                assertThat(rejected.message()).doesNotContain(SECRET);
            }
        }
    }

    /** The headers that authenticate a delivery to {@code forge}'s endpoint. */
    private static List<String> authHeaders(String forge) {
        return switch (forge) {
            case "github" -> List.of("X-Hub-Signature-256");
            case "gitlab" -> List.of("X-Gitlab-Token");
            case "gitea" -> List.of("X-Gitea-Signature");
            case "forgejo" -> List.of("X-Forgejo-Signature", "X-Gitea-Signature");
            case "bitbucket", "bitbucket-server" -> List.of("X-Hub-Signature");
            default -> List.of("X-Verity-Signature");
        };
    }

    @Test
    void mutatedAuthenticationHeadersNeverThrowAndNeverPublish() {
        Random random = new Random(SEED + 2);
        List<String> junk = List.of("", " ", "sha256=", "sha256=zz", "v1,", "v1,!!!", "whsec_", "0".repeat(64),
                "sha256=" + "0".repeat(64), "\u00e9\u0000", "9999999999999999999999", "-1", SECRET + "x", SECRET.substring(1),
                "v1,AAAA v1,BBBB", "payload=", "sha1=0000");
        for (int i = 0; i < 3000; i++) {
            Seedling seed = SEEDS.get(random.nextInt(SEEDS.size()));
            boolean signedGitlab = seed.forge().equals("gitlab") && random.nextBoolean();
            Map<String, String> headers = new HashMap<>(ForgeDeliveries.headers(seed.forge(), seed.event(), "fuzz", seed.body(), SECRET));
            List<String> mutable = new ArrayList<>(authHeaders(seed.forge()));
            if (signedGitlab) {
                headers = gitlabSigned(seed.body(), headers);
                mutable = new ArrayList<>(List.of(List.of("X-Gitlab-Token", "webhook-id", "webhook-timestamp", "webhook-signature")
                        .get(random.nextInt(4))));
            }
            for (String name : mutable) {
                if (random.nextInt(5) == 0) headers.remove(name);
                else headers.put(name, junk.get(random.nextInt(junk.size())));
            }
            HookOutcome outcome = receive(seed.forge(), signedGitlab ? "signed" : "any", headers, seed.body(),
                    "case " + i + " (" + seed.forge() + ")");
            assertThat(outcome).as("case " + i + " " + seed.forge() + " " + headers).isInstanceOf(Rejected.class);
            assertThat(((Rejected) outcome).reason()).as("case " + i).isIn(HookOutcome.Reason.UNSIGNED,
                    HookOutcome.Reason.BAD_SIGNATURE, HookOutcome.Reason.EXPIRED);
        }
    }

    private static byte[] randomBytes(Random random) {
        byte[] bytes = new byte[random.nextInt(300)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextBoolean()) bytes[0] = '{';
        return bytes;
    }
}
