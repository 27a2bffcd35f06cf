package dev.verity.receiver.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verity.receiver.ForgeRepository;
import dev.verity.receiver.ParsedHook;
import dev.verity.receiver.Payloads;
import dev.verity.receiver.RefName;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads a GitHub webhook payload (the {@code X-GitHub-Event} name and the JSON body) into a {@link ParsedHook}.
 * Only a {@code push} that moves a branch head is a {@link ParsedHook.Push}; a branch deletion is a
 * {@link ParsedHook.Deletion}; pings, other events and tag pushes or deletions are {@link ParsedHook.Ignored} with
 * the reason; a body that is not a JSON object or has a key
 * twice, or a push without {@code ref}, {@code after} or {@code repository.clone_url}, or whose ref is not a valid
 * branch or tag ref ({@link RefName}), is {@link ParsedHook.Invalid}.
 */
public final class GithubPushParser {

    static final String BRANCH_PREFIX = "refs/heads/";
    static final String TAG_PREFIX = "refs/tags/";
    /** SHA-1 or SHA-256 object names, as GitHub writes them. */
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");
    private static final Pattern ZEROS = Pattern.compile("0+");
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

    private static ParsedHook parsePush(JsonNode root, Optional<ForgeRepository> repository, String deliveryId) {
        if (repository.isEmpty()) {
            return new ParsedHook.Invalid("the push payload has no repository.clone_url");
        }
        String ref = text(root, "ref");
        if (ref == null) return new ParsedHook.Invalid("the push payload has no ref");
        String after = text(root, "after");
        if (after == null || !SHA.matcher(after).matches()) {
            return new ParsedHook.Invalid("the push payload's after is not a commit id: " + after);
        }
        JsonNode beforeNode = root.get("before");
        String before = beforeNode == null || beforeNode.isNull() ? null : beforeNode.asText();
        if (before != null && !SHA.matcher(before).matches()) {
            return new ParsedHook.Invalid("the push payload's before is not a commit id: " + before);
        }
        Optional<String> badRef = RefName.problem(ref);
        if (badRef.isPresent()) {
            return new ParsedHook.Invalid("the push payload's ref is not valid: " + badRef.get());
        }
        if (ref.startsWith(TAG_PREFIX)) {
            return new ParsedHook.Ignored(repository, "tag push " + ref + ": Verity renders branch heads only");
        }
        if (!ref.startsWith(BRANCH_PREFIX) || ref.length() == BRANCH_PREFIX.length()) {
            return new ParsedHook.Ignored(repository, "push to " + ref + ", which is not a branch");
        }
        String branch = ref.substring(BRANCH_PREFIX.length());
        String pusher = text(root.path("pusher"), "name");
        if (root.path("deleted").asBoolean(false) || ZEROS.matcher(after).matches()) {
            if (before == null || ZEROS.matcher(before).matches()) {
                return new ParsedHook.Invalid("the push payload deletes branch " + branch + " but its before is not a commit id");
            }
            return new ParsedHook.Deletion(repository.get(), branch, before, deliveryId, pusher);
        }
        return new ParsedHook.Push(repository.get(), branch, before, after, changedPaths(root.get("commits")), deliveryId,
                pathsComplete(root, before), pusher);
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

    /**
     * Whether {@code commits} lists every pushed commit: not for a new branch (GitHub lists only the commits new to
     * the repository, or none), a forced push (commits that left the branch are not listed) or a list at GitHub's
     * cap of {@value #COMMITS_CAP} commits.
     */
    private static boolean pathsComplete(JsonNode root, String before) {
        JsonNode commits = root.get("commits");
        return commits != null && commits.isArray() && commits.size() < COMMITS_CAP
                && before != null && !ZEROS.matcher(before).matches()
                && !root.path("created").asBoolean(false) && !root.path("forced").asBoolean(false);
    }

    /** The sorted union of {@code added}, {@code modified} and {@code removed} over the pushed commits. */
    private static List<String> changedPaths(JsonNode commits) {
        SortedSet<String> paths = new TreeSet<>();
        if (commits == null || !commits.isArray()) return List.of();
        for (JsonNode commit : commits) {
            for (String field : List.of("added", "modified", "removed")) {
                for (JsonNode path : commit.path(field)) {
                    if (path.isTextual() && !path.asText().isEmpty()) paths.add(path.asText());
                }
            }
        }
        return List.copyOf(paths);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText();
    }
}
