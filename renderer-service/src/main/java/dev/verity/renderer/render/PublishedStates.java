package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The last desired state published per target, folded from the records of the desired-state topics in order: a
 * {@code DesiredState} sets it, a {@code TargetRemoved} or a tombstone clears it, other records change nothing. Each
 * state is kept without its documents (its digest, policy, commit and file set are what a renderer needs), so reading
 * back a large fleet does not hold every rendered document in memory.
 */
public final class PublishedStates {

    private final Map<TargetKey, DesiredState> latest = new TreeMap<>();

    /** One record of a desired-state topic: {@code event} is null for a tombstone. */
    public void accept(TargetKey key, VerityEvent event) {
        if (event == null || event instanceof TargetRemoved) {
            latest.remove(key);
        } else if (event instanceof DesiredState state && state.target().equals(key)) {
            // the documents are not needed to know what was published (the digest says it): not kept in memory
            latest.put(key, new DesiredState(state.target(), state.repo(), state.commit(), state.path(), state.digest(),
                    state.policy(), List.of(), state.commitTargets(), state.committedAt(), state.sources()));
        }
    }

    /** The states, grouped by repository under {@code repoKey} (e.g. a normalised URL). */
    public Map<String, List<DesiredState>> byRepository(Function<String, String> repoKey) {
        return latest.values().stream().collect(Collectors.groupingBy(s -> repoKey.apply(s.repo()), TreeMap::new,
                Collectors.toList()));
    }

    public int size() {
        return latest.size();
    }
}
