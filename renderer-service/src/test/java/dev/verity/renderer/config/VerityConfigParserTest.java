package dev.verity.renderer.config;

import dev.verity.events.IgnoreDifference;
import dev.verity.events.Policy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerityConfigParserTest {

    @Test
    void readsEnvironmentsAppsPoliciesAndOverrides() {
        VerityConfig config = VerityConfigParser.parse("""
                environments:
                  dev:  { clusters: [dev-eu] }
                  prod: { clusters: [prod-eu, prod-us] }
                apps:
                  shop:
                    path: deploy/shop/
                    policy: { prune: false, selfHeal: false }
                    overrides:
                      prod: { selfHeal: true, dependsOn: [platform] }
                  platform:
                """);

        assertThat(config.clustersOf("dev")).containsExactly("dev-eu");
        assertThat(config.clustersOf("prod")).containsExactly("prod-eu", "prod-us");
        assertThat(config.clustersOf("staging")).isEmpty();
        assertThat(config.app("shop").orElseThrow().path()).isEqualTo("deploy/shop");
        assertThat(config.app("platform").orElseThrow().path()).isEqualTo("apps/platform");
        assertThat(config.policyFor("shop", "dev")).isEqualTo(new Policy(false, false, false, true, false, List.of()));
        assertThat(config.policyFor("shop", "prod")).isEqualTo(new Policy(false, false, true, true, false, List.of("platform")));
        assertThat(config.policyFor("platform", "prod")).isEqualTo(Policy.DEFAULT);
        assertThat(config.policyFor("unlisted", "prod")).isEqualTo(Policy.DEFAULT);
    }

    @Test
    void withoutEnvironmentsEveryEnvironmentGoesToTheLocalCluster() {
        assertThat(VerityConfigParser.parse("apps:\n  shop: { policy: { allowEmpty: true } }\n").clustersOf("qa"))
                .containsExactly("local");
        assertThat(VerityConfigParser.parse("").clustersOf("prod")).containsExactly("local");
        assertThat(VerityConfigParser.parse("# nothing yet\n")).isEqualTo(VerityConfig.NONE);
        assertThat(VerityConfig.NONE.policyFor("shop", "prod")).isEqualTo(Policy.DEFAULT);
    }

    @Test
    void defaultPolicyIsTheDesignDefault() {
        assertThat(Policy.DEFAULT).isEqualTo(new Policy(false, true, false, true, false, List.of()));
    }

    @Test
    void everyPolicyKeyIsReadAndOverridesReplaceOnlyWhatTheySet() {
        VerityConfig config = VerityConfigParser.parse("""
                environments:
                  dev:  { clusters: [dev-eu] }
                  prod: { clusters: [prod-eu] }
                apps:
                  platform:
                  shop:
                    policy:
                      suspend: false
                      prune: false
                      selfHeal: true
                      force: false
                      allowEmpty: true
                      recreate: true
                      interval: 1h30m
                      retryInterval: 30s
                      healthTimeout: 500ms
                      dependsOn: [platform]
                      pruneAlso: [PersistentVolumeClaim, Namespace, Namespace]
                    overrides:
                      prod: { suspend: True, interval: 2m, dependsOn: [], pruneAlso: [] }
                """);
        Policy dev = new Policy(false, false, true, false, true, List.of("platform"), true, Duration.ofMinutes(90),
                Duration.ofSeconds(30), Duration.ofMillis(500), Set.of("Namespace", "PersistentVolumeClaim"));
        assertThat(config.policyFor("shop", "dev")).isEqualTo(dev);
        assertThat(config.policyFor("shop", "prod")).isEqualTo(new Policy(true, false, true, false, true, List.of(),
                true, Duration.ofMinutes(2), Duration.ofSeconds(30), Duration.ofMillis(500), Set.of()));
        assertThat(config.policyFor("platform", "dev")).isEqualTo(Policy.DEFAULT);
        assertThat(Policy.DEFAULT.interval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(Policy.DEFAULT.retryInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(Policy.DEFAULT.healthTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(Policy.DEFAULT.recreate()).isFalse();
        assertThat(Policy.DEFAULT.pruneAlso()).isEmpty();
        assertThat(config.dependsOnOrigin("shop", "dev", "platform"))
                .contains(new VerityConfig.Origin("apps.shop.policy.dependsOn", 17));
        assertThat(config.dependsOnOrigin("shop", "prod", "platform")).isEmpty();
    }

    @Test
    void durationsAreGoSyntaxAndLongerThanZero() {
        assertThat(GoDuration.parse("30s")).contains(Duration.ofSeconds(30));
        assertThat(GoDuration.parse("5m")).contains(Duration.ofMinutes(5));
        assertThat(GoDuration.parse("1h30m")).contains(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(GoDuration.parse("1.5h")).contains(Duration.ofMinutes(90));
        assertThat(GoDuration.parse("2h45m10.5s")).contains(Duration.ofSeconds(2 * 3600 + 45 * 60 + 10, 500_000_000));
        assertThat(GoDuration.parse("250us")).contains(Duration.ofNanos(250_000));
        assertThat(GoDuration.problem("0s")).isEqualTo("it is zero");
        assertThat(GoDuration.problem("-5m")).isEqualTo("it is negative");
        assertThat(GoDuration.problem("30")).isEqualTo("it has no unit");
        assertThat(GoDuration.problem("1d")).isEqualTo("it is not a number followed by a unit");
        assertThat(GoDuration.problem("5 m")).isEqualTo("it is not a number followed by a unit");
        assertThat(GoDuration.problem("PT5M")).isEqualTo("it is not a number followed by a unit");
        assertThat(GoDuration.problem("")).isEqualTo("it is empty");
        assertThat(GoDuration.problem("99999999999999999999h")).isEqualTo("it is too long");

        assertThat(error("apps:\n  shop:\n    policy: { interval: 0s }"))
                .isEqualTo("verity.yaml line 3: apps.shop.policy.interval must be a duration such as 30s, 5m, 1h30m "
                        + "or 500ms (units ms, s, m, h), longer than zero; '0s' is not: it is zero");
        assertThat(error("apps:\n  shop:\n    overrides:\n      prod: { retryInterval: -1m }"))
                .startsWith("verity.yaml line 4: apps.shop.overrides.prod.retryInterval must be a duration")
                .endsWith("'-1m' is not: it is negative");
        assertThat(error("apps:\n  shop: { policy: { healthTimeout: 300 } }"))
                .startsWith("verity.yaml line 2: apps.shop.policy.healthTimeout must be a duration")
                .endsWith("'300' is not: it has no unit");
        assertThat(error("apps:\n  shop: { policy: { interval: soon } }")).endsWith("'soon' is not: it is not a number followed by a unit");
        assertThat(error("apps:\n  shop: { policy: { interval: [5m] } }")).endsWith("a list is not: it is not a single value");
    }

    @Test
    void pruneAlsoAcceptsOnlyTheProtectedKinds() {
        assertThat(VerityConfigParser.parse("apps:\n  shop: { policy: { pruneAlso: [CustomResourceDefinition] } }")
                .policyFor("shop", "prod").pruneAlso()).containsExactly("CustomResourceDefinition");
        assertThat(error("apps:\n  shop:\n    policy:\n      pruneAlso:\n        - Namespace\n        - Secret\n"))
                .isEqualTo("verity.yaml line 6: apps.shop.policy.pruneAlso: 'Secret' is not a kind Verity protects from "
                        + "pruning; the allowed values are [CustomResourceDefinition, Namespace, PersistentVolumeClaim] "
                        + "(objects of every other kind are pruned whenever prune is true)");
        assertThat(error("apps:\n  shop: { policy: { pruneAlso: [namespace] } }"))
                .contains("'namespace' is not a kind Verity protects from pruning; did you mean 'Namespace'?");
        assertThat(error("apps:\n  shop: { policy: { pruneAlso: Namespace } }"))
                .contains("apps.shop.policy.pruneAlso must be a list of kinds, any of [CustomResourceDefinition, "
                        + "Namespace, PersistentVolumeClaim], e.g. [PersistentVolumeClaim], not 'Namespace'");
    }

    @Test
    void ignoreDifferencesAreReadAndAnOverrideReplacesTheAppsList() {
        VerityConfig config = VerityConfigParser.parse("""
                environments:
                  dev: { clusters: [a] }
                  prod: { clusters: [b] }
                apps:
                  shop:
                    policy:
                      selfHeal: true
                      ignoreDifferences:
                        - kind: Deployment
                          group: apps
                          name: web
                          jsonPointers: [/spec/replicas, /metadata/annotations/example.com~1owner]
                        - { kind: ConfigMap, group: "", namespace: shop, jsonPointers: [/data] }
                    overrides:
                      prod:
                        ignoreDifferences: [{ kind: HorizontalPodAutoscaler, jsonPointers: [/spec/minReplicas] }]
                """);

        assertThat(config.policyFor("shop", "dev").ignoreDifferences()).containsExactly(
                new IgnoreDifference("apps", "Deployment", "web", null,
                        List.of("/spec/replicas", "/metadata/annotations/example.com~1owner")),
                new IgnoreDifference("", "ConfigMap", null, "shop", List.of("/data")));
        assertThat(config.policyFor("shop", "prod").ignoreDifferences()).containsExactly(
                new IgnoreDifference(null, "HorizontalPodAutoscaler", null, null, List.of("/spec/minReplicas")));
        assertThat(config.policyFor("shop", "prod").selfHeal()).isTrue();
        assertThat(config.policyFor("other", "dev").ignoreDifferences()).isEmpty();
        assertThat(VerityConfigParser.parse("apps:\n  shop:\n    policy: { ignoreDifferences: [{kind: A, jsonPointers: [/a]}] }\n"
                + "    overrides:\n      prod: { ignoreDifferences: [] }\n").policyFor("shop", "prod").ignoreDifferences())
                .isEmpty();
    }

    @Test
    void anIgnoreRuleThatIsNotValidNamesItsKeyAndLine() {
        assertThat(error("apps:\n  shop:\n    policy:\n      ignoreDifferences:\n        - kind: Deployment\n"
                + "          jsonPointers:\n            - /spec/replicas\n            - spec/template\n"))
                .isEqualTo("verity.yaml line 8: apps.shop.policy.ignoreDifferences[0].jsonPointers: 'spec/template' is "
                        + "not a JSON pointer (RFC 6901): it must start with '/'; write e.g. /spec/replicas, or "
                        + "/metadata/annotations/example.com~1owner for the key example.com/owner");
        assertThat(error("apps:\n  shop: { policy: { ignoreDifferences: [{kind: A, jsonPointers: [/metadata/annotations/a~2b]}] } }"))
                .startsWith("verity.yaml line 2: apps.shop.policy.ignoreDifferences[0].jsonPointers: "
                        + "'/metadata/annotations/a~2b' is not a JSON pointer (RFC 6901): '~' must be followed by 0");
        assertThat(error("apps:\n  shop:\n    policy:\n      ignoreDifferences:\n        - {kind: A, jsonPointers: [/a]}\n"
                + "        - {kind: Deployment, jsonPointer: [/spec/replicas]}\n"))
                .isEqualTo("verity.yaml line 6: unknown key 'apps.shop.policy.ignoreDifferences[1].jsonPointer'; did "
                        + "you mean 'jsonPointers'? The keys allowed under apps.shop.policy.ignoreDifferences[1] are "
                        + "[group, jsonPointers, kind, name, namespace]");
        assertThat(error("apps:\n  shop: { policy: { ignoreDiffrences: [] } }"))
                .startsWith("verity.yaml line 2: unknown key 'apps.shop.policy.ignoreDiffrences'; did you mean "
                        + "'ignoreDifferences'?");
        assertThat(error("apps:\n  shop:\n    overrides:\n      prod:\n        ignoreDifferences:\n"
                + "          - {name: web, jsonPointers: [/spec/replicas]}\n"))
                .startsWith("verity.yaml line 6: apps.shop.overrides.prod.ignoreDifferences[0].kind is required");
        assertThat(error("apps:\n  shop: { policy: { ignoreDifferences: [{kind: A}] } }"))
                .startsWith("verity.yaml line 2: apps.shop.policy.ignoreDifferences[0].jsonPointers must list at least one");
        assertThat(error("apps:\n  shop: { policy: { ignoreDifferences: {kind: A} } }"))
                .startsWith("verity.yaml line 2: apps.shop.policy.ignoreDifferences must be a list of rules");
        assertThat(error("apps:\n  shop: { policy: { ignoreDifferences: [{kind: A, name: 3, jsonPointers: [/a]}] } }"))
                .startsWith("verity.yaml line 2: apps.shop.policy.ignoreDifferences[0].name must be a string, not '3'");
    }

    @Test
    void anUnknownKeyAnywhereNamesItsLineAndTheClosestKnownKey() {
        assertThat(error("environments:\n  dev: { clusters: [a] }\napp:\n  shop: {}"))
                .isEqualTo("verity.yaml line 3: unknown key 'app'; did you mean 'apps'? The keys allowed at the top "
                        + "level are [allowMassRemoval, apps, environments]");
        assertThat(error("kind: Config"))
                .isEqualTo("verity.yaml line 1: unknown key 'kind'; the keys allowed at the top level are [allowMassRemoval, apps, environments]");
        assertThat(error("environments:\n  dev: { clusters: [a], cluster: b }"))
                .startsWith("verity.yaml line 2: unknown key 'environments.dev.cluster'; did you mean 'clusters'?");
        assertThat(error("apps:\n  shop: { polcy: {} }"))
                .isEqualTo("verity.yaml line 2: unknown key 'apps.shop.polcy'; did you mean 'policy'? The keys allowed "
                        + "under apps.shop are [overrides, path, policy]");
        assertThat(error("apps:\n  shop:\n    policy:\n      prune: true\n      selfheal: true\n"))
                .isEqualTo("verity.yaml line 5: unknown key 'apps.shop.policy.selfheal'; did you mean 'selfHeal'? The keys "
                        + "allowed under apps.shop.policy are [allowEmpty, dependsOn, force, healthTimeout, ignoreDifferences, "
                        + "interval, prune, pruneAlso, recreate, retryInterval, selfHeal, suspend]");
        assertThat(error("apps:\n  shop:\n    overrides:\n      prod:\n        dependOn: [a]\n"))
                .startsWith("verity.yaml line 5: unknown key 'apps.shop.overrides.prod.dependOn'; did you mean 'dependsOn'?");
        assertThat(error("apps:\n  shop: { policy: { wave: 3 } }"))
                .startsWith("verity.yaml line 2: unknown key 'apps.shop.policy.wave'; the keys allowed under apps.shop.policy");
    }

    @Test
    void anOverrideForAnEnvironmentThatIsNotDeclaredIsAnError() {
        assertThat(error("environments:\n  dev: { clusters: [a] }\n  prod: { clusters: [b] }\n"
                + "apps:\n  shop:\n    overrides:\n      prd: { selfHeal: true }\n"))
                .isEqualTo("verity.yaml line 7: apps.shop.overrides.prd: no environment 'prd' is declared under environments; "
                        + "did you mean 'prod'? the declared environments are [dev, prod]. Fix the name, declare the "
                        + "environment, or remove the override.");
        assertThat(VerityConfigParser.parse("apps:\n  shop:\n    overrides:\n      qa: { selfHeal: true }\n")
                .policyFor("shop", "qa").selfHeal()).as("without declared environments any overlay's name is fine").isTrue();
    }

    @Test
    void aDependsOnCycleNamesTheCycleAndWhereEachStepIsWritten() {
        assertThat(error("""
                apps:
                  a:
                    policy: { dependsOn: [b] }
                  b:
                    policy: { dependsOn: [a] }
                """)).isEqualTo("verity.yaml line 3: dependsOn cycle in every environment without an override: a -> b -> a "
                + "('b' in apps.a.policy.dependsOn (line 3), 'a' in apps.b.policy.dependsOn (line 5)). An app cannot "
                + "wait for itself: remove one of these dependencies.");
        assertThat(error("apps:\n  shop:\n    policy:\n      dependsOn:\n        - shop\n"))
                .startsWith("verity.yaml line 5: dependsOn cycle in every environment without an override: shop -> shop ");
    }

    @Test
    void aCycleFormedOnlyByAnOverrideIsFoundInItsEnvironment() {
        String apps = """
                environments:
                  dev:  { clusters: [dev-eu] }
                  prod: { clusters: [prod-eu] }
                apps:
                  api:
                    policy: { dependsOn: [db] }
                  web:
                    policy: { dependsOn: [api] }
                  worker:
                    overrides:
                      prod: { dependsOn: [web] }
                """;
        assertThat(VerityConfigParser.parse(apps + "  db: {}\n").policyFor("worker", "prod").dependsOn()).containsExactly("web");
        assertThat(VerityConfigParser.parse(apps + "  db:\n    overrides:\n      dev: { dependsOn: [worker] }\n")
                .policyFor("db", "dev").dependsOn()).as("worker depends on web only in prod").containsExactly("worker");

        assertThat(error(apps + "  db:\n    overrides:\n      prod:\n        dependsOn: [worker]\n"))
                .isEqualTo("verity.yaml line 6: dependsOn cycle in environment prod: api -> db -> worker -> web -> api "
                        + "('db' in apps.api.policy.dependsOn (line 6), 'worker' in apps.db.overrides.prod.dependsOn "
                        + "(line 15), 'web' in apps.worker.overrides.prod.dependsOn (line 11), 'api' in "
                        + "apps.web.policy.dependsOn (line 8)). An app cannot wait for itself: remove one of these dependencies.");
    }

    @Test
    void aMassRemovalIsHeldUnlessTheFileAllowsIt() {
        assertThat(VerityConfigParser.parse("apps: {}\n").allowMassRemoval()).isFalse();
        assertThat(VerityConfigParser.parse("allowMassRemoval: true\n").allowMassRemoval()).isTrue();
        assertThat(error("apps: {}\nallowMassRemoval: yes\n"))
                .isEqualTo("verity.yaml line 2: allowMassRemoval must be true or false, not 'yes'");
        assertThat(error("allowmassremoval: true\n")).contains("did you mean 'allowMassRemoval'?");
    }

    @Test
    void wrongTypesNameTheKeyAndLine() {
        assertThat(error("apps:\n  shop: { policy: { selfHeal: yes } }"))
                .isEqualTo("verity.yaml line 2: apps.shop.policy.selfHeal must be true or false, not 'yes'");
        assertThat(error("apps:\n  shop: { policy: { prune: \"true\" } }"))
                .isEqualTo("verity.yaml line 2: apps.shop.policy.prune must be true or false, not 'true'");
        assertThat(error("apps:\n  shop: { policy: { recreate: [true] } }"))
                .isEqualTo("verity.yaml line 2: apps.shop.policy.recreate must be true or false, not a list");
        assertThat(error("apps:\n  shop: { policy: { dependsOn: platform } }"))
                .isEqualTo("verity.yaml line 2: apps.shop.policy.dependsOn must be a list of app names, e.g. [platform]");
        assertThat(error("apps:\n  shop: { policy: { dependsOn: [1] } }"))
                .isEqualTo("verity.yaml line 2: apps.shop.policy.dependsOn must hold app names (strings), not '1'");
        assertThat(error("apps:\n  shop: { policy: [prune] }"))
                .startsWith("verity.yaml line 2: apps.shop.policy must be a map with keys [allowEmpty, dependsOn, ");
        assertThat(error("apps:\n  shop:\n    overrides: [prod]"))
                .isEqualTo("verity.yaml line 3: apps.shop.overrides must be a map of environment name to policy fields, not a list");
        assertThat(error("apps:\n  shop: { path: 7 }"))
                .isEqualTo("verity.yaml line 2: apps.shop.path must be a folder relative to the repository root, e.g. apps/shop");
    }

    @Test
    void errorsNameTheFieldAndWhatToWrite() {
        assertThatThrownBy(() -> VerityConfigParser.parse("environments: [dev]"))
                .isInstanceOf(VerityConfigException.class)
                .hasMessage("verity.yaml line 1: environments must be a map of environment name to { clusters: [...] }, not a list");
        assertThat(error("environments:\n  prod: { clusters: prod-eu }"))
                .contains("line 2: environments.prod.clusters must be a list of cluster names, e.g. [prod-eu]");
        assertThat(error("environments:\n  prod: { clusters: [] }"))
                .contains("line 2: environments.prod.clusters is empty");
        assertThat(error("environments:\n  prod: {}")).contains("line 2: environments.prod.clusters is required");
        assertThat(error("environments:\n  prod:\n")).contains("line 2: environments.prod.clusters is required");
        assertThat(error("environments:\n  prod: { clusters: [Prod_EU!] }"))
                .contains("line 2: environments.prod.clusters: cluster name 'Prod_EU!' is not valid");
        assertThat(error("apps:\n  shop: { overrides: { prod: { prune: 1 } } }"))
                .contains("line 2: apps.shop.overrides.prod.prune must be true or false");
        assertThat(error("apps:\n  shop: { path: ../elsewhere }"))
                .contains("apps.shop.path '../elsewhere' must be a folder inside the repository");
        assertThat(error("- just\n- a list"))
                .isEqualTo("verity.yaml line 1: the top level must be a map with keys [allowMassRemoval, apps, environments], not a list");
    }

    @Test
    void syntaxErrorsAndDuplicateKeysAreReportedWithTheirLine() {
        assertThatThrownBy(() -> VerityConfigParser.parse("environments:\n  dev: { clusters: [a\n"))
                .isInstanceOf(VerityConfigException.class)
                .hasMessageStartingWith("verity.yaml is not valid YAML")
                .hasMessageContaining("line ");
        assertThat(error("apps:\n  shop: {}\n  shop: {}\n"))
                .isEqualTo("verity.yaml line 3: duplicate key 'shop' under apps (first at line 2); keep one of them");
        assertThat(error("apps:\n  shop: { policy: { prune: true, prune: false } }"))
                .contains("duplicate key 'prune' under apps.shop.policy");
    }

    private static String error(String yaml) {
        try {
            VerityConfigParser.parse(yaml);
        } catch (VerityConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("verity.yaml was accepted:\n" + yaml);
    }
}
