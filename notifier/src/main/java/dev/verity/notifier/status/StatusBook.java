package dev.verity.notifier.status;

import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplyStarted;
import dev.verity.events.Degraded;
import dev.verity.events.EventType;
import dev.verity.events.Healthy;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;
import dev.verity.events.Waiting;
import dev.verity.notifier.alert.Secrets;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which commit statuses each event gives (plain Java, one thread): one status per target the commit touches, context
 * {@code verity/<cluster>/<app>/<env>} — so the forge's combined status of a commit is success only when every
 * target it touches is applied and healthy.
 *
 * <ul>
 *   <li>{@code ApplyStarted} (and {@code Waiting}): {@link StatusState#PENDING};</li>
 *   <li>{@code Healthy} (after {@code Applied}): {@link StatusState#SUCCESS};</li>
 *   <li>{@code ApplyFailed}, {@code Degraded}, {@code RenderFailed}: {@link StatusState#FAILURE} naming the target
 *       and the reason; a {@code RenderFailed} of the whole repository is context {@code verity/render};</li>
 *   <li>an event about another commit of a target whose commit is still pending ends that one with
 *       {@link StatusState#ERROR} "superseded by &lt;sha&gt;", so no commit stays pending for ever.</li>
 * </ul>
 * A status equal to the last one given for the same commit and context is not given again. Events of one target
 * come in order (they are keyed by target), which is what tells older from newer. The pending commits are kept in
 * memory: after a restart, a commit left pending is ended when its own outcome arrives, not when a newer commit does.
 */
public final class StatusBook {

    private static final int REMEMBERED = 10_000;

    /** Per target, the commit whose last status is pending, and the repository it came from. */
    private final Map<TargetKey, Pending> pending = new HashMap<>();
    private final Map<String, String> lastGiven = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED;
        }
    };

    private record Pending(String repo, String commit) {
    }

    /** The statuses {@code event} gives, in the order to post them; empty for an event that changes none. */
    public List<CommitStatus> on(String eventId, VerityEvent event) {
        String type = EventType.of(event.getClass()).type();
        List<CommitStatus> out = new ArrayList<>();
        if (event instanceof ApplyStarted s) {
            supersede(s.target(), s.commit(), eventId, type, out);
            give(new CommitStatus(s.repo(), s.commit(), CommitStatus.contextOf(s.target()), StatusState.PENDING,
                    "Applying " + s.objects() + " object(s) to " + s.target(), s.target(), eventId, type), out);
        } else if (event instanceof Waiting w) {
            supersede(w.target(), w.commit(), eventId, type, out);
            give(new CommitStatus(w.repo(), w.commit(), CommitStatus.contextOf(w.target()), StatusState.PENDING,
                    "Waiting in " + w.target() + ": " + w.reason(), w.target(), eventId, type), out);
        } else if (event instanceof Healthy h) {
            supersede(h.target(), h.commit(), eventId, type, out);
            give(new CommitStatus(h.repo(), h.commit(), CommitStatus.contextOf(h.target()), StatusState.SUCCESS,
                    "Applied and healthy in " + h.target(), h.target(), eventId, type), out);
        } else if (event instanceof ApplyFailed f) {
            failed(f.target(), f.repo(), f.commit(), "ApplyFailed", f.error(), eventId, type, out);
        } else if (event instanceof Degraded d) {
            failed(d.target(), d.repo(), d.commit(), "Degraded", d.error(), eventId, type, out);
        } else if (event instanceof RenderFailed r) {
            failed(r.target(), r.repo(), r.commit(), "RenderFailed", r.error(), eventId, type, out);
        }
        return out;
    }

    /**
     * Forgets that these statuses were given, so that the same event gives them again: for statuses that were not
     * posted after all (the event is read again).
     */
    public void retract(List<CommitStatus> statuses) {
        for (CommitStatus s : statuses) lastGiven.remove(s.commit() + " " + s.context());
    }

    /** The commits pending now, by target (what a newer commit would supersede). */
    public Map<TargetKey, String> pendingCommits() {
        Map<TargetKey, String> view = new LinkedHashMap<>();
        pending.forEach((t, p) -> view.put(t, p.commit()));
        return view;
    }

    private void failed(TargetKey target, String repo, String commit, String reason, String error, String eventId,
            String type, List<CommitStatus> out) {
        if (commit == null || commit.isBlank()) return; // a repository-wide failure with no commit: nothing to mark
        if (target != null) supersede(target, commit, eventId, type, out);
        String where = target == null ? "the repository" : target.toString();
        give(new CommitStatus(repo, commit, CommitStatus.contextOf(target), StatusState.FAILURE,
                reason + " in " + where + ": " + Secrets.mask(withoutPrefix(firstLine(error), target, commit)), target, eventId, type), out);
    }

    /** Ends the target's pending commit when {@code commit} is another one: it will not be applied there. */
    private void supersede(TargetKey target, String commit, String eventId, String type, List<CommitStatus> out) {
        Pending p = pending.get(target);
        if (p == null || p.commit().equals(commit)) return;
        give(new CommitStatus(p.repo(), p.commit(), CommitStatus.contextOf(target), StatusState.ERROR,
                "Superseded by " + TargetKey.shortSha(commit) + " before it finished in " + target, target,
                eventId, type), out);
    }

    private void give(CommitStatus status, List<CommitStatus> out) {
        if (status.target() != null) {
            if (status.state().isFinal()) {
                pending.remove(status.target(), new Pending(status.repo(), status.commit()));
            } else {
                pending.put(status.target(), new Pending(status.repo(), status.commit()));
            }
        }
        String key = status.commit() + " " + status.context();
        String said = status.state() + " " + status.description();
        if (said.equals(lastGiven.get(key))) return;
        lastGiven.put(key, said);
        out.add(status);
    }

    /** The error without the {@code cluster/app/env@sha: } it may start with (the status says the target already). */
    private static String withoutPrefix(String error, TargetKey target, String commit) {
        if (target == null) return error;
        String prefix = target.at(commit) + ": ";
        return error.startsWith(prefix) ? error.substring(prefix.length()) : error;
    }

    private static String firstLine(String error) {
        if (error == null) return "";
        String line = error.strip();
        int nl = line.indexOf('\n');
        return nl < 0 ? line : line.substring(0, nl);
    }
}
