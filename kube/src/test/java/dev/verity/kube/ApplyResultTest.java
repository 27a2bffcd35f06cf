package dev.verity.kube;

import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ApplyResultTest {

    static final TargetKey TARGET = TargetKey.parse("local/shop/prod");
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final ObjectRef NS = new ObjectRef("v1", "Namespace", null, "shop");
    static final ObjectRef CM = new ObjectRef("v1", "ConfigMap", "shop", "cfg");
    static final ObjectRef DEPLOY = new ObjectRef("apps/v1", "Deployment", "shop", "web");
    static final ObjectRef SVC = new ObjectRef("v1", "Service", "shop", "web");

    @Test
    void aStoppedApplySaysWhatWasAppliedAndWhatNot() {
        ApplyResult r = ApplyResult.stopped(TARGET, COMMIT, "sha256:x", List.of(
                new ObjectOutcome(NS, Outcome.UNCHANGED, ""),
                new ObjectOutcome(CM, Outcome.CREATED, ""),
                new ObjectOutcome(DEPLOY, Outcome.FAILED, "the API server answered 422 Invalid: bad"),
                new ObjectOutcome(SVC, Outcome.SKIPPED, "not applied")));

        assertThat(r.succeeded()).isFalse();
        assertThat(r.failedAt()).isEqualTo(ApplyStep.APPLY);
        assertThat(r.failedObject()).isEqualTo(DEPLOY);
        assertThat(r.error()).isEqualTo("local/shop/prod@0123456789ab: Deployment shop/web could not be applied:"
                + " the API server answered 422 Invalid: bad; applied before stopping: Namespace shop, ConfigMap shop/cfg;"
                + " not applied: Service shop/web");
        assertThat(r.summary()).isEqualTo("1 created, 1 unchanged, 1 failed, 1 skipped");
    }

    @Test
    void aDryRunRefusalSaysWhichStagesWereApplied() {
        ApplyResult r = ApplyResult.refusedByDryRun(TARGET, COMMIT, "sha256:x", List.of(
                new ObjectOutcome(NS, Outcome.CREATED, ""),
                new ObjectOutcome(CM, Outcome.SKIPPED, "not applied"),
                new ObjectOutcome(DEPLOY, Outcome.FAILED, "the API server answered 422 Invalid: bad"),
                new ObjectOutcome(SVC, Outcome.SKIPPED, "not applied")), Stage.RESOURCES);

        assertThat(r.failedAt()).isEqualTo(ApplyStep.DRY_RUN);
        assertThat(r.failedObject()).isEqualTo(DEPLOY);
        assertThat(r.error()).isEqualTo("local/shop/prod@0123456789ab: the dry run of stage 3 (namespaced objects)"
                + " refused Deployment shop/web: the API server answered 422 Invalid: bad; stages 1-2"
                + " (CustomResourceDefinitions, Namespaces and other cluster-scoped objects) were applied; nothing of"
                + " stage 3 was written");
        assertThat(r.clusterUnchanged()).as("the Namespace was created").isFalse();
        assertThat(ApplyStep.DRY_RUN.clusterUnchanged()).isFalse();
    }

    @Test
    void aDryRunRefusalAfterUnchangedStagesLeavesTheClusterUnchanged() {
        ApplyResult r = ApplyResult.refusedByDryRun(TARGET, COMMIT, "sha256:x", List.of(
                new ObjectOutcome(NS, Outcome.UNCHANGED, ""),
                new ObjectOutcome(DEPLOY, Outcome.FAILED, "refused")), Stage.RESOURCES);

        assertThat(r.clusterUnchanged()).isTrue();
        assertThat(ApplyResult.writtenBefore(Stage.CUSTOM_RESOURCE_DEFINITIONS)).isEqualTo("nothing was written");
        assertThat(ApplyResult.writtenBefore(Stage.CLUSTER_SCOPED)).isEqualTo("stage 1 (CustomResourceDefinitions) was"
                + " applied; nothing of stage 2 or of the stages after it was written");
    }

    @Test
    void anInvalidDesiredStateWritesNothingAndListsEveryProblem() {
        ApplyResult r = ApplyResult.invalid(TARGET, COMMIT, "sha256:x", List.of(NS, DEPLOY), DEPLOY, List.of(
                new Problem(2, DEPLOY, "document 2 (Deployment shop/web) is wrong"),
                new Problem(3, null, "document 3 has no kind")));

        assertThat(r.failedAt().clusterUnchanged()).isTrue();
        assertThat(r.objects()).extracting(ObjectOutcome::outcome).containsOnly(Outcome.SKIPPED);
        assertThat(r.error()).isEqualTo("local/shop/prod@0123456789ab: the desired state is invalid, so nothing was"
                + " applied and the cluster is unchanged: document 2 (Deployment shop/web) is wrong; document 3 has no"
                + " kind. Fix the overlay and push again.");
    }

    @Test
    void aRefusedObjectFailsAndTheOthersAreSkipped() {
        ApplyResult r = ApplyResult.notWritten(TARGET, COMMIT, "sha256:x", List.of(NS, DEPLOY, SVC),
                ApplyStep.CHECK_OWNERSHIP, DEPLOY, "owned elsewhere");

        assertThat(r.objects()).extracting(ObjectOutcome::outcome)
                .containsExactly(Outcome.SKIPPED, Outcome.FAILED, Outcome.SKIPPED);
        assertThat(r.objectRefs()).containsExactly(NS, DEPLOY, SVC);
    }

    @Test
    void longListsOfNamesAreCut() {
        List<ObjectOutcome> outcomes = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) outcomes.add(new ObjectOutcome(new ObjectRef("v1", "ConfigMap", "s", "c" + i),
                Outcome.CREATED, ""));
        outcomes.add(new ObjectOutcome(DEPLOY, Outcome.FAILED, "x"));

        assertThat(ApplyResult.stopped(TARGET, COMMIT, "d", outcomes).error())
                .contains("ConfigMap s/c9 and 2 more; not applied: none");
    }
}
