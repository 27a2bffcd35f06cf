package dev.verity.kube;

import dev.verity.events.TargetKey;

import java.util.Optional;

/**
 * What the latest desired states of the cluster's other targets contain, as the applier knows them from its
 * desired-state topic: an object that one of them contains is never pruned by the target it left, and may be taken
 * over by the target it moved to.
 */
@FunctionalInterface
public interface OtherTargets {

    /** No other target wants anything (a single target, or tests). */
    OtherTargets NONE = (target, identity) -> Optional.empty();

    /**
     * The other target whose latest desired state contains the object, if one does.
     *
     * @param applying the target being applied, which is never the answer
     * @param identity the object as {@link Inventory.Entry#identity()}: {@code group/kind/namespace/name}
     */
    Optional<TargetKey> wanting(TargetKey applying, String identity);

    /**
     * Whether the latest desired state of {@code target} is known (it was rendered, or removed from Git): only then
     * can its objects be taken over by another target. Unknown by default.
     */
    default boolean knows(String target) {
        return false;
    }

    /** Where the latest desired state of {@code target} comes from, when one is known (a removed target has none). */
    default Optional<Source> source(String target) {
        return Optional.empty();
    }

    /**
     * The targets whose desired state for the commit of {@code change} has not arrived yet although the renderer
     * published one ({@link TargetChange#commitTargets()}), on the same cluster: an object leaving {@code change}'s
     * target may be joining one of them, so its prune waits. None by default, and none once the wait is over.
     */
    default java.util.List<TargetKey> inFlight(TargetChange change) {
        return java.util.List.of();
    }

    /** The repository and commit a desired state was rendered from. */
    record Source(String repo, String commit) {
    }

    /** The identities of the objects a desired state's documents describe (documents that do not parse are left out). */
    static java.util.Set<String> identities(java.util.List<String> documents) {
        java.util.Set<String> identities = new java.util.HashSet<>();
        for (Manifest m : Manifests.parse(documents).manifests()) {
            identities.add(identity(m.ref().apiVersion(), m.ref().kind(), m.ref().namespace(), m.ref().name()));
        }
        return identities;
    }

    /** {@code group/kind/namespace/name} of an object, as {@link #wanting} takes it. */
    static String identity(String apiVersion, String kind, String namespace, String name) {
        return Inventory.Entry.identity(Manifest.groupOf(apiVersion), kind, namespace, name);
    }
}
