package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.git.GitMirror;
import dev.verity.renderer.render.RepositoryReconciler.Outcome;
import dev.verity.testkit.git.GitRepos;
import dev.verity.testkit.git.Monorepo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new head renders only the targets whose files it changed, decided by diffing Git trees, in a generated monorepo
 * of 200 apps × 3 environments (600 targets), with the engine on a pool of 2. One repository for the class (its first
 * render builds all 600 targets); each test pushes on top of the one before.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OnlyWhatChangedIT {

    private static final List<String> ENVS = List.of("dev", "staging", "prod");
    private static final int APPS = 200;

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ALWAYS)
    static Path tmp;

    private final List<VerityEvent> published = new ArrayList<>();
    private final EventSink sink = new EventSink() {
        @Override
        public void publish(VerityEvent event) {
            published.add(event);
        }

        @Override
        public void tombstone(TargetKey target) {
        }
    };
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private GitRepos repo;
    private GitMirror mirror;
    private RepositoryReconciler reconciler;

    @BeforeAll
    void setUp() {
        repo = GitRepos.createBare(tmp.resolve("monorepo.git"));
        mirror = GitMirror.open(repo.url(), "main", tmp.resolve("mirror"), Duration.ofSeconds(30));
        reconciler = new RepositoryReconciler(mirror, new Renderer(pool, Duration.ofSeconds(30),
                Topics.DESIRED_MAX_MESSAGE_BYTES), sink, new PublishLedger());
        repo.commit("main", "200 apps", Monorepo.files(APPS, ENVS));
        Outcome.Rendered first = rendered();
        assertThat(first.rendered()).isEqualTo(600);
        assertThat(published).hasSize(600);
    }

    @BeforeEach
    void clear() {
        published.clear();
    }

    @AfterAll
    void tearDown() {
        pool.shutdownNow();
        mirror.close();
        repo.close();
    }

    private Outcome.Rendered rendered() {
        Outcome outcome = reconciler.reconcile(m -> { });
        assertThat(outcome).isInstanceOf(Outcome.Rendered.class);
        return (Outcome.Rendered) outcome;
    }

    private List<String> publishedKeys() {
        return published.stream().map(VerityEvent::key).toList();
    }

    @Test
    @Order(1)
    void aPushTouchingOneAppsBaseRendersThatAppsThreeTargetsOnly() {
        String head = repo.commit("main", "app-042 v2", Monorepo.touchBase(42, "v2"));

        Outcome.Rendered r = rendered();

        assertThat(r.rendered()).isEqualTo(3);
        assertThat(r.skipped()).isEqualTo(597);
        assertThat(publishedKeys()).containsExactly("local/app-042/dev", "local/app-042/prod", "local/app-042/staging");
        assertThat(published).allSatisfy(e -> assertThat(((DesiredState) e).commit()).isEqualTo(head));
        assertThat(((DesiredState) published.get(0)).documents()).anyMatch(d -> d.contains("VERSION: v2"));
    }

    @Test
    @Order(2)
    void aCommitOutsideEveryFileSetRendersNothingAndANewAppRendersOnlyItself() {
        repo.commit("main", "docs", Map.of("README.md", "the monorepo\n", "apps/app-007/NOTES.md", "notes\n"));
        assertThat(rendered().rendered()).isZero();
        assertThat(published).isEmpty();

        Map<String, String> newApp = new java.util.HashMap<>(Monorepo.files(APPS + 1, ENVS));
        newApp.keySet().removeIf(p -> !p.startsWith("apps/" + Monorepo.app(APPS) + "/"));
        repo.commit("main", "app-200", newApp);
        Outcome.Rendered r = rendered();

        assertThat(r.rendered()).isEqualTo(3);
        assertThat(publishedKeys()).containsExactly("local/app-200/dev", "local/app-200/prod", "local/app-200/staging");
    }

    @Test
    @Order(3)
    void aChangeToVerityYamlRendersEveryTargetAndPublishesOnlyWhatChanged() {
        repo.commit("main", "prod of app-003 self-heals", Map.of("verity.yaml",
                "apps:\n  app-003:\n    overrides:\n      prod: { selfHeal: true }\n"));

        Outcome.Rendered r = rendered();

        assertThat(r.rendered()).as("200 apps and app-200 from the test before").isEqualTo(603);
        assertThat(r.unchanged()).isEqualTo(602);
        assertThat(publishedKeys()).containsExactly("local/app-003/prod");
    }

    @Test
    @Order(4)
    void aForcePushIsDiffedAgainstTheLastRenderedTreeNotItsAncestry() {
        String base = repo.head("main").orElseThrow();
        repo.commit("main", "app-001 v2", Monorepo.touchBase(1, "v2"));
        rendered();
        published.clear();

        // rewrite history: app-001's change is gone, app-002 changed instead
        String forced = repo.on("main").from(base).put("apps/app-002/base/configmap.yaml",
                Monorepo.touchBase(2, "v3").get("apps/app-002/base/configmap.yaml")).message("force").commit();
        Outcome.Rendered r = rendered();

        assertThat(r.commit()).isEqualTo(forced);
        assertThat(r.rendered()).isEqualTo(6);
        assertThat(publishedKeys()).containsExactlyInAnyOrder("local/app-001/dev", "local/app-001/staging",
                "local/app-001/prod", "local/app-002/dev", "local/app-002/staging", "local/app-002/prod");
        assertThat(published).filteredOn(e -> e.key().startsWith("local/app-001/"))
                .allSatisfy(e -> assertThat(((DesiredState) e).documents()).anyMatch(d -> d.contains("VERSION: v1")));
    }
}
