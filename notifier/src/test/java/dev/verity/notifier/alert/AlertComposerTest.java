package dev.verity.notifier.alert;

import dev.verity.events.Applied;
import dev.verity.events.TargetKey;
import dev.verity.events.CommitPushed;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftKind;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.RenderFailed;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.verity.notifier.alert.SampleEvents.COMMIT;
import static dev.verity.notifier.alert.SampleEvents.PROD;
import static dev.verity.notifier.alert.SampleEvents.REPO;
import static dev.verity.notifier.alert.SampleEvents.WEB;
import static org.assertj.core.api.Assertions.assertThat;

class AlertComposerTest {

    private final AlertComposer composer = new AlertComposer();

    @Test
    void modifiedDriftNamesTheFieldTheObjectTheTargetAndWhatToDo() {
        Alert alert = composer.compose(SampleEvents.replicasChanged("1234")).orElseThrow();

        assertThat(alert.severity()).isEqualTo(Severity.WARNING);
        assertThat(alert.title()).isEqualTo("Drift: Deployment shop-prod/web was changed outside Git");
        assertThat(alert.summary()).containsExactly(
                "Someone changed spec.replicas of Deployment shop-prod/web outside Git.",
                "Target local/shop/prod is at commit 3f2c1e9a7b6d.");
        assertThat(alert.nextStep()).startsWith("Revert spec.replicas in the cluster, or commit the change to " + REPO);
        assertThat(alert.where()).isEqualTo("local/shop/prod@3f2c1e9a7b6d");
        assertThat(alert.object()).isEqualTo(WEB);
        assertThat(alert.fields()).containsExactly("spec.replicas");
        assertThat(alert.details()).isEmpty();
    }

    @Test
    void theAlertCarriesTheEventsIdAndTrace() {
        var event = SampleEvents.replicasChanged("1234");
        var envelope = new EventCodec().decodeEnvelope(new EventCodec().encode(event));

        Alert alert = composer.compose(envelope).orElseThrow();

        assertThat(alert.eventId()).isEqualTo(EventCodec.idOf(event)).isEqualTo(envelope.id());
        assertThat(alert.eventType()).isEqualTo("dev.verity.drift.detected.v1");
        assertThat(alert.traceparent()).isEqualTo(EventCodec.traceparentOf(event));
        assertThat(alert.traceId()).hasValue(envelope.traceparent().split("-")[1]);
        assertThat(composer.compose(SampleEvents.replicasChanged("1235")).orElseThrow().eventId())
                .as("a new observation is a new event").isNotEqualTo(alert.eventId());
    }

    @Test
    void deletedAndUnexpectedDriftSayWhatHappenedAndWhatToDo() {
        Alert deleted = composer.compose(SampleEvents.drift(WEB, DriftKind.DELETED, List.of(), "")).orElseThrow();
        assertThat(deleted.title()).isEqualTo("Drift: Deployment shop-prod/web was deleted outside Git");
        assertThat(deleted.summary().get(0)).isEqualTo("Someone deleted Deployment shop-prod/web from the cluster; Git still has it.");
        assertThat(deleted.nextStep()).contains("re-applying the target", "remove it from the target's overlay in " + REPO);

        ObjectRef stray = new ObjectRef("v1", "ConfigMap", "shop-prod", "leftover");
        Alert unexpected = composer.compose(SampleEvents.drift(stray, DriftKind.UNEXPECTED, List.of(), "7")).orElseThrow();
        assertThat(unexpected.title()).isEqualTo("Drift: ConfigMap shop-prod/leftover is in the cluster but not in Git");
        assertThat(unexpected.summary().get(0)).contains("belonging to local/shop/prod", "verity.dev/target");
        assertThat(unexpected.nextStep()).startsWith("Delete it from the cluster, or add it");
    }

    @Test
    void resolvedDriftIsGoodNews() {
        Alert alert = composer.compose(SampleEvents.resolved()).orElseThrow();
        assertThat(alert.severity()).isEqualTo(Severity.RESOLVED);
        assertThat(alert.title()).isEqualTo("Resolved: Deployment shop-prod/web matches Git again");
        assertThat(alert.nextStep()).isEqualTo("Nothing to do.");
    }

    @Test
    void renderFailureShowsTheErrorAndTheOverlayPath() {
        String error = "accumulating resources: apps/shop/overlays/prod: patch targets Deployment/web2 which is not "
                + "in the build\n\n(apps/shop/overlays/prod/kustomization.yaml)";
        Alert alert = composer.compose(SampleEvents.renderFailed(error)).orElseThrow();

        assertThat(alert.severity()).isEqualTo(Severity.ERROR);
        assertThat(alert.title()).isEqualTo("Render failed: local/shop/prod at commit 3f2c1e9a7b6d");
        assertThat(alert.path()).isEqualTo("apps/shop/overlays/prod");
        assertThat(alert.summary().get(0)).contains("could not render apps/shop/overlays/prod", "keeps what it runs");
        assertThat(alert.details()).containsExactly(
                "accumulating resources: apps/shop/overlays/prod: patch targets Deployment/web2 which is not in the build",
                "(apps/shop/overlays/prod/kustomization.yaml)");
        assertThat(alert.nextStep()).contains("Fix apps/shop/overlays/prod in " + REPO, "`./verity render apps/shop/overlays/prod`",
                "kubectl kustomize apps/shop/overlays/prod");
    }

    @Test
    void aRepositoryWideRenderFailureNamesTheRepository() {
        Alert alert = composer.compose(new RenderFailed(null, REPO, null, "verity.yaml", "verity.yaml: line 3: mapping expected"))
                .orElseThrow();
        assertThat(alert.title()).isEqualTo("Render failed: " + REPO);
        assertThat(alert.where()).isEqualTo(REPO + "@?");
        assertThat(alert.key()).isEqualTo(REPO);
    }

    @Test
    void longErrorsAreCutWithANote() {
        String error = "line\n".repeat(100);
        Alert alert = composer.compose(SampleEvents.renderFailed(error)).orElseThrow();
        assertThat(alert.details()).hasSize(AlertComposer.MAX_ERROR_LINES + 1);
        assertThat(alert.details().get(AlertComposer.MAX_ERROR_LINES)).startsWith("… (error cut");
    }

    @Test
    void applyFailureNamesTheObjectAndTheError() {
        Alert alert = composer.compose(SampleEvents.applyFailed()).orElseThrow();
        assertThat(alert.severity()).isEqualTo(Severity.ERROR);
        assertThat(alert.title()).isEqualTo("Apply failed: local/shop/prod at commit 3f2c1e9a7b6d");
        assertThat(alert.summary().get(0)).startsWith("Verity could not apply Deployment shop-prod/web of local/shop/prod");
        assertThat(alert.details()).containsExactly(
                "Deployment shop-prod/web: admission webhook denied the request: replicas must be at most 10");
    }

    @Test
    void eventsThatNeedNobodyMakeNoAlertAndDesiredStateDocumentsNeverReachAnAlert() {
        assertThat(composer.compose(new Applied(PROD, REPO, COMMIT, "sha256:abc", List.of(WEB)))).isEmpty();
        assertThat(composer.compose(new CommitPushed(REPO, "main", COMMIT, COMMIT, List.of(), "d-1", "github"))).isEmpty();
        assertThat(composer.compose(DesiredState.of(PROD, REPO, COMMIT, "apps/shop/overlays/prod", Policy.DEFAULT,
                List.of("apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2}\n")))).isEmpty();
        assertThat(composer.compose(new dev.verity.events.ApplyStarted(PROD, REPO, COMMIT, "sha256:abc", 3))).isEmpty();
        assertThat(composer.compose(new dev.verity.events.Pruned(PROD, REPO, COMMIT, "sha256:abc", false, List.of(WEB),
                List.of(), List.of()))).as("a prune that only deleted").isEmpty();
        assertThat(composer.compose(new dev.verity.events.Healthy(PROD, REPO, COMMIT, "sha256:abc", List.of(WEB), null)))
                .isEmpty();
        assertThat(composer.compose(new dev.verity.events.Progressing(PROD, REPO, COMMIT, "sha256:abc", List.of(),
                null, null))).isEmpty();
        assertThat(composer.compose(new dev.verity.events.Waiting(PROD, REPO, COMMIT, "sha256:abc",
                List.of(TargetKey.parse("local/db/prod")), "waits for local/db/prod"))).isEmpty();
    }

    @Test
    void aDegradedRolloutNamesTheFailingObjectAndItsCondition() {
        Alert alert = composer.compose(SampleEvents.degraded()).orElseThrow();

        assertThat(alert.severity()).isEqualTo(Severity.ERROR);
        assertThat(alert.title()).isEqualTo("Degraded: local/shop/prod at commit 3f2c1e9a7b6d");
        assertThat(alert.summary()).containsExactly("Verity applied local/shop/prod at commit 3f2c1e9a7b6d, but 1"
                + " object(s) failed to become ready.");
        assertThat(alert.details()).containsExactly("Deployment shop-prod/web: Progressing=False"
                + " ProgressDeadlineExceeded: ReplicaSet \"web-5d4f\" has timed out progressing.");
        assertThat(alert.object()).isEqualTo(WEB);
        assertThat(alert.nextStep()).contains("kubectl rollout status").contains("healthTimeout");
    }

    @Test
    void aHeldMassRemovalSaysWhatWouldGoAndHowToConfirmOrUndoIt() {
        Alert alert = composer.compose(new dev.verity.events.RemovalHeld(REPO, COMMIT,
                List.of(PROD, TargetKey.parse("local/shop/dev")), 3)).orElseThrow();
        assertThat(alert.severity()).isEqualTo(Severity.ERROR);
        assertThat(alert.title()).isEqualTo("Removal held: commit 3f2c1e9a7b6d removes 2 of 3 targets");
        assertThat(alert.details()).containsExactly("would remove: local/shop/prod", "would remove: local/shop/dev");
        assertThat(alert.nextStep()).contains("git revert 3f2c1e9a7b6d").contains("git commit --allow-empty")
                .contains("allowMassRemoval: true");
        assertThat(alert.key()).isEqualTo(REPO);
    }

    @Test
    void objectsLeftInTheClusterByARemovedTargetAreAlertedWithWhy() {
        var ns = new dev.verity.events.ObjectRef("v1", "Namespace", null, "shop-prod");
        Alert alert = composer.compose(new dev.verity.events.Pruned(PROD, REPO, COMMIT, null, true, List.of(WEB),
                List.of(new dev.verity.events.ObjectReason(ns, "the target's policy has prune: false")), List.of()))
                .orElseThrow();
        assertThat(alert.severity()).isEqualTo(Severity.WARNING);
        assertThat(alert.title()).isEqualTo("Target removed, objects kept: local/shop/prod at commit 3f2c1e9a7b6d");
        assertThat(alert.summary().get(0)).isEqualTo("local/shop/prod left Git at commit 3f2c1e9a7b6d; 1 of its objects"
                + " stay in the cluster, released from Verity (its annotation and labels removed): nothing manages them now.");
        assertThat(alert.details()).containsExactly("kept: Namespace shop-prod: the target's policy has prune: false");
        assertThat(alert.nextStep()).contains("Delete the kept objects");
    }

    @Test
    void failuresSayHowToRollBackAndDriftHowToSeeTheDifference() {
        assertThat(composer.compose(SampleEvents.applyFailed()).orElseThrow().nextStep())
                .endsWith("To roll back: git revert 3f2c1e9a7b6d and push.");
        assertThat(composer.compose(SampleEvents.degraded()).orElseThrow().nextStep()).contains("git revert 3f2c1e9a7b6d");
        assertThat(composer.compose(SampleEvents.replicasChanged("5")).orElseThrow().nextStep()).contains(
                "./verity diff local/shop/prod", "kubectl kustomize apps/shop/overlays/prod | kubectl diff --server-side"
                        + " --field-manager=verity -f -", "in a checkout of 3f2c1e9a7b6d");
    }

    @Test
    void driftThatCannotBeToldSaysSoAndIsNoClaimOfDrift() {
        Alert alert = composer.compose(new dev.verity.events.DriftUnknown(SampleEvents.PROD, REPO, SampleEvents.COMMIT,
                SampleEvents.WEB, "403 Forbidden: deployments.apps \"web\" is forbidden")).orElseThrow();
        assertThat(alert.severity()).isEqualTo(Severity.WARNING);
        assertThat(alert.title()).isEqualTo("Drift unknown: Deployment shop-prod/web cannot be compared");
        assertThat(alert.summary().get(0)).contains("cannot tell whether Deployment shop-prod/web of local/shop/prod",
                "not a claim that anything drifted");
        assertThat(alert.details()).containsExactly("403 Forbidden: deployments.apps \"web\" is forbidden");
        assertThat(alert.nextStep()).contains("kubectl auth can-i list deployments -n shop-prod");
    }

    @Test
    void aDeletedBranchHasItsOwnWording() {
        String error = "branch main of " + REPO + ", which Verity renders, was deleted by alice (github delivery d-1;"
                + " its last head was " + SampleEvents.COMMIT + "). Nothing was removed from the clusters: they keep"
                + " what the last render published. Restore the branch (git push origin " + SampleEvents.COMMIT
                + ":refs/heads/main) or point the renderer's repository at another branch"
                + " (verity.renderer.repositories[<n>].branch)";
        Alert alert = composer.compose(new RenderFailed(null, REPO, SampleEvents.COMMIT, null, error)).orElseThrow();
        assertThat(alert.title()).isEqualTo("Branch deleted: main of " + REPO);
        assertThat(alert.summary()).containsExactly(
                "Branch main of " + REPO + ", which Verity renders, was deleted by alice; its last head was 3f2c1e9a7b6d.",
                "Nothing was removed from the clusters: they keep what the last render published. Nothing new is"
                        + " rendered from " + REPO + " until the branch is back.");
        assertThat(alert.nextStep()).startsWith("If the deletion was a mistake, restore the branch: git push origin "
                + SampleEvents.COMMIT + ":refs/heads/main.");
        assertThat(alert.nextStep()).doesNotContain("kubectl kustomize");
    }

    @Test
    void secretsInAnErrorAreMasked() {
        Alert alert = composer.compose(new dev.verity.events.ApplyFailed(SampleEvents.PROD, REPO, SampleEvents.COMMIT,
                "sha256:1", null, "Secret shop-prod/db: data.password=c2VjcmV0 rejected; pulled from"
                + " https://robot:tok3n@registry.example.com")).orElseThrow();
        assertThat(String.join("\n", alert.details())).contains("data.password=(masked)", "https://(masked)@registry")
                .doesNotContain("c2VjcmV0", "tok3n");
    }
}
