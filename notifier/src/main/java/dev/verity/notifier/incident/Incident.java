package dev.verity.notifier.incident;

import dev.verity.events.ObjectRef;
import dev.verity.notifier.alert.Alert;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One incident: a target's (or repository's) trouble of one kind, from its opening to its resolution, as people are
 * told about it. Immutable; {@link IncidentBook} makes the next state. This is what {@code verity.incidents} keeps
 * per {@link IncidentKey}, so a restarted notifier continues each incident's thread instead of starting a new one.
 *
 * @param key            which incident
 * @param id             stable id of this opening (derived from the key and the opening event's id): the e-mail
 *                       thread's root and the Slack thread are this incident's; a new opening after a resolution
 *                       is a new id, except while the incident is flapping
 * @param status         open or resolved
 * @param openedAt       when it was opened
 * @param changedAt      when an event last changed it
 * @param resolvedAt     when it was resolved; null while open
 * @param announcedAt    when people were last told about it (announcement, update or reminder); null while it waits
 *                       in its grouping window
 * @param commit         the commit of the latest event about it
 * @param alert          what the latest event that had something to tell said (title, summary, details, next step)
 * @param objects        for drift: the objects that differ now
 * @param updates        how many updates it had since it was opened
 * @param openings       when it was opened within the flapping window, oldest first
 * @param flapping       whether it opens and resolves too often to announce each time
 * @param threads        per channel, where its messages are threaded ({@code slack}: channel and ts; {@code email}:
 *                       the root Message-ID): set by the sender, kept across restarts
 * @param recentEvents   ids of the last events applied to it, so a redelivered event changes nothing
 */
public record Incident(IncidentKey key, String id, Status status, Instant openedAt, Instant changedAt,
        Instant resolvedAt, Instant announcedAt, String commit, Alert alert, Set<ObjectRef> objects, int updates,
        List<Instant> openings, boolean flapping, Map<String, String> threads, List<String> recentEvents) {

    /** Open or resolved. */
    public enum Status { OPEN, RESOLVED }

    public Incident {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(openedAt, "openedAt");
        Objects.requireNonNull(changedAt, "changedAt");
        Objects.requireNonNull(commit, "commit");
        Objects.requireNonNull(alert, "alert");
        objects = objects == null ? Set.of() : Set.copyOf(objects);
        openings = openings == null ? List.of() : List.copyOf(openings);
        threads = threads == null ? Map.of() : Map.copyOf(threads);
        recentEvents = recentEvents == null ? List.of() : List.copyOf(recentEvents);
    }

    public boolean isOpen() {
        return status == Status.OPEN;
    }

    /** Whether people were told about it yet. */
    public boolean announced() {
        return announcedAt != null;
    }

    /** The same incident, with the channel's thread reference recorded. */
    public Incident withThread(String channel, String reference) {
        Map<String, String> next = new java.util.HashMap<>(threads);
        next.put(channel, reference);
        return new Incident(key, id, status, openedAt, changedAt, resolvedAt, announcedAt, commit, alert, objects,
                updates, openings, flapping, next, recentEvents);
    }

    Incident announced(Instant at) {
        return new Incident(key, id, status, openedAt, changedAt, resolvedAt, at, commit, alert, objects, updates,
                openings, flapping, threads, recentEvents);
    }

    Incident flapping(boolean now) {
        return new Incident(key, id, status, openedAt, changedAt, resolvedAt, announcedAt, commit, alert, objects,
                updates, openings, now, threads, recentEvents);
    }

    @Override
    public String toString() {
        return key + " " + id + " " + status + (flapping ? " (flapping)" : "");
    }
}
