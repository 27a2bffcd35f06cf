package dev.verity.kube;

import dev.verity.events.ObjectRef;

/**
 * What an apply did to one object.
 *
 * @param reason why it failed or was skipped; empty otherwise. Never contains the object's content.
 */
public record ObjectOutcome(ObjectRef object, Outcome outcome, String reason) {

    public ObjectOutcome {
        reason = reason == null ? "" : reason;
    }

    @Override
    public String toString() {
        return object + " " + outcome.name().toLowerCase() + (reason.isEmpty() ? "" : " (" + reason + ")");
    }
}
