package dev.verity.events;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCodecTest {

    static final String REPO = "https://git.example.com/platform/gitops.git";
    static final String SHA = "fd489864e7642b48eaad6e3f155c10e46810ec72";
    static final TargetKey PROD = new TargetKey("local", "shop", "prod");
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop-prod", "web");

    final EventCodec codec = new EventCodec(Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC));

    static List<VerityEvent> oneOfEach() {
        return List.of(
                new CommitPushed(REPO, "main", "0".repeat(40), SHA, List.of("apps/shop/base/deployment.yaml"), "d-1", "github"),
                DesiredState.of(PROD, REPO, SHA, "apps/shop/overlays/prod", Policy.DEFAULT, List.of("kind: ConfigMap\n")),
                new TargetRemoved(PROD, REPO, SHA),
                new RenderFailed(PROD, REPO, SHA, "apps/shop/overlays/prod", "accumulating resources: missing.yaml"),
                new RenderFailed(null, REPO, SHA, "verity.yaml", "verity.yaml: line 3: not a map"),
                new Applied(PROD, REPO, SHA, "sha256:ab", List.of(WEB)),
                new ApplyFailed(PROD, REPO, SHA, "sha256:ab", WEB, "namespace shop-prod not found"),
                new DriftDetected(PROD, REPO, SHA, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "42"),
                new DriftResolved(PROD, REPO, SHA, WEB, "43"),
                new DriftDetected(PROD, REPO, SHA, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "44",
                        List.of(new FieldChange("spec.replicas", "2", "5")), true, 850L),
                new DriftUpdated(PROD, REPO, SHA, WEB, List.of("data.mode", "data.password"),
                        List.of(new FieldChange("data.mode", "\"fast\"", "\"slow\""),
                                new FieldChange("data.password", FieldChange.MASKED, FieldChange.MASKED)), "45", false, null),
                new DriftUnknown(PROD, REPO, SHA, WEB, "403 Forbidden"),
                new DriftUnknown(PROD, REPO, SHA, null, "desired state cannot be read"),
                new TargetRemoved(PROD, REPO, SHA, List.of(TargetKey.parse("local/blog/prod"))),
                new ApplyStarted(PROD, REPO, SHA, "sha256:ab", 3),
                new ApplySuspended(PROD, REPO, SHA, "sha256:ab"),
                new Applied(PROD, REPO, SHA, "sha256:ab", List.of(WEB), new ApplyCounts(1, 2, 3, 4, 5)),
                new ApplyFailed(PROD, REPO, SHA, "sha256:ab", WEB, "2 objects failed",
                        List.of(new ObjectReason(WEB, "422 Invalid"), new ObjectReason(WEB, "409 Conflict"))),
                new Pruned(PROD, REPO, SHA, null, true, List.of(WEB),
                        List.of(new ObjectReason(new ObjectRef("v1", "Namespace", null, "shop-prod"), "never pruned")), List.of()),
                new AppliedState(PROD, REPO, SHA, "sha256:ab", true, List.of(new AppliedObject(WEB, "u-1", "7",
                        Map.of("f:spec", Map.of("f:replicas", Map.of())), Map.of("spec", Map.of("replicas", 3))))),
                new Progressing(PROD, REPO, SHA, "sha256:ab", List.of(new ObjectReason(WEB, "Available: 1/3")),
                        Instant.parse("2026-11-25T09:59:00Z"), Instant.parse("2026-11-25T10:04:00Z")),
                new Healthy(PROD, REPO, SHA, "sha256:ab", List.of(WEB), Instant.parse("2026-11-25T09:59:00Z")),
                new Degraded(PROD, REPO, SHA, "sha256:ab", "local/shop/prod@fd489864e764: Deployment shop-prod/web failed",
                        List.of(new ObjectReason(WEB, "Progressing=False ProgressDeadlineExceeded: timed out")), false),
                new Waiting(TargetKey.parse("local/web/prod"), REPO, SHA, "sha256:cd", List.of(PROD),
                        "local/shop/prod is progressing"),
                new CommitPushed(REPO, "main", "1".repeat(40), SHA, List.of("apps/shop/base/deployment.yaml"), "d-2", "gitlab",
                        true, "jsmith"),
                new RefDeleted(REPO, "release/1.x", SHA, "d-3", "gitea", "octocat"),
                new Rendered(REPO, "main", SHA, List.of(PROD), List.of(TargetKey.parse("local/shop/dev")),
                        List.of(TargetKey.parse("local/web/prod")), List.of(TargetKey.parse("local/blog/prod"))));
    }

    @Test
    void aRenderedIsARolloutEventOfTheRendererKeyedByRepository() {
        Rendered rendered = new Rendered(REPO, "main", SHA, List.of(PROD), null, null, null);
        assertThat(rendered.key()).isEqualTo(REPO);
        assertThat(rendered.type()).isEqualTo("dev.verity.render.rendered.v1");
        assertThat(EventType.of(Rendered.class).source()).isEqualTo("/verity/renderer");
        assertThat(rendered.unchanged()).isEmpty();
        assertThat(codec.decode(codec.encode(rendered))).isEqualTo(rendered);
    }

    @Test
    void healthEventsAreRolloutEventsOfTheApplierKeyedByTarget() {
        List<VerityEvent> health = oneOfEach().stream().filter(e -> e instanceof Progressing || e instanceof Healthy
                || e instanceof Degraded || e instanceof Waiting).toList();
        assertThat(health).extracting(VerityEvent::type).containsExactly("dev.verity.rollout.progressing.v1",
                "dev.verity.rollout.healthy.v1", "dev.verity.rollout.degraded.v1", "dev.verity.rollout.waiting.v1");
        assertThat(health).extracting(VerityEvent::key).containsExactly("local/shop/prod", "local/shop/prod",
                "local/shop/prod", "local/web/prod");
        assertThat(codec.decodeEnvelope(codec.encode(health.get(2))).source()).isEqualTo("/verity/applier");
    }

    @Test
    void healthEventsWrittenWithoutTheirListsAndTimesReadWithNone() {
        Healthy healthy = new Healthy(PROD, REPO, SHA, "sha256:ab", List.of(WEB), Instant.parse("2026-11-25T09:59:00Z"));
        String older = codec.encode(healthy).replaceFirst(",\\s*\"checked\"\\s*:\\s*\\[[^\\]]*\\]", "")
                .replaceFirst(",\\s*\"appliedAt\"\\s*:\\s*\"[^\"]*\"", "");
        assertThat(older).doesNotContain("checked").doesNotContain("appliedAt");
        Healthy read = (Healthy) codec.decode(older);
        assertThat(read.checked()).isEmpty();
        assertThat(read.appliedAt()).isNull();

        Degraded degraded = new Degraded(PROD, REPO, SHA, "sha256:ab", "e", List.of(new ObjectReason(WEB, "x")), true);
        String olderDegraded = codec.encode(degraded).replaceFirst(",\\s*\"objects\"\\s*:\\s*\\[[^\\]]*\\]", "");
        assertThat(olderDegraded).doesNotContain("\"objects\"");
        assertThat(((Degraded) codec.decode(olderDegraded)).objects()).isEmpty();
    }

    @Test
    void driftDetectedWrittenBeforeValuesSelfHealAndLatencyReadsWithTheirDefaults() {
        String older = codec.encode(new DriftDetected(PROD, REPO, SHA, WEB, DriftKind.MODIFIED,
                        List.of("spec.replicas"), "42"))
                .replaceAll(",\\s*\"(changes|selfHeal|latencyMillis)\"\\s*:\\s*(\\[\\]|false|null)", "");
        assertThat(older).doesNotContain("changes", "selfHeal", "latencyMillis").contains("\"resourceVersion\":\"42\"");

        DriftDetected decoded = (DriftDetected) codec.decode(older);

        assertThat(decoded).isEqualTo(new DriftDetected(PROD, REPO, SHA, WEB, DriftKind.MODIFIED,
                List.of("spec.replicas"), "42"));
        assertThat(decoded.changes()).isEmpty();
        assertThat(decoded.selfHeal()).isFalse();
        assertThat(decoded.latencyMillis()).isNull();
        assertThat(codec.encode(decoded)).as("written with the new fields, readable by older consumers")
                .contains("\"fields\":[\"spec.replicas\"]", "\"selfHeal\":false");
    }

    @Test
    void aCommitPushedWrittenBeforePathsCompleteAndPusherReadsAsIncompleteWithNoPusher() {
        CommitPushed pushed = new CommitPushed(REPO, "main", "0".repeat(40), SHA, List.of("a.yaml"), "d-1", "github",
                true, "octocat");
        String older = codec.encode(pushed).replaceFirst(",\\s*\"pathsComplete\"\\s*:\\s*true", "")
                .replaceFirst(",\\s*\"pusher\"\\s*:\\s*\"octocat\"", "");
        assertThat(older).doesNotContain("pathsComplete").doesNotContain("octocat");
        CommitPushed decoded = (CommitPushed) codec.decode(older);
        assertThat(decoded.pathsComplete()).isFalse();
        assertThat(decoded.pusher()).isNull();
        assertThat(decoded.changedPaths()).containsExactly("a.yaml");
    }

    @Test
    void aRefDeletedIsACommitsEventOfTheReceiverKeyedByRepository() {
        RefDeleted deleted = new RefDeleted(REPO, "main", SHA, "d-9", "forgejo", null);
        assertThat(deleted.key()).isEqualTo(RepoIdentity.of(REPO));
        assertThat(deleted.type()).isEqualTo("dev.verity.ref.deleted.v1");
        assertThat(EventType.of(RefDeleted.class).source()).isEqualTo("/verity/webhook-receiver");
        assertThat(codec.decode(codec.encode(deleted))).isEqualTo(deleted);
    }

    @Test
    void rolloutEventsWrittenBeforeCountsAndPerObjectFailuresReadWithNone() {
        Applied applied = new Applied(PROD, REPO, SHA, "sha256:ab", List.of(WEB), new ApplyCounts(1, 0, 0, 0, 0));
        String older = codec.encode(applied).replaceFirst(",\\s*\"counts\"\\s*:\\s*\\{[^}]*\\}", "");
        assertThat(older).doesNotContain("counts");
        assertThat(((Applied) codec.decode(older)).counts()).isEqualTo(ApplyCounts.NONE);

        ApplyFailed failed = new ApplyFailed(PROD, REPO, SHA, "sha256:ab", WEB, "e", List.of(new ObjectReason(WEB, "x")));
        String olderFailed = codec.encode(failed).replaceFirst(",\\s*\"failures\"\\s*:\\s*\\[[^\\]]*\\]", "");
        assertThat(olderFailed).doesNotContain("failures");
        assertThat(((ApplyFailed) codec.decode(olderFailed)).failures()).isEmpty();
    }

    @Test
    void everyEventSurvivesARoundTripAsAStructuredCloudEvent() {
        for (VerityEvent event : oneOfEach()) {
            Envelope envelope = codec.decodeEnvelope(codec.encode(event));
            assertThat(envelope.event()).as(event.type()).isEqualTo(event);
            assertThat(envelope.type()).isEqualTo(event.type()).endsWith(".v1");
            assertThat(envelope.subject()).isEqualTo(event.key());
            assertThat(envelope.time()).isEqualTo(Instant.parse("2026-11-25T10:00:00Z"));
        }
    }

    @Test
    void aDesiredStateCarriesTheTargetsOfItsCommitAndReadsWithoutThemWhenAnOlderRendererWroteIt() {
        DesiredState desired = DesiredState.of(PROD, REPO, SHA, "apps/shop/overlays/prod", Policy.DEFAULT, List.of("a: 1"))
                .withCommitTargets(List.of(PROD, TargetKey.parse("local/blog/prod")));
        assertThat(codec.decode(codec.encode(desired))).isEqualTo(desired);

        String older = codec.encode(desired).replaceFirst(",\\s*\"commitTargets\"\\s*:\\s*\\[[^\\]]*\\]", "");
        assertThat(older).doesNotContain("commitTargets");
        assertThat(((DesiredState) codec.decode(older)).commitTargets()).isEmpty();
    }

    @Test
    void targetEventsAreKeyedByTargetAndCommitsByRepo() {
        assertThat(oneOfEach().get(0).key()).as("commits by the repository's identity").isEqualTo(RepoIdentity.of(REPO));
        assertThat(oneOfEach().get(1).key()).isEqualTo("local/shop/prod");
        assertThat(oneOfEach().get(4).key()).as("a repo-wide render failure").isEqualTo(REPO);
        assertThat(oneOfEach().get(7).describe()).isEqualTo("local/shop/prod@fd489864e764");
    }

    @Test
    void idsAreDeterministicAndDependOnContent() {
        VerityEvent a = new DriftDetected(PROD, REPO, SHA, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "42");
        VerityEvent same = new DriftDetected(PROD, REPO, SHA, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "42");
        VerityEvent later = new DriftDetected(PROD, REPO, SHA, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "57");
        EventCodec otherClock = new EventCodec(Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC));
        assertThat(codec.decodeEnvelope(codec.encode(a)).id())
                .isEqualTo(otherClock.decodeEnvelope(otherClock.encode(same)).id())
                .isNotEqualTo(codec.decodeEnvelope(codec.encode(later)).id());
    }

    @Test
    void anEncodedEventNamesTheIdAndTraceparentItsCloudEventCarries() {
        String given = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        for (VerityEvent event : oneOfEach()) {
            EventCodec.Encoded derived = codec.encoded(event, null);
            Envelope read = codec.decodeEnvelope(derived.json());
            assertThat(read.event()).as(event.type()).isEqualTo(event);
            assertThat(derived.id()).isEqualTo(read.id()).isEqualTo(EventCodec.idOf(event));
            assertThat(derived.traceparent()).isEqualTo(read.traceparent()).isEqualTo(EventCodec.traceparentOf(event));
            assertThat(derived.json()).isEqualTo(codec.encode(event));

            EventCodec.Encoded carried = codec.encoded(event, given);
            assertThat(carried.traceparent()).isEqualTo(given)
                    .isEqualTo(codec.decodeEnvelope(carried.json()).traceparent());
            assertThat(codec.encoded(event, "not a traceparent").traceparent())
                    .isEqualTo(EventCodec.traceparentOf(event));
        }
    }

    @Test
    void eventsOfOneCommitShareATraceId() {
        List<String> traceIds = oneOfEach().stream().skip(1)
                .map(e -> codec.decodeEnvelope(codec.encode(e)).traceparent())
                .peek(tp -> assertThat(tp).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"))
                .map(tp -> tp.substring(3, 35)).distinct().toList();
        assertThat(traceIds).hasSize(1);
    }

    @Test
    void badRecordsAreRejectedWithAReason() {
        assertThatThrownBy(() -> codec.decode("s3cr3t-value")).isInstanceOf(EventFormatException.class)
                .hasMessageContaining("not JSON").hasMessageNotContaining("s3cr3t").hasNoCause();
        assertThatThrownBy(() -> codec.decode("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/x\","
                + "\"type\":\"dev.verity.nope.v9\",\"data\":{}}"))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("unknown event type 'dev.verity.nope.v9'");
        assertThatThrownBy(() -> codec.decode("{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/x\","
                + "\"type\":\"dev.verity.rollout.applied.v1\",\"data\":{\"repo\":\"r\"}}"))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("target is required");
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(EventFormatException.class);
        assertThatThrownBy(() -> codec.decode(codec.encode(oneOfEach().get(2)), DesiredState.class))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("expected dev.verity.desired.state.v1");
    }

    @Test
    void targetKeysAreValidated() {
        assertThat(TargetKey.parse("prod-eu/shop/prod")).isEqualTo(new TargetKey("prod-eu", "shop", "prod"));
        assertThatThrownBy(() -> TargetKey.parse("shop/prod")).hasMessageContaining("cluster/app/env");
        assertThatThrownBy(() -> new TargetKey("Local", "shop", "prod")).hasMessageContaining("cluster 'Local'");
    }

    @Test
    void everyPolicyKeyTravelsWithDurationsAsIsoStringsAndKindsSorted() {
        Policy policy = new Policy(true, false, true, false, true, List.of("platform"), true,
                Duration.ofMinutes(90), Duration.ofMillis(500), Duration.ofSeconds(45),
                Set.of("PersistentVolumeClaim", "Namespace"));
        DesiredState desired = DesiredState.of(PROD, REPO, SHA, "apps/shop/overlays/prod", policy, List.of("a: 1"));
        String json = codec.encode(desired);

        assertThat(json).contains("\"recreate\":true", "\"interval\":\"PT1H30M\"", "\"retryInterval\":\"PT0.5S\"",
                "\"healthTimeout\":\"PT45S\"", "\"pruneAlso\":[\"Namespace\",\"PersistentVolumeClaim\"]");
        DesiredState back = (DesiredState) codec.decode(json);
        assertThat(back).isEqualTo(desired);
        assertThat(back.policy().pruneAlso()).containsExactly("Namespace", "PersistentVolumeClaim");
        assertThat(back.policy().prunesKind("Namespace")).isTrue();
        assertThat(back.policy().prunesKind("CustomResourceDefinition")).isFalse();
        assertThat(back.policy().prunesKind("ConfigMap")).isTrue();
    }

    @Test
    void aPolicyWrittenBeforeTheLaterKeysExistedDecodesWithTheirDefaults() {
        DesiredState desired = DesiredState.of(PROD, REPO, SHA, "apps/shop/overlays/prod",
                new Policy(false, false, true, true, false, List.of("platform")), List.of("a: 1"));
        String older = codec.encode(desired).replaceFirst("\"policy\":\\{[^}]*}",
                "\"policy\":{\"suspend\":false,\"prune\":false,\"selfHeal\":true,\"force\":true,"
                        + "\"allowEmpty\":false,\"dependsOn\":[\"platform\"]}");
        assertThat(older).doesNotContain("interval").doesNotContain("pruneAlso");

        Policy decoded = ((DesiredState) codec.decode(older)).policy();
        assertThat(decoded).isEqualTo(desired.policy());
        assertThat(decoded.recreate()).isFalse();
        assertThat(decoded.interval()).isEqualTo(Duration.ofMinutes(10));
        assertThat(decoded.retryInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(decoded.healthTimeout()).isEqualTo(Duration.ofMinutes(5));
        assertThat(decoded.pruneAlso()).isEmpty();
        assertThat(Policy.DEFAULT).isEqualTo(new Policy(false, true, false, true, false, List.of(), false,
                Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofMinutes(5), Set.of()));
    }

    @Test
    void ignoreDifferencesTravelWithThePolicyAndAnOlderPolicyDecodesWithNone() {
        Policy policy = Policy.DEFAULT.withIgnoreDifferences(List.of(
                new IgnoreDifference("apps", "Deployment", "web", null, List.of("/spec/replicas")),
                new IgnoreDifference(null, "ConfigMap", null, "shop", List.of("/data/a~1b", "/metadata/labels"))));
        DesiredState desired = DesiredState.of(PROD, REPO, SHA, "apps/shop/overlays/prod", policy, List.of("a: 1"));
        String json = codec.encode(desired);

        assertThat(json).contains("\"ignoreDifferences\":[", "\"jsonPointers\":[\"/spec/replicas\"]", "/data/a~1b");
        DesiredState back = (DesiredState) codec.decode(json);
        assertThat(back).isEqualTo(desired);
        assertThat(back.policy().ignoreDifferences().get(0).name()).isEqualTo("web");
        assertThat(back.policy().ignoreDifferences().get(1).group()).isNull();

        String older = json.replaceFirst(",\"ignoreDifferences\":\\[.*?]}]", "");
        assertThat(older).doesNotContain("ignoreDifferences");
        Policy decoded = ((DesiredState) codec.decode(older)).policy();
        assertThat(decoded.ignoreDifferences()).isEmpty();
        assertThat(decoded).isEqualTo(Policy.DEFAULT);
    }

    @Test
    void anIgnoreRuleSelectsByKindGroupNameAndNamespace() {
        IgnoreDifference web = new IgnoreDifference("apps", "Deployment", "web", "shop", List.of("/spec/replicas"));
        assertThat(web.selects(new ObjectRef("apps/v1", "Deployment", "shop", "web"))).isTrue();
        assertThat(web.selects(new ObjectRef("apps/v1", "Deployment", "shop", "api"))).isFalse();
        assertThat(web.selects(new ObjectRef("apps/v1", "Deployment", "other", "web"))).isFalse();
        assertThat(web.selects(new ObjectRef("apps/v1", "StatefulSet", "shop", "web"))).isFalse();
        assertThat(web.selects(new ObjectRef("example.com/v1", "Deployment", "shop", "web"))).isFalse();
        IgnoreDifference core = new IgnoreDifference("", "ConfigMap", null, null, List.of("/data"));
        assertThat(core.selects(new ObjectRef("v1", "ConfigMap", "any", "x"))).isTrue();
        assertThat(new IgnoreDifference(null, "ConfigMap", null, null, List.of("/data"))
                .selects(new ObjectRef("example.com/v1", "ConfigMap", null, "x"))).isTrue();
        assertThatThrownBy(() -> new IgnoreDifference(null, "ConfigMap", null, null, List.of("data")))
                .hasMessageContaining("'data' is not a JSON pointer");
    }

    @Test
    void aPolicyFromANewerRendererWithKeysThisVersionDoesNotKnowStillDecodes() {
        DesiredState desired = DesiredState.of(PROD, REPO, SHA, "apps/shop/overlays/prod",
                Policy.DEFAULT.withInterval(Duration.ofMinutes(3)), List.of("a: 1"));
        String newer = codec.encode(desired).replaceFirst("\"policy\":\\{",
                "\"policy\":{\"wave\":3,\"notify\":{\"slack\":[\"#ops\"]},\"timeoutPolicy\":\"PT2M\",");
        assertThat(newer).contains("\"wave\":3");

        assertThat(((DesiredState) codec.decode(newer)).policy()).isEqualTo(desired.policy());
    }

    @Test
    void aPolicyDurationThatIsNotIsoOrNotPositiveIsABadRecord() {
        String json = codec.encode(DesiredState.of(PROD, REPO, SHA, "apps/shop/overlays/prod", Policy.DEFAULT, List.of("a: 1")));
        assertThatThrownBy(() -> codec.decode(json.replace("\"PT10M\"", "\"10m\"")))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("10m").hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> codec.decode(json.replace("\"PT10M\"", "\"PT0S\"")))
                .isInstanceOf(EventFormatException.class).hasMessageContaining("interval must be longer than zero");
        assertThatThrownBy(() -> Policy.DEFAULT.withHealthTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("healthTimeout");
    }
}
