package dev.verity.renderer.config;

import dev.verity.events.Policy;
import org.junit.jupiter.api.Test;

import java.util.List;

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
    void errorsNameTheFieldAndWhatToWrite() {
        assertThatThrownBy(() -> VerityConfigParser.parse("environments: [dev]"))
                .isInstanceOf(VerityConfigException.class)
                .hasMessageContaining("verity.yaml: environments must be a map of environment name to { clusters: [...] }");
        assertThatThrownBy(() -> VerityConfigParser.parse("environments:\n  prod: { clusters: prod-eu }"))
                .hasMessageContaining("environments.prod.clusters must be a list of cluster names, e.g. [prod-eu]");
        assertThatThrownBy(() -> VerityConfigParser.parse("environments:\n  prod: { clusters: [] }"))
                .hasMessageContaining("environments.prod.clusters is empty");
        assertThatThrownBy(() -> VerityConfigParser.parse("environments:\n  prod: {}"))
                .hasMessageContaining("environments.prod.clusters is required");
        assertThatThrownBy(() -> VerityConfigParser.parse("environments:\n  prod: { clusters: [Prod_EU!] }"))
                .hasMessageContaining("environments.prod.clusters: cluster name 'Prod_EU!' is not valid");
        assertThatThrownBy(() -> VerityConfigParser.parse("apps:\n  shop: { polcy: {} }"))
                .hasMessageContaining("unknown key 'apps.shop.polcy'; the keys allowed under apps.shop are [overrides, path, policy]");
        assertThatThrownBy(() -> VerityConfigParser.parse("apps:\n  shop: { policy: { selfHeal: yes please } }"))
                .hasMessageContaining("apps.shop.policy.selfHeal must be true or false, not 'yes please'");
        assertThatThrownBy(() -> VerityConfigParser.parse("apps:\n  shop: { overrides: { prod: { prune: 1 } } }"))
                .hasMessageContaining("apps.shop.overrides.prod.prune must be true or false");
        assertThatThrownBy(() -> VerityConfigParser.parse("apps:\n  shop: { path: ../elsewhere }"))
                .hasMessageContaining("apps.shop.path '../elsewhere' must be a folder inside the repository");
        assertThatThrownBy(() -> VerityConfigParser.parse("app:\n  shop: {}"))
                .hasMessageContaining("unknown key 'app'; the keys allowed at the top level are [apps, environments]");
        assertThatThrownBy(() -> VerityConfigParser.parse("- just\n- a list"))
                .hasMessageContaining("verity.yaml: the top level must be a map with keys [apps, environments]");
    }

    @Test
    void syntaxErrorsAndDuplicateKeysAreReportedWithTheirLine() {
        assertThatThrownBy(() -> VerityConfigParser.parse("environments:\n  dev: { clusters: [a\n"))
                .isInstanceOf(VerityConfigException.class)
                .hasMessageStartingWith("verity.yaml is not valid YAML")
                .hasMessageContaining("line ");
        assertThatThrownBy(() -> VerityConfigParser.parse("apps:\n  shop: {}\n  shop: {}\n"))
                .hasMessageContaining("verity.yaml is not valid YAML")
                .hasMessageContaining("shop");
    }
}
