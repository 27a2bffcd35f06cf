package dev.verity.receiver;


import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Headers each forge sends with a delivery, signed as that forge signs (with the secret given), for the unit tests
 * and the ITs alike. The event header follows from the fixture's name.
 */
public final class ForgeDeliveries {

    private ForgeDeliveries() {
    }

    /** The endpoint forge a fixture of {@code directory} is delivered to ({@code bitbucket/datacenter-*}: Data Center). */
    public static String forgeOf(String directory, String fixture) {
        if (directory.equals("bitbucket")) return fixture.startsWith("datacenter-") ? "bitbucket-server" : "bitbucket";
        return directory;
    }

    /** The event name the forge would send with {@code fixture}. */
    public static String eventOf(String forge, String fixture) {
        return switch (forge) {
            case "github" -> fixture.startsWith("ping") ? "ping" : fixture.startsWith("pull_request") ? "pull_request" : "push";
            case "gitlab" -> fixture.startsWith("tag_push") ? "Tag Push Hook" : "Push Hook";
            case "bitbucket" -> "repo:push";
            case "bitbucket-server" -> "repo:refs_changed";
            default -> "push";
        };
    }

    /** The headers {@code forge} sends for {@code body} with event {@code event}, signed with {@code secret}. */
    public static Map<String, String> headers(String forge, String event, String delivery, byte[] body, String secret) {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/json");
        switch (forge) {
            case "github" -> {
                h.put("X-GitHub-Event", event);
                h.put("X-GitHub-Delivery", delivery);
                h.put("X-Hub-Signature-256", HmacSignature.sign(secret, body));
            }
            case "gitlab" -> {
                h.put("X-Gitlab-Event", event);
                h.put("X-Gitlab-Event-UUID", delivery);
                h.put("X-Gitlab-Token", secret);
            }
            case "gitea", "forgejo" -> {
                String hex = HmacSignature.sign(secret, body).substring(HmacSignature.PREFIX.length());
                // what both send for GitHub compatibility: never read by their endpoints
                h.put("X-GitHub-Event", "github-compat-" + event);
                h.put("X-GitHub-Delivery", "github-compat-" + delivery);
                h.put("X-Hub-Signature-256", HmacSignature.sign(secret, body));
                h.put("X-Gitea-Event", event);
                h.put("X-Gitea-Delivery", delivery);
                h.put("X-Gitea-Signature", hex);
                if (forge.equals("forgejo")) {
                    h.put("X-Forgejo-Event", event);
                    h.put("X-Forgejo-Delivery", delivery);
                    h.put("X-Forgejo-Signature", hex);
                }
            }
            case "bitbucket", "bitbucket-server" -> {
                h.put("X-Event-Key", event);
                h.put(forge.equals("bitbucket") ? "X-Request-UUID" : "X-Request-Id", delivery);
                h.put("X-Hub-Signature", HmacSignature.sign(secret, body));
            }
            case "generic" -> {
                h.put("X-Verity-Delivery", delivery);
                h.put("X-Verity-Signature", HmacSignature.sign(secret, body));
            }
            default -> throw new IllegalArgumentException("no such forge: " + forge);
        }
        return h;
    }

}
