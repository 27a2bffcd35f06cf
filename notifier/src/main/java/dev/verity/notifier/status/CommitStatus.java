package dev.verity.notifier.status;

import dev.verity.events.TargetKey;

import java.util.Objects;

/**
 * One status of one commit, as posted to the forge.
 *
 * @param repo        the repository URL, as the event named it
 * @param commit      the full commit SHA
 * @param context     what the status is about: {@code verity/<cluster>/<app>/<env>} for a target,
 *                    {@code verity/render} for a render failure of the whole repository
 * @param state       where the commit stands there
 * @param description one line for people, at most {@value #MAX_DESCRIPTION} characters (GitHub's limit)
 * @param target      the target, or null for a repository-wide status
 * @param eventId     the id of the event that gave this status (logs, {@code verity.undelivered})
 * @param eventType   that event's versioned type
 */
public record CommitStatus(String repo, String commit, String context, StatusState state, String description,
        TargetKey target, String eventId, String eventType) {

    public static final int MAX_DESCRIPTION = 140;

    public CommitStatus {
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(state, "state");
        description = shorten(description == null ? "" : description.strip().replaceAll("\\s+", " "));
    }

    /** The context of a target's statuses. */
    public static String contextOf(TargetKey target) {
        return target == null ? "verity/render" : "verity/" + target;
    }

    /** {@code context@commit} for logs. */
    public String where() {
        return context + "@" + TargetKey.shortSha(commit);
    }

    private static String shorten(String text) {
        return text.length() <= MAX_DESCRIPTION ? text : text.substring(0, MAX_DESCRIPTION - 1) + "…";
    }
}
