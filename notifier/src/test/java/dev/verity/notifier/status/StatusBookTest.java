package dev.verity.notifier.status;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplyStarted;
import dev.verity.events.Degraded;
import dev.verity.events.Healthy;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

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
}
