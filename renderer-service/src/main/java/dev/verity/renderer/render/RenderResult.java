package dev.verity.renderer.render;

import dev.verity.events.VerityEvent;

import java.util.List;

/**
 * What rendering one commit produced.
 *
 * @param repo      the repository
 * @param commit    the commit rendered
 * @param events    one {@code DesiredState} or {@code RenderFailed} per target (sorted by target), plus
 *                  {@code RenderFailed} events about the whole repository or an overlay that is no target
 * @param notes     things worth a log line that are not failures (an overlay whose environment has no cluster)
 * @param retryable true when some failure may pass on its own (a timeout), so the same commit should be rendered again
 */
public record RenderResult(String repo, String commit, List<VerityEvent> events, List<String> notes, boolean retryable) {
    public RenderResult {
        events = List.copyOf(events);
        notes = List.copyOf(notes);
    }
}
