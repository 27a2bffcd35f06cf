package dev.verity.notifier.alert;

import dev.verity.events.ApplyFailed;
import dev.verity.events.Degraded;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.EventCodec;
import dev.verity.events.Envelope;
import dev.verity.events.Pruned;
import dev.verity.events.RemovalHeld;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns an event into the alert a person reads: what happened, to which object of which target at which commit,
 * and what to do next. Events that need nobody's attention (a successful apply, a commit, a desired state) make
 * no alert. Only the event's own fields are used; desired-state documents, which may hold Secrets, never are.
 */
public final class AlertComposer {

    /** Error text longer than this is cut (with a note) so a message stays readable; the event keeps the full text. */
    static final int MAX_ERROR_CHARS = 2000;
    static final int MAX_ERROR_LINES = 20;

    /** The alert for an event decoded with its envelope, or empty when the event needs no alert. */
    public Optional<Alert> compose(Envelope envelope) {
        return compose(envelope.event(), envelope.id(), envelope.traceparent());
    }

    /** The alert for an event, with its id and trace computed as {@link EventCodec} does. */
    public Optional<Alert> compose(VerityEvent event) {
        return compose(event, EventCodec.idOf(event), EventCodec.traceparentOf(event));
    }

    private Optional<Alert> compose(VerityEvent event, String id, String traceparent) {
        String eventId = id != null ? id : EventCodec.idOf(event);
        if (event instanceof DriftDetected d) return Optional.of(driftDetected(d, eventId, traceparent));
        if (event instanceof DriftResolved r) return Optional.of(driftResolved(r, eventId, traceparent));
        if (event instanceof DriftUnknown u) return Optional.of(driftUnknown(u, eventId, traceparent));
        if (event instanceof RenderFailed f) return Optional.of(renderFailed(f, eventId, traceparent));
        if (event instanceof ApplyFailed f) return Optional.of(applyFailed(f, eventId, traceparent));
        if (event instanceof Degraded d) return Optional.of(degraded(d, eventId, traceparent));
        if (event instanceof RemovalHeld h) return Optional.of(removalHeld(h, eventId, traceparent));
        if (event instanceof Pruned p && (!p.kept().isEmpty() || !p.failed().isEmpty())) {
            return Optional.of(pruned(p, eventId, traceparent));
        }
        // Applied, ApplyStarted, a Pruned that only deleted, Progressing, Healthy, Waiting (a dependsOn hold; the
        // dependency's own Degraded or ApplyFailed alerts), CommitPushed, DesiredState, TargetRemoved: nobody needs
        // to act
        return Optional.empty();
    }

    private static Alert driftDetected(DriftDetected d, String id, String traceparent) {
        String object = d.object().toString();
        String fields = String.join(", ", d.fields());
        String title;
        String happened;
        String next;
        switch (d.kind()) {
            case MODIFIED -> {
                title = "Drift: " + object + " was changed outside Git";
                happened = d.fields().isEmpty()
                        ? "Someone changed " + object + " outside Git."
                        : "Someone changed " + fields + " of " + object + " outside Git.";
                next = "Revert " + (d.fields().isEmpty() ? "the change" : fields) + " in the cluster, or commit the change "
                        + "to " + shown(d.repo()) + " so that Git says what runs. A target with selfHeal on is reverted by"
                        + " Verity. " + diffCommand(d.target(), d.commit());
            }
            case DELETED -> {
                title = "Drift: " + object + " was deleted outside Git";
                happened = "Someone deleted " + object + " from the cluster; Git still has it.";
                next = "Restore it by re-applying the target (a target with selfHeal on is restored by Verity), "
                        + "or remove it from the target's overlay in " + shown(d.repo()) + " if it should be gone.";
            }
            case UNEXPECTED -> {
                title = "Drift: " + object + " is in the cluster but not in Git";
                happened = object + " is marked as belonging to " + d.target() + " (annotation verity.dev/target) "
                        + "but is not in its desired state.";
                next = "Delete it from the cluster, or add it to the target's overlay in " + shown(d.repo()) + ".";
            }
            default -> throw new IllegalArgumentException("unknown drift kind " + d.kind());
        }
        List<String> summary = new ArrayList<>();
        summary.add(happened);
        summary.add("Target " + d.target() + " is at commit " + TargetKey.shortSha(d.commit()) + ".");
        return new Alert(id, d.type(), Severity.WARNING, title, summary, List.of(), d.target(), d.repo(), d.commit(), d.object(),
                d.fields(), null, next, traceparent);
    }

    private static Alert driftResolved(DriftResolved r, String id, String traceparent) {
        String object = r.object().toString();
        return new Alert(id, r.type(), Severity.RESOLVED, "Resolved: " + object + " matches Git again",
                List.of(object + " matches the desired state of " + r.target() + " at commit "
                        + TargetKey.shortSha(r.commit()) + " again."),
                List.of(), r.target(), r.repo(), r.commit(), r.object(), List.of(), null, "Nothing to do.", traceparent);
    }

    /** How the renderer words a RenderFailed for the deletion of the branch it renders (renderer's CommitListener). */
    private static final java.util.regex.Pattern BRANCH_DELETED = java.util.regex.Pattern.compile(
            "(?s)^branch (\\S+) of (\\S+), which Verity renders, was deleted( by (\\S+))?.*");

    private static Alert renderFailed(RenderFailed f, String id, String traceparent) {
        java.util.regex.Matcher deleted = BRANCH_DELETED.matcher(f.error());
        if (f.target() == null && deleted.matches()) return branchDeleted(f, deleted.group(1), deleted.group(4), id, traceparent);
        String what = f.target() != null ? f.target().toString() : shown(f.repo());
        String at = f.commit() != null ? " at commit " + TargetKey.shortSha(f.commit()) : "";
        List<String> summary = new ArrayList<>();
        summary.add("Verity could not render " + (f.path() != null ? f.path() : "the repository") + at
                + "; nothing was published and the cluster keeps what it runs.");
        String next = "Fix " + (f.path() != null ? f.path() : "the repository") + " in " + shown(f.repo())
                + " and push" + (f.commit() != null ? " (or revert the commit: git revert " + TargetKey.shortSha(f.commit())
                + ")" : "") + "; in a checkout, `./verity render " + (f.path() != null ? f.path() : "<overlay>")
                + "` (Verity's engine, no kubectl needed) or `kubectl kustomize " + (f.path() != null ? f.path() : "<overlay>")
                + "` shows the same error.";
        return new Alert(id, f.type(), Severity.ERROR, "Render failed: " + what + at, summary,
                errorLines(f.error()), f.target(), f.repo(),
                f.commit(), null, List.of(), f.path(), next, traceparent);
    }

    private static Alert applyFailed(ApplyFailed f, String id, String traceparent) {
        String at = " at commit " + TargetKey.shortSha(f.commit());
        List<String> summary = new ArrayList<>();
        summary.add("Verity could not apply " + (f.object() != null ? f.object() + " of " : "") + f.target() + at
                + "; the cluster may run a mix of the old and new state.");
        String next = "Read the error: fix the manifests in " + shown(f.repo())
                + " and push, or fix what the cluster refused (permissions, quotas, missing CRDs or namespaces); "
                + "the next push or reconcile applies again. To roll back: git revert " + TargetKey.shortSha(f.commit())
                + " and push.";
        return new Alert(id, f.type(), Severity.ERROR, "Apply failed: " + f.target() + at, summary,
                errorLines(f.error()), f.target(),
                f.repo(), f.commit(), f.object(), List.of(), null, next, traceparent);
    }

    /** Applied objects did not become ready: a rollout failed or is stuck past the target's healthTimeout. */
    private static Alert degraded(Degraded d, String id, String traceparent) {
        String at = " at commit " + TargetKey.shortSha(d.commit());
        List<String> summary = new ArrayList<>();
        summary.add(d.timedOut()
                ? "Verity applied " + d.target() + at + ", but " + d.objects().size() + " object(s) were still not"
                        + " ready when its healthTimeout ran out."
                : "Verity applied " + d.target() + at + ", but " + d.objects().size() + " object(s) failed to become"
                        + " ready.");
        List<String> details = new ArrayList<>();
        d.objects().forEach(o -> details.add(o.toString()));
        String next = "Look at the objects in the cluster (kubectl describe, kubectl rollout status, the pods' events"
                + " and logs): fix the manifests in " + shown(d.repo()) + " and push, or fix what the cluster lacks (images,"
                + " quotas, nodes); a slow but healthy rollout needs a longer healthTimeout in verity.yaml. To roll back:"
                + " git revert " + TargetKey.shortSha(d.commit()) + " and push.";
        return new Alert(id, d.type(), Severity.ERROR, "Degraded: " + d.target() + at, summary,
                cut(details.isEmpty() ? errorLines(d.error()) : details), d.target(), d.repo(), d.commit(),
                d.objects().isEmpty() ? null : d.objects().get(0).object(), List.of(), null, next, traceparent);
    }

    /**
     * Objects that left a target stay in the cluster (released from Verity: nobody manages them now), or could not
     * be pruned: someone should decide what becomes of them.
     */
    private static Alert pruned(Pruned p, String id, String traceparent) {
        String at = " at commit " + TargetKey.shortSha(p.commit());
        String left = p.targetRemoved() ? p.target() + " left Git" + at : "objects left " + p.target() + at;
        List<String> summary = new ArrayList<>();
        if (!p.kept().isEmpty()) {
            summary.add(left + "; " + p.kept().size() + " of its objects stay in the cluster, released from Verity"
                    + " (its annotation and labels removed): nothing manages them now.");
        }
        if (!p.failed().isEmpty()) {
            summary.add(p.failed().size() + " object(s) could not be pruned; Verity tries again with the next apply.");
        }
        if (!p.pruned().isEmpty()) summary.add(p.pruned().size() + " object(s) were deleted.");
        List<String> details = new ArrayList<>();
        p.kept().forEach(k -> details.add("kept: " + k));
        p.failed().forEach(f -> details.add("not pruned: " + f));
        String next = p.kept().isEmpty() ? "Read why the prune failed and fix the cluster (permissions, finalizers)."
                : "Delete the kept objects with kubectl if they are no longer needed, or add them to a target in "
                        + p.repo() + " so that Verity manages them again.";
        String title = (p.targetRemoved() ? "Target removed, objects kept: " : "Objects kept after prune: ")
                + p.target() + at;
        return new Alert(id, p.type(), p.failed().isEmpty() ? Severity.WARNING : Severity.ERROR, title, summary,
                cut(details), p.target(), p.repo(), p.commit(), null, List.of(), null, next, traceparent);
    }

    /** A commit would remove most of a repository's targets: held, someone must confirm or undo it. */
    private static Alert removalHeld(RemovalHeld h, String id, String traceparent) {
        String at = TargetKey.shortSha(h.commit());
        List<String> summary = List.of("Commit " + at + " removes " + h.targets().size() + " of the " + h.published()
                + " targets of " + h.repo() + " at once. Verity holds the removal: nothing was pruned, and these"
                + " targets keep their last applied state.");
        List<String> details = new ArrayList<>();
        h.targets().forEach(t -> details.add("would remove: " + t));
        String next = "If the commit is a mistake, revert it (git revert " + at + ") and push. If the targets should"
                + " go, push any following commit that still lacks them (an empty commit is enough: git commit"
                + " --allow-empty -m 'confirm removal'), or set allowMassRemoval: true in verity.yaml.";
        return new Alert(id, h.type(), Severity.ERROR, "Removal held: commit " + at + " removes " + h.targets().size()
                + " of " + h.published() + " targets", summary, cut(details), null, h.repo(), h.commit(), null,
                List.of(), null, next, traceparent);
    }

    /**
     * Whether objects match Git cannot be told (the cluster answered an error, or the desired state is unreadable):
     * not drift, and not a claim that anything is in sync.
     */
    private static Alert driftUnknown(DriftUnknown u, String id, String traceparent) {
        String what = u.object() != null ? u.object() + " of " + u.target() : "the objects of " + u.target();
        List<String> summary = List.of("Verity cannot tell whether " + what + " match" + (u.object() != null ? "es" : "")
                + " Git: the drift monitor could not compare " + (u.object() != null ? "it" : "them") + ". This is not"
                + " a claim that anything drifted; drift there is not seen until this is resolved.",
                "Target " + u.target() + " is at commit " + TargetKey.shortSha(u.commit()) + ".");
        String next = u.object() != null
                ? "Check that the drift monitor can read " + u.object().kind() + " in " + (u.object().namespace() == null
                        ? "the cluster" : "namespace " + u.object().namespace()) + " (RBAC get/list/watch, e.g. kubectl"
                        + " auth can-i list " + u.object().kind().toLowerCase(java.util.Locale.ROOT) + "s"
                        + (u.object().namespace() == null ? "" : " -n " + u.object().namespace())
                        + " --as=<the drift monitor's service account>) and that the API server answers; it is"
                        + " resolved by itself once the object is compared again."
                : "Check the drift monitor's log for the target: its desired state could not be read; it is resolved"
                        + " by itself once the target is compared again.";
        return new Alert(id, u.type(), Severity.WARNING, "Drift unknown: " + (u.object() != null ? u.object().toString()
                : u.target().toString()) + " cannot be compared", summary, errorLines(u.reason()), u.target(), u.repo(),
                u.commit(), u.object(), List.of(), null, next, traceparent);
    }

    /** The branch Verity renders was deleted: nothing is rendered, the clusters keep the last render. */
    private static Alert branchDeleted(RenderFailed f, String branch, String pusher, String id, String traceparent) {
        String repo = shown(f.repo());
        String head = f.commit() != null ? TargetKey.shortSha(f.commit()) : "its last head";
        List<String> summary = List.of("Branch " + branch + " of " + repo + ", which Verity renders, was deleted"
                + (pusher != null ? " by " + pusher : "") + "; its last head was " + head + ".",
                "Nothing was removed from the clusters: they keep what the last render published. Nothing new is"
                        + " rendered from " + repo + " until the branch is back.");
        String next = "If the deletion was a mistake, restore the branch: git push origin "
                + (f.commit() != null ? f.commit() : "<last head>") + ":refs/heads/" + branch + ". If the repository"
                + " moved to another branch, set verity.renderer.repositories[<n>].branch to it.";
        return new Alert(id, f.type(), Severity.ERROR, "Branch deleted: " + branch + " of " + repo, summary,
                errorLines(f.error()), null, f.repo(), f.commit(), null, List.of(), null, next, traceparent);
    }

    /** The command to see the whole difference between Git and the cluster for a target at a commit. */
    static String diffCommand(TargetKey target, String commit) {
        return "To see the whole difference: ./verity diff " + target + " (with the cluster's kubeconfig), or, in a"
                + " checkout of " + TargetKey.shortSha(commit) + ": kubectl kustomize apps/"
                + target.app() + "/overlays/" + target.env() + " | kubectl diff --server-side --field-manager=verity -f -"
                + " (against cluster " + target.cluster() + "; the overlay is elsewhere if verity.yaml gives the app"
                + " another path).";
    }

    /** A repository URL as shown to people: credentials in it masked. */
    private static String shown(String repo) {
        return Secrets.mask(repo);
    }

    private static List<String> cut(List<String> lines) {
        if (lines.size() <= MAX_ERROR_LINES) return lines;
        List<String> shown = new ArrayList<>(lines.subList(0, MAX_ERROR_LINES));
        shown.add("… and " + (lines.size() - MAX_ERROR_LINES) + " more (the full list is on the event in Kafka)");
        return shown;
    }

    /** The error's lines, without blank ones, cut to a readable size. */
    static List<String> errorLines(String error) {
        String text = Secrets.mask(error.strip());
        boolean cut = false;
        if (text.length() > MAX_ERROR_CHARS) {
            text = text.substring(0, MAX_ERROR_CHARS);
            cut = true;
        }
        List<String> lines = new ArrayList<>(text.lines().map(String::stripTrailing).filter(l -> !l.isBlank()).toList());
        if (lines.size() > MAX_ERROR_LINES) {
            lines = new ArrayList<>(lines.subList(0, MAX_ERROR_LINES));
            cut = true;
        }
        if (cut) lines.add("… (error cut; the full text is on the event in Kafka)");
        return lines;
    }
}
