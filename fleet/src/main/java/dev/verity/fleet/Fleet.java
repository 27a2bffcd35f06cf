package dev.verity.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplyStarted;
import dev.verity.events.ApplySuspended;
import dev.verity.events.Decoded;
import dev.verity.events.Degraded;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.DriftUpdated;
import dev.verity.events.Envelope;
import dev.verity.events.EventCodec;
import dev.verity.events.EventFormatException;
import dev.verity.events.Healthy;
import dev.verity.events.ObjectRef;
import dev.verity.events.Progressing;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.events.Waiting;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every target's state, folded from Verity's topics in the order they hold it: the latest desired state per target
 * ({@code verity.desired.<cluster>}, a tombstone removes the target), rollout and health events
 * ({@code verity.rollout}), drift ({@code verity.drift}) and the notifier's incidents ({@code verity.incidents}).
 * Records it cannot read (a newer version's event types, poison records) are counted and skipped, never fatal.
 * Each target also keeps its drift and incident history (the last {@code historyLimit} lines, as
 * {@code ./verity logs} prints them). Of a desired state only its repository, path, commit and digest are kept, never
 * its documents, so a long-running reader (the notifier's status page) holds little per target. Not thread-safe:
 * one thread folds; {@link LiveFleet} publishes immutable views of it.
 */
public final class Fleet {

    /** How many drift and incident lines a target keeps unless told otherwise. */
    public static final int DEFAULT_HISTORY = 50;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventCodec codec = new EventCodec();
    private final int historyLimit;
    private final Map<TargetKey, Target> targets = new TreeMap<>();
    /** Render failures of a whole repository (no target), by repository. */
    private final Map<String, RenderFailure> repoFailures = new LinkedHashMap<>();
    private int skipped;

    public Fleet() {
        this(DEFAULT_HISTORY);
    }

    /** @param historyLimit how many drift and incident lines each target keeps (the newest) */
    public Fleet(int historyLimit) {
        if (historyLimit < 0) throw new IllegalArgumentException("history limit " + historyLimit + " is negative");
        this.historyLimit = historyLimit;
    }

    /**
     * The topics a fleet is folded from, among those that exist: every desired-state topic (of {@code cluster} only,
     * unless it is null; dead-letter topics left out), then rollout, drift and incidents. A reader that compares
     * this list now and later sees any of them appear.
     */
    public static List<String> topics(TopicReader reader, String cluster) {
        List<String> shared = List.of(Topics.ROLLOUT, Topics.DRIFT, Topics.INCIDENTS);
        List<String> existing = reader.topics(t -> shared.contains(t) || (t.startsWith(Topics.DESIRED_PREFIX)
                && !t.endsWith(".dlq") && (cluster == null || t.equals(Topics.desired(cluster)))));
        List<String> topics = new ArrayList<>(existing.stream().filter(t -> !shared.contains(t)).toList());
        shared.stream().filter(existing::contains).forEach(topics::add);
        return topics;
    }

    /** Every target's state (of one cluster, or all when {@code cluster} is null) as the topics hold it now. */
    public static Fleet read(TopicReader reader, String cluster) {
        Fleet fleet = new Fleet();
        reader.readToEnd(topics(reader, cluster), fleet::accept);
        return fleet;
    }

    /** Folds one record of any of the topics above in. */
    public void accept(TopicReader.Record record) {
        if (record.topic().equals(Topics.INCIDENTS)) {
            incident(record);
        } else if (record.topic().startsWith(Topics.DESIRED_PREFIX)) {
            desired(record);
        } else {
            event(record).ifPresent(envelope -> event(envelope, record));
        }
    }

    /** How many records could not be read (events of a newer Verity, poison records). */
    public int skipped() {
        return skipped;
    }

    /**
     * A target's drift and incident history, oldest first (the last {@code historyLimit} lines); empty for a target
     * the fleet does not know.
     */
    public List<EventLine> history(TargetKey target) {
        Target t = targets.get(target);
        if (t == null) return List.of();
        List<EventLine> lines = new ArrayList<>(t.history);
        lines.sort(Comparator.comparing(EventLine::time)); // drift and incidents are two topics: order by time
        return List.copyOf(lines);
    }

    /** Every target with a desired state, by name. */
    public List<TargetStatus> status() {
        // a repository-wide failure (fetch, deleted branch) stands until the repository renders again
        Map<String, Instant> lastRender = new LinkedHashMap<>();
        targets.values().stream().filter(t -> t.desired != null && t.renderedAt != null)
                .forEach(t -> lastRender.merge(t.desired.repo(), t.renderedAt, (a, b) -> a.isAfter(b) ? a : b));
        List<TargetStatus> all = new ArrayList<>();
        targets.forEach((key, t) -> {
            if (t.desired == null) return;
            RenderFailure repoFailure = repoFailures.get(t.desired.repo());
            Instant rendered = lastRender.get(t.desired.repo());
            if (repoFailure != null && rendered != null && !repoFailure.at().isAfter(rendered)) repoFailure = null;
            all.add(t.status(key, repoFailure));
        });
        return all;
    }

    private void desired(TopicReader.Record record) {
        TargetKey key;
        try {
            key = TargetKey.parse(record.key());
        } catch (RuntimeException e) {
            skipped++;
            return;
        }
        if (record.value() == null) {
            targets.remove(key);
            return;
        }
        event(record).ifPresent(envelope -> {
            if (envelope.event() instanceof DesiredState d) {
                Target t = targets.computeIfAbsent(d.target(), k -> new Target());
                t.desired = new Rendered(d.repo(), d.path(), d.commit(), d.digest());
                t.renderedAt = time(envelope, record);
            } else {
                skipped++;
            }
        });
    }

    private Optional<Envelope> event(TopicReader.Record record) {
        if (record.value() == null) return Optional.empty();
        try {
            Decoded decoded = codec.read(record.value());
            if (decoded instanceof Decoded.Known known) return Optional.of(known.envelope());
        } catch (EventFormatException e) {
            // a poison record: the services dead-letter it; status just skips it
        }
        skipped++;
        return Optional.empty();
    }

    private void event(Envelope envelope, TopicReader.Record record) {
        VerityEvent event = envelope.event();
        Instant at = envelope.time() == null ? Instant.EPOCH : envelope.time();
        if (event instanceof RenderFailed f) {
            RenderFailure failure = new RenderFailure(f.commit(), f.error(), at);
            if (f.target() == null) repoFailures.put(f.repo(), failure);
            else targets.computeIfAbsent(f.target(), k -> new Target()).renderFailure = failure;
            return;
        }
        if (event instanceof TargetRemoved r) {
            targets.remove(r.target());
            return;
        }
        Optional<TargetKey> key = event.targetKey();
        if (key.isEmpty()) return;
        Target t = targets.computeIfAbsent(key.get(), k -> new Target());
        if (record.topic().equals(Topics.DRIFT)) t.remember(EventLine.of(envelope, record), historyLimit);
        if (event instanceof ApplyStarted s) {
            t.rollout(s.digest(), "Applying", s.objects() + " objects", null);
        } else if (event instanceof Applied a) {
            t.rollout(a.digest(), "Synced", null, a.commit());
        } else if (event instanceof ApplyFailed f) {
            t.rollout(f.digest(), "Failed", f.error(), null);
        } else if (event instanceof ApplySuspended s) {
            t.rollout(s.digest(), "Suspended", "suspend: true in the target's policy", null);
        } else if (event instanceof Waiting w) {
            t.rollout(w.digest(), "Waiting", "for " + w.waitingFor().stream().map(TargetKey::toString).toList()
                    + (w.reason() == null ? "" : ": " + w.reason()), null);
        } else if (event instanceof Healthy h) {
            t.health(h.digest(), "Healthy", null);
        } else if (event instanceof Progressing p) {
            t.health(p.digest(), "Progressing", p.notReady().isEmpty() ? null
                    : p.notReady().size() + " not ready, first " + describe(p.notReady().get(0).object()) + ": "
                    + p.notReady().get(0).reason());
        } else if (event instanceof Degraded d) {
            t.health(d.digest(), "Degraded", d.error());
        } else if (event instanceof DriftDetected d) {
            t.drift.put(describe(d.object()), String.join(", ", d.fields()));
        } else if (event instanceof DriftUpdated d) {
            t.drift.put(describe(d.object()), String.join(", ", d.fields()));
        } else if (event instanceof DriftUnknown d) {
            t.drift.put(describe(d.object()), "unknown: " + d.reason());
        } else if (event instanceof DriftResolved d) {
            t.drift.remove(describe(d.object()));
        }
    }

    private void incident(TopicReader.Record record) {
        String recordKey = record.key();
        int hash = recordKey == null ? -1 : recordKey.lastIndexOf('#');
        if (hash <= 0) {
            skipped++;
            return;
        }
        String subject = recordKey.substring(0, hash);
        TargetKey target;
        try {
            target = TargetKey.parse(subject);
        } catch (RuntimeException e) {
            return; // a repository's incident: shown with its render failure
        }
        if (record.value() == null) {
            Optional.ofNullable(targets.get(target)).ifPresent(t -> t.incidents.remove(recordKey));
            return;
        }
        JsonNode incident;
        try {
            incident = JSON.readTree(record.value());
        } catch (java.io.IOException e) {
            skipped++;
            return;
        }
        Target t = targets.computeIfAbsent(target, k -> new Target());
        EventLine.ofIncident(record).ifPresent(line -> {
            // the notifier writes an incident again when only its delivery changed (thread, announcement): same line
            if (!line.equals(t.lastIncidentLine.put(recordKey, line))) t.remember(line, historyLimit);
        });
        if ("OPEN".equals(incident.path("status").asText())) {
            t.incidents.put(recordKey, recordKey.substring(hash + 1) + " since " + incident.path("openedAt").asText()
                    + ": " + incident.path("alert").path("title").asText(""));
        } else {
            t.incidents.remove(recordKey);
        }
    }

    /** {@code Kind namespace/name}, as status, logs and alerts name an object. */
    public static String describe(ObjectRef o) {
        return o.kind() + " " + (o.namespace() == null || o.namespace().isEmpty() ? "" : o.namespace() + "/") + o.name();
    }

    private static Instant time(Envelope envelope, TopicReader.Record record) {
        return envelope.time() != null ? envelope.time() : Instant.ofEpochMilli(record.timestamp());
    }

    private record RenderFailure(String commit, String error, Instant at) {
    }

    /** What status needs of a desired state: not its documents. */
    private record Rendered(String repo, String path, String commit, String digest) {
    }

    private static final class Target {
        Rendered desired;
        Instant renderedAt;
        RenderFailure renderFailure;
        String rolloutDigest;
        String rolloutState;
        String rolloutDetail;
        String appliedCommit;
        String healthDigest;
        String healthState;
        String healthDetail;
        final Map<String, String> drift = new TreeMap<>();
        final Map<String, String> incidents = new TreeMap<>();
        final Deque<EventLine> history = new ArrayDeque<>();
        final Map<String, EventLine> lastIncidentLine = new HashMap<>();

        void remember(EventLine line, int limit) {
            if (limit == 0) return;
            if (history.size() == limit) history.removeFirst();
            history.addLast(line);
        }

        void rollout(String digest, String state, String detail, String applied) {
            rolloutDigest = digest;
            rolloutState = state;
            rolloutDetail = detail;
            if (applied != null) appliedCommit = applied;
        }

        void health(String digest, String state, String detail) {
            healthDigest = digest;
            healthState = state;
            healthDetail = detail;
        }

        TargetStatus status(TargetKey key, RenderFailure repoFailure) {
            String sync;
            String detail;
            RenderFailure failure = newest(renderFailure, repoFailure);
            if (failure != null && (renderedAt == null || failure.at().isAfter(renderedAt))) {
                sync = "RenderFailed";
                detail = "commit " + TargetKey.shortSha(failure.commit()) + ": " + failure.error();
            } else if (rolloutDigest == null || !rolloutDigest.equals(desired.digest())) {
                sync = "Pending";
                detail = appliedCommit == null ? "not applied yet"
                        : "commit " + TargetKey.shortSha(desired.commit()) + " not applied yet";
            } else {
                sync = rolloutState;
                detail = rolloutDetail;
            }
            if (sync.equals("Synced") && !drift.isEmpty()) {
                sync = "OutOfSync";
                detail = drift.size() + (drift.size() == 1 ? " object differs" : " objects differ") + " from Git";
            }
            boolean healthCurrent = healthDigest != null && healthDigest.equals(desired.digest());
            List<String> driftLines = drift.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
            return new TargetStatus(key.toString(), desired.repo(), desired.path(), desired.commit(), desired.digest(),
                    renderedAt == null ? null : renderedAt.toString(), sync, detail, appliedCommit,
                    healthCurrent ? healthState : "Unknown", healthCurrent ? healthDetail : null, driftLines,
                    List.copyOf(incidents.values()));
        }

        private static RenderFailure newest(RenderFailure a, RenderFailure b) {
            if (a == null) return b;
            if (b == null) return a;
            return a.at().isAfter(b.at()) ? a : b;
        }
    }
}
