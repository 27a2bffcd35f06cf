package dev.verity.notifier.status;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplyStarted;
import dev.verity.events.CommitPushed;
import dev.verity.events.Degraded;
import dev.verity.events.Healthy;
import dev.verity.events.RenderFailed;
import dev.verity.events.Rendered;
import dev.verity.events.TargetKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

class StatusBookTest {

    static final String REPO = "https://github.com/acme/gitops.git";
    static final String C1 = "1111111111111111111111111111111111111111";
    static final String C2 = "2222222222222222222222222222222222222222";
    static final TargetKey PROD = TargetKey.parse("prod-eu/shop/prod");
    static final TargetKey STAGING = TargetKey.parse("prod-eu/shop/staging");

    final StatusBook book = new StatusBook();

    @Test
    void applyingIsPendingThenHealthyIsSuccessPerTarget() {
        List<CommitStatus> pending = book.on("e1", new ApplyStarted(PROD, REPO, C1, "sha256:a", 3));
        assertThat(pending).singleElement().satisfies(s -> {
            assertThat(s.context()).isEqualTo("verity/prod-eu/shop/prod");
            assertThat(s.state()).isEqualTo(StatusState.PENDING);
            assertThat(s.commit()).isEqualTo(C1);
            assertThat(s.description()).isEqualTo("Applying 3 object(s) to prod-eu/shop/prod");
        });
        assertThat(book.on("e2", new Applied(PROD, REPO, C1, "sha256:a", List.of()))).as("applied, not yet healthy")
                .isEmpty();
        assertThat(book.on("e3", new Healthy(PROD, REPO, C1, "sha256:a", List.of(), null))).singleElement()
                .satisfies(s -> {
                    assertThat(s.state()).isEqualTo(StatusState.SUCCESS);
                    assertThat(s.description()).isEqualTo("Applied and healthy in prod-eu/shop/prod");
                });
        assertThat(book.pendingCommits()).isEmpty();
    }

    @Test
    void failuresNameTheTargetAndTheReasonOnOneLineWithSecretsMasked() {
        book.on("e1", new ApplyStarted(PROD, REPO, C1, "sha256:a", 1));
        CommitStatus failed = book.on("e2", new ApplyFailed(PROD, REPO, C1, "sha256:a", null,
                "admission webhook denied: password=hunter2\nsecond line")).get(0);
        assertThat(failed.state()).isEqualTo(StatusState.FAILURE);
        assertThat(failed.description()).startsWith("ApplyFailed in prod-eu/shop/prod: admission webhook denied")
                .doesNotContain("hunter2").doesNotContain("second line");

        CommitStatus degraded = book.on("e3", new Degraded(STAGING, REPO, C1, "sha256:b", "Deployment web: "
                + "x".repeat(300), List.of(), true)).get(0);
        assertThat(degraded.description()).startsWith("Degraded in prod-eu/shop/staging").hasSize(140).endsWith("…");

        CommitStatus prefixed = book.on("e5", new RenderFailed(PROD, REPO, C2, "apps/shop/overlays/prod",
                "prod-eu/shop/prod@222222222222: kubectl kustomize apps/shop/overlays/prod failed")).get(0);
        assertThat(prefixed.description()).as("the target is said once")
                .isEqualTo("RenderFailed in prod-eu/shop/prod: kubectl kustomize apps/shop/overlays/prod failed");

        CommitStatus render = book.on("e4", new RenderFailed(null, REPO, C2, null, "kustomization.yaml: bad")).get(0);
        assertThat(render.context()).isEqualTo("verity/render");
        assertThat(render.description()).isEqualTo("RenderFailed in the repository: kustomization.yaml: bad");
    }

    @Test
    void aNewerCommitEndsTheOlderOnesPendingStatusAsSuperseded() {
        book.on("e1", new ApplyStarted(PROD, REPO, C1, "sha256:a", 1));
        List<CommitStatus> next = book.on("e2", new RenderFailed(PROD, REPO, C2, "apps/shop/overlays/prod", "no hpa.yaml"));
        assertThat(next).extracting(CommitStatus::commit, CommitStatus::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(C1, StatusState.ERROR),
                        org.assertj.core.groups.Tuple.tuple(C2, StatusState.FAILURE));
        assertThat(next.get(0).description()).isEqualTo("Superseded by 222222222222 before it finished in prod-eu/shop/prod");
        assertThat(book.pendingCommits()).isEmpty();
    }

    @Test
    void theSameStatusIsNotGivenTwiceAndOtherEventsGiveNone() {
        ApplyStarted started = new ApplyStarted(PROD, REPO, C1, "sha256:a", 1);
        assertThat(book.on("e1", started)).hasSize(1);
        assertThat(book.on("e1", started)).as("redelivered").isEmpty();
        book.retract(List.of(new CommitStatus(REPO, C1, "verity/" + PROD, StatusState.PENDING, "x", PROD, "e1", "t")));
        assertThat(book.on("e1", started)).as("read again after it was not posted").hasSize(1);
        assertThat(book.on("e9", dev.verity.notifier.alert.SampleEvents.replicasChanged("7"))).isEmpty();
    }

    static final String C3 = "3333333333333333333333333333333333333333";
    static final TargetKey DEV = TargetKey.parse("prod-eu/shop/dev");

    static CommitPushed push(String commit) {
        return new CommitPushed(REPO, "main", "0".repeat(39) + "1", commit, List.of(), "d-" + commit.charAt(0), "github",
                true, "octocat");
    }

    @Test
    void aPushIsPendingWhileRenderedThenEachChangedEnvironmentUntilHealthy() {
        assertThat(book.on("p1", push(C1))).singleElement().satisfies(s -> {
            assertThat(s.context()).isEqualTo("verity/render");
            assertThat(s.state()).isEqualTo(StatusState.PENDING);
            assertThat(s.description()).isEqualTo("Rendering main at 111111111111, pushed by octocat");
            assertThat(s.target()).isNull();
        });
        List<CommitStatus> rendered = book.on("r1", new Rendered(REPO, "main", C1, List.of(PROD), List.of(STAGING, DEV),
                List.of(), List.of()));
        assertThat(rendered).extracting(CommitStatus::context, CommitStatus::state, CommitStatus::description)
                .containsExactly(tuple("verity/render", StatusState.SUCCESS, "Rendered; changed: prod-eu/shop/prod; 2 unchanged"),
                        tuple("verity/prod-eu/shop/prod", StatusState.PENDING,
                                "Rendered; waiting for the applier of prod-eu (prod-eu/shop/prod)"));
        assertThat(book.pendingCommits()).containsEntry(PROD, C1).doesNotContainKeys(STAGING, DEV);
        assertThat(book.on("a1", new ApplyStarted(PROD, REPO, C1, "sha256:a", 3))).extracting(CommitStatus::state)
                .containsExactly(StatusState.PENDING);
        assertThat(book.on("h1", new Healthy(PROD, REPO, C1, "sha256:a", List.of(), null))).extracting(CommitStatus::state)
                .containsExactly(StatusState.SUCCESS);
        assertThat(book.renderingCommits()).isEmpty();
        assertThat(book.pendingCommits()).isEmpty();
    }

    @Test
    void aCommitThatChangesNoEnvironmentIsRenderedWithNothingPendingAfter() {
        book.on("p1", push(C1));
        assertThat(book.on("r1", new Rendered(REPO, "main", C1, List.of(), List.of(PROD, STAGING), List.of(), List.of())))
                .singleElement().satisfies(s -> {
                    assertThat(s.state()).isEqualTo(StatusState.SUCCESS);
                    assertThat(s.description()).isEqualTo("Rendered: no environment changed; 2 unchanged");
                });
        assertThat(book.pendingCommits()).isEmpty();
    }

    @Test
    void pushesBeforeTheRenderedHeadAreSupersededAndLaterOnesStayPending() {
        book.on("p1", push(C1));
        book.on("p2", push(C2));
        book.on("p3", push(C3));
        List<CommitStatus> out = book.on("r2", new Rendered(REPO, "main", C2, List.of(), List.of(PROD), List.of(), List.of()));
        assertThat(out).extracting(CommitStatus::commit, CommitStatus::state)
                .containsExactly(tuple(C1, StatusState.ERROR), tuple(C2, StatusState.SUCCESS));
        assertThat(out.get(0).description()).isEqualTo("Superseded by 222222222222 before it was rendered (Verity renders"
                + " the branch head)");
        assertThat(book.renderingCommits()).containsExactly(C3);

        // rendered by the poll timer (its push not seen yet): every push seen so far came before it
        book.on("p1b", push(C1));
        String head = "4444444444444444444444444444444444444444";
        assertThat(book.on("r4", new Rendered(REPO, "main", head, List.of(), List.of(), List.of(), List.of())))
                .extracting(CommitStatus::commit, CommitStatus::state)
                .containsExactly(tuple(C3, StatusState.ERROR), tuple(head, StatusState.SUCCESS));
        assertThat(book.renderingCommits()).isEmpty();
        assertThat(book.on("p4", push(head))).as("its push read after it was rendered").isEmpty();
    }

    @Test
    void aFailedRenderIsAFailureOfTheRenderAndAWholeRepositoryFailureEndsWhatWasPending() {
        book.on("p1", push(C1));
        assertThat(book.on("r1", new Rendered(REPO, "main", C1, List.of(STAGING), List.of(), List.of(PROD), List.of())))
                .extracting(CommitStatus::context, CommitStatus::state)
                .containsExactly(tuple("verity/render", StatusState.FAILURE),
                        tuple("verity/prod-eu/shop/staging", StatusState.PENDING));
        book.on("p2", push(C2));
        List<CommitStatus> out = book.on("f", new RenderFailed(null, REPO, C1, null, "cannot fetch main: connection refused"));
        assertThat(out).extracting(CommitStatus::commit, CommitStatus::context, CommitStatus::state)
                .contains(tuple(C2, "verity/render", StatusState.FAILURE));
        assertThat(out.stream().filter(s -> s.commit().equals(C2)).findFirst().orElseThrow().description())
                .isEqualTo("RenderFailed in the repository: cannot fetch main: connection refused");
        assertThat(book.renderingCommits()).isEmpty();
    }

    @Test
    void theApplierReadFirstIsNotTurnedBackToPendingByTheRenderedSummary() {
        book.on("p1", push(C1));
        book.on("a1", new ApplyStarted(PROD, REPO, C1, "sha256:a", 1));
        book.on("h1", new Healthy(PROD, REPO, C1, "sha256:a", List.of(), null));
        assertThat(book.on("r1", new Rendered(REPO, "main", C1, List.of(PROD), List.of(), List.of(), List.of())))
                .extracting(CommitStatus::context).containsExactly("verity/render");
        assertThat(book.pendingCommits()).isEmpty();
    }

    @Test
    void aPushReadLongAfterItHappenedIsNotMarkedPendingButItsRenderStillCounts() {
        java.time.Instant now = java.time.Instant.parse("2026-12-06T10:00:00Z");
        assertThat(book.on("p1", push(C1), now.minus(java.time.Duration.ofHours(30)), now))
                .as("a notifier reading verity.commits for the first time").isEmpty();
        assertThat(book.on("p2", push(C2), now.minusSeconds(5), now)).hasSize(1);
        assertThat(book.on("r2", new Rendered(REPO, "main", C2, List.of(), List.of(), List.of(), List.of())))
                .extracting(CommitStatus::commit, CommitStatus::state).containsExactly(tuple(C2, StatusState.SUCCESS));
    }

    @Test
    void aPushOfABranchTheRendererDoesNotRenderGetsNoStatus() {
        StatusBook mainOnly = new StatusBook((repo, branch) -> branch.equals("main"));
        CommitPushed feature = new CommitPushed(REPO, "feature/x", C1, C2, List.of(), "d", "github", true, null);
        assertThat(mainOnly.on("p", feature)).isEmpty();
        assertThat(mainOnly.on("p1", push(C1))).hasSize(1);
    }

    @Test
    void thePreviousCommitsLateHealthyDoesNotSupersedeTheNextRenderedCommit() {
        book.on("r1", new Rendered(REPO, "main", C1, List.of(PROD), List.of(), List.of(), List.of()));
        book.on("a1", new ApplyStarted(PROD, REPO, C1, "sha256:a", 1));
        book.on("p2", push(C2));
        // C2's Rendered (verity.commits) is read before C1's Healthy (the drift monitor's topic)
        assertThat(book.on("r2", new Rendered(REPO, "main", C2, List.of(PROD), List.of(), List.of(), List.of())))
                .extracting(CommitStatus::commit, CommitStatus::context, CommitStatus::state)
                .contains(tuple(C1, "verity/prod-eu/shop/prod", StatusState.ERROR),
                        tuple(C2, "verity/prod-eu/shop/prod", StatusState.PENDING));
        assertThat(book.on("h1", new Healthy(PROD, REPO, C1, "sha256:a", List.of(), null)))
                .as("C1 did become healthy; C2 is still on its way").extracting(CommitStatus::commit, CommitStatus::state)
                .containsExactly(tuple(C1, StatusState.SUCCESS));
        assertThat(book.on("a0", new ApplyStarted(PROD, REPO, C1, "sha256:a", 1))).as("a redelivered older event")
                .extracting(CommitStatus::commit).containsOnly(C1);
        assertThat(book.pendingCommits()).containsEntry(PROD, C2);
        assertThat(book.on("a2", new ApplyStarted(PROD, REPO, C2, "sha256:b", 1))).extracting(CommitStatus::commit,
                CommitStatus::state).containsExactly(tuple(C2, StatusState.PENDING));
        assertThat(book.on("h2", new Healthy(PROD, REPO, C2, "sha256:b", List.of(), null)))
                .extracting(CommitStatus::commit, CommitStatus::state).containsExactly(tuple(C2, StatusState.SUCCESS));
        assertThat(book.pendingCommits()).isEmpty();
    }

    @Test
    void withoutTheRenderOrderTheAppliersOwnEventsStillSupersede() {
        StatusBook restarted = new StatusBook();
        restarted.on("a1", new ApplyStarted(PROD, REPO, C1, "sha256:a", 1));
        assertThat(restarted.on("a2", new ApplyStarted(PROD, REPO, C2, "sha256:b", 1)))
                .extracting(CommitStatus::commit, CommitStatus::state)
                .containsExactly(tuple(C1, StatusState.ERROR), tuple(C2, StatusState.PENDING));
        assertThat(restarted.on("r1", new Rendered(REPO, "main", C1, List.of(PROD), List.of(), List.of(), List.of())))
                .as("an old summary read late does not take the target back to C1")
                .extracting(CommitStatus::context).containsExactly("verity/render");
        assertThat(restarted.pendingCommits()).containsEntry(PROD, C2);
    }
}
