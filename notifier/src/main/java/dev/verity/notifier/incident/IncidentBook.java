package dev.verity.notifier.incident;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.Degraded;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.DriftUpdated;
import dev.verity.events.Healthy;
import dev.verity.events.ObjectRef;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import dev.verity.notifier.alert.Alert;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns Verity's events into incidents and decides what people are told, and when. Plain Java, no I/O: the notifier
 * feeds it events ({@link #on}) and the passing of time ({@link #tick}), sends the {@link Notice}s it returns, and
 * records the incidents it changed ({@link #drainChanged}) on {@code verity.incidents}, from which a restarted
 * notifier rebuilds it ({@link #restore}).
 *
 * <ul>
 * <li><b>One open incident per target and kind</b> ({@link IncidentKind}): drift opens with {@code DriftDetected} and
 * is resolved when every drifted object is resolved; a failed rollout opens with {@code ApplyFailed} and is resolved
 * by {@code Applied}; degraded health opens with {@code Degraded} and is resolved by {@code Healthy}; a render failure
 * opens with {@code RenderFailed} (of a target, or of a whole repository) and is resolved when a later commit is
 * applied there; drift that cannot be told opens with {@code DriftUnknown} and is resolved when its objects are compared
 * again (a {@code DriftDetected} or {@code DriftResolved} of each; of any, for a whole target). A target that leaves Git ({@code TargetRemoved}) resolves its incidents. Later events update the
 * open incident; an update is told only when it changes what the incident says (its objects, or its alert's title,
 * summary, details, object or fields): a repeated detection is not a new message.</li>
 * <li><b>Grouping:</b> a new incident is announced after the grouping window, together with every other incident
 * opened from the same commit within it: one commit breaking fifty apps is one summary. Updates before the
 * announcement only change what it will say; an incident resolved before it is announced as resolved.</li>
 * <li><b>Reminders:</b> an open incident is announced again every reminder interval.</li>
 * <li><b>Flapping:</b> an incident opened {@code flapThreshold} times within the flapping window is announced once
 * as flapping and keeps its id and thread; its openings and resolutions are not announced until it has stayed
 * resolved for a whole window, which is announced as its resolution.</li>
 * <li><b>Redelivery:</b> an event already applied to an incident (same event id) changes nothing.</li>
 * </ul>
 *
 * Events that are worth telling but open no incident (a removal held, objects a prune kept) come back as
 * {@link Notice.Single}. Not thread-safe: the notifier calls it from one thread.
 */
public final class IncidentBook {

    /** How many event ids an incident remembers to recognise redeliveries. */
    static final int RECENT_EVENTS = 32;

    private final IncidentSettings settings;
    private final Clock clock;
    private final Map<IncidentKey, Incident> incidents = new LinkedHashMap<>();
    /** incidents waiting in their grouping window, by repository and commit, in opening order */
    private final Map<String, Group> waiting = new LinkedHashMap<>();
    private final Set<IncidentKey> changed = new LinkedHashSet<>();

    private static final class Group {
        final Instant ends;
        final List<IncidentKey> keys = new ArrayList<>();

        Group(Instant ends) {
            this.ends = ends;
        }
    }

    public IncidentBook(IncidentSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** An incident as {@code verity.incidents} kept it: taken as it is (one that was waiting is announced at the next tick). */
    public void restore(Incident incident) {
        incidents.put(incident.key(), incident);
        if (incident.isOpen() && !incident.announced()) {
            wait(incident.key(), incident.alert().repo() + "@" + incident.commit(), clock.instant());
        }
    }

    /** The incident of {@code key}, open or the last resolved one; null when there never was one. */
    public Incident incident(IncidentKey key) {
        return incidents.get(key);
    }

    /** Every incident open now. */
    public List<Incident> open() {
        return incidents.values().stream().filter(Incident::isOpen).toList();
    }

    /** Records where the incident's messages are threaded on a channel (after sending its announcement). */
    public Incident recordThread(IncidentKey key, String channel, String reference) {
        Incident incident = incidents.get(key);
        if (incident == null) throw new IllegalArgumentException("no incident " + key);
        Incident next = incident.withThread(channel, reference);
        put(next);
        return next;
    }

    /** The incidents changed since the last call, to record on {@code verity.incidents}. */
    public List<Incident> drainChanged() {
        List<Incident> out = new ArrayList<>();
        for (IncidentKey key : changed) out.add(incidents.get(key));
        changed.clear();
        return out;
    }

    /**
     * Applies one event.
     *
     * @param eventId the event's id (CloudEvents), to recognise a redelivery
     * @param alert   what the event says to people ({@code AlertComposer}), or null when it says nothing by itself
     * @return what to tell now (announcements of new incidents come from {@link #tick} after the grouping window)
     */
    public List<Notice> on(String eventId, VerityEvent event, Alert alert) {
        List<Notice> notices = new ArrayList<>();
        Instant now = clock.instant();
        if (event instanceof DriftDetected d) {
            comparedAgain(key(d.target(), IncidentKind.DRIFT_UNKNOWN), eventId, event, d.object(), now, notices);
            openOrUpdate(key(d.target(), IncidentKind.DRIFT), eventId, event, alert, d.object(), now, notices);
        } else if (event instanceof DriftUpdated u) {
            openOrUpdate(key(u.target(), IncidentKind.DRIFT), eventId, event, alert, u.object(), now, notices);
        } else if (event instanceof DriftResolved r) {
            comparedAgain(key(r.target(), IncidentKind.DRIFT_UNKNOWN), eventId, event, r.object(), now, notices);
            driftResolved(key(r.target(), IncidentKind.DRIFT), eventId, r, now, notices);
        } else if (event instanceof DriftUnknown u) {
            openOrUpdate(key(u.target(), IncidentKind.DRIFT_UNKNOWN), eventId, event, alert, u.object(), now, notices);
        } else if (event instanceof ApplyFailed f) {
            openOrUpdate(key(f.target(), IncidentKind.ROLLOUT_FAILURE), eventId, event, alert, null, now, notices);
        } else if (event instanceof Degraded d) {
            openOrUpdate(key(d.target(), IncidentKind.DEGRADED), eventId, event, alert, null, now, notices);
        } else if (event instanceof RenderFailed f) {
            String subject = f.target() != null ? f.target().toString() : f.repo();
            openOrUpdate(new IncidentKey(subject, IncidentKind.RENDER_FAILURE), eventId, event, alert, null, now,
                    notices);
        } else if (event instanceof Applied a) {
            resolve(key(a.target(), IncidentKind.ROLLOUT_FAILURE), eventId, event, now, notices);
            resolveRenderFailure(a.target(), a.repo(), a.commit(), eventId, event, now, notices);
        } else if (event instanceof Healthy h) {
            resolve(key(h.target(), IncidentKind.DEGRADED), eventId, event, now, notices);
            resolveRenderFailure(h.target(), h.repo(), h.commit(), eventId, event, now, notices);
        } else if (event instanceof TargetRemoved t) {
            for (IncidentKind kind : IncidentKind.values()) resolve(key(t.target(), kind), eventId, event, now, notices);
        } else if (alert != null) {
            notices.add(new Notice.Single(alert));
        }
        return notices;
    }

    /**
     * What time's passing makes due: announcements whose grouping window ended, reminders, and the resolution of
     * flapping incidents that stayed resolved for a whole flapping window.
     */
    public List<Notice> tick() {
        List<Notice> notices = new ArrayList<>();
        Instant now = clock.instant();
        for (var it = waiting.values().iterator(); it.hasNext(); ) {
            Group group = it.next();
            if (group.ends.isAfter(now)) continue;
            it.remove();
            List<Incident> announced = new ArrayList<>();
            for (IncidentKey key : group.keys) {
                Incident incident = incidents.get(key);
                if (incident == null || incident.announced()) continue;
                Incident next = incident.announced(now);
                put(next);
                announced.add(next);
            }
            if (!announced.isEmpty()) notices.add(new Notice.Opened(announced));
        }
        for (Incident incident : List.copyOf(incidents.values())) {
            if (incident.isOpen() && incident.announced()
                    && !incident.announcedAt().plus(settings.reminderInterval()).isAfter(now)) {
                Incident next = incident.announced(now);
                put(next);
                notices.add(new Notice.Reminder(next));
            } else if (!incident.isOpen() && incident.flapping()
                    && !incident.resolvedAt().plus(settings.flapWindow()).isAfter(now)) {
                Incident next = incident.flapping(false).announced(now);
                put(next);
                notices.add(new Notice.Resolved(next, null));
            }
        }
        return notices;
    }

    private void openOrUpdate(IncidentKey key, String eventId, VerityEvent event, Alert alert, ObjectRef object,
            Instant now, List<Notice> notices) {
        Incident current = incidents.get(key);
        if (current != null && current.recentEvents().contains(eventId)) return;
        if (current != null && current.isOpen()) {
            Set<ObjectRef> objects = new LinkedHashSet<>(current.objects());
            if (object != null) objects.add(object);
            Incident next = new Incident(key, current.id(), Incident.Status.OPEN, current.openedAt(), now, null,
                    current.announcedAt(), event.commit(), alert != null ? alert : current.alert(), objects,
                    current.updates() + 1, current.openings(), current.flapping(), current.threads(),
                    remember(current.recentEvents(), eventId));
            put(next);
            boolean changedContent = !objects.equals(current.objects()) || !sameContent(alert, current.alert());
            if (next.announced() && changedContent) notices.add(new Notice.Updated(next, event));
            return;
        }
        if (alert == null) return; // nothing to say about it yet; the event that has something opens it
        List<Instant> openings = new ArrayList<>();
        if (current != null) {
            for (Instant at : current.openings()) if (at.plus(settings.flapWindow()).isAfter(now)) openings.add(at);
        }
        openings.add(now);
        boolean flapping = openings.size() >= settings.flapThreshold() || (current != null && current.flapping());
        boolean continued = flapping && current != null && current.flapping();
        Incident next = new Incident(key, continued ? current.id() : incidentId(key, eventId), Incident.Status.OPEN, now,
                now, null, continued ? current.announcedAt() : null, event.commit(), alert,
                object == null ? Set.of() : Set.of(object), 0, openings, flapping,
                continued ? current.threads() : Map.of(), remember(current == null ? List.of() : current.recentEvents(),
                        eventId));
        if (flapping && !continued) {
            // announced at once as flapping, in a thread of its own
            next = next.announced(now);
            put(next);
            notices.add(new Notice.Flapping(next));
            return;
        }
        put(next);
        if (continued) return; // flapping: quiet; reminders continue
        if (settings.groupWindow().isZero()) {
            Incident announced = next.announced(now);
            put(announced);
            notices.add(new Notice.Opened(List.of(announced)));
        } else {
            wait(key, event.repo() + "@" + event.commit(), now);
        }
    }

    private void driftResolved(IncidentKey key, String eventId, DriftResolved event, Instant now, List<Notice> notices) {
        Incident current = incidents.get(key);
        if (current == null || !current.isOpen() || current.recentEvents().contains(eventId)) return;
        withoutObject(key, current, eventId, event, event.object(), now, notices);
    }

    /**
     * An object was compared again (drift detected or resolved for it): it is no longer unknown. An unknown incident
     * about a whole target (no objects) ends at the target's next comparison.
     */
    private void comparedAgain(IncidentKey key, String eventId, VerityEvent event, ObjectRef object, Instant now,
            List<Notice> notices) {
        Incident current = incidents.get(key);
        if (current == null || !current.isOpen() || current.recentEvents().contains(eventId)) return;
        if (!current.objects().isEmpty() && !current.objects().contains(object)) return;
        withoutObject(key, current, eventId, event, object, now, notices);
    }

    /** The open incident without {@code object}: updated while other objects remain, resolved when none does. */
    private void withoutObject(IncidentKey key, Incident current, String eventId, VerityEvent event, ObjectRef object,
            Instant now, List<Notice> notices) {
        Set<ObjectRef> objects = new LinkedHashSet<>(current.objects());
        objects.remove(object);
        if (!objects.isEmpty()) {
            Incident next = new Incident(key, current.id(), Incident.Status.OPEN, current.openedAt(), now, null,
                    current.announcedAt(), event.commit(), current.alert(), objects, current.updates() + 1,
                    current.openings(), current.flapping(), current.threads(),
                    remember(current.recentEvents(), eventId));
            put(next);
            if (next.announced()) notices.add(new Notice.Updated(next, event));
            return;
        }
        resolve(key, eventId, event, now, notices);
    }

    private void resolveRenderFailure(TargetKey target, String repo, String commit, String eventId, VerityEvent event,
            Instant now, List<Notice> notices) {
        for (IncidentKey key : List.of(key(target, IncidentKind.RENDER_FAILURE),
                new IncidentKey(repo, IncidentKind.RENDER_FAILURE))) {
            Incident current = incidents.get(key);
            if (current != null && current.isOpen() && !current.commit().equals(commit)) {
                resolve(key, eventId, event, now, notices);
            }
        }
    }

    private void resolve(IncidentKey key, String eventId, VerityEvent event, Instant now, List<Notice> notices) {
        Incident current = incidents.get(key);
        if (current == null || !current.isOpen() || current.recentEvents().contains(eventId)) return;
        Incident next = new Incident(key, current.id(), Incident.Status.RESOLVED, current.openedAt(), now, now,
                current.announcedAt(), event.commit(), current.alert(), Set.of(), current.updates(),
                current.openings(), current.flapping(), current.threads(), remember(current.recentEvents(), eventId));
        if (next.announced() && !next.flapping()) {
            next = next.announced(now);
            put(next);
            notices.add(new Notice.Resolved(next, event));
        } else {
            put(next); // waiting: its announcement will say it is resolved; flapping: quiet until it stays resolved
        }
    }

    private void wait(IncidentKey key, String groupKey, Instant now) {
        Group group = waiting.get(groupKey);
        if (group == null || !group.ends.isAfter(now)) {
            group = new Group(now.plus(settings.groupWindow()));
            waiting.put(groupKey, group);
        }
        if (!group.keys.contains(key)) group.keys.add(key);
    }

    private void put(Incident incident) {
        incidents.put(incident.key(), incident);
        changed.add(incident.key());
    }

    /** Whether a new alert says nothing new: the same title, summary, details, object and fields. */
    private static boolean sameContent(Alert next, Alert current) {
        return next == null || (next.title().equals(current.title()) && next.summary().equals(current.summary())
                && next.details().equals(current.details()) && java.util.Objects.equals(next.object(), current.object())
                && next.fields().equals(current.fields()) && next.severity() == current.severity());
    }

    private static IncidentKey key(TargetKey target, IncidentKind kind) {
        return new IncidentKey(target.toString(), kind);
    }

    private static List<String> remember(List<String> recent, String eventId) {
        List<String> next = new ArrayList<>(recent);
        next.add(eventId);
        return next.size() > RECENT_EVENTS ? next.subList(next.size() - RECENT_EVENTS, next.size()) : next;
    }

    /** A stable id for an opening: the same event opening the same incident always gives the same id. */
    static String incidentId(IncidentKey key, String eventId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((key.recordKey() + "\n" + eventId).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The incidents known, for tests and status pages. */
    public Collection<Incident> all() {
        return List.copyOf(incidents.values());
    }
}
