package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.RemovalHeld;
import dev.verity.events.RenderFailed;
import dev.verity.events.Rendered;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.config.VerityConfig;
import dev.verity.renderer.git.GitException;
import dev.verity.renderer.git.GitMirror;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Keeps one repository's targets published: {@code fetch the branch → skip if the head was already rendered →
 * diff the head's tree with the commit each target was last rendered at → render only the targets whose files
 * changed (all of them when verity.yaml changed; new targets always) → publish what changed → remove targets that
 * left Git → say what the head did to each target} (a {@code TargetRemoved}, then a tombstone, on the target's
 * desired-state topic; then a {@link Rendered} summary). What was published per
 * target (digest, commit, file set) is {@link #restore restored} from the desired-state topics on start, so a
 * restart republishes nothing unchanged and still removes a target deleted while the renderer was down. Whatever
 * asks (a commit event, the poll timer), it renders the branch head after fetching, never a SHA from an event, so a
 * late or replayed webhook cannot roll a cluster back; the diff is between trees, so a force-pushed head (not a
 * descendant of the last one rendered) is handled the same way. A failed fetch, or a head whose tree cannot be read
 * (a corrupt mirror), is a repository-wide {@code RenderFailed} and removes nothing. Reconciliations of one
 * repository run one at a time.
 */
public final class RepositoryReconciler {

    /** What one reconciliation did. */
    public sealed interface Outcome {
        /** The head was rendered before; nothing was done. */
        record Unchanged(String commit) implements Outcome {
        }

        /**
         * The head was rendered; {@code published} lists what went out (unchanged targets are left out).
         *
         * @param rendered   targets built for this head
         * @param unchanged  targets built whose desired state equals the one published already (not republished)
         * @param failed     targets built whose build failed
         * @param skipped    targets not built: none of their files changed
         * @param buildTimes how long each overlay build took
         */
        record Rendered(String commit, List<VerityEvent> published, List<String> notes, int rendered, int unchanged,
                int failed, int skipped, List<Duration> buildTimes) implements Outcome {
            public Rendered {
                published = List.copyOf(published);
                notes = List.copyOf(notes);
                buildTimes = List.copyOf(buildTimes);
            }
        }

        /**
         * The head was fetched but its tree could not be read (a missing or corrupt object): {@code published} is the
         * repository-wide RenderFailed, unless it was reported already. Nothing is removed.
         */
        record Unreadable(String commit, String error, List<VerityEvent> published) implements Outcome {
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
    /** Per published target: the commit its file set is valid at (none of its files changed since) and the set. */
    private final Map<TargetKey, Known> known = new HashMap<>();

    private record Known(String validAt, FileSet files) {
    }

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

            RenderResult result;
            try {
                result = renderer.render(mirror.snapshot(head), needsRender(head));
            } catch (GitException e) {
                RenderFailed failed = new RenderFailed(null, mirror.url(), head, null, e.getMessage()
                        + " Nothing was rendered and nothing removed; every cluster keeps its last good state.");
                return new Outcome.Unreadable(head, e.getMessage(), publishNew(List.of(failed)));
            }
            result.notes().forEach(n -> log.accept(mirror.url() + "@" + TargetKey.shortSha(head) + ": " + n));
            List<VerityEvent> published = publishNew(result.events());
            List<TargetKey> commitTargets = published.stream().filter(DesiredState.class::isInstance)
                    .map(e -> ((DesiredState) e).target()).toList();
            int unchanged = remember(head, result, published);
            result.targets().ifPresent(present -> published.addAll(removeMissing(head, present, commitTargets,
                    result.allowMassRemoval())));
            summary(head, result, published).ifPresent(sink::rendered);
            if (!result.retryable()) renderedHead = head;
            Set<TargetKey> built = Set.copyOf(result.rendered());
            int failed = (int) result.events().stream()
                    .filter(e -> e instanceof RenderFailed f && f.target() != null && built.contains(f.target())).count();
            return new Outcome.Rendered(head, published, result.notes(), result.rendered().size(), unchanged, failed,
                    result.skipped().size(), result.buildTimes());
        } finally {
            lock.unlock();
        }
    }

    /**
     * What the head did to each target, for those who follow a commit (the notifier's commit statuses): none when the
     * whole repository failed to render (its repository-wide {@code RenderFailed} says so).
     */
    private Optional<Rendered> summary(String head, RenderResult result, List<VerityEvent> published) {
        if (result.events().stream().anyMatch(e -> e instanceof RenderFailed f && f.target() == null)) {
            return Optional.empty();
        }
        Set<TargetKey> changed = new TreeSet<>();
        Set<TargetKey> failed = new TreeSet<>();
        Set<TargetKey> removed = new TreeSet<>();
        for (VerityEvent e : published) {
            if (e instanceof DesiredState d) changed.add(d.target());
            else if (e instanceof TargetRemoved r) removed.add(r.target());
        }
        for (VerityEvent e : result.events()) {
            if (e instanceof RenderFailed f && f.target() != null) failed.add(f.target());
        }
        for (VerityEvent e : published) {
            if (e instanceof RenderFailed f && f.target() != null) failed.add(f.target()); // claimed by another repository
        }
        Set<TargetKey> unchanged = new TreeSet<>(result.targets().orElseGet(() -> {
            List<TargetKey> seen = new ArrayList<>(result.rendered());
            seen.addAll(result.skipped());
            return seen;
        }));
        unchanged.removeAll(changed);
        unchanged.removeAll(failed);
        unchanged.removeAll(removed);
        return Optional.of(new Rendered(mirror.url(), mirror.branch(), head, List.copyOf(changed),
                List.copyOf(unchanged), List.copyOf(failed), List.copyOf(removed)));
    }

    /**
     * Seeds what this repository last published, read back from the desired-state topics on start: each target's
     * digest and policy (so an unchanged render is not republished), the commit it was rendered at and its file set
     * (so it is rendered again only if its files changed since), and the set of targets (so one deleted while the
     * renderer was down is removed). A state without a file set (written by an older renderer) is rendered again on
     * the next head and republished only if its documents changed.
     */
    public void restore(Collection<DesiredState> lastPublished) {
        lock.lock();
        try {
            for (DesiredState state : lastPublished) {
                ledger.published(state);
                publishedTargets.add(state.target());
                if (!state.sources().isEmpty()) {
                    known.put(state.target(), new Known(state.commit(), new FileSet(state.sources())));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The targets of this repository that are published, as far as this renderer knows. */
    public Set<TargetKey> publishedTargets() {
        lock.lock();
        try {
            return Set.copyOf(publishedTargets);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Which targets to build for {@code head}: those never rendered, those rendered before their file set was kept,
     * those whose files changed since the commit their file set is valid at, and all of them when
     * {@code verity.yaml} changed (it decides targets and policies) or the old commit is not in the mirror.
     */
    private Predicate<Target> needsRender(String head) {
        Map<String, Optional<Set<String>>> diffs = new HashMap<>();
        return target -> {
            Known k = known.get(target.key());
            if (k == null) return true;
            Optional<Set<String>> changed = diffs.computeIfAbsent(k.validAt(), from -> mirror.changedPaths(from, head));
            if (changed.isEmpty() || changed.get().contains(VerityConfig.FILE)) return true;
            return k.files().touchedBy(changed.get());
        };
    }

    /**
     * Records each target's file set as valid at {@code head}: a target built and published (or found unchanged)
     * keeps its new set, a skipped one its old set (none of its files changed), a failed one none (it is built again
     * next time). Returns how many built targets were unchanged.
     */
    private int remember(String head, RenderResult result, List<VerityEvent> published) {
        Set<TargetKey> publishedNow = new HashSet<>();
        for (VerityEvent e : published) if (e instanceof DesiredState d) publishedNow.add(d.target());
        int unchanged = 0;
        for (VerityEvent event : result.events()) {
            if (event instanceof DesiredState d && publishedTargets.contains(d.target())
                    && ledger.otherOwner(d.target(), d.repo()).isEmpty()) {
                known.put(d.target(), new Known(head, new FileSet(d.sources())));
                if (!publishedNow.contains(d.target())) unchanged++;
            } else if (event instanceof RenderFailed f && f.target() != null) {
                known.remove(f.target());
            }
        }
        for (TargetKey skipped : result.skipped()) {
            known.computeIfPresent(skipped, (t, k) -> new Known(head, k.files()));
        }
        return unchanged;
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
            known.remove(target);
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
