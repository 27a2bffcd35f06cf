package dev.verity.kube;

import dev.verity.events.ObjectRef;

/**
 * What an apply did to one object.
 *
 * @param reason why it failed or was skipped, or a note on how it was applied (a {@link Outcome#CONFIGURED} object that
 *               was deleted and created again: {@code recreated: spec.selector cannot be changed in place}); empty
 *               otherwise. Never contains the object's content.
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
