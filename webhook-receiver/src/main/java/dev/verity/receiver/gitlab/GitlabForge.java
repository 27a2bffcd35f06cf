package dev.verity.receiver.gitlab;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verity.receiver.Credentials;
import dev.verity.receiver.Forge;
import dev.verity.receiver.FormBody;
import dev.verity.receiver.HmacSignature;
import dev.verity.receiver.HookRequest;
import dev.verity.receiver.ParsedHook;
import dev.verity.receiver.Payloads;
import dev.verity.receiver.StandardWebhookSignature;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * GitLab: the event in {@code X-Gitlab-Event} ({@code Push Hook}, {@code Tag Push Hook}, …), the secret token in
 * plain text in {@code X-Gitlab-Token}, and, when the webhook has a signing token, Standard Webhooks signature headers
 * ({@link StandardWebhookSignature}). A branch deletion is a push whose {@code after} is zeros. GitLab lists at most
 * 20 commits ({@code total_commits_count} says how many were pushed), so paths are complete only when every commit
 * is listed with its paths and the branch existed before.
 */
public final class GitlabForge implements Forge {

    public static final String NAME = "gitlab";
    public static final String EVENT_HEADER = "X-Gitlab-Event";
    public static final String TOKEN_HEADER = "X-Gitlab-Token";
    /** GitLab's delivery ids, most stable first: the same on retries (17.4+), per event (14.8+). */
    private static final List<String> DELIVERY_HEADERS = List.of("Idempotency-Key", StandardWebhookSignature.ID_HEADER,
            "X-Gitlab-Event-UUID");

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String authenticationHeader() {
        return TOKEN_HEADER;
    }

    @Override
    public boolean isSigned(HookRequest request) {
        return request.header(TOKEN_HEADER).isPresent();
    }

    @Override
    public boolean verify(HookRequest request, String secret) {
        return HmacSignature.sameToken(request.header(TOKEN_HEADER).orElse(null), secret);
    }

    /** The token always; with signing keys configured, also a {@code webhook-signature} made with one of them. */
    @Override
    public Optional<Refusal> authenticate(HookRequest request, Credentials credentials, Instant now) {
        if (!isSigned(request)) return Optional.of(Refusal.MISSING);
        if (!verify(request, credentials.secret())) return Optional.of(Refusal.MISMATCH);
        if (credentials.signingKeys().isEmpty()) return Optional.empty();
        return StandardWebhookSignature.verify(request, credentials.signingKeys(), now,
                credentials.replayWindow()).map(problem -> switch (problem) {
                    case MISSING -> Refusal.MISSING;
                    case MISMATCH -> Refusal.MISMATCH;
                    case EXPIRED -> Refusal.EXPIRED;
                });
    }

    /** The token is a header, not a signature of the body: a wrong one is refused before the body is read. */
    @Override
    public Optional<Refusal> refuseOnHeaders(HookRequest headers, Credentials credentials) {
        if (!isSigned(headers)) return Optional.of(Refusal.MISSING);
        return verify(headers, credentials.secret()) ? Optional.empty() : Optional.of(Refusal.MISMATCH);
    }

    @Override
    public ParsedHook parse(HookRequest request) {
        String event = request.header(EVENT_HEADER).orElse(null);
        if (event == null) {
            return new ParsedHook.Invalid("the delivery has no X-Gitlab-Event header: is the sender a GitLab webhook?");
        }
        if (FormBody.isForm(request)) {
            return new ParsedHook.Unsupported("GitLab sends JSON only; this body is form-encoded: send application/json");
        }
        JsonNode root;
        try {
            root = Payloads.object(request, "the " + event + " payload");
        } catch (Payloads.Unreadable e) {
            return new ParsedHook.Invalid(e.getMessage());
        }
        String kind = Payloads.text(root, "object_kind");
        if (!"Push Hook".equals(event) && !"push".equals(kind)) {
            return new ParsedHook.Ignored(Optional.empty(), "Tag Push Hook".equals(event)
                    ? "tag push " + Payloads.printable(Payloads.text(root, "ref")) + ": Verity renders branch heads only"
                    : "event " + Payloads.printable(event) + " is not a push: Verity acts on pushes only");
        }
        String deliveryId = DELIVERY_HEADERS.stream().map(request::header).flatMap(Optional::stream).findFirst().orElse(null);
        JsonNode commits = root.get("commits");
        Optional<List<String>> paths = Payloads.commitPaths(commits);
        JsonNode total = root.get("total_commits_count");
        boolean allListed = paths.isPresent() && total != null && total.canConvertToInt()
                && total.asInt() == commits.size();
        String pusher = Payloads.text(root, "user_username");
        if (pusher == null) pusher = Payloads.text(root, "user_name");
        return Payloads.change("the " + event + " payload", null, Payloads.text(root, "ref"),
                Payloads.text(root, "before"), Payloads.text(root, "after"), paths.orElse(List.of()), allListed,
                deliveryId, pusher);
    }
}
