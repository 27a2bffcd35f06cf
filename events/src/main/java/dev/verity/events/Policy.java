package dev.verity.events;

import java.util.List;

/**
 * How Verity treats one target, from {@code verity.yaml}; travels with the target's desired state so the
 * applier and drift monitor need not read Git.
 *
 * @param suspend    when true, nothing is applied for the target
 * @param prune      delete objects that left Git
 * @param selfHeal   re-apply on drift (false: detect and alert only)
 * @param force      take over fields another manager owns when applying
 * @param allowEmpty accept a render with no documents (otherwise a failed render)
 * @param dependsOn  apps in the same environment and cluster that must be healthy first
 */
public record Policy(boolean suspend, boolean prune, boolean selfHeal, boolean force, boolean allowEmpty,
        List<String> dependsOn) {

    public static final Policy DEFAULT = new Policy(false, true, false, true, false, List.of());

    public Policy {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
    }
}
