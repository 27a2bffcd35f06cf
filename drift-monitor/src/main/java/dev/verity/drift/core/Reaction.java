package dev.verity.drift.core;

import dev.verity.events.ObjectRef;
import dev.verity.events.TargetEvent;

import java.util.List;

/**
 * What the monitor does after an input: the drift events to publish, and the objects to read from the cluster now
 * (those of a target whose desired state just became comparable).
 */
public record Reaction(List<TargetEvent> events, List<ObjectRef> check) {

    public static final Reaction NONE = new Reaction(List.of(), List.of());

    public Reaction {
        events = List.copyOf(events);
        check = List.copyOf(check);
    }

    public static Reaction of(List<TargetEvent> events) {
        return new Reaction(events, List.of());
    }
}
