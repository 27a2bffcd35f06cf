package dev.verity.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What the stack recorded, as read back from the topics at the end of a scenario: every {@code CommitPushed} on
 * {@code verity.commits}, the values on each dead-letter topic, and every rollout event on {@code verity.rollout} in
 * topic order (each target's events are on one partition, in order).
 *
 * @param published   the pushes the receiver published
 * @param deadLetters values per dead-letter topic ({@code <topic>.dlq})
 * @param rollouts    rollout events, per partition in offset order
 */
public record Observed(List<Published> published, Map<String, List<String>> deadLetters, List<Rollout> rollouts) {

    public Observed {
        published = List.copyOf(published);
        deadLetters = Map.copyOf(deadLetters);
        rollouts = List.copyOf(rollouts);
    }

    /** A {@code CommitPushed} on {@code verity.commits}: its delivery id and pushed head. */
    public record Published(String deliveryId, String commit, int partition, long offset) {
    }

    /**
     * A rollout event.
     *
     * @param type   the event's simple type ({@code Applied}, {@code ApplyStarted}, {@code RenderFailed}, …)
     * @param target {@code cluster/app/env}, or the repository for repository-wide events
     */
    public record Rollout(String type, String target, String commit, int partition, long offset) {
    }

    /** These observations without the first published push matching {@code which}: the negative control. */
    public Observed withoutPublished(Predicate<Published> which) {
        List<Published> copy = new ArrayList<>(published);
        for (int i = 0; i < copy.size(); i++) {
            if (which.test(copy.get(i))) {
                copy.remove(i);
                break;
            }
        }
        return new Observed(copy, deadLetters, rollouts);
    }
}
