package dev.verity.notifier.status;

import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplyStarted;
import dev.verity.events.CommitPushed;
import dev.verity.events.Degraded;
import dev.verity.events.EventType;
import dev.verity.events.Healthy;
import dev.verity.events.RenderFailed;
import dev.verity.events.Rendered;
import dev.verity.events.RepoIdentity;
import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;
import dev.verity.events.Waiting;
import dev.verity.notifier.alert.Secrets;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Which commit statuses each event gives (plain Java, one thread). A commit gets one status per target it changes,
 * context {@code verity/<cluster>/<app>/<env>} — so the forge's combined status of a commit is success only when every
 * target it changes is applied and healthy — and one for its rendering, context {@code verity/render}.
 *
 * <ul>
 *   <li>{@code CommitPushed} (on {@code verity.commits}) of a branch the renderer renders: {@code verity/render}
 *       {@link StatusState#PENDING} at once, before anything is rendered;</li>
 *   <li>{@code Rendered}: {@code verity/render} {@link StatusState#SUCCESS} naming the targets the commit changed (or
 *       {@link StatusState#FAILURE} naming those that failed to render), and {@link StatusState#PENDING} for each
 *       target it changed ("waiting for the applier"); a commit pushed before the one rendered and still pending on
 *       {@code verity/render} is ended with {@link StatusState#ERROR} "superseded before it was rendered" (the
 *       renderer renders the branch head, so it will never be rendered). A target the commit left unchanged gets
 *       no status: nothing was applied or checked there for this commit, and a success would claim a verification
 *       that did not happen;</li>
 *   <li>{@code ApplyStarted} (and {@code Waiting}): {@link StatusState#PENDING};</li>
 *   <li>{@code Healthy} (after {@code Applied}): {@link StatusState#SUCCESS};</li>
 *   <li>{@code ApplyFailed}, {@code Degraded}, {@code RenderFailed}: {@link StatusState#FAILURE} naming the target
 *       and the reason; a {@code RenderFailed} of the whole repository is context {@code verity/render}, and ends
 *       the repository's commits pending there with the same failure;</li>
 *   <li>an event about a newer commit of a target whose commit is still pending ends that one with
 *       {@link StatusState#ERROR} "superseded by &lt;sha&gt;", so no commit stays pending for ever. Newer is the
 *       render order when both were rendered while the book was reading (the {@code Rendered} summary and the
 *       applier's events come on different topics, so the applier's {@code Healthy} of the previous commit may be
 *       read after the next commit's {@code Rendered}: it supersedes nothing), else the order of the applier's own
 *       events.</li>
 * </ul>
 * A status equal to the last one given for the same commit and context is not given again, and a target's pending
 * from {@code Rendered} is not given once the target has any status at that commit (the applier's events may be read
 * first: they are on other partitions). Events of one target come in order (they are keyed by target), which is what
 * tells older from newer; pushes of one repository come in order too (keyed by repository). The pending commits are
 * kept in memory: after a restart, a commit left pending is ended when its own outcome arrives, or (on
 * {@code verity/render}) by the repository's next rendered commit.
 */
public final class StatusBook {

    private static final int REMEMBERED = 10_000;

    private static final String RENDERED = EventType.of(Rendered.class).type();

    /** Per target, the commit whose last status is pending, and the repository it came from. */
    private final Map<TargetKey, Pending> pending = new HashMap<>();
    private final Map<String, String> lastGiven = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** How old a push may be when read and still be marked pending on {@link #RENDER_CONTEXT}. */
    public static final java.time.Duration STALE_PUSH = java.time.Duration.ofMinutes(10);

    /** The context of a commit's rendering. */
    public static final String RENDER_CONTEXT = CommitStatus.contextOf(null);

    /** Per repository identity, the pushed commits pending on {@link #RENDER_CONTEXT}, oldest first. */
    private final Map<String, Deque<Pending>> rendering = new HashMap<>();
    private final BiPredicate<String, String> rendersBranch;

    /**
     * Per {@code "<commit> <target>"}, the order in which the commit was rendered for the target (a counter of
     * {@code Rendered} summaries read): what tells an older commit's late event from a newer one's across topics.
     */
    private final Map<String, Long> renderOrder = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED;
        }
    };
    private long renders;

    /**
     * A commit pending at a target; {@code fromRender} when its pending came from the {@code Rendered} summary (read on
     * {@code verity.commits}) rather than from the applier's own events (read on the applier's topic, in order).
     */
    private record Pending(String repo, String commit, boolean fromRender) {
    }

    /** A book that takes every pushed branch as one the renderer renders. */
    public StatusBook() {
        this((repo, branch) -> true);
    }

    /**
     * @param rendersBranch whether the renderer renders a branch (second argument) of a repository (first): pushes of
     *                      other branches give no status, since nothing would ever end it
     */
    public StatusBook(BiPredicate<String, String> rendersBranch) {
        this.rendersBranch = rendersBranch;
    }

    /** The statuses {@code event} gives, in the order to post them; empty for an event that changes none. */
    public List<CommitStatus> on(String eventId, VerityEvent event) {
        return on(eventId, event, null, null);
    }

    /**
     * As {@link #on(String, VerityEvent)}, knowing when the event happened: a push read more than
     * {@link #STALE_PUSH} after it happened gives no pending (a notifier reading {@code verity.commits} for the first
     * time, or after a long outage, would otherwise mark every push of the last days pending again); its render still
     * gives its status.
     *
     * @param time when the event happened (its CloudEvents {@code time}), or null when unknown
     * @param now  the time now, or null when {@code time} is
     */
    public List<CommitStatus> on(String eventId, VerityEvent event, java.time.Instant time, java.time.Instant now) {
        String type = EventType.of(event.getClass()).type();
        List<CommitStatus> out = new ArrayList<>();
        if (event instanceof CommitPushed p) {
            if (time != null && now != null && time.plus(STALE_PUSH).isBefore(now)) return out;
            pushed(p, eventId, type, out);
        } else if (event instanceof Rendered r) {
            rendered(r, eventId, type, out);
        } else if (event instanceof ApplyStarted s) {
            supersede(s.target(), s.commit(), false, eventId, type, out);
            give(new CommitStatus(s.repo(), s.commit(), CommitStatus.contextOf(s.target()), StatusState.PENDING,
                    "Applying " + s.objects() + " object(s) to " + s.target(), s.target(), eventId, type), out);
        } else if (event instanceof Waiting w) {
            supersede(w.target(), w.commit(), false, eventId, type, out);
            give(new CommitStatus(w.repo(), w.commit(), CommitStatus.contextOf(w.target()), StatusState.PENDING,
                    "Waiting in " + w.target() + ": " + w.reason(), w.target(), eventId, type), out);
        } else if (event instanceof Healthy h) {
            supersede(h.target(), h.commit(), false, eventId, type, out);
            give(new CommitStatus(h.repo(), h.commit(), CommitStatus.contextOf(h.target()), StatusState.SUCCESS,
                    "Applied and healthy in " + h.target(), h.target(), eventId, type), out);
        } else if (event instanceof ApplyFailed f) {
            failed(f.target(), f.repo(), f.commit(), "ApplyFailed", f.error(), eventId, type, out);
        } else if (event instanceof Degraded d) {
            failed(d.target(), d.repo(), d.commit(), "Degraded", d.error(), eventId, type, out);
        } else if (event instanceof RenderFailed r) {
            if (r.target() == null) endRendering(r.repo(), r.commit(), "RenderFailed in the repository: "
                    + Secrets.mask(firstLine(r.error())), eventId, type, out);
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

    /** The commits pending on {@link #RENDER_CONTEXT} now, oldest first, of every repository. */
    public List<String> renderingCommits() {
        return rendering.values().stream().flatMap(Deque::stream).map(Pending::commit).toList();
    }

    /** A push of a rendered branch: its rendering is pending until the renderer says what it did. */
    private void pushed(CommitPushed p, String eventId, String type, List<CommitStatus> out) {
        if (p.after().matches("0{40}") || !rendersBranch.test(p.repo(), p.branch())) return;
        if (lastGiven.containsKey(p.after() + " " + RENDER_CONTEXT)) return; // rendered (or pending) already
        Deque<Pending> queue = rendering.computeIfAbsent(identity(p.repo()), k -> new ArrayDeque<>());
        queue.addLast(new Pending(p.repo(), p.after(), true));
        give(new CommitStatus(p.repo(), p.after(), RENDER_CONTEXT, StatusState.PENDING, "Rendering " + p.branch() + " at "
                + TargetKey.shortSha(p.after()) + (p.pusher() == null ? "" : ", pushed by " + p.pusher()), null, eventId,
                type), out);
    }

    /**
     * A head rendered: commits pushed before it end as superseded, its rendering ends, and each target it changed is
     * pending until the applier reports.
     */
    private void rendered(Rendered r, String eventId, String type, List<CommitStatus> out) {
        Deque<Pending> queue = rendering.getOrDefault(identity(r.repo()), new ArrayDeque<>());
        // pushes come in order: those before the rendered head will never be rendered. When the head's own push was
        // not seen (rendered by the poll timer, or its webhook not read yet), every push seen so far came before it
        for (Iterator<Pending> it = queue.iterator(); it.hasNext(); ) {
            Pending q = it.next();
            it.remove();
            if (q.commit().equals(r.commit())) break;
            give(new CommitStatus(q.repo(), q.commit(), RENDER_CONTEXT, StatusState.ERROR, "Superseded by "
                    + TargetKey.shortSha(r.commit()) + " before it was rendered (Verity renders the branch head)", null,
                    eventId, type), out);
        }
        if (queue.isEmpty()) rendering.remove(identity(r.repo()));
        String unchanged = r.unchanged().isEmpty() ? "" : "; " + r.unchanged().size() + " unchanged";
        if (!r.failed().isEmpty()) {
            give(new CommitStatus(r.repo(), r.commit(), RENDER_CONTEXT, StatusState.FAILURE, "Rendering failed in "
                    + names(r.failed()) + (r.changed().isEmpty() ? "" : "; changed: " + names(r.changed())) + unchanged,
                    null, eventId, type), out);
        } else {
            give(new CommitStatus(r.repo(), r.commit(), RENDER_CONTEXT, StatusState.SUCCESS, r.changed().isEmpty()
                    ? "Rendered: no environment changed" + unchanged
                    : "Rendered; changed: " + names(r.changed()) + unchanged, null, eventId, type), out);
        }
        long order = ++renders;
        for (TargetKey target : r.changed()) renderOrder.putIfAbsent(r.commit() + " " + target, order);
        for (TargetKey target : r.changed()) {
            String context = CommitStatus.contextOf(target);
            if (lastGiven.containsKey(r.commit() + " " + context)) continue; // the applier's events came first
            supersede(target, r.commit(), true, eventId, type, out);
            give(new CommitStatus(r.repo(), r.commit(), context, StatusState.PENDING, "Rendered; waiting for the applier"
                    + " of " + target.cluster() + " (" + target + ")", target, eventId, type), out);
        }
    }

    /** Ends every commit of the repository pending on {@link #RENDER_CONTEXT}, except {@code commit} (said by the caller). */
    private void endRendering(String repo, String commit, String description, String eventId, String type,
            List<CommitStatus> out) {
        Deque<Pending> queue = rendering.remove(identity(repo));
        if (queue == null) return;
        for (Pending q : queue) {
            if (q.commit().equals(commit)) continue;
            give(new CommitStatus(q.repo(), q.commit(), RENDER_CONTEXT, StatusState.FAILURE, description, null, eventId,
                    type), out);
        }
    }

    private static String names(List<TargetKey> targets) {
        String all = String.join(", ", targets.stream().map(TargetKey::toString).toList());
        return targets.size() <= 3 ? all : targets.size() + " targets (" + all + ")";
    }

    private static String identity(String repo) {
        try {
            return RepoIdentity.of(repo);
        } catch (IllegalArgumentException e) {
            return repo;
        }
    }

    private void failed(TargetKey target, String repo, String commit, String reason, String error, String eventId,
            String type, List<CommitStatus> out) {
        if (commit == null || commit.isBlank()) return; // a repository-wide failure with no commit: nothing to mark
        if (target != null) supersede(target, commit, false, eventId, type, out);
        String where = target == null ? "the repository" : target.toString();
        give(new CommitStatus(repo, commit, CommitStatus.contextOf(target), StatusState.FAILURE,
                reason + " in " + where + ": " + Secrets.mask(withoutPrefix(firstLine(error), target, commit)), target, eventId, type), out);
    }

    /**
     * Ends the target's pending commit when {@code commit} is a newer one: the pending one will not be applied there.
     * Newer is known from the render order when both commits were rendered while this book was reading; otherwise
     * only the applier's own events, read in order from one topic, tell it. A late event of an older commit (the
     * applier's {@code Healthy} of the previous commit read after the next commit's {@code Rendered}, which comes on
     * another topic) supersedes nothing.
     *
     * @param fromRender whether {@code commit}'s event is the {@code Rendered} summary
     */
    private void supersede(TargetKey target, String commit, boolean fromRender, String eventId, String type,
            List<CommitStatus> out) {
        Pending p = pending.get(target);
        if (p == null || p.commit().equals(commit) || keeps(target, p, commit, fromRender)) return;
        give(new CommitStatus(p.repo(), p.commit(), CommitStatus.contextOf(target), StatusState.ERROR,
                "Superseded by " + TargetKey.shortSha(commit) + " before it finished in " + target, target,
                eventId, type), out);
    }

    /**
     * Whether the target's pending commit {@code p} stays pending over another {@code commit}: {@code p} was rendered
     * after it, or their order is unknown and one of them is only known from the {@code Rendered} summary.
     */
    private boolean keeps(TargetKey target, Pending p, String commit, boolean fromRender) {
        if (p.commit().equals(commit)) return false;
        Long theirs = renderOrder.get(commit + " " + target);
        Long ours = renderOrder.get(p.commit() + " " + target);
        if (theirs != null && ours != null) return ours > theirs;
        return p.fromRender() || fromRender;
    }

    private void give(CommitStatus status, List<CommitStatus> out) {
        if (status.target() != null) {
            Pending p = pending.get(status.target());
            boolean fromRender = RENDERED.equals(status.eventType());
            if (status.state().isFinal()) {
                if (p != null && p.commit().equals(status.commit())) pending.remove(status.target());
            } else if (p == null || !keeps(status.target(), p, status.commit(), fromRender)) {
                pending.put(status.target(), new Pending(status.repo(), status.commit(), fromRender));
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
