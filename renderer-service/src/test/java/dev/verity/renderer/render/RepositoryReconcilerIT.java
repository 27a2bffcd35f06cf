package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.RemovalHeld;
import dev.verity.events.RenderFailed;
import dev.verity.events.Rendered;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.ShopFixture;
import dev.verity.renderer.git.GitMirror;
import dev.verity.renderer.render.RepositoryReconciler.Outcome;
import dev.verity.testkit.git.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Fetch → render head → publish what changed, against a real repository and the in-process engine. */
class RepositoryReconcilerIT {

    @TempDir
    Path tmp;

    private final List<VerityEvent> published = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final EventSink sink = new EventSink() {
        @Override
        public void publish(VerityEvent event) {
            published.add(event);
            log.add(event.getClass().getSimpleName() + " " + event.key());
        }

        @Override
        public void tombstone(TargetKey target) {
            log.add("tombstone " + target);
        }

        @Override
        public void rendered(Rendered summary) {
            summaries.add(summary);
        }
    };
    private final List<Rendered> summaries = new ArrayList<>();
    private GitRepos repo;
    private GitMirror mirror;
    private RepositoryReconciler reconciler;

    @BeforeEach
    void setUp() {
        repo = GitRepos.createBare(tmp.resolve("gitops.git"));
        mirror = GitMirror.open(repo.url(), "main", tmp.resolve("mirror"), Duration.ofSeconds(30));
        reconciler = new RepositoryReconciler(mirror, new Renderer(Runnable::run, Duration.ofSeconds(60), Topics.DESIRED_MAX_MESSAGE_BYTES),
                sink, new PublishLedger());
    }

    @AfterEach
    void tearDown() {
        mirror.close();
        repo.close();
    }

    @Test
    void publishesTheHeadOnceAndOnlyWhatChangesAfterwards() {
        String first = repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        assertThat(reconciler.reconcile(m -> { })).isInstanceOf(Outcome.Rendered.class);
        assertThat(published).extracting(VerityEvent::key, VerityEvent::commit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("local/shop/dev", first),
                        org.assertj.core.groups.Tuple.tuple("local/shop/prod", first));
        // each names every target published for its commit: an applier may wait for them before pruning
        assertThat(published).allSatisfy(e -> assertThat(((DesiredState) e).commitTargets()).extracting(TargetKey::toString)
                .containsExactly("local/shop/dev", "local/shop/prod"));

        assertThat(reconciler.reconcile(m -> { })).isEqualTo(new Outcome.Unchanged(first));
        String readme = repo.commit("main", "docs only", Map.of("README.md", "no render change\n"));
        reconciler.reconcile(m -> { });
        assertThat(published).as("same digests are not published again").hasSize(2);
        assertThat(reconciler.renderedHead()).isEqualTo(readme);

        String prodOnly = repo.commit("main", "prod replicas", Map.of("apps/shop/overlays/prod/namespace.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-prod\n  labels: { tier: gold }\n"));
        reconciler.reconcile(m -> { });
        assertThat(published).hasSize(3);
        assertThat(published.get(2)).isInstanceOfSatisfying(DesiredState.class, d -> {
            assertThat(d.key()).isEqualTo("local/shop/prod");
            assertThat(d.commit()).isEqualTo(prodOnly);
            assertThat(d.documents().get(0)).contains("tier: gold");
            assertThat(d.commitTargets()).containsExactly(TargetKey.parse("local/shop/prod"));
        });

        String policyOnly = repo.commit("main", "prod: reconcile every 2m", Map.of("verity.yaml",
                "apps:\n  shop:\n    overrides:\n      prod: { interval: 2m, pruneAlso: [Namespace] }\n"));
        reconciler.reconcile(m -> { });
        assertThat(published).as("a policy changed alone is published; dev's policy is unchanged").hasSize(4);
        assertThat(published.get(3)).isInstanceOfSatisfying(DesiredState.class, d -> {
            assertThat(d.key()).isEqualTo("local/shop/prod");
            assertThat(d.commit()).isEqualTo(policyOnly);
            assertThat(d.policy().interval()).isEqualTo(Duration.ofMinutes(2));
            assertThat(d.policy().pruneAlso()).containsExactly("Namespace");
        });
    }

    @Test
    void eachRenderedHeadSaysWhichTargetsItChangedLeftAsTheyWereOrFailed() {
        TargetKey dev = TargetKey.parse("local/shop/dev");
        TargetKey prod = TargetKey.parse("local/shop/prod");
        String first = repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        reconciler.reconcile(m -> { });
        assertThat(summaries).containsExactly(new Rendered(repo.url(), "main", first, List.of(dev, prod), List.of(),
                List.of(), List.of()));

        reconciler.reconcile(m -> { });
        assertThat(summaries).as("a head rendered before says nothing again").hasSize(1);

        String readme = repo.commit("main", "docs only", Map.of("README.md", "no render change\n"));
        reconciler.reconcile(m -> { });
        assertThat(summaries.get(1)).isEqualTo(new Rendered(repo.url(), "main", readme, List.of(), List.of(dev, prod),
                List.of(), List.of()));

        String prodOnly = repo.commit("main", "prod label", Map.of("apps/shop/overlays/prod/namespace.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-prod\n  labels: { tier: gold }\n"));
        reconciler.reconcile(m -> { });
        assertThat(summaries.get(2)).isEqualTo(new Rendered(repo.url(), "main", prodOnly, List.of(prod), List.of(dev),
                List.of(), List.of()));

        String broken = repo.commit("main", "broken", ShopFixture.brokenProd("shop"));
        reconciler.reconcile(m -> { });
        assertThat(summaries.get(3).commit()).isEqualTo(broken);
        assertThat(summaries.get(3).failed()).containsExactly(prod);
        assertThat(summaries.get(3).changed()).doesNotContain(prod);
        assertThat(published.get(published.size() - 1)).as("the summary comes after the head's own events")
                .isInstanceOf(RenderFailed.class);
    }

    @Test
    void rendersTheBranchHeadWhateverCommitWasPushedBefore() {
        repo.commit("main", "shop", ShopFixture.app("shop", "old"));
        String head = repo.commit("main", "newer", ShopFixture.app("shop", "new"));

        Outcome outcome = reconciler.reconcile(m -> { });

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Rendered.class, r -> assertThat(r.commit()).isEqualTo(head));
        assertThat(published).allSatisfy(e -> assertThat(((DesiredState) e).documents().get(1)).contains("GREETING: new"));
    }

    @Test
    void aFailureIsReportedOnceAndAFixPublishesAgain() {
        repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        reconciler.reconcile(m -> { });
        String broken = repo.commit("main", "broken", ShopFixture.brokenProd("shop"));
        reconciler.reconcile(m -> { });
        assertThat(published).hasSize(3);
        assertThat(published.get(2)).isInstanceOfSatisfying(RenderFailed.class, f -> {
            assertThat(f.key()).isEqualTo("local/shop/prod");
            assertThat(f.commit()).isEqualTo(broken);
        });

        String fixed = repo.commit("main", "fix", ShopFixture.app("shop", "fixed"));
        reconciler.reconcile(m -> { });
        assertThat(published.subList(3, published.size())).extracting(VerityEvent::key, VerityEvent::commit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("local/shop/dev", fixed),
                        org.assertj.core.groups.Tuple.tuple("local/shop/prod", fixed));
    }

    @Test
    void anUnreachableRepositoryIsOneFailureNotOnePerPoll() {
        GitMirror gone = GitMirror.open("file://" + tmp.resolve("nowhere.git"), "main", tmp.resolve("gone"), Duration.ofSeconds(5));
        RepositoryReconciler r = new RepositoryReconciler(gone,
                new Renderer(Runnable::run, Duration.ofSeconds(60), Topics.DESIRED_MAX_MESSAGE_BYTES), sink, new PublishLedger());

        assertThat(r.reconcile(m -> { })).isInstanceOf(Outcome.FetchFailed.class);
        assertThat(r.reconcile(m -> { })).isInstanceOf(Outcome.FetchFailed.class);

        assertThat(published).singleElement().isInstanceOfSatisfying(RenderFailed.class, f -> {
            assertThat(f.target()).isNull();
            assertThat(f.error()).contains("cannot fetch refs/heads/main from file://").contains("Check the URL");
        });
        gone.close();
    }

    @Test
    void aTargetThatLeavesGitIsRemovedThenTombstonedAndComesBackWhenRestored() {
        repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        reconciler.reconcile(m -> { });
        repo.commit("main", "bad config", Map.of("verity.yaml", "environments: [oops]\n"));
        reconciler.reconcile(m -> { });
        assertThat(log).as("a bad verity.yaml removes nothing")
                .containsExactly("DesiredState local/shop/dev", "DesiredState local/shop/prod", "RenderFailed " + repo.url());

        log.clear();
        String removal = repo.on("main").delete("verity.yaml").delete("apps/shop/overlays/dev").message("drop dev").commit();
        reconciler.reconcile(m -> { });
        assertThat(log).containsExactly("TargetRemoved local/shop/dev", "tombstone local/shop/dev");
        assertThat(published.get(published.size() - 1)).isEqualTo(new TargetRemoved(TargetKey.parse("local/shop/dev"), repo.url(), removal));

        log.clear();
        repo.commit("main", "dev is back", ShopFixture.app("shop", "hello"));
        reconciler.reconcile(m -> { });
        assertThat(log).as("the same content as before is published again after a removal").containsExactly("DesiredState local/shop/dev");
    }

    /** Two apps, shop and blog, each with dev and prod: four targets. */
    static Map<String, String> shopAndBlog() {
        Map<String, String> both = new java.util.HashMap<>(ShopFixture.app("shop", "hello"));
        both.putAll(ShopFixture.app("blog", "hello"));
        return both;
    }

    @Test
    void aCommitRemovingMostTargetsIsHeldUntilAFollowingCommitConfirmsIt() {
        Map<String, String> both = shopAndBlog();
        repo.commit("main", "shop and blog", both);
        reconciler.reconcile(m -> { });
        log.clear();

        String oops = repo.on("main").delete("apps/shop").delete("apps/blog/overlays/prod").message("oops").commit();
        reconciler.reconcile(m -> { });

        assertThat(log).as("3 of 4 targets removed at once: held").containsExactly("RemovalHeld " + repo.url());
        assertThat(published.get(published.size() - 1)).isEqualTo(new RemovalHeld(repo.url(), oops,
                List.of(TargetKey.parse("local/blog/prod"), TargetKey.parse("local/shop/dev"), TargetKey.parse("local/shop/prod")), 4));
        reconciler.reconcile(m -> { });
        assertThat(log).as("the same head again: nothing more").hasSize(1);

        log.clear();
        repo.commit("main", "confirm", Map.of("README.md", "yes, remove them\n"));
        reconciler.reconcile(m -> { });
        assertThat(log).containsExactly("TargetRemoved local/blog/prod", "tombstone local/blog/prod",
                "TargetRemoved local/shop/dev", "tombstone local/shop/dev",
                "TargetRemoved local/shop/prod", "tombstone local/shop/prod");
    }

    @Test
    void aRepositoryWhoseVerityYamlAllowsMassRemovalIsNotHeld() {
        Map<String, String> both = shopAndBlog();
        both.put("verity.yaml", "allowMassRemoval: true\n");
        repo.commit("main", "shop and blog", both);
        reconciler.reconcile(m -> { });
        log.clear();

        repo.on("main").delete("apps/shop").delete("apps/blog/overlays/prod").message("on purpose").commit();
        reconciler.reconcile(m -> { });

        assertThat(log).containsExactly("TargetRemoved local/blog/prod", "tombstone local/blog/prod",
                "TargetRemoved local/shop/dev", "tombstone local/shop/dev",
                "TargetRemoved local/shop/prod", "tombstone local/shop/prod");
    }

    @Test
    void aHeldMassRemovalIsDroppedWhenTheTargetsComeBackAndOneTargetAloneIsNeverHeld() {
        Map<String, String> both = shopAndBlog();
        repo.commit("main", "shop and blog", both);
        reconciler.reconcile(m -> { });
        repo.on("main").delete("apps/shop").delete("apps/blog").message("oops").commit();
        reconciler.reconcile(m -> { });
        log.clear();

        repo.commit("main", "revert", both);
        reconciler.reconcile(m -> { });
        assertThat(log).as("nothing was removed, so nothing is published again").isEmpty();

        repo.on("main").delete("apps/blog/overlays/dev").message("drop blog dev").commit();
        reconciler.reconcile(m -> { });
        assertThat(log).containsExactly("TargetRemoved local/blog/dev", "tombstone local/blog/dev");
        assertThat(RepositoryReconciler.isMassRemoval(1, 1)).isFalse();
        assertThat(RepositoryReconciler.isMassRemoval(2, 4)).isFalse();
        assertThat(RepositoryReconciler.isMassRemoval(2, 3)).isTrue();
    }

    @Test
    void aSecondRepositoryDefiningTheSameTargetFailsInsteadOfOverwriting() {
        PublishLedger shared = new PublishLedger();
        Renderer renderer = new Renderer(Runnable::run, Duration.ofSeconds(60), Topics.DESIRED_MAX_MESSAGE_BYTES);
        try (GitRepos other = GitRepos.createBare(tmp.resolve("other.git"));
             GitMirror first = GitMirror.open(repo.url(), "main", tmp.resolve("m1"), Duration.ofSeconds(30));
             GitMirror second = GitMirror.open(other.url(), "main", tmp.resolve("m2"), Duration.ofSeconds(30))) {
            repo.commit("main", "shop", ShopFixture.app("shop", "one"));
            other.commit("main", "shop too", ShopFixture.app("shop", "two"));
            new RepositoryReconciler(first, renderer, sink, shared).reconcile(m -> { });
            log.clear();

            new RepositoryReconciler(second, renderer, sink, shared).reconcile(m -> { });

            assertThat(log).containsExactly("RenderFailed local/shop/dev", "RenderFailed local/shop/prod");
            assertThat(((RenderFailed) published.get(published.size() - 1)).error())
                    .contains("defines a target that " + repo.url() + " already publishes");
        }
    }

    @Test
    void aRepositoryThatBecomesUnreachableAlertsAndRemovesNothing() throws Exception {
        repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        reconciler.reconcile(m -> { });
        log.clear();
        java.nio.file.Files.move(repo.directory(), tmp.resolve("moved.git"));

        assertThat(reconciler.reconcile(m -> { })).isInstanceOf(Outcome.FetchFailed.class);

        assertThat(log).containsExactly("RenderFailed " + repo.url());
        assertThat(published.get(published.size() - 1)).isInstanceOfSatisfying(RenderFailed.class, f ->
                assertThat(f.error()).contains("cannot fetch").contains("every cluster keeps its last good state"));
    }

    @Test
    void aHeadWhoseTreeIsMissingFromTheMirrorAlertsAndRemovesNothing() throws Exception {
        repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        reconciler.reconcile(m -> { });
        log.clear();
        // the next head's commit object and branch reach the mirror, its tree does not: a partial, corrupt mirror
        String head = repo.on("main").delete("apps/shop/overlays/dev").message("drop dev").commit();
        try (org.eclipse.jgit.lib.Repository source = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                .setGitDir(repo.directory().toFile()).build();
             org.eclipse.jgit.lib.Repository target = new org.eclipse.jgit.storage.file.FileRepositoryBuilder()
                     .setGitDir(tmp.resolve("mirror").toFile()).build();
             org.eclipse.jgit.lib.ObjectInserter inserter = target.newObjectInserter()) {
            org.eclipse.jgit.lib.ObjectId id = org.eclipse.jgit.lib.ObjectId.fromString(head);
            inserter.insert(org.eclipse.jgit.lib.Constants.OBJ_COMMIT, source.open(id).getBytes());
            inserter.flush();
            // the branch already points there, as after a fetch whose objects were lost (a crash, a full disk)
            org.eclipse.jgit.lib.RefUpdate update = target.updateRef("refs/heads/main");
            update.setNewObjectId(id);
            update.setForceUpdate(true);
            assertThat(update.forceUpdate()).isIn(org.eclipse.jgit.lib.RefUpdate.Result.FORCED, org.eclipse.jgit.lib.RefUpdate.Result.NEW);
        }

        Outcome outcome = reconciler.reconcile(m -> { });

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Unreadable.class, u -> assertThat(u.commit()).isEqualTo(head));
        assertThat(log).as("the overlay seems gone, but nothing is removed").containsExactly("RenderFailed " + repo.url());
        assertThat(published.get(published.size() - 1)).isInstanceOfSatisfying(RenderFailed.class, f -> {
            assertThat(f.target()).isNull();
            assertThat(f.commit()).isEqualTo(head);
            assertThat(f.error()).contains("Nothing was rendered and nothing removed");
        });
    }

    @Test
    void restoredStateSkipsUnchangedTargetsAndRemovesOnesDeletedMeanwhile() {
        repo.commit("main", "shop and blog", shopAndBlog());
        reconciler.reconcile(m -> { });
        List<DesiredState> lastPublished = published.stream().map(DesiredState.class::cast).toList();
        assertThat(lastPublished).allSatisfy(d -> assertThat(d.sources()).isNotEmpty());
        log.clear();

        // a new process: only what the topics hold
        repo.on("main").delete("apps/blog/overlays/dev").put("apps/shop/overlays/prod/namespace.yaml",
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop-prod\n  labels: { tier: gold }\n")
                .message("retire blog dev, label shop prod").commit();
        RepositoryReconciler restarted = new RepositoryReconciler(mirror, new Renderer(Runnable::run,
                Duration.ofSeconds(60), Topics.DESIRED_MAX_MESSAGE_BYTES), sink, new PublishLedger());
        restarted.restore(lastPublished);
        Outcome outcome = restarted.reconcile(m -> { });

        assertThat(outcome).isInstanceOfSatisfying(Outcome.Rendered.class, r -> {
            assertThat(r.rendered()).as("only shop/prod's files changed").isEqualTo(1);
            assertThat(r.skipped()).as("shop/dev, blog/prod").isEqualTo(2);
        });
        assertThat(log).containsExactly("DesiredState local/shop/prod", "TargetRemoved local/blog/dev",
                "tombstone local/blog/dev");
    }
}
