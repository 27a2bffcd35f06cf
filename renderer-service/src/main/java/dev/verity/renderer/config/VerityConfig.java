package dev.verity.renderer.config;

import dev.verity.events.IgnoreDifference;
import dev.verity.events.Policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code verity.yaml} says, as values.
 *
 * @param environments environment name → the clusters it deploys to; empty when the file declares none, in which
 *                     case every environment maps to the cluster {@value #DEFAULT_CLUSTER}
 * @param apps         app name → where it lives and how it is treated; apps not listed use the convention
 *                     {@code apps/<app>} and the default policy
 * @param allowMassRemoval a commit may remove most of the repository's targets at once without the removal being
 *                     held until a following commit confirms it ({@code allowMassRemoval: true}; default false)
 */
public record VerityConfig(Map<String, List<String>> environments, Map<String, AppSpec> apps, boolean allowMassRemoval) {

    /** The file name, at the repository root. */
    public static final String FILE = "verity.yaml";
    /** The cluster of every environment when no environments are declared. */
    public static final String DEFAULT_CLUSTER = "local";
    /** What an absent {@code verity.yaml} means. */
    public static final VerityConfig NONE = new VerityConfig(Map.of(), Map.of());

    public VerityConfig {
        environments = Map.copyOf(environments);
        apps = Map.copyOf(apps);
    }

    public VerityConfig(Map<String, List<String>> environments, Map<String, AppSpec> apps) {
        this(environments, apps, false);
    }

    /**
     * The clusters an environment deploys to; empty when {@code verity.yaml} declares environments but not this
     * one (the overlay is then not deployed anywhere).
     */
    public List<String> clustersOf(String env) {
        if (environments.isEmpty()) return List.of(DEFAULT_CLUSTER);
        return environments.getOrDefault(env, List.of());
    }

    public Optional<AppSpec> app(String name) {
        return Optional.ofNullable(apps.get(name));
    }

    /**
     * Where {@code dependency} was written in the {@code dependsOn} that applies to the app in the environment (its
     * override for the environment, else its policy; {@code env} null means the policy), or empty when it was not.
     */
    public Optional<Origin> dependsOnOrigin(String app, String env, String dependency) {
        return app(app).map(a -> {
            PolicySpec override = env == null ? null : a.overrides().get(env);
            PolicySpec used = override != null && override.dependsOn() != null ? override : a.policy();
            return used.dependsOnAt().get(dependency);
        });
    }

    /** The app's policy in an environment: the defaults, then the app's policy, then its override for the env. */
    public Policy policyFor(String app, String env) {
        return app(app).map(a -> a.policyIn(env)).orElse(Policy.DEFAULT);
    }

    /**
     * One app in {@code verity.yaml}.
     *
     * @param name      the app's name (its key under {@code apps})
     * @param path      the folder holding {@code base/} and {@code overlays/<env>/}, relative to the repository root
     * @param policy    the app's policy in every environment
     * @param overrides environment → the policy fields that differ there
     */
    public record AppSpec(String name, String path, PolicySpec policy, Map<String, PolicySpec> overrides) {
        public AppSpec {
            overrides = Map.copyOf(overrides);
        }

        public Policy policyIn(String env) {
            Policy app = policy.applyTo(Policy.DEFAULT);
            PolicySpec override = overrides.get(env);
            return override == null ? app : override.applyTo(app);
        }
    }

    /**
     * Policy fields as written: a null field keeps what it overrides (an override's {@code dependsOn: []},
     * {@code pruneAlso: []} or {@code ignoreDifferences: []} clears the app's list; a list in an override replaces
     * the app's list whole, it is not merged).
     *
     * @param dependsOnAt where each app in {@code dependsOn} was written (app → its place), empty when
     *                    {@code dependsOn} is not set
     */
    public record PolicySpec(Boolean suspend, Boolean prune, Boolean selfHeal, Boolean force, Boolean allowEmpty,
            List<String> dependsOn, Boolean recreate, Duration interval, Duration retryInterval, Duration healthTimeout,
            Set<String> pruneAlso, Map<String, Origin> dependsOnAt, List<IgnoreDifference> ignoreDifferences) {

        public PolicySpec {
            dependsOnAt = dependsOnAt == null ? Map.of() : Map.copyOf(dependsOnAt);
        }

        public static final PolicySpec EMPTY = new PolicySpec(null, null, null, null, null, null, null, null, null, null,
                null, null, null);

        public Policy applyTo(Policy base) {
            return new Policy(
                    suspend != null ? suspend : base.suspend(),
                    prune != null ? prune : base.prune(),
                    selfHeal != null ? selfHeal : base.selfHeal(),
                    force != null ? force : base.force(),
                    allowEmpty != null ? allowEmpty : base.allowEmpty(),
                    dependsOn != null ? dependsOn : base.dependsOn(),
                    recreate != null ? recreate : base.recreate(),
                    interval != null ? interval : base.interval(),
                    retryInterval != null ? retryInterval : base.retryInterval(),
                    healthTimeout != null ? healthTimeout : base.healthTimeout(),
                    pruneAlso != null ? pruneAlso : base.pruneAlso(),
                    ignoreDifferences != null ? ignoreDifferences : base.ignoreDifferences());
        }
    }

    /**
     * Where a value was written in {@code verity.yaml}.
     *
     * @param field the key's path, e.g. {@code apps.shop.overrides.prod.dependsOn}
     * @param line  1-based line number
     */
    public record Origin(String field, int line) {
        @Override
        public String toString() {
            return field + " (line " + line + ")";
        }
    }
}
