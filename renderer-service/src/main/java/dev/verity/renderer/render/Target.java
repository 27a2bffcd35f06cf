package dev.verity.renderer.render;

import dev.verity.events.Policy;
import dev.verity.events.TargetKey;

/**
 * One app in one environment on one cluster, found in a repository.
 *
 * @param key         {@code cluster/app/env}
 * @param overlayPath the overlay folder Kustomize builds, relative to the repository root
 * @param policy      the target's policy from {@code verity.yaml} (defaults without it)
 */
public record Target(TargetKey key, String overlayPath, Policy policy) implements Comparable<Target> {
    @Override
    public int compareTo(Target o) {
        return key.compareTo(o.key);
    }
}
