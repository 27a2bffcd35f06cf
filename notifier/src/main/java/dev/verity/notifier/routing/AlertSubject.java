package dev.verity.notifier.routing;

import dev.verity.events.TargetKey;
import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.Severity;
import dev.verity.notifier.incident.Incident;
import dev.verity.notifier.incident.IncidentKind;

import java.util.Locale;
import java.util.Objects;

/**
 * What routes match an alert on: the target's cluster, app and environment (all null for an alert about a whole
 * repository), its kind ({@link #KINDS}) and its severity ({@code error}, {@code warning}). An incident is routed on
 * what it was opened as, so its updates, reminders and resolution go where its announcement went.
 */
public record AlertSubject(String cluster, String app, String environment, String kind, String severity) {

    /** The kinds a route can name: one per incident kind, and those of alerts that are no incident. */
    public static final java.util.List<String> KINDS = java.util.List.of("drift", "drift-unknown", "rollout-failure",
            "degraded", "render-failure", "removal-held", "objects-kept", "other");

    /** The severities a route can name. */
    public static final java.util.List<String> SEVERITIES = java.util.List.of("error", "warning");

    public AlertSubject {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(severity, "severity");
    }

    /** The subject of an incident: its target, kind, and the severity of what opened it. */
    public static AlertSubject of(Incident incident) {
        return of(incident.alert().target(), kindName(incident.key().kind()), incident.alert().severity());
    }

    /** The subject of an alert that is no incident (a removal held, objects a prune kept). */
    public static AlertSubject of(Alert alert) {
        String kind = alert.eventType().contains(".removal-held.") ? "removal-held"
                : alert.eventType().contains(".rollout.pruned.") ? "objects-kept" : "other";
        return of(alert.target(), kind, alert.severity());
    }

    /** The route name of an incident kind: {@code ROLLOUT_FAILURE} is {@code rollout-failure}. */
    public static String kindName(IncidentKind kind) {
        return kind.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static AlertSubject of(TargetKey target, String kind, Severity severity) {
        // a resolution's own severity is RESOLVED; routes see what was resolved
        String level = severity == Severity.ERROR ? "error" : "warning";
        return target == null ? new AlertSubject(null, null, null, kind, level)
                : new AlertSubject(target.cluster(), target.app(), target.env(), kind, level);
    }
}
