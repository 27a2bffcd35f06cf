package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.kube.Fault;
import dev.verity.testkit.kube.KubeSandbox;
import dev.verity.testkit.kube.KubeSandboxResource;
import dev.verity.testkit.kube.LoggedRequest;
import dev.verity.testkit.kube.RequestMatch;
import dev.verity.testkit.metrics.PrometheusText;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.verity.applier.ApplierIT.awaitEvent;
import static dev.verity.applier.ApplierIT.desired;
import static dev.verity.applier.ApplierIT.send;
import static dev.verity.applier.ApplierMetricsIT.scrape;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transient and permanent API errors, injected by the Kubernetes sandbox ({@code faults()}), against a real broker:
 * what the sandbox's request log shows the applier sent, and the rollout event that followed.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)
class ApplierRetryIT {

    @Test
    void aTooManyRequestsAnswerIsRetriedNoSoonerThanItsRetryAfter() {
        TargetKey target = TargetKey.parse("local/throttled/prod");
        RequestMatch patchConfig = RequestMatch.of("patch", "configmaps").inNamespace("throttled-prod").named("cfg");
        sandbox().faults().inject(patchConfig, 1, Fault.status(429, Duration.ofSeconds(2)));

        send(desired(target, "42900001", documents("throttled-prod", "a: b")));

        awaitEvent(target, "42900001", Applied.class);
        List<LoggedRequest> patches = sandbox().requests().matching(patchConfig);
        assertThat(patches).extracting(LoggedRequest::code, ApplierRetryIT::dryRun)
                .as("the dry run refused with 429 and sent again, then the apply").containsExactly(
                        org.assertj.core.groups.Tuple.tuple(429, true), org.assertj.core.groups.Tuple.tuple(201, true),
                        org.assertj.core.groups.Tuple.tuple(201, false));
        assertThat(Duration.between(patches.get(0).time(), patches.get(1).time()))
                .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aServerErrorIsRetriedForThatObjectOnly() {
        TargetKey target = TargetKey.parse("local/flaky/prod");
        RequestMatch patchConfig = RequestMatch.of("patch", "configmaps").inNamespace("flaky-prod").named("cfg");
        RequestMatch patchNamespace = RequestMatch.of("patch", "namespaces").named("flaky-prod");
        PrometheusText before = scrape();
        sandbox().faults().inject(patchConfig, 1, Fault.status(500));

        send(desired(target, "50000001", documents("flaky-prod", "a: b")));

        awaitEvent(target, "50000001", Applied.class);
        assertThat(sandbox().requests().matching(patchConfig)).extracting(LoggedRequest::code)
                .as("the dry run answered 500 and sent again, then the apply").containsExactly(500, 201, 201);
        assertThat(sandbox().requests().matching(patchNamespace)).extracting(LoggedRequest::code)
                .as("its dry run and apply, once each").containsExactly(201, 201);
        Map<String, String> serverError = Map.of("cluster", "local", "reason", "ServerError");
        assertThat(scrape().count("verity_api_transient_errors_total", serverError)
                - before.count("verity_api_transient_errors_total", serverError)).isEqualTo(1.0);
    }

    @Test
    void anOptimisticLockConflictAppliesTheTargetAgain() {
        TargetKey target = TargetKey.parse("local/contended/prod");
        RequestMatch patchConfig = RequestMatch.of("patch", "configmaps").inNamespace("contended-prod").named("cfg");
        PrometheusText before = scrape();
        sandbox().faults().inject(patchConfig, 1, Fault.status(409));

        send(desired(target, "40900001", documents("contended-prod", "a: b")));

        awaitEvent(target, "40900001", Applied.class);
        assertThat(sandbox().requests().matching(patchConfig)).extracting(LoggedRequest::code)
                .as("the dry run's 409, then the whole target again: dry run and apply").containsExactly(409, 201, 201);
        Map<String, String> conflict = Map.of("cluster", "local", "reason", "Conflict");
        assertThat(scrape().count("verity_apply_retries_total", conflict)
                - before.count("verity_apply_retries_total", conflict)).isEqualTo(1.0);
    }

    @Test
    void anInvalidObjectIsSentExactlyOnceAndFailsTheTarget() {
        TargetKey target = TargetKey.parse("local/refused/prod");
        RequestMatch patchConfig = RequestMatch.of("patch", "configmaps").inNamespace("refused-prod").named("cfg");

        send(desired(target, "42200001", List.of(
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: refused-prod}\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: refused-prod,"
                        + " finalizers: ['not a finalizer']}\ndata: {a: b}\n")));

        ApplyFailed failed = awaitEvent(target, "42200001", ApplyFailed.class);
        assertThat(failed.object()).isEqualTo(new ObjectRef("v1", "ConfigMap", "refused-prod", "cfg"));
        assertThat(failed.error()).contains("422");
        assertThat(sandbox().requests().matching(patchConfig)).extracting(LoggedRequest::code, ApplierRetryIT::dryRun)
                .as("refused at its dry run, never applied").containsExactly(org.assertj.core.groups.Tuple.tuple(422, true));
        TargetKey after = TargetKey.parse("local/refused-after/prod");
        send(desired(after, "42200002", documents("refused-after", "a: b")));
        awaitEvent(after, "42200002", Applied.class); // the next target is not held up
        assertThat(sandbox().requests().matching(patchConfig)).hasSize(1);
    }

    static List<String> documents(String namespace, String data) {
        return List.of("apiVersion: v1\nkind: Namespace\nmetadata: {name: " + namespace + "}\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: " + namespace + "}\ndata: {" + data
                        + "}\n");
    }

    static KubeSandbox sandbox() {
        return KubeSandboxResource.sandbox();
    }

    /** Whether a logged request was a dry run ({@code dryRun=All}). */
    static boolean dryRun(LoggedRequest request) {
        return request.query() != null && request.query().contains("dryRun=All");
    }
}
