package dev.verity.renderer.render;

import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;

import java.util.List;
import java.util.Optional;

/**
 * What rendering one commit produced.
 *
 * @param repo      the repository
 * @param commit    the commit rendered
 * @param events    one {@code DesiredState} or {@code RenderFailed} per target (sorted by target), plus
 *                  {@code RenderFailed} events about the whole repository or an overlay that is no target
 * @param notes     things worth a log line that are not failures (an overlay whose environment has no cluster)
 * @param retryable true when some failure may pass on its own (a timeout), so the same commit should be rendered again
 * @param targets   every target the commit defines (rendered or failed), or empty when that is unknown (a bad
 *                  {@code verity.yaml}), in which case no target may be taken as removed
 * @param allowMassRemoval the repository's {@code verity.yaml} allows a commit to remove most of its targets at once
 *                  without the removal being held ({@code allowMassRemoval: true})
 */
public record RenderResult(String repo, String commit, List<VerityEvent> events, List<String> notes, boolean retryable,
        Optional<List<TargetKey>> targets, boolean allowMassRemoval) {
    public RenderResult {
        events = List.copyOf(events);
        notes = List.copyOf(notes);
        targets = targets.map(List::copyOf);
    }

    public RenderResult(String repo, String commit, List<VerityEvent> events, List<String> notes, boolean retryable,
            Optional<List<TargetKey>> targets) {
        this(repo, commit, events, notes, retryable, targets, false);
    }
}
