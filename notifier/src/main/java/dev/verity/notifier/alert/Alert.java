package dev.verity.notifier.alert;

import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What people are told about one event: built from the event's own fields only (never from documents), so an
 * alert carries no Secret values.
 *
 * @param eventId     the CloudEvents id of the event: the same event always makes the same alert id
 * @param eventType   the event's versioned type, e.g. {@code dev.verity.drift.detected.v1}
 * @param severity    how urgent it is
 * @param title       one line naming what happened and to what
 * @param summary     what happened, one sentence per entry
 * @param details     the error as reported, one line per entry, to be shown verbatim; empty when there is none
 * @param target      the target, or null when the event concerns a whole repository
 * @param repo        the repository URL
 * @param commit      the full commit SHA
 * @param object      the Kubernetes object concerned, or null
 * @param fields      the field paths concerned (drift), possibly empty
 * @param path        the path in the repository concerned (a failed overlay), or null
 * @param nextStep    what to do about it
 * @param traceparent the W3C trace context of the event, or null
 */
public record Alert(String eventId, String eventType, Severity severity, String title, List<String> summary,
        List<String> details, TargetKey target, String repo, String commit, ObjectRef object, List<String> fields, String path,
        String nextStep, String traceparent) {

    public Alert {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(nextStep, "nextStep");
        summary = summary == null ? List.of() : List.copyOf(summary);
        details = details == null ? List.of() : List.copyOf(details);
        fields = fields == null ? List.of() : List.copyOf(fields);
    }

    /** {@code cluster/app/env@commit}, or {@code repo@commit} when there is no target. */
    public String where() {
        return target != null ? target.at(commit) : repo + "@" + TargetKey.shortSha(commit);
    }

    /** The Kafka key of anything published about this alert: the target, or the repository. */
    public String key() {
        return target != null ? target.toString() : repo;
    }

    public Optional<ObjectRef> objectRef() {
        return Optional.ofNullable(object);
    }

    /** The trace id inside the traceparent ({@code 00-<trace id>-<span id>-01}), if there is one. */
    public Optional<String> traceId() {
        if (traceparent == null) return Optional.empty();
        String[] parts = traceparent.split("-");
        return parts.length == 4 ? Optional.of(parts[1]) : Optional.empty();
    }
}
