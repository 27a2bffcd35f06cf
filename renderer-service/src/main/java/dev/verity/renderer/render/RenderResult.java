package dev.verity.renderer.render;

import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What rendering one commit produced.
 *
 * @param repo      the repository
 * @param commit    the commit rendered
 * @param events    one {@code DesiredState} or {@code RenderFailed} per rendered target (sorted by target), plus
 *                  {@code RenderFailed} events about the whole repository or an overlay that is no target
 * @param notes     things worth a log line that are not failures (an overlay whose environment has no cluster)
 * @param retryable true when some failure may pass on its own (a timeout), so the same commit should be rendered again
 * @param targets   every target the commit defines (rendered, skipped or failed), or empty when that is unknown (a bad
 *                  {@code verity.yaml}), in which case no target may be taken as removed
 * @param allowMassRemoval the repository's {@code verity.yaml} allows a commit to remove most of its targets at once
 *                  without the removal being held ({@code allowMassRemoval: true})
 * @param rendered  the targets built for this commit
 * @param skipped   the targets not built because none of their files changed
 * @param buildTimes how long each overlay's build took (an overlay deployed to several clusters is built once)
 */
public record RenderResult(String repo, String commit, List<VerityEvent> events, List<String> notes, boolean retryable,
        Optional<List<TargetKey>> targets, boolean allowMassRemoval, List<TargetKey> rendered, List<TargetKey> skipped,
        List<Duration> buildTimes) {
    public RenderResult {
        events = List.copyOf(events);
        notes = List.copyOf(notes);
        targets = targets.map(List::copyOf);
        rendered = List.copyOf(rendered);
        skipped = List.copyOf(skipped);
        buildTimes = List.copyOf(buildTimes);
    }

    /** A render that could not tell which targets the commit has: only {@code failure}, and nothing is removed. */
    public static RenderResult unknownTargets(String repo, String commit, VerityEvent failure) {
        return new RenderResult(repo, commit, List.of(failure), List.of(), false, Optional.empty(), false, List.of(),
                List.of(), List.of());
    }
}
