package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplySuspended;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.ObjectRef;
import dev.verity.events.Topics;
import dev.verity.events.Policy;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.kube.KubeSandboxResource;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.verity.applier.ApplierIT.REPO;
import static dev.verity.applier.ApplierIT.WAIT;
import static dev.verity.applier.ApplierIT.awaitEvent;
import static dev.verity.applier.ApplierIT.cluster;
import static dev.verity.applier.ApplierIT.events;
import static dev.verity.applier.ApplierIT.onTheSamePartitionAs;
import static dev.verity.applier.ApplierIT.send;
import static dev.verity.applier.ApplierRetryIT.documents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The applier converging without a new commit, against a real broker and the Kubernetes sandbox: a failed digest
 * retried after its {@code retryInterval}, a periodic reconcile after {@code interval} restoring a deleted object
 * (policies with intervals of seconds stand in for the minutes of the defaults).
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)
class ApplierConvergeIT {

    @Test
    void aFailedDigestIsAppliedAgainAfterItsRetryIntervalWithoutANewCommit() {
        TargetKey target = TargetKey.parse("local/retried/prod");
        KubernetesClient cluster = cluster();
        cluster.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("retried-prod").endMetadata()
                .build()).create();
        cluster.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("cfg").withNamespace("retried-prod")
                .addToAnnotations("verity.dev/target", "local/someone-else/prod").endMetadata().build()).create();

        send(desired(target, "7e700001", documents("retried-prod", "a: b"),
                Policy.DEFAULT.withRetryInterval(Duration.ofSeconds(2))));
        awaitEvent(target, "7e700001", ApplyFailed.class);
        cluster.configMaps().inNamespace("retried-prod").withName("cfg").edit(cm -> {
            cm.getMetadata().getAnnotations().remove("verity.dev/target");
            return cm;
        });

        await().atMost(WAIT).until(() -> events(target).stream().anyMatch(Applied.class::isInstance));
        assertThat(events(target)).extracting(TargetEvent::commit).containsOnly("7e700001");
        assertThat(events(target).get(events(target).size() - 1)).isInstanceOf(Applied.class);
        assertThat(cluster.configMaps().inNamespace("retried-prod").withName("cfg").get().getData())
                .containsEntry("a", "b");
    }

    @Test
    void aDeletedObjectIsRestoredByThePeriodicReconcileWithoutANewCommit() {
        TargetKey target = TargetKey.parse("local/periodic/prod");
        send(desired(target, "9e900001", documents("periodic-prod", "a: b"),
                Policy.DEFAULT.withInterval(Duration.ofSeconds(3))));
        awaitEvent(target, "9e900001", Applied.class);

        cluster().configMaps().inNamespace("periodic-prod").withName("cfg").delete();
        await().atMost(WAIT).until(() -> cluster().configMaps().inNamespace("periodic-prod").withName("cfg").get() != null);

        await().atMost(WAIT).until(() -> events(target).size() == 2);
        assertThat(events(target)).extracting(TargetEvent::commit).containsExactly("9e900001", "9e900001");
        assertThat(events(target).get(1)).isInstanceOfSatisfying(Applied.class,
                a -> assertThat(a.counts().created()).isEqualTo(1));
    }

    @Test
    void aScaledDeploymentIsScaledBackBySelfHealAndNotWithoutIt() {
        TargetKey healed = TargetKey.parse("local/healed/prod");
        TargetKey alerted = onTheSamePartitionAs(healed); // its drift is read before the healed target's
        Policy selfHeal = new Policy(false, true, true, true, false, List.of());
        send(desired(healed, "5e1f0001", ApplierIT.shopDocuments("healed-prod", 2), selfHeal));
        send(desired(alerted, "5e1f0001", ApplierIT.shopDocuments(alerted.app() + "-prod", 2), Policy.DEFAULT));
        awaitEvent(healed, "5e1f0001", Applied.class);
        awaitEvent(alerted, "5e1f0001", Applied.class);

        cluster().apps().deployments().inNamespace(alerted.app() + "-prod").withName("web").scale(5);
        cluster().apps().deployments().inNamespace("healed-prod").withName("web").scale(5);
        drift(alerted);
        drift(healed);

        await().atMost(WAIT).until(() -> events(healed).size() == 2);
        assertThat(replicas("healed-prod")).isEqualTo(2);
        assertThat(events(healed)).extracting(TargetEvent::commit).containsExactly("5e1f0001", "5e1f0001");
        assertThat(events(healed).get(1)).isInstanceOfSatisfying(Applied.class,
                a -> assertThat(a.counts().configured()).isEqualTo(1));
        assertThat(replicas(alerted.app() + "-prod")).isEqualTo(5);
        assertThat(events(alerted)).hasSize(1);
    }

    @Test
    void aSuspendedTargetIsNotAppliedAndTheRolloutTopicSaysSo() {
        TargetKey target = TargetKey.parse("local/paused/prod");
        Policy suspended = new Policy(true, true, false, true, false, List.of());
        send(desired(target, "5a5a0001", documents("paused-prod", "a: b"), suspended));

        ApplySuspended said = await().atMost(WAIT).until(() -> ApplierIT.allEvents(target).stream()
                .filter(ApplySuspended.class::isInstance).map(ApplySuspended.class::cast).findFirst(),
                java.util.Optional::isPresent).orElseThrow();
        assertThat(said.commit()).isEqualTo("5a5a0001");
        assertThat(cluster().namespaces().withName("paused-prod").get()).isNull();

        send(desired(target, "5a5a0001", documents("paused-prod", "a: b"), Policy.DEFAULT));
        awaitEvent(target, "5a5a0001", Applied.class);
        assertThat(cluster().configMaps().inNamespace("paused-prod").withName("cfg").get()).isNotNull();
        assertThat(ApplierIT.allEvents(target)).extracting(e -> e.getClass().getSimpleName())
                .as("then its health, as for any apply").startsWith("ApplySuspended", "ApplyStarted", "Applied")
                .doesNotContain("ApplyFailed");
    }

    static void drift(TargetKey target) {
        DriftDetected drift = new DriftDetected(target, REPO, "5e1f0001",
                new ObjectRef("apps/v1", "Deployment", target.app() + "-prod", "web"), DriftKind.MODIFIED,
                List.of("spec.replicas"), "rv-" + System.nanoTime());
        ApplierIT.kafka().send(Topics.DRIFT, drift.key(), ApplierIT.CODEC.encode(drift));
    }

    static int replicas(String namespace) {
        return cluster().apps().deployments().inNamespace(namespace).withName("web").get().getSpec().getReplicas();
    }

    static DesiredState desired(TargetKey target, String commit, List<String> documents, Policy policy) {
        return DesiredState.of(target, REPO, commit, "apps/" + target.app() + "/overlays/" + target.env(), policy,
                documents);
    }
}
