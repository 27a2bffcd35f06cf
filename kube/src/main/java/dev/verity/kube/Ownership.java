package dev.verity.kube;

import dev.verity.events.TargetKey;

import java.util.Map;
import java.util.Optional;

/**
 * How Verity marks what it writes, and who may write an object: every object carries the annotation
 * {@value #TARGET_ANNOTATION} naming its target, and one target never overwrites another target's object.
 */
public final class Ownership {

    /** The one field manager of every write Verity makes. */
    public static final String FIELD_MANAGER = "verity";

    /** Names the target ({@code cluster/app/env}) that owns an object. */
    public static final String TARGET_ANNOTATION = "verity.dev/target";

    private Ownership() {
    }

    /**
     * The owner that forbids {@code target} to write an object carrying {@code liveAnnotations}: present when the
     * live object is annotated for another target. An object without the annotation (created by hand, or by an
     * older tool) is adopted.
     */
    public static Optional<String> otherOwner(TargetKey target, Map<String, String> liveAnnotations) {
        if (liveAnnotations == null) return Optional.empty();
        String owner = liveAnnotations.get(TARGET_ANNOTATION);
        if (owner == null || owner.isBlank() || owner.equals(target.toString())) return Optional.empty();
        return Optional.of(owner);
    }

    /** The error for an object that another target owns; names both targets and what to do. */
    public static String conflictMessage(TargetKey target, String commit, String objectDescription, String owner) {
        return target.at(commit) + ": " + objectDescription + " belongs to target " + owner + " (annotation "
                + TARGET_ANNOTATION + "), so target " + target + " must not write it; two targets cannot own one"
                + " object: remove it from one of the two targets, or delete the object (or its " + TARGET_ANNOTATION
                + " annotation) to hand it over";
    }
}
