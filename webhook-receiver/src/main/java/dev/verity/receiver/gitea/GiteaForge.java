package dev.verity.receiver.gitea;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verity.receiver.Forge;
import dev.verity.receiver.FormBody;
import dev.verity.receiver.HmacSignature;
import dev.verity.receiver.HookRequest;
import dev.verity.receiver.ParsedHook;
import dev.verity.receiver.Payloads;
import dev.verity.receiver.RefName;

import java.util.List;
import java.util.Optional;

/**
 * Gitea and Forgejo (one implementation, two endpoints): the event in {@code X-Gitea-Event} ({@code X-Forgejo-Event}
 * on Forgejo), the delivery id in {@code X-Gitea-Delivery}/{@code X-Forgejo-Delivery}, and the signature as bare hex
 * HMAC-SHA256 in {@code X-Gitea-Signature}/{@code X-Forgejo-Signature}. Their deliveries also carry
 * {@code X-GitHub-Event}; it is never read. A form-encoded delivery ({@code payload=…}) is signed over the
 * {@code payload} JSON, not the form body, and checked so.
 * <p>
 * A branch deletion arrives only as a {@code delete} event ({@code ref_type: branch}), which names no commit: it
 * is published with {@code before} as zeros. {@code create} duplicates a push and is ignored. Commit lists are capped
 * (5 by default): paths are complete only when {@code total_commits} equals the commits listed, each with its paths,
 * and the branch existed before.
 */
public final class GiteaForge implements Forge {

    /** Commits listed per push by default; without {@code total_commits} a list this long may be capped. */
    static final int DEFAULT_COMMIT_CAP = 5;

    private final String name;
    private final String product;
    private final List<String> eventHeaders;
    private final List<String> deliveryHeaders;
    private final List<String> signatureHeaders;

    private GiteaForge(String name, String product, List<String> prefixes) {
        this.name = name;
        this.product = product;
        this.eventHeaders = prefixes.stream().map(p -> p + "-Event").toList();
        this.deliveryHeaders = prefixes.stream().map(p -> p + "-Delivery").toList();
        this.signatureHeaders = prefixes.stream().map(p -> p + "-Signature").toList();
    }

    public static GiteaForge gitea() {
        return new GiteaForge("gitea", "Gitea", List.of("X-Gitea"));
    }

    /** Forgejo sends its own headers and Gitea's; its own come first. */
    public static GiteaForge forgejo() {
        return new GiteaForge("forgejo", "Forgejo", List.of("X-Forgejo", "X-Gitea"));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String authenticationHeader() {
        return signatureHeaders.get(0);
    }

    private Optional<String> first(HookRequest request, List<String> headers) {
        return headers.stream().map(request::header).flatMap(Optional::stream).findFirst();
    }

    @Override
    public boolean isSigned(HookRequest request) {
        // without a secret the header is present and empty, which HookRequest reads as absent
        return first(request, signatureHeaders).isPresent();
    }

    @Override
    public boolean verify(HookRequest request, String secret) {
        String hex = first(request, signatureHeaders).orElse(null);
        if (!FormBody.isForm(request)) {
            return hex != null && HmacSignature.matches(HmacSignature.PREFIX + hex, secret, request.bodyStream());
        }
        try {
            // a form delivery is signed over the payload JSON, not the form body
            return HmacSignature.matchesHex(hex, secret, FormBody.payload(request.body()).orElseThrow());
        } catch (Payloads.Unreadable e) {
            return false;
        }
    }

    @Override
    public ParsedHook parse(HookRequest request) {
        String event = first(request, eventHeaders).orElse(null);
        if (event == null) {
            return new ParsedHook.Invalid("the delivery has no " + eventHeaders.get(0) + " header: is the sender a "
                    + product + " webhook?");
        }
        JsonNode root;
        String what = "the " + product + " " + Payloads.printable(event) + " payload";
        try {
            root = FormBody.isForm(request) ? Payloads.object(FormBody.payload(request.body()).orElseThrow(), what)
                    : Payloads.object(request, what);
        } catch (Payloads.Unreadable e) {
            return new ParsedHook.Invalid(e.getMessage());
        }
        String deliveryId = first(request, deliveryHeaders).orElse(null);
        return switch (event) {
            case "push" -> push(root, deliveryId);
            case "delete" -> delete(root, deliveryId);
            case "create" -> new ParsedHook.Ignored(Optional.empty(), "create event: the push that created the ref"
                    + " is delivered as a push");
            default -> new ParsedHook.Ignored(Optional.empty(), "event " + Payloads.printable(event)
                    + " is not a push: Verity acts on pushes and branch deletions only");
        };
    }

    private ParsedHook push(JsonNode root, String deliveryId) {
        JsonNode commits = root.get("commits");
        Optional<List<String>> paths = Payloads.commitPaths(commits);
        JsonNode total = root.get("total_commits");
        boolean allListed = paths.isPresent() && (total != null && total.canConvertToInt()
                ? total.asInt() == commits.size()
                : commits.size() < DEFAULT_COMMIT_CAP);
        return Payloads.change("the " + product + " push payload", null, Payloads.text(root, "ref"),
                Payloads.text(root, "before"), Payloads.text(root, "after"), paths.orElse(List.of()), allListed,
                deliveryId, pusher(root));
    }

    private ParsedHook delete(JsonNode root, String deliveryId) {
        String ref = Payloads.text(root, "ref");
        String refType = Payloads.text(root, "ref_type");
        if (ref == null) return new ParsedHook.Invalid("the " + product + " delete payload has no ref");
        if (!"branch".equals(refType)) {
            return new ParsedHook.Ignored(Optional.empty(), Payloads.printable(refType) + " " + Payloads.printable(ref)
                    + " deleted: Verity renders branch heads only");
        }
        String full = ref.startsWith("refs/") ? ref : RefName.BRANCH_PREFIX + ref;
        if (!full.startsWith(RefName.BRANCH_PREFIX)) {
            return new ParsedHook.Invalid("the " + product + " delete payload's ref is not a branch: " + Payloads.printable(ref));
        }
        Optional<String> problem = RefName.problem(full);
        if (problem.isPresent()) {
            return new ParsedHook.Invalid("the " + product + " delete payload's ref is not valid: " + problem.get());
        }
        // the delete event names no commit
        return new ParsedHook.Deletion(null, full.substring(RefName.BRANCH_PREFIX.length()), Payloads.ZERO_ID,
                deliveryId, pusher(root));
    }

    private static String pusher(JsonNode root) {
        for (String who : List.of("pusher", "sender")) {
            JsonNode user = root.get(who);
            String login = Payloads.text(user, "login");
            if (login == null) login = Payloads.text(user, "username");
            if (login != null) return login;
        }
        return null;
    }
}
