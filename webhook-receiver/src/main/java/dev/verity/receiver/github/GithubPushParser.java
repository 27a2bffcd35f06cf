package dev.verity.receiver.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verity.receiver.ForgeRepository;
import dev.verity.receiver.ParsedHook;
import dev.verity.receiver.Payloads;
import dev.verity.receiver.RefName;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static dev.verity.receiver.Payloads.text;

/**
 * Reads a GitHub webhook payload (the {@code X-GitHub-Event} name and the JSON body) into a {@link ParsedHook}.
 * Only a {@code push} that moves a branch head is a {@link ParsedHook.Push}; a branch deletion is a
 * {@link ParsedHook.Deletion}; pings, other events and tag pushes or deletions are {@link ParsedHook.Ignored} with
 * the reason; a body that is not a JSON object or has a key
 * twice, or a push without {@code ref}, {@code after} or {@code repository.clone_url}, or whose ref is not a valid
 * branch or tag ref ({@link RefName}), is {@link ParsedHook.Invalid}.
 */
public final class GithubPushParser {

    /** GitHub lists at most this many commits in a push payload. */
    static final int COMMITS_CAP = 2048;

    /**
     * @param event      the {@code X-GitHub-Event} header, or null when missing
     * @param deliveryId the {@code X-GitHub-Delivery} header, or null when missing
     * @param body       the raw request body
     */
    public ParsedHook parse(String event, String deliveryId, byte[] body) {
        if (event == null || event.isBlank()) {
            return new ParsedHook.Invalid("the delivery has no X-GitHub-Event header: is the sender a GitHub webhook?");
        }
        JsonNode root;
        try {
            root = Payloads.object(body, "the " + event + " payload");
        } catch (Payloads.Unreadable e) {
            return new ParsedHook.Invalid(e.getMessage());
        }
        Optional<ForgeRepository> repository = repository(root.get("repository"));
        if (!"push".equals(event)) {
            return new ParsedHook.Ignored(repository, "ping".equals(event)
                    ? "ping: the webhook reaches Verity" + (root.hasNonNull("hook_id") ? " (hook " + root.get("hook_id").asText() + ")" : "")
                    : "event " + event + " is not a push: Verity acts on pushes only");
        }
        return parsePush(root, repository, deliveryId);
    }

    /**
     * The push as {@link Payloads#change} classifies every forge's ref change; GitHub's own flags add to it:
     * {@code deleted} makes it a deletion, and its paths are complete only when it was neither {@code created} nor
     * {@code forced} and its commit list is below GitHub's cap of {@value #COMMITS_CAP}.
     */
    private static ParsedHook parsePush(JsonNode root, Optional<ForgeRepository> repository, String deliveryId) {
        if (repository.isEmpty()) {
            return new ParsedHook.Invalid("the push payload has no repository.clone_url");
        }
        String after = text(root, "after");
        if (root.path("deleted").asBoolean(false) && Payloads.isCommitId(after)) after = Payloads.ZERO_ID;
        JsonNode beforeNode = root.get("before");
        String before = beforeNode == null || beforeNode.isNull() ? null : beforeNode.asText();
        JsonNode commits = root.get("commits");
        Optional<List<String>> paths = Payloads.commitPaths(commits);
        boolean listedInFull = paths.isPresent() && commits.size() < COMMITS_CAP
                && !root.path("created").asBoolean(false) && !root.path("forced").asBoolean(false);
        return Payloads.change("the push payload", repository.get(), text(root, "ref"), before, after,
                paths.orElse(List.of()), listedInFull, deliveryId, text(root.path("pusher"), "name"));
    }

    private static Optional<ForgeRepository> repository(JsonNode repo) {
        if (repo == null || !repo.isObject()) return Optional.empty();
        String cloneUrl = text(repo, "clone_url");
        if (cloneUrl == null) return Optional.empty();
        List<String> others = new ArrayList<>();
        for (String field : List.of("html_url", "ssh_url", "git_url", "url")) {
            String url = text(repo, field);
            if (url != null) others.add(url);
        }
        return Optional.of(new ForgeRepository(cloneUrl, others, text(repo, "full_name")));
    }
}
