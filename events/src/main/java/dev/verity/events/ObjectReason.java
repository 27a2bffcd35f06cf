package dev.verity.events;

/**
 * One object and what happened to it, in words: why it failed, or why it was kept in the cluster. The reason never
 * contains Secret values.
 */
public record ObjectReason(ObjectRef object, String reason) {

    public ObjectReason {
        Require.nonNull("object", object);
        reason = reason == null ? "" : reason;
    }

    @Override
    public String toString() {
        return object + (reason.isEmpty() ? "" : ": " + reason);
    }
}
