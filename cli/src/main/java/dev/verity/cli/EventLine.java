package dev.verity.cli;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplyStarted;
import dev.verity.events.Degraded;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.DriftUpdated;
import dev.verity.events.Healthy;
import dev.verity.events.Progressing;
import dev.verity.events.Pruned;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import dev.verity.events.Waiting;

/**
 * One line of {@code ./verity logs}: when, what kind of event, at which commit, and what it says.
 *
 * @param time    ISO-8601 time of the event
 * @param topic   where it was read
 * @param type    its CloudEvents type, or {@code incident} for the notifier's records
 * @param commit  the commit it is about (short SHA), or null
 * @param summary what it says, one line; Secret values never appear (events carry none but the desired state's,
 *                which is summarised by its digest)
 */
public record EventLine(String time, String topic, String type, String commit, String summary) {

    /** A one-line summary of an event. */
    static String summarise(VerityEvent event) {
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
