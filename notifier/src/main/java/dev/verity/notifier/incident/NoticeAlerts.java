package dev.verity.notifier.incident;

import dev.verity.events.TargetKey;
import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.Severity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * What each {@link Notice} says, as an {@link Alert} the destinations can send: the incident's own alert (built from
 * the event that had something to tell, so no Secret value), with a title and summary saying where the incident
 * stands. Each notice gets an id of its own ({@code <incident id>/<what>}), the same whenever the same notice is
 * made again, so a destination sends it once.
 */
public final class NoticeAlerts {

    private NoticeAlerts() {
    }

    /** The alert for a notice. */
    public static Alert of(Notice notice) {
        if (notice instanceof Notice.Single s) return s.alert();
        if (notice instanceof Notice.Opened o) return o.grouped() ? grouped(o.incidents()) : opened(o.incidents().get(0));
        if (notice instanceof Notice.Updated u) {
            Incident i = u.incident();
            return restate(i, i.id() + "/update-" + i.updates(), i.alert().severity(), "Update: ",
                    List.of("Still open since " + i.openedAt() + objects(i) + "; changed by " + u.cause().describe() + "."));
        }
        if (notice instanceof Notice.Reminder r) {
            Incident i = r.incident();
            return restate(i, i.id() + "/reminder-" + i.announcedAt().getEpochSecond(), i.alert().severity(),
                    "Still open: ", List.of("Open since " + i.openedAt() + objects(i) + "."));
        }
        if (notice instanceof Notice.Resolved r) {
            Incident i = r.incident();
            return restate(i, i.id() + "/resolved-" + i.resolvedAt().getEpochSecond(), Severity.RESOLVED, "Resolved: ",
                    List.of(r.cause() != null ? "Resolved by " + r.cause().describe() + " after "
                            + duration(i.openedAt(), i.resolvedAt()) + "."
                            : "It stopped flapping: resolved since " + i.resolvedAt() + "."));
        }
        Notice.Flapping f = (Notice.Flapping) notice;
        Incident i = f.incident();
        return restate(i, i.id() + "/flapping-" + i.openings().size(), i.alert().severity(), "Flapping: ",
                List.of("Opened " + i.openings().size() + " times since " + i.openings().get(0) + ": its openings and"
                        + " resolutions are not announced one by one until it stays resolved; reminders continue"
                        + " while it is open."));
    }

    /**
     * One incident of a grouped announcement told on its own, for the group's thread: what its own announcement
     * would have said (the same id, so it is sent once).
     */
    public static Alert detail(Incident incident) {
        return opened(incident);
    }

    private static Alert opened(Incident incident) {
        if (incident.isOpen()) return restate(incident, incident.id() + "/opened", incident.alert().severity(), "",
                List.of("Since " + incident.openedAt() + "."));
        return restate(incident, incident.id() + "/opened", Severity.RESOLVED, "Resolved: ",
                List.of("Opened at " + incident.openedAt() + " and resolved " + duration(incident.openedAt(),
                        incident.resolvedAt()) + " later, before it was announced."));
    }

    private static Alert grouped(List<Incident> incidents) {
        Alert first = incidents.get(0).alert();
        Severity severity = incidents.stream().map(i -> i.isOpen() ? i.alert().severity() : Severity.RESOLVED)
                .max(Comparator.naturalOrder()).orElse(first.severity());
        List<String> summary = new ArrayList<>();
        for (Incident i : incidents) {
            summary.add(i.key().subject() + ": " + i.alert().title() + (i.isOpen() ? "" : " (resolved since)"));
        }
        String kinds = incidents.stream().map(i -> i.key().kind().name().toLowerCase(Locale.ROOT).replace('_', ' '))
                .distinct().reduce((a, b) -> a + ", " + b).orElse("");
        String id = incidents.stream().map(Incident::id).reduce((a, b) -> a + "+" + b).orElse("");
        return new Alert(Integer.toHexString(id.hashCode()) + "/grouped-" + incidents.size(), first.eventType(),
                severity, incidents.size() + " targets: " + kinds + " at " + first.repo() + "@"
                        + TargetKey.shortSha(incidents.get(0).commit()), summary, List.of(), null, first.repo(),
                incidents.get(0).commit(), null, List.of(), null, "Each target's detail follows in its own thread; "
                + "revert the commit to roll every target back: git revert " + TargetKey.shortSha(incidents.get(0)
                .commit()), first.traceparent());
    }

    private static Alert restate(Incident incident, String id, Severity severity, String prefix, List<String> lead) {
        Alert a = incident.alert();
        List<String> summary = new ArrayList<>(lead);
        summary.addAll(a.summary());
        return new Alert(id, a.eventType(), severity, prefix + a.title(), summary, a.details(), a.target(), a.repo(),
                incident.commit(), a.object(), a.fields(), a.path(), a.nextStep(), a.traceparent());
    }

    private static String objects(Incident incident) {
        int n = incident.objects().size();
        return n <= 1 ? "" : " (" + n + " objects differ)";
    }

    static String duration(Instant from, Instant to) {
        Duration d = Duration.between(from, to);
        if (d.toHours() > 0) return d.toHours() + " h " + d.toMinutesPart() + " min";
        if (d.toMinutes() > 0) return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        return d.toSeconds() + " s";
    }

}
