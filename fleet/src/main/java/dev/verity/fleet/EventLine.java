package dev.verity.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplyStarted;
import dev.verity.events.Degraded;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.DriftUpdated;
import dev.verity.events.Envelope;
import dev.verity.events.Healthy;
import dev.verity.events.Progressing;
import dev.verity.events.Pruned;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import dev.verity.events.Waiting;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;

/**
 * One line of {@code ./verity logs} and of a target's history on the status page: when, what kind of event, at which
 * commit, and what it says.
 *
 * @param time    ISO-8601 time of the event
 * @param topic   where it was read
 * @param type    its CloudEvents type, or {@code incident} for the notifier's records
 * @param commit  the commit it is about (short SHA), or null
 * @param summary what it says, one line; Secret values never appear (events carry none but the desired state's,
 *                which is summarised by its digest)
 */
public record EventLine(String time, String topic, String type, String commit, String summary) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The line of a decoded event read from {@code record}; its time is the event's, else the record's. */
    public static EventLine of(Envelope envelope, TopicReader.Record record) {
        String time = (envelope.time() != null ? envelope.time() : Instant.ofEpochMilli(record.timestamp())).toString();
        return new EventLine(time, record.topic(), envelope.type(), TargetKey.shortSha(envelope.event().commit()),
                summarise(envelope.event()));
    }

    /**
     * The line of one of the notifier's incident records ({@code verity.incidents}, key
     * {@code <subject>#<KIND>}): {@code incident DRIFT open: <title>}, at the time it changed (or was resolved);
     * empty for a tombstone or a record that is not an incident.
     */
    public static Optional<EventLine> ofIncident(TopicReader.Record record) {
        String key = record.key();
        if (record.value() == null || key == null || key.lastIndexOf('#') <= 0) return Optional.empty();
        JsonNode incident;
        try {
            incident = JSON.readTree(record.value());
        } catch (IOException e) {
            return Optional.empty();
        }
        if (incident == null || !incident.isObject()) return Optional.empty();
        String status = incident.path("status").asText("");
        String at = incident.path("RESOLVED".equals(status) ? "resolvedAt" : "changedAt")
                .asText(Instant.ofEpochMilli(record.timestamp()).toString());
        return Optional.of(new EventLine(at, record.topic(), "incident", TargetKey.shortSha(incident.path("commit").asText("")),
                "incident " + key.substring(key.lastIndexOf('#') + 1) + " " + status.toLowerCase() + ": "
                        + incident.path("alert").path("title").asText("")));
    }

    /** A one-line summary of an event. */
    public static String summarise(VerityEvent event) {
        if (event instanceof DesiredState d) {
            return "rendered " + d.path() + ": " + d.documents().size() + " documents, digest " + shortDigest(d.digest());
        } else if (event instanceof ApplyStarted s) {
            return "applying " + s.objects() + " objects";
        } else if (event instanceof Applied a) {
            return "applied: " + a.counts().created() + " created, " + a.counts().configured() + " configured, "
                    + a.counts().unchanged() + " unchanged, " + a.counts().pruned() + " pruned";
        } else if (event instanceof ApplyFailed f) {
            return "apply failed: " + f.error();
        } else if (event instanceof Pruned p) {
            return "pruned " + p.pruned().size() + " objects" + (p.targetRemoved() ? " (target removed)" : "");
        } else if (event instanceof Healthy h) {
            return "healthy (" + h.checked().size() + " objects checked)";
        } else if (event instanceof Progressing p) {
            return "progressing: " + p.notReady().size() + " not ready";
        } else if (event instanceof Degraded d) {
            return "degraded: " + d.error();
        } else if (event instanceof Waiting w) {
            return "waiting for " + w.waitingFor().stream().map(TargetKey::toString).toList()
                    + (w.reason() == null ? "" : ": " + w.reason());
        } else if (event instanceof DriftDetected d) {
            return "drift " + d.kind() + " " + Fleet.describe(d.object()) + ": " + String.join(", ", d.fields());
        } else if (event instanceof DriftUpdated d) {
            return "drift changed " + Fleet.describe(d.object()) + ": " + String.join(", ", d.fields());
        } else if (event instanceof DriftResolved d) {
            return "drift resolved " + Fleet.describe(d.object());
        } else if (event instanceof DriftUnknown d) {
            return "drift unknown " + Fleet.describe(d.object()) + ": " + d.reason();
        } else if (event instanceof RenderFailed f) {
            return "render failed" + (f.path() == null ? "" : " " + f.path()) + ": " + f.error();
        } else if (event instanceof TargetRemoved) {
            return "target removed from Git";
        }
        return event.type();
    }

    private static String shortDigest(String digest) {
        return digest == null ? "-" : digest.length() > 19 ? digest.substring(0, 19) : digest;
    }
}
