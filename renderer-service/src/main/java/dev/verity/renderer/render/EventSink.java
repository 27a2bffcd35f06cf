package dev.verity.renderer.render;

import dev.verity.events.VerityEvent;

/** Where rendered events go. {@link #publish} returns only once the event is durably stored, and throws otherwise. */
@FunctionalInterface
public interface EventSink {
    void publish(VerityEvent event);
}
