package dev.verity.applier;

import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;
import dev.verity.kube.ApplyResult;
import dev.verity.kube.ApplyStep;
import dev.verity.kube.ObjectOutcome;
import dev.verity.kube.Outcome;
import dev.verity.kube.Ownership;
import dev.verity.kube.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the applier's metrics show after applies with the results the {@code kube} module reports. */
class ApplyMetricsTest {

    static final TargetKey SHOP = TargetKey.parse("local/shop/prod");
    static final ObjectRef NS = new ObjectRef("v1", "Namespace", null, "shop");
    static final ObjectRef CONFIG = new ObjectRef("v1", "ConfigMap", "shop", "web-config");
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop", "web");
    static final ObjectRef SVC = new ObjectRef("v1", "Service", "shop", "web");
    static final ObjectRef OLD = new ObjectRef("v1", "ConfigMap", "shop", "old");
    static final ObjectRef DATA = new ObjectRef("v1", "PersistentVolumeClaim", "shop", "data");

    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ApplyMetrics metrics = new ApplyMetrics(registry, "local");

    @Test
    void countersAreScrapedAtZeroBeforeTheFirstApply() {
        assertThat(applied("created")).isZero();
        assertThat(applied("configured")).isZero();
        assertThat(applied("unchanged")).isZero();
        assertThat(counter("verity.objects.pruned").count()).isZero();
        assertThat(counter("verity.objects.kept").count()).isZero();
    }

    @Test
    void aSuccessfulApplyCountsEachObjectByOutcomeAndWhatLeftGit() {
        ApplyResult result = ApplyResult.succeeded(SHOP, "c0ffee01", "d1", List.of(
                        new ObjectOutcome(NS, Outcome.UNCHANGED, ""),
                        new ObjectOutcome(CONFIG, Outcome.CONFIGURED, ""),
                        new ObjectOutcome(WEB, Outcome.CREATED, ""),
                        new ObjectOutcome(SVC, Outcome.CREATED, "")))
                .withRemoved(List.of(
                        new ObjectOutcome(OLD, Outcome.PRUNED, ""),
                        new ObjectOutcome(DATA, Outcome.KEPT, "PersistentVolumeClaims are never pruned")));

        metrics.record(result, Duration.ofMillis(250));

        assertThat(applied("created")).isEqualTo(2);
        assertThat(applied("configured")).isEqualTo(1);
        assertThat(applied("unchanged")).isEqualTo(1);
        assertThat(counter("verity.objects.pruned").count()).isEqualTo(1);
        assertThat(counter("verity.objects.kept").count()).isEqualTo(1);
        assertThat(registry.find("verity.objects.failed").counters()).as("every reason scraped at 0 from the start")
                .hasSize(ApplyMetrics.REASONS.size()).allSatisfy(c -> assertThat(c.count()).isZero());
        Timer timer = registry.get("verity.apply.duration").tags("cluster", "local", "result", "applied").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(250);
        assertThat(registry.find("verity.apply.failures").counters()).as("every step scraped at 0 from the start")
                .hasSize(dev.verity.kube.ApplyStep.values().length).allSatisfy(c -> assertThat(c.count()).isZero());
    }

    @Test
    void aStoppedApplyCountsWhatWasAppliedAndTheFailedObjectByTheApiServersReason() {
        ApplyResult result = ApplyResult.stopped(SHOP, "c0ffee02", "d2", List.of(
                new ObjectOutcome(NS, Outcome.UNCHANGED, ""),
                new ObjectOutcome(CONFIG, Outcome.FAILED, "the API server answered 422 Invalid: ConfigMap"
                        + " \"web-config\" is invalid: data[bad key]: Invalid value"),
                new ObjectOutcome(WEB, Outcome.SKIPPED, "not applied: ConfigMap shop/web-config failed")));

        metrics.record(result, Duration.ofMillis(40));

        assertThat(applied("unchanged")).isEqualTo(1);
        assertThat(failed("Invalid")).isEqualTo(1);
        assertThat(registry.get("verity.apply.duration").tags("result", "failed").timer().count()).isEqualTo(1);
        assertThat(registry.get("verity.apply.failures").tags("cluster", "local", "step", "apply").counter().count())
                .isEqualTo(1);
    }

    @Test
    void anObjectOfAnotherTargetIsCountedAsOwnedByOtherTargetAndNothingAsApplied() {
        ApplyResult result = ApplyResult.notWritten(SHOP, "feed0001", "d3", List.of(NS, CONFIG),
                ApplyStep.CHECK_OWNERSHIP, CONFIG, Ownership.conflictMessage(SHOP, "feed0001", CONFIG.toString(),
                        "local/blog/prod") + "; nothing was applied");

        metrics.record(result, Duration.ofMillis(5));

        assertThat(failed("OwnedByOtherTarget")).isEqualTo(1);
        assertThat(applied("created") + applied("configured") + applied("unchanged")).isZero();
        assertThat(registry.get("verity.apply.failures").tags("step", "check_ownership").counter().count()).isEqualTo(1);
    }

    @Test
    void anInvalidDesiredStateCountsItsFirstInvalidObject() {
        ApplyResult result = ApplyResult.invalid(SHOP, "bad00001", "d4", List.of(NS, WEB), WEB,
                List.of(new Problem(2, WEB, "document 2 (Deployment) has no spec.selector")));

        metrics.record(result, Duration.ofMillis(1));

        assertThat(failed("Invalid")).isEqualTo(1);
        assertThat(registry.get("verity.apply.failures").tags("step", "validate").counter().count()).isEqualTo(1);
    }

    @Test
    void aPruneThatCouldNotDeleteCountsThePrunedAndTheFailedObjects() {
        ApplyResult result = ApplyResult.pruneFailed(SHOP, "c0ffee03", "d5",
                List.of(new ObjectOutcome(NS, Outcome.UNCHANGED, "")),
                List.of(new ObjectOutcome(OLD, Outcome.PRUNED, ""),
                        new ObjectOutcome(DATA, Outcome.FAILED, "could not be deleted: the API server answered 403: "
                                + "forbidden; it stays in the inventory and the next apply tries again"),
                        new ObjectOutcome(SVC, Outcome.FAILED, "could not be deleted: the API server could not be"
                                + " reached (ConnectException: refused); it stays in the inventory")),
                "");

        metrics.record(result, Duration.ofMillis(1));

        assertThat(counter("verity.objects.pruned").count()).isEqualTo(1);
        assertThat(failed("Forbidden")).isEqualTo(1);
        assertThat(failed("Unreachable")).isEqualTo(1);
        assertThat(registry.get("verity.apply.failures").tags("step", "prune").counter().count()).isEqualTo(1);
    }

    @Test
    void aTargetThatLeftGitCountsItsPrunedAndKeptObjects() {
        ApplyResult result = ApplyResult.removed(SHOP, "c0ffee05", List.of(
                new ObjectOutcome(OLD, Outcome.PRUNED, ""),
                new ObjectOutcome(SVC, Outcome.PRUNED, "already gone"),
                new ObjectOutcome(DATA, Outcome.KEPT, "the target's policy has prune: false")));

        metrics.record(result, Duration.ofMillis(30));

        assertThat(counter("verity.objects.pruned").count()).isEqualTo(2);
        assertThat(counter("verity.objects.kept").count()).isEqualTo(1);
        assertThat(registry.get("verity.apply.duration").tags("result", "applied").timer().count()).isEqualTo(1);
    }

    @Test
    void reasonsAreASmallClosedSet() {
        assertThat(reason(ApplyStep.APPLY, "the API server answered 409 Conflict: Apply failed with 1 conflict"))
                .isEqualTo("Conflict");
        assertThat(reason(ApplyStep.APPLY, "the API server answered 404 NotFound: namespaces \"x\" not found"))
                .isEqualTo("NotFound");
        assertThat(reason(ApplyStep.APPLY, "the API server answered 504 Timeout: the server was unable to return"))
                .isEqualTo("Timeout");
        assertThat(reason(ApplyStep.APPLY, "the API server answered 500 InternalError: boom")).isEqualTo("ServerError");
        assertThat(reason(ApplyStep.APPLY, "its CustomResourceDefinition widgets.example.com is not Established"
                + " after 60.0s")).isEqualTo("CrdNotEstablished");
        assertThat(reason(ApplyStep.APPLY, "the client failed: NullPointerException")).isEqualTo("Other");
        assertThat(ApplyMetrics.REASONS).contains("Conflict", "NotFound", "Timeout", "ServerError",
                "CrdNotEstablished", "Other", "Invalid", "Forbidden", "Unreachable", "OwnedByOtherTarget");
    }

    @Test
    void anApplyThatThrowsIsTimedAsFailedAndRethrown() {
        assertThatThrownBy(() -> metrics.time("local", () -> {
            throw new IllegalStateException("client closed");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(registry.get("verity.apply.duration").tags("result", "failed").timer().count()).isEqualTo(1);

        ApplyResult ok = metrics.time("local", () -> ApplyResult.succeeded(SHOP, "c0ffee04", "d6",
                List.of(new ObjectOutcome(NS, Outcome.CREATED, ""))));
        assertThat(ok.succeeded()).isTrue();
        assertThat(applied("created")).isEqualTo(1);
    }

    private static String reason(ApplyStep step, String why) {
        return ApplyMetrics.reason(step, new ObjectOutcome(WEB, Outcome.FAILED, why));
    }

    private double applied(String outcome) {
        return registry.get("verity.objects.applied").tags("cluster", "local", "outcome", outcome).counter().count();
    }

    private double failed(String reason) {
        return registry.get("verity.objects.failed").tags("cluster", "local", "reason", reason).counter().count();
    }

    private Counter counter(String name) {
        return registry.get(name).tags("cluster", "local").counter();
    }
}
