package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.Policy;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.ShopFixture;
import dev.verity.renderer.git.GitMirror;
import dev.verity.testkit.git.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The renderer against a real Git repository (JGit), with the in-process engine reading the commit's tree. */
class RendererTest {

    @TempDir
    Path tmp;

    private GitRepos repo;
    private GitMirror mirror;

    @BeforeEach
    void setUp() {
        repo = GitRepos.createBare(tmp.resolve("gitops.git"));
        mirror = GitMirror.open(repo.url(), "main", tmp.resolve("mirror"), Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() {
        mirror.close();
        repo.close();
    }

    private RenderResult renderHead() {
        return renderHead(Topics.DESIRED_MAX_MESSAGE_BYTES);
    }

    private RenderResult renderHead(int maxBytes) {
        return new Renderer(Runnable::run, Duration.ofSeconds(60), maxBytes).render(mirror.snapshot(mirror.fetchHead()));
    }

    @Test
    void rendersEachOverlayIntoADesiredStatePerTarget() {
        String commit = repo.commit("main", "shop", ShopFixture.app("shop", "hello"));

        RenderResult result = renderHead();

        assertThat(result.commit()).isEqualTo(commit);
        assertThat(result.targets()).contains(List.of(TargetKey.parse("local/shop/dev"), TargetKey.parse("local/shop/prod")));
        assertThat(result.events()).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOf(DesiredState.class));
        DesiredState dev = (DesiredState) result.events().get(0);
        DesiredState prod = (DesiredState) result.events().get(1);
        assertThat(dev.target()).isEqualTo(TargetKey.parse("local/shop/dev"));
        assertThat(dev.path()).isEqualTo("apps/shop/overlays/dev");
        assertThat(dev.repo()).isEqualTo(repo.url());
        assertThat(dev.commit()).isEqualTo(commit);
        assertThat(dev.policy()).isEqualTo(Policy.DEFAULT);
        assertThat(kinds(dev)).containsExactly("Namespace", "ConfigMap", "Service", "Deployment");
        assertThat(dev.documents().get(0)).contains("name: shop-dev");
        assertThat(dev.documents()).allSatisfy(d -> assertThat(d).doesNotContain("\n---"));
        assertThat(prod.target()).isEqualTo(TargetKey.parse("local/shop/prod"));
        assertThat(prod.documents().get(3)).contains("namespace: shop-prod").contains("replicas: 3");
        assertThat(dev.digest()).startsWith("sha256:").isNotEqualTo(prod.digest());
        assertThat(dev.sources()).as("what the render read: the overlay and the base it names")
                .containsExactly("apps/shop/base", "apps/shop/overlays/dev");
    }

    @Test
    void aBrokenOverlayFailsAloneWithTheEnginesErrorNamingTheFileAndWhatToDo() {
        repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        String broken = repo.commit("main", "broken", ShopFixture.brokenProd("shop"));

        RenderResult result = renderHead();

        assertThat(result.events()).hasSize(2);
        assertThat(result.events().get(0)).isInstanceOf(DesiredState.class);
        RenderFailed failed = (RenderFailed) result.events().get(1);
        assertThat(failed.target()).isEqualTo(TargetKey.parse("local/shop/prod"));
        assertThat(failed.commit()).isEqualTo(broken);
        assertThat(failed.path()).isEqualTo("apps/shop/overlays/prod");
        assertThat(failed.error())
                .startsWith("local/shop/prod@" + broken.substring(0, 12) + ": ")
                .contains("kustomize build of apps/shop/overlays/prod failed")
                .contains("accumulating resources")
                .contains("'/apps/shop/overlays/prod/missing-ingress.yaml'")
                .contains("/apps/shop/overlays/prod/kustomization.yaml")
                .contains("fix apps/shop/overlays/prod")
                .doesNotContain(tmp.toString());
        assertThat(result.retryable()).isFalse();
    }

    @Test
    void verityYamlMapsEnvironmentsToClustersWithPolicies() {
        repo.on("main").put("verity.yaml", """
                environments:
                  dev:  { clusters: [dev-eu] }
                  prod: { clusters: [prod-eu, prod-us] }
                apps:
                  shop:
                    policy: { prune: false }
                    overrides:
                      prod: { selfHeal: true }
                """).commit();
        repo.commit("main", "shop", ShopFixture.app("shop", "hello"));

        List<VerityEvent> events = renderHead().events();

        assertThat(events).extracting(e -> e.key()).containsExactly("dev-eu/shop/dev", "prod-eu/shop/prod", "prod-us/shop/prod");
        DesiredState eu = (DesiredState) events.get(1);
        DesiredState us = (DesiredState) events.get(2);
        assertThat(eu.policy()).isEqualTo(new Policy(false, false, true, true, false, List.of()));
        assertThat(eu.documents()).isEqualTo(us.documents());
        assertThat(((DesiredState) events.get(0)).policy().selfHeal()).isFalse();
    }

    @Test
    void aBadVerityYamlPublishesOnlyItsFailure() {
        repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        String commit = repo.commit("main", "bad config", Map.of("verity.yaml", "environments:\n  prod: { clusters: prod-eu }\n"));

        RenderResult result = renderHead();

        assertThat(result.targets()).as("targets are unknown, so none may be taken as removed").isEmpty();
        assertThat(result.events()).singleElement().isInstanceOfSatisfying(RenderFailed.class, f -> {
            assertThat(f.target()).isNull();
            assertThat(f.path()).isEqualTo("verity.yaml");
            assertThat(f.commit()).isEqualTo(commit);
            assertThat(f.error()).contains("environments.prod.clusters must be a list of cluster names")
                    .contains("every cluster keeps its last good state");
        });
    }

    @Test
    void aTargetDependingOnAnAppMissingFromItsEnvironmentFailsAloneAndStaysATarget() {
        repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        String commit = repo.commit("main", "prod waits for platform", Map.of("verity.yaml",
                "apps:\n  shop:\n    overrides:\n      prod: { dependsOn: [platform], interval: 2m }\n"));

        RenderResult result = renderHead();

        assertThat(result.targets()).contains(List.of(TargetKey.parse("local/shop/dev"), TargetKey.parse("local/shop/prod")));
        assertThat(result.events()).extracting(VerityEvent::key).containsExactly("local/shop/dev", "local/shop/prod");
        assertThat(result.events().get(0)).isInstanceOf(DesiredState.class);
        assertThat(result.events().get(1)).isInstanceOfSatisfying(RenderFailed.class, f -> {
            assertThat(f.path()).isEqualTo("verity.yaml");
            assertThat(f.error()).isEqualTo("local/shop/prod@" + commit.substring(0, 12) + ": verity.yaml line 4: "
                    + "apps.shop.overrides.prod.dependsOn names 'platform', but no such app is deployed in environment "
                    + "prod (apps in prod: [shop]). Fix the name, add the app's overlay for prod, or remove it from "
                    + "dependsOn (an override for prod can set its own dependsOn). Nothing was rendered for this target; "
                    + "local keeps its last good state.");
        });
    }

    @Test
    void anEmptyRenderFailsUnlessAllowed() {
        repo.commit("main", "empty", Map.of(
                "apps/empty/overlays/dev/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: empty\n",
                "apps/empty/overlays/prod/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: empty\n",
                "verity.yaml", "apps:\n  empty:\n    overrides:\n      prod: { allowEmpty: true }\n"));

        List<VerityEvent> events = renderHead().events();

        assertThat(events.get(0)).isInstanceOfSatisfying(RenderFailed.class, f -> assertThat(f.error())
                .contains("apps/empty/overlays/dev renders no objects").contains("allowEmpty: true"));
        assertThat(events.get(1)).isInstanceOfSatisfying(DesiredState.class, d -> assertThat(d.documents()).isEmpty());
    }

    @Test
    void aRenderOverTheSizeLimitFailsClearly() {
        repo.commit("main", "shop", ShopFixture.app("shop", "x".repeat(4000)));

        List<VerityEvent> events = renderHead(3000).events();

        assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(RenderFailed.class,
                f -> assertThat(f.error()).contains("over the 0.0 MiB limit (verity.renderer.max-desired-state-size)").contains("Split the app")));
    }

    @Test
    void aBuildPastTheDeadlineIsARetryableRenderFailedNamingTheTarget() {
        String commit = repo.commit("main", "shop", ShopFixture.app("shop", "hello"));

        RenderResult result = new Renderer(Runnable::run, Duration.ZERO, Topics.DESIRED_MAX_MESSAGE_BYTES)
                .render(mirror.snapshot(mirror.fetchHead()));

        assertThat(result.retryable()).isTrue();
        assertThat(result.events()).hasSize(2).allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(RenderFailed.class,
                f -> assertThat(f.error()).startsWith(f.target().at(commit) + ": kustomize build of /apps/shop/overlays/")
                        .contains("exceeded its deadline").contains("It will be retried")));
    }

    private static List<String> kinds(DesiredState state) {
        return state.documents().stream()
                .map(d -> d.lines().filter(l -> l.startsWith("kind: ")).findFirst().orElseThrow().substring(6))
                .toList();
    }
}
