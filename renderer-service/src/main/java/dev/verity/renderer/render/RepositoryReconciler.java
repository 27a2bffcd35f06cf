package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.RemovalHeld;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.git.GitException;
import dev.verity.renderer.git.GitMirror;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Keeps one repository's targets published: {@code fetch the branch → skip if the head was already rendered →
 * render the head → publish what changed → remove targets that left Git} (a {@code TargetRemoved}, then a
 * tombstone, on the target's desired-state topic; only for targets this process published, since that memory is
 * not kept across restarts). Whatever asks (a commit event, the poll timer), it renders the branch
 * head after fetching, never a SHA from an event, so a late or replayed webhook cannot roll a cluster back.
 * Reconciliations of one repository run one at a time.
 */
public final class RepositoryReconciler {

    /** What one reconciliation did. */
    public sealed interface Outcome {
        /** The head was rendered before; nothing was done. */
        record Unchanged(String commit) implements Outcome {
        }

        /** The head was rendered; {@code published} lists what went out (unchanged targets are left out). */
        record Rendered(String commit, List<VerityEvent> published, List<String> notes) implements Outcome {
        }

        /** The branch could not be fetched; {@code published} is the RenderFailed, unless it was reported already. */
        record FetchFailed(String error, List<VerityEvent> published) implements Outcome {
        }
    }

    private final GitMirror mirror;
    private final Renderer renderer;
    private final EventSink sink;
    private final PublishLedger ledger;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile String renderedHead;
    private final Set<TargetKey> publishedTargets = new TreeSet<>();
    /** The fewest targets a commit must remove at once for the removal to be held as a mass removal. */
    static final int MASS_REMOVAL_MIN_TARGETS = 2;
    private HeldRemoval heldRemoval;

    public RepositoryReconciler(GitMirror mirror, Renderer renderer, EventSink sink, PublishLedger ledger) {
        this.mirror = mirror;
        this.renderer = renderer;
        this.sink = sink;
        this.ledger = ledger;
    }

    public String url() {
        return mirror.url();
    }

    public String branch() {
        return mirror.branch();
    }

    /** The last head whose render completed (every event published), or null. */
    public String renderedHead() {
        return renderedHead;
    }

    /**
     * Fetches and renders the branch head. Publishing failures propagate (the head stays unrendered, so the
     * next reconciliation tries again).
     */
    public Outcome reconcile(Consumer<String> log) {
        lock.lock();
        try {
            String head;
            try {
                head = mirror.fetchHead();
            } catch (GitException e) {
                RenderFailed failed = new RenderFailed(null, mirror.url(), renderedHead, null, e.getMessage()
                        + " Nothing was rendered; every cluster keeps its last good state.");
                return new Outcome.FetchFailed(e.getMessage(), publishNew(List.of(failed)));
            }
            ledger.repositoryRecovered(mirror.url());
            if (head.equals(renderedHead)) return new Outcome.Unchanged(head);

            RenderResult result = renderer.render(mirror.snapshot(head));
            result.notes().forEach(n -> log.accept(mirror.url() + "@" + TargetKey.shortSha(head) + ": " + n));
            List<VerityEvent> published = publishNew(result.events());
            List<TargetKey> commitTargets = published.stream().filter(DesiredState.class::isInstance)
                    .map(e -> ((DesiredState) e).target()).toList();
            result.targets().ifPresent(present -> published.addAll(removeMissing(head, present, commitTargets,
                    result.allowMassRemoval())));
            if (!result.retryable()) renderedHead = head;
            return new Outcome.Rendered(head, published, result.notes());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Publishes what consumers do not know yet. Each desired state names every target published for its commit
     * ({@link DesiredState#commitTargets()}), so that an applier pruning an object that left one target can wait for
     * the target it may have moved to.
     */
    private List<VerityEvent> publishNew(List<VerityEvent> events) {
        List<VerityEvent> fresh = events.stream().map(this::claimed).filter(ledger::isNew).toList();
        List<TargetKey> commitTargets = fresh.stream().filter(DesiredState.class::isInstance)
                .map(e -> ((DesiredState) e).target()).toList();
        List<VerityEvent> published = new ArrayList<>();
        for (VerityEvent candidate : fresh) {
            VerityEvent event = candidate instanceof DesiredState d ? d.withCommitTargets(commitTargets) : candidate;
            sink.publish(event);
            ledger.published(event);
            if (event instanceof DesiredState d) publishedTargets.add(d.target());
            published.add(event);
        }
        return published;
    }

    /** A desired state for a target another repository publishes becomes a failure instead of an overwrite. */
    private VerityEvent claimed(VerityEvent event) {
        if (!(event instanceof DesiredState d)) return event;
        return ledger.otherOwner(d.target(), d.repo())
                .<VerityEvent>map(other -> new RenderFailed(d.target(), d.repo(), d.commit(), d.path(), d.target().at(d.commit())
                        + ": " + d.path() + " defines a target that " + other + " already publishes; two repositories "
                        + "must not define the same cluster/app/env. Rename the app, or map the environment to other "
                        + "clusters in verity.yaml; " + d.target().cluster() + " keeps the state from " + other + "."))
                .orElse(event);
    }

    /**
     * Removes the targets that left Git: {@code TargetRemoved}, naming the targets published for the same commit
     * ({@code commitTargets}: an object of a removed target may be moving to one of them), then the tombstone.
     * A commit that removes most of the repository's targets at once ({@link #isMassRemoval}) is held instead: a
     * {@code RemovalHeld} is published and nothing is removed, until a following commit that still lacks them
     * confirms it (or the repository's {@code verity.yaml} allows it, {@code allowMassRemoval}).
     */
    private List<VerityEvent> removeMissing(String head, List<TargetKey> present, List<TargetKey> commitTargets,
            boolean allowMassRemoval) {
        List<TargetKey> missing = publishedTargets.stream().filter(t -> !present.contains(t)).toList();
        if (missing.isEmpty()) {
            heldRemoval = null;
            return new ArrayList<>();
        }
        boolean confirmed = allowMassRemoval || heldRemoval != null && !heldRemoval.commit().equals(head)
                && heldRemoval.targets().containsAll(missing);
        if (!confirmed && isMassRemoval(missing.size(), publishedTargets.size())) {
            if (heldRemoval != null && heldRemoval.commit().equals(head)) return new ArrayList<>();
            RemovalHeld event = new RemovalHeld(mirror.url(), head, missing, publishedTargets.size());
            sink.publish(event);
            heldRemoval = new HeldRemoval(head, Set.copyOf(missing));
            return new ArrayList<>(List.of(event));
        }
        heldRemoval = null;
        List<VerityEvent> removed = new ArrayList<>();
        for (TargetKey target : missing) {
            TargetRemoved event = new TargetRemoved(target, mirror.url(), head, commitTargets);
            sink.publish(event);
            sink.tombstone(target);
            ledger.removed(target);
            publishedTargets.remove(target);
            removed.add(event);
        }
        return removed;
    }

    /**
     * Whether removing {@code removing} of {@code published} targets at once is a mass removal, held until
     * confirmed: at least {@value #MASS_REMOVAL_MIN_TARGETS} targets, and more than half of those published.
     */
    static boolean isMassRemoval(int removing, int published) {
        return removing >= MASS_REMOVAL_MIN_TARGETS && removing * 2 > published;
    }

    /** A mass removal seen at {@code commit}, held until a later commit confirms it. */
    private record HeldRemoval(String commit, Set<TargetKey> targets) {
    }
}
