package dev.verity.kube;

import dev.verity.events.TargetKey;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * How Verity marks what it writes, and who may write an object: every object carries the annotation
 * {@value #TARGET_ANNOTATION} naming its target and the labels {@value #MANAGED_BY_LABEL}{@code =}{@value #MANAGED_BY}
 * and {@value #TARGET_HASH_LABEL} (a label value may not hold the target's {@code /}), so informers can select
 * them; one target never overwrites another target's object.
 */
public final class Ownership {

    /** The one field manager of every write Verity makes. */
    public static final String FIELD_MANAGER = "verity";

    /** Names the target ({@code cluster/app/env}) that owns an object. */
    public static final String TARGET_ANNOTATION = "verity.dev/target";

    /** The well-known label naming the tool that manages an object. */
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

    /** The value of {@value #MANAGED_BY_LABEL} on everything Verity applies. */
    public static final String MANAGED_BY = "verity";

    /** A short hash of the owning target ({@link #targetHash}), for label selectors. */
    public static final String TARGET_HASH_LABEL = "verity.dev/target-hash";

    /** An object annotated {@value #PRUNE_ANNOTATION}{@code : disabled} is never pruned. */
    public static final String PRUNE_ANNOTATION = "verity.dev/prune";

    private Ownership() {
    }

    /**
     * The value of {@value #TARGET_HASH_LABEL} for a target: the first 16 hex digits of the SHA-256 of
     * {@code cluster/app/env}, a valid label value that selects the target's objects
     * ({@code -l verity.dev/target-hash=<hash>}).
     */
    public static String targetHash(TargetKey target) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(target.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /** The labels Verity puts on every object of {@code target}. */
    public static Map<String, String> labels(TargetKey target) {
        return Map.of(MANAGED_BY_LABEL, MANAGED_BY, TARGET_HASH_LABEL, targetHash(target));
    }

    /**
     * The owner that forbids {@code target} to write an object carrying {@code liveAnnotations}: present when the
     * live object is annotated for another target. An object without the annotation (created by hand, or by an
     * older tool) is adopted.
     */
    public static Optional<String> otherOwner(TargetKey target, Map<String, String> liveAnnotations) {
        return owner(liveAnnotations).filter(owner -> !owner.equals(target.toString()));
    }

    /** The target an object's annotations name, if any. */
    public static Optional<String> owner(Map<String, String> liveAnnotations) {
        if (liveAnnotations == null) return Optional.empty();
        String owner = liveAnnotations.get(TARGET_ANNOTATION);
        return owner == null || owner.isBlank() ? Optional.empty() : Optional.of(owner);
    }

    /** True when the object's annotations say {@value #PRUNE_ANNOTATION}{@code : disabled}. */
    public static boolean pruneDisabled(Map<String, String> liveAnnotations) {
        return liveAnnotations != null && "disabled".equals(liveAnnotations.get(PRUNE_ANNOTATION));
    }

    /** The error for an object that another target owns; names both targets and what to do. */
    public static String conflictMessage(TargetKey target, String commit, String objectDescription, String owner) {
        return target.at(commit) + ": " + objectDescription + " belongs to target " + owner + " (annotation "
                + TARGET_ANNOTATION + "), so target " + target + " must not write it; two targets cannot own one"
                + " object: remove it from one of the two targets, or delete the object (or its " + TARGET_ANNOTATION
                + " annotation) to hand it over";
    }
}
