package dev.verity.renderer.render;

import dev.verity.events.Rendered;
import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;

/** Where rendered events go. Each method returns only once the record is durably stored, and throws otherwise. */
public interface EventSink {

    void publish(VerityEvent event);

    /**
     * Says that a head was rendered and which targets it changed ({@link Rendered}), once every event of that head
     * was published. A sink that keeps desired states only may ignore it (the default).
     */
    default void rendered(Rendered summary) {
    }

    /** Deletes a target's desired state from its compacted topic: a record with the target's key and no value. */
    void tombstone(TargetKey target);
}
