package dev.verity.kube;

import dev.verity.events.Policy;

import java.util.Set;

/**
 * How a target's policy treats objects that leave it: deleted ({@code prune}) or released, and which of the kinds
 * Verity otherwise never deletes (Namespace, CustomResourceDefinition, PersistentVolumeClaim: deleting one deletes
 * what it holds) the policy opts in to prune ({@code alsoKinds}, by kind name).
 */
public record PrunePolicy(boolean prune, Set<String> alsoKinds) {

    /** Kinds whose deletion takes what they hold along, as {@code group/kind}. */
    static final Set<String> PROTECTED = Set.of("/Namespace", "apiextensions.k8s.io/CustomResourceDefinition",
            "/PersistentVolumeClaim");

    public static final PrunePolicy DEFAULT = new PrunePolicy(true, Set.of());

    public PrunePolicy {
        alsoKinds = alsoKinds == null ? Set.of() : Set.copyOf(alsoKinds);
    }

    public static PrunePolicy of(Policy policy) {
        return new PrunePolicy(policy.prune(), Set.of());
    }

    /** True when an object of this type is protected and the policy does not opt in to prune its kind. */
    boolean protects(ResourceType type) {
        return PROTECTED.contains(type.group() + "/" + type.kind()) && !alsoKinds.contains(type.kind());
    }
}
