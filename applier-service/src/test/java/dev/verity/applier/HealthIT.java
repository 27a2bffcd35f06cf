package dev.verity.applier;

import dev.verity.events.ApplyStarted;
import dev.verity.events.Applied;
import dev.verity.events.Degraded;
import dev.verity.events.DesiredState;
import dev.verity.events.Envelope;
import dev.verity.events.Healthy;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.Progressing;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.Waiting;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.kube.KubeSandbox;
import dev.verity.testkit.kube.KubeSandboxResource;
import dev.verity.testkit.kube.LoggedRequest;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.verity.applier.ApplierIT.CODEC;
import static dev.verity.applier.ApplierIT.REPO;
import static dev.verity.applier.ApplierIT.WAIT;
import static dev.verity.applier.ApplierIT.allEvents;
import static dev.verity.applier.ApplierIT.cluster;
import static dev.verity.applier.ApplierIT.kafka;
import static dev.verity.applier.ApplierIT.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Health after apply and {@code dependsOn}, against a real broker and the Kubernetes sandbox, whose simulated
 * workload controllers roll Deployments out (or fail them): what a user sees on {@code verity.rollout}.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)
class HealthIT {

    static KubeSandbox sandbox() {
        return KubeSandboxResource.sandbox();
    }

    @AfterEach
    void resetRollout() {
        sandbox().rollout().reset();
    }

    @Test
    void aTargetIsProgressingWhileItsDeploymentRollsOutThenHealthy() {
        sandbox().rollout().readyAfter(Duration.ofSeconds(3));
        TargetKey shop = TargetKey.parse("local/shop/prod");

        send(desired(shop, "a0000001", Policy.DEFAULT, "shop-prod", 2)
                .withCommittedAt(java.time.Instant.now().minusSeconds(60)));

        Healthy healthy = awaitEvent(shop, Healthy.class);
        assertThat(healthy.commit()).isEqualTo("a0000001");
        assertThat(healthy.checked()).containsExactly(new ObjectRef("apps/v1", "Deployment", "shop-prod", "web"));
        Deployment web = cluster().apps().deployments().inNamespace("shop-prod").withName("web").get();
        assertThat(web.getStatus().getAvailableReplicas()).as("the rollout is done when Healthy says so").isEqualTo(2);
        assertThat(allEvents(shop)).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ApplyStarted", "Applied", "Progressing", "Healthy");
        Progressing progressing = (Progressing) allEvents(shop).get(2);
        assertThat(progressing.notReady()).extracting(r -> r.object().name()).containsExactly("web");
        assertThat(progressing.since()).isEqualTo(healthy.appliedAt());
        assertThat(progressing.deadline()).isEqualTo(healthy.appliedAt().plus(Policy.DEFAULT_HEALTH_TIMEOUT));
        assertThat(ApplierMetricsIT.scrape().count("verity_health_seconds_count",
                Map.of("cluster", "local", "result", "healthy"))).as("apply-to-healthy durations").isPositive();
        assertThat(ApplierMetricsIT.scrape().value("verity_commit_to_healthy_seconds_sum", Map.of("cluster", "local")))
                .as("from the commit's time, a minute before").hasValueSatisfying(v -> assertThat(v).isGreaterThan(60.0));
    }

    @Test
    void aDeploymentPastItsProgressDeadlineDegradesTheTargetNamingIt() {
        sandbox().rollout().failNext("Deployment", "stuck-prod", "web");
        TargetKey stuck = TargetKey.parse("local/stuck/prod");

        send(desired(stuck, "b0000001", Policy.DEFAULT, "stuck-prod", 1));

        Degraded degraded = awaitEvent(stuck, Degraded.class);
        assertThat(degraded.timedOut()).isFalse();
        assertThat(degraded.objects()).singleElement().satisfies(o -> {
            assertThat(o.object()).isEqualTo(new ObjectRef("apps/v1", "Deployment", "stuck-prod", "web"));
            assertThat(o.reason()).startsWith("Progressing=False ProgressDeadlineExceeded: ReplicaSet");
        });
        assertThat(degraded.error()).startsWith("local/stuck/prod@b0000001: 1 object(s) failed after the apply:");
        assertThat(allEvents(stuck)).noneMatch(Healthy.class::isInstance);
        assertThat(ApplierMetricsIT.scrape().value("verity_health_seconds_bucket",
                Map.of("cluster", "local", "result", "degraded", "le", "+Inf"))).isPresent();
    }

    @Test
    void objectsNotReadyWithinTheHealthTimeoutDegradeTheTarget() {
        sandbox().rollout().enabled(false); // no controller: the Deployment is never observed
        TargetKey slow = TargetKey.parse("local/slow/prod");

        send(desired(slow, "c0000001", Policy.DEFAULT.withHealthTimeout(Duration.ofSeconds(2)), "slow-prod", 1));

        Degraded degraded = awaitEvent(slow, Degraded.class);
        assertThat(degraded.timedOut()).isTrue();
        assertThat(degraded.error()).startsWith("local/slow/prod@c0000001: not ready after 2s (healthTimeout):"
                + " Deployment slow-prod/web: the controller has not observed it yet");
        assertThat(allEvents(slow)).extracting(e -> e.getClass().getSimpleName())
                .containsExactly("ApplyStarted", "Applied", "Progressing", "Degraded");
    }

    @Test
    void aTargetIsAppliedOnlyAfterTheAppItDependsOnIsHealthy() {
        sandbox().rollout().readyAfter(Duration.ofSeconds(2));
        TargetKey back = TargetKey.parse("local/back/prod");
        TargetKey front = TargetKey.parse("local/front/prod");
        Policy afterBack = new Policy(false, true, false, true, false, List.of("back"));

        send(desired(front, "d0000001", afterBack, "front-prod", 1));
        Waiting waiting = awaitEvent(front, Waiting.class);
        assertThat(waiting.waitingFor()).containsExactly(back);
        assertThat(waiting.reason()).contains("local/back/prod, which has no desired state yet");
        assertThat(cluster().namespaces().withName("front-prod").get()).as("nothing of front applied").isNull();

        send(desired(back, "d0000001", Policy.DEFAULT, "back-prod", 1));

        awaitEvent(front, Applied.class);
        awaitEvent(front, Healthy.class);
        Instant backHealthy = time(back, Healthy.class);
        assertThat(time(back, Applied.class)).isBefore(backHealthy);
        assertThat(time(front, ApplyStarted.class)).as("front starts after back is Healthy").isAfterOrEqualTo(backHealthy);
        List<LoggedRequest> frontWrites = sandbox().requests().entries().stream()
                .filter(r -> "front-prod".equals(r.namespace()) || "front-prod".equals(r.name()))
                .filter(r -> !r.verb().equals("get") && !r.verb().equals("list") && !r.verb().equals("watch"))
                .toList();
        assertThat(frontWrites).isNotEmpty()
                .allSatisfy(r -> assertThat(r.time()).as(r.method() + " " + r.path()).isAfterOrEqualTo(backHealthy));
    }

    @Test
    void aDegradedDependencyKeepsItsDependentHeldAndSaysSo() {
        sandbox().rollout().failNext("Deployment", "base-prod", "web");
        TargetKey base = TargetKey.parse("local/base/prod");
        TargetKey top = TargetKey.parse("local/top/prod");

        send(desired(base, "e0000001", Policy.DEFAULT, "base-prod", 1));
        send(desired(top, "e0000001", new Policy(false, true, false, true, false, List.of("base")), "top-prod", 1));

        awaitEvent(base, Degraded.class);
        Waiting degraded = await().atMost(WAIT).until(() -> events(top, Waiting.class).stream()
                .filter(w -> w.reason().contains("which is Degraded")).findFirst(), Optional::isPresent).orElseThrow();
        assertThat(degraded.reason()).contains("local/base/prod, which is Degraded: local/base/prod@e0000001: 1 object(s)"
                + " failed after the apply: Deployment base-prod/web: Progressing=False ProgressDeadlineExceeded");
        assertThat(allEvents(top)).noneMatch(ApplyStarted.class::isInstance);
        assertThat(cluster().namespaces().withName("top-prod").get()).isNull();
    }

    static DesiredState desired(TargetKey target, String commit, Policy policy, String namespace, int replicas) {
        List<String> documents = List.of(
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + namespace + "}\n",
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: %s}
                spec:
                  replicas: %d
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      containers:
                      - name: web
                        image: nginx:1.27
                """.formatted(namespace, replicas));
        return DesiredState.of(target, REPO, commit, "apps/" + target.app() + "/overlays/" + target.env(), policy,
                documents);
    }

    static <T extends TargetEvent> List<T> events(TargetKey target, Class<T> type) {
        return allEvents(target).stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends TargetEvent> T awaitEvent(TargetKey target, Class<T> type) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> events(target, type).stream().findFirst(), Optional::isPresent).orElseThrow();
    }

    /** When the applier encoded the target's first event of this type (the CloudEvents {@code time}). */
    static Instant time(TargetKey target, Class<? extends TargetEvent> type) {
        return kafka().readAll(Topics.ROLLOUT).stream().filter(r -> target.toString().equals(r.key()))
                .map(r -> CODEC.decodeEnvelope(r.value())).filter(e -> type.isInstance(e.event()))
                .map(Envelope::time).findFirst().orElseThrow();
    }
}
