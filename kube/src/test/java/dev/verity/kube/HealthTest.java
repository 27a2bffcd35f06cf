package dev.verity.kube;

import dev.verity.kube.Health.Status;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTest {

    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String text) {
        return (Map<String, Object>) DesiredYaml.loadAll(text).get(0);
    }

    static Health.Result health(String text) {
        return Health.of(yaml(text));
    }

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop, generation: 2}
            spec: {replicas: 3}
            """;

    @Test
    void aDeploymentIsCurrentOnceEveryReplicaIsUpdatedReadyAndAvailable() {
        Health.Result ready = health(DEPLOYMENT + """
                status:
                  observedGeneration: 2
                  replicas: 3
                  updatedReplicas: 3
                  readyReplicas: 3
                  availableReplicas: 3
                  conditions:
                  - {type: Available, status: "True", reason: MinimumReplicasAvailable}
                  - {type: Progressing, status: "True", reason: NewReplicaSetAvailable}
                """);
        assertThat(ready.status()).isEqualTo(Status.CURRENT);

        Health.Result rolling = health(DEPLOYMENT + """
                status: {observedGeneration: 2, replicas: 4, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3}
                """);
        assertThat(rolling).isEqualTo(new Health.Result(Status.IN_PROGRESS, "Pending termination: 1 old replica(s)"));

        assertThat(health(DEPLOYMENT + """
                status: {observedGeneration: 2, replicas: 3, updatedReplicas: 3, readyReplicas: 1, availableReplicas: 1}
                """)).isEqualTo(new Health.Result(Status.IN_PROGRESS, "Available: 1/3"));
        assertThat(health(DEPLOYMENT + """
                status: {observedGeneration: 2, replicas: 3, updatedReplicas: 1}
                """)).isEqualTo(new Health.Result(Status.IN_PROGRESS, "Updated: 1/3"));
    }

    @Test
    void aStatusOfAnOlderGenerationDoesNotCount() {
        Health.Result stale = health(DEPLOYMENT + """
                status: {observedGeneration: 1, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3}
                """);
        assertThat(stale).isEqualTo(new Health.Result(Status.IN_PROGRESS,
                "the controller has not observed generation 2 yet (observed 1)"));
        assertThat(health(DEPLOYMENT).status()).as("no status at all").isEqualTo(Status.IN_PROGRESS);

        Health.Result staleReady = health("""
                apiVersion: example.com/v1
                kind: Database
                metadata: {name: db, generation: 3}
                status:
                  conditions:
                  - {type: Ready, status: "True", observedGeneration: 2}
                """);
        assertThat(staleReady.status()).isEqualTo(Status.IN_PROGRESS);
    }

    @Test
    void aDeploymentPastItsProgressDeadlineFailedNamingTheCondition() {
        Health.Result failed = health(DEPLOYMENT + """
                status:
                  observedGeneration: 2
                  replicas: 3
                  updatedReplicas: 3
                  unavailableReplicas: 3
                  conditions:
                  - {type: Available, status: "False", reason: MinimumReplicasUnavailable}
                  - {type: Progressing, status: "False", reason: ProgressDeadlineExceeded, message: 'ReplicaSet "web-1" has timed out progressing.'}
                """);
        assertThat(failed).isEqualTo(new Health.Result(Status.FAILED,
                "Progressing=False ProgressDeadlineExceeded: ReplicaSet \"web-1\" has timed out progressing."));
    }

    @Test
    void aStatefulSetWaitsForItsUpdateRevisionOrItsPartition() {
        String sts = """
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, generation: 1}
                spec: {replicas: 3%s}
                status: {observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: %d,
                         currentRevision: db-1, updateRevision: %s}
                """;
        assertThat(health(sts.formatted("", 3, "db-1")).status()).isEqualTo(Status.CURRENT);
        assertThat(health(sts.formatted("", 1, "db-2"))).isEqualTo(new Health.Result(Status.IN_PROGRESS,
                "waiting for revision db-2 (current db-1)"));
        String partitioned = ", updateStrategy: {type: RollingUpdate, rollingUpdate: {partition: 2}}";
        assertThat(health(sts.formatted(partitioned, 1, "db-2")).status()).as("1 of 3-2 updated").isEqualTo(Status.CURRENT);
        assertThat(health(sts.formatted(partitioned, 0, "db-2")))
                .isEqualTo(new Health.Result(Status.IN_PROGRESS, "Partitioned rollout: updated 0/1"));
        assertThat(health("""
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, generation: 1}
                spec: {replicas: 3}
                status: {observedGeneration: 1, replicas: 3, readyReplicas: 0}
                """)).isEqualTo(new Health.Result(Status.IN_PROGRESS, "Ready: 0/3"));
    }

    @Test
    void aDaemonSetIsCurrentWhenEveryScheduledPodIsUpdatedAndAvailable() {
        String ds = """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, generation: 1}
                status: {observedGeneration: 1, desiredNumberScheduled: 2, currentNumberScheduled: 2,
                         updatedNumberScheduled: 2, numberAvailable: %d, numberReady: %d}
                """;
        assertThat(health(ds.formatted(2, 2)).status()).isEqualTo(Status.CURRENT);
        assertThat(health(ds.formatted(1, 2))).isEqualTo(new Health.Result(Status.IN_PROGRESS, "Available: 1/2"));
    }

    @Test
    void aJobIsCurrentWhenCompleteFailedWhenFailedAndOtherwiseInProgress() {
        String job = """
                apiVersion: batch/v1
                kind: Job
                metadata: {name: migrate, generation: 1}
                status: %s
                """;
        assertThat(health(job.formatted("{succeeded: 1, conditions: [{type: Complete, status: 'True'}]}")).status())
                .isEqualTo(Status.CURRENT);
        assertThat(health(job.formatted("{failed: 7, conditions: [{type: Failed, status: 'True', reason: BackoffLimitExceeded,"
                + " message: Job has reached the specified backoff limit}]}")))
                .isEqualTo(new Health.Result(Status.FAILED,
                        "Failed=True BackoffLimitExceeded: Job has reached the specified backoff limit"));
        assertThat(health(job.formatted("{active: 1}")))
                .isEqualTo(new Health.Result(Status.IN_PROGRESS, "Job in progress: 1 active, 0 succeeded, 0 failed"));
    }

    @Test
    void claimsDefinitionsAndPodsFollowTheirOwnSignals() {
        assertThat(health("{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: d}, status: {phase: Bound}}")
                .status()).isEqualTo(Status.CURRENT);
        assertThat(health("{apiVersion: v1, kind: PersistentVolumeClaim, metadata: {name: d}, status: {phase: Pending}}"))
                .isEqualTo(new Health.Result(Status.IN_PROGRESS, "not Bound (phase Pending)"));
        String crd = "{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, metadata: {name: a.b.c,"
                + " generation: 1}, status: {conditions: [%s]}}";
        assertThat(health(crd.formatted("{type: Established, status: 'True'}")).status()).isEqualTo(Status.CURRENT);
        assertThat(health(crd.formatted("{type: NamesAccepted, status: 'False', reason: KindConflict}")))
                .isEqualTo(new Health.Result(Status.FAILED, "NamesAccepted=False KindConflict"));
        assertThat(health(crd.formatted("")).status()).isEqualTo(Status.IN_PROGRESS);
        assertThat(health("{apiVersion: v1, kind: Pod, metadata: {name: p}, status: {phase: Succeeded}}").status())
                .isEqualTo(Status.CURRENT);
        assertThat(health("{apiVersion: v1, kind: Pod, metadata: {name: p}, status: {phase: Running,"
                + " conditions: [{type: Ready, status: 'True'}]}}").status()).isEqualTo(Status.CURRENT);
        assertThat(health("{apiVersion: v1, kind: Pod, metadata: {name: p}, status: {phase: Running,"
                + " containerStatuses: [{name: web, state: {waiting: {reason: CrashLoopBackOff}}}]}}"))
                .isEqualTo(new Health.Result(Status.FAILED, "container web: CrashLoopBackOff"));
        assertThat(health("{apiVersion: v1, kind: Service, metadata: {name: s}, spec: {type: LoadBalancer}}").status())
                .isEqualTo(Status.IN_PROGRESS);
    }

    @Test
    void customResourcesAreReadFromReadyStalledAndReconcilingAndAnythingElseIsCurrent() {
        String cr = "{apiVersion: example.com/v1, kind: Database, metadata: {name: db, generation: 1},"
                + " status: {observedGeneration: 1, conditions: [%s]}}";
        assertThat(health(cr.formatted("{type: Ready, status: 'True', reason: Provisioned}")).status())
                .isEqualTo(Status.CURRENT);
        assertThat(health(cr.formatted("{type: Ready, status: 'False', reason: Provisioning, message: waiting for disk}")))
                .isEqualTo(new Health.Result(Status.IN_PROGRESS, "Ready=False Provisioning: waiting for disk"));
        assertThat(health(cr.formatted("{type: Stalled, status: 'True', reason: QuotaExceeded}")))
                .isEqualTo(new Health.Result(Status.FAILED, "Stalled=True QuotaExceeded"));
        assertThat(health(cr.formatted("{type: Reconciling, status: 'True', reason: Progressing}")).status())
                .isEqualTo(Status.IN_PROGRESS);
        assertThat(health(cr.formatted("")).status()).isEqualTo(Status.CURRENT);
        assertThat(health("{apiVersion: v1, kind: ConfigMap, metadata: {name: c}}").status()).isEqualTo(Status.CURRENT);
        assertThat(health("{apiVersion: v1, kind: ConfigMap, metadata: {name: c, deletionTimestamp: '2026-01-01T00:00:00Z'}}"))
                .isEqualTo(new Health.Result(Status.IN_PROGRESS, "being deleted"));
    }

    @Test
    void onlyKindsWithReadinessRulesAndCustomResourcesNeedAStatusRead() {
        assertThat(Health.needsCheck("apps/v1", "Deployment")).isTrue();
        assertThat(Health.needsCheck("batch/v1", "Job")).isTrue();
        assertThat(Health.needsCheck("v1", "PersistentVolumeClaim")).isTrue();
        assertThat(Health.needsCheck("example.com/v1", "Database")).isTrue();
        assertThat(Health.needsCheck("apiextensions.k8s.io/v1", "CustomResourceDefinition")).isTrue();
        assertThat(Health.needsCheck("v1", "ConfigMap")).isFalse();
        assertThat(Health.needsCheck("v1", "Namespace")).isFalse();
        assertThat(Health.needsCheck("rbac.authorization.k8s.io/v1", "Role")).isFalse();
        assertThat(Health.needsCheck("apps/v1", "ControllerRevision")).isFalse();
    }
}
