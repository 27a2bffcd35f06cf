package dev.verity.events;

import java.util.Optional;

/**
 * Every event Verity puts on Kafka. Each is a value with a stable, versioned CloudEvents {@link #type()},
 * a Kafka {@link #key()} (the target for target events, the repository for commits), and the repository
 * and commit it is about.
 */
public sealed interface VerityEvent
        permits CommitPushed, RefDeleted, RenderFailed, RemovalHeld, Rendered, TargetEvent {

    /** The repository URL the event is about. */
    String repo();

    /** The full commit SHA the event is about. */
    String commit();

    /** The target, for every event that concerns one. */
    default Optional<TargetKey> targetKey() {
        return Optional.empty();
    }

    /** The Kafka record key: {@code cluster/app/env} for target events, the repository for commits. */
    default String key() {
        return targetKey().map(TargetKey::toString).orElse(repo());
    }

    /** The versioned CloudEvents type, e.g. {@code dev.verity.commit.pushed.v1}. */
    default String type() {
        return EventType.of(getClass()).type();
    }

    /** How logs name what this event is about: {@code cluster/app/env@commit} or {@code repo@commit}. */
    default String describe() {
        return targetKey().map(t -> t.at(commit())).orElse(repo() + "@" + TargetKey.shortSha(commit()));
    }
}
