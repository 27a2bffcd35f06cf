package dev.verity.renderer.render;

import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import dev.verity.renderer.config.VerityConfig;
import dev.verity.renderer.config.VerityConfigParser;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TargetDiscoveryTest {

    private static final List<String> PATHS = List.of(
            "README.md",
            "apps/shop/base/kustomization.yaml",
            "apps/shop/base/deployment.yaml",
            "apps/shop/overlays/dev/kustomization.yaml",
            "apps/shop/overlays/prod/kustomization.yml",
            "apps/shop/overlays/prod/patch.yaml",
            "apps/billing/overlays/staging/Kustomization",
            "apps/billing/overlays/notes/README.md",
            "apps/shop/overlays/prod/extra/kustomization.yaml",
            "platform/apps/x/overlays/dev/kustomization.yaml");

    @Test
    void findsOverlaysByConventionAndMapsEveryEnvironmentToLocal() {
        TargetDiscovery.Discovery d = TargetDiscovery.discover(PATHS, VerityConfig.NONE);
        assertThat(d.targets()).containsExactly(
                new Target(TargetKey.parse("local/billing/staging"), "apps/billing/overlays/staging", Policy.DEFAULT),
                new Target(TargetKey.parse("local/shop/dev"), "apps/shop/overlays/dev", Policy.DEFAULT),
                new Target(TargetKey.parse("local/shop/prod"), "apps/shop/overlays/prod", Policy.DEFAULT));
        assertThat(d.problems()).isEmpty();
    }

    @Test
    void verityYamlMapsEnvironmentsToClustersAndSetsPathsAndPolicies() {
        VerityConfig config = VerityConfigParser.parse("""
                environments:
                  dev: { clusters: [dev-eu] }
                  prod: { clusters: [prod-eu, prod-us] }
                apps:
                  web:
                    path: platform/apps/x
                  shop:
                    overrides:
                      prod: { selfHeal: true }
                """);
        TargetDiscovery.Discovery d = TargetDiscovery.discover(PATHS, config);
        Policy healing = new Policy(false, true, true, true, false, List.of());
        assertThat(d.targets()).containsExactly(
                new Target(TargetKey.parse("dev-eu/shop/dev"), "apps/shop/overlays/dev", Policy.DEFAULT),
                new Target(TargetKey.parse("dev-eu/web/dev"), "platform/apps/x/overlays/dev", Policy.DEFAULT),
                new Target(TargetKey.parse("prod-eu/shop/prod"), "apps/shop/overlays/prod", healing),
                new Target(TargetKey.parse("prod-us/shop/prod"), "apps/shop/overlays/prod", healing));
        assertThat(d.notes()).containsExactly("apps/billing/overlays/staging is not rendered: verity.yaml declares no "
                + "environment 'staging'; add environments.staging.clusters to deploy it");
    }

    @Test
    void aConfiguredPathReplacesTheConventionalOne() {
        VerityConfig config = VerityConfigParser.parse("apps:\n  shop: { path: deploy/shop }\n");
        TargetDiscovery.Discovery d = TargetDiscovery.discover(
                List.of("apps/shop/overlays/dev/kustomization.yaml", "deploy/shop/overlays/qa/kustomization.yaml"), config);
        assertThat(d.targets()).extracting(t -> t.key().toString()).containsExactly("local/shop/qa");
        assertThat(d.notes()).containsExactly("apps/shop/overlays/dev is not rendered: verity.yaml sets apps.shop.path to 'deploy/shop'");
    }

    @Test
    void invalidFolderNamesAreProblemsNamingTheOverlay() {
        TargetDiscovery.Discovery d = TargetDiscovery.discover(
                List.of("apps/Shop/overlays/dev/kustomization.yaml", "apps/ok/overlays/Prod_/kustomization.yaml"), VerityConfig.NONE);
        assertThat(d.targets()).isEmpty();
        assertThat(d.problems()).extracting(TargetDiscovery.Problem::path)
                .containsExactly("apps/Shop/overlays/dev", "apps/ok/overlays/Prod_");
        assertThat(d.problems().get(0).error()).contains("app name 'Shop' is not valid").contains("Rename the folder");
    }

    @Test
    void anAppListedWithoutOverlaysIsNoted() {
        VerityConfig config = VerityConfigParser.parse("apps:\n  ghost: {}\n");
        assertThat(TargetDiscovery.discover(List.of(), config).notes())
                .containsExactly("verity.yaml lists app 'ghost' but apps/ghost/overlays/<env>/kustomization.yaml does not exist for any environment");
    }

    @Test
    void aDependsOnNamingAnAppThatIsNotInTheEnvironmentIsAProblemOfThatTargetWhichStaysATarget() {
        VerityConfig config = VerityConfigParser.parse("""
                apps:
                  shop:
                    policy:
                      dependsOn: [billing]
                    overrides:
                      prod:
                        dependsOn:
                          - billing
                          - platfrom
                """);
        List<String> paths = List.of("apps/shop/overlays/dev/kustomization.yaml", "apps/shop/overlays/prod/kustomization.yaml",
                "apps/shop/overlays/staging/kustomization.yaml", "apps/billing/overlays/staging/kustomization.yaml",
                "apps/billing/overlays/prod/kustomization.yaml", "apps/platform/overlays/prod/kustomization.yaml");

        TargetDiscovery.Discovery d = TargetDiscovery.discover(paths, config);

        assertThat(d.targets()).extracting(t -> t.key().toString()).containsExactly("local/billing/prod",
                "local/billing/staging", "local/platform/prod", "local/shop/dev", "local/shop/prod", "local/shop/staging");
        assertThat(d.problems()).extracting(p -> p.target().toString()).containsExactly("local/shop/dev", "local/shop/prod");
        assertThat(d.problems()).extracting(TargetDiscovery.Problem::path).containsOnly("verity.yaml");
        assertThat(d.problems().get(0).error()).isEqualTo("verity.yaml line 4: apps.shop.policy.dependsOn names 'billing', "
                + "but no such app is deployed in environment dev (apps in dev: [shop]). Fix the name, add the app's overlay "
                + "for dev, or remove it from dependsOn (an override for dev can set its own dependsOn).");
        assertThat(d.problems().get(1).error()).startsWith("verity.yaml line 9: apps.shop.overrides.prod.dependsOn names "
                + "'platfrom' (did you mean 'platform'?), but no such app is deployed in environment prod "
                + "(apps in prod: [billing, platform, shop])");
    }
}
