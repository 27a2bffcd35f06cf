package dev.verity.drift.core;

import dev.verity.events.Applied;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.DriftUpdated;
import dev.verity.events.FieldChange;
import dev.verity.events.IgnoreDifference;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.kube.diff.DriftComparator;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DriftTrackerTest {

    /** The events without their field values (asserted in {@link #driftEventsCarryValuesSelfHealAndLatencyAndAnUnreadableObjectIsUnknownNotInSync}). */
    static List<TargetEvent> stripped(List<TargetEvent> events) {
        return events.stream().map(e -> e instanceof DriftDetected d
                ? new DriftDetected(d.target(), d.repo(), d.commit(), d.object(), d.kind(), d.fields(), d.resourceVersion())
                : e instanceof DriftUpdated u
                ? new DriftUpdated(u.target(), u.repo(), u.commit(), u.object(), u.fields(), List.of(), u.resourceVersion(),
                        u.selfHeal(), null)
                : e).toList();
    }

    static final TargetKey TARGET = TargetKey.parse("local/shop/prod");
    static final String REPO = "file:///repos/shop.git";
    static final String C1 = "1111111111111111111111111111111111111111";
    static final String C2 = "2222222222222222222222222222222222222222";
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop-prod", "web");
    static final ObjectRef SETTINGS = new ObjectRef("v1", "ConfigMap", "shop-prod", "settings");

    static final String WEB_DOC = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop-prod}
            spec:
              replicas: 2
              template:
                spec:
                  containers: [{name: web, image: "nginx:1.27"}]
            """;
    static final String SETTINGS_DOC = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop-prod}
            data: {mode: fast}
            """;

    private final DriftTracker tracker = new DriftTracker("local", new DriftComparator());

    @Test
    void aDesiredStateNotYetAppliedIsNeitherWatchedNorCompared() {
        tracker.ready();
        tracker.onDesired(desired(C1, WEB_DOC));

        assertThat(tracker.watched()).isEmpty();
        assertThat(stripped(tracker.observe(WEB, web(5, "7")))).isEmpty();
        assertThat(stripped(tracker.observe(WEB, Observation.absent()))).isEmpty();
        assertThat(tracker.status()).containsEntry(TARGET, "held until applied");
    }

    @Test
    void anAppliedTargetIsComparedAndDriftIsReportedOnTransitionsOnly() {
        tracker.ready();
        tracker.onDesired(desired(C1, WEB_DOC, SETTINGS_DOC));
        DesiredState d = desired(C1, WEB_DOC, SETTINGS_DOC);
        Reaction activated = tracker.onApplied(applied(d));

        assertThat(activated.check()).containsExactly(WEB, SETTINGS);
        assertThat(tracker.watched()).containsExactly(WEB, SETTINGS);
        assertThat(stripped(tracker.observe(WEB, web(2, "10")))).isEmpty();

        assertThat(stripped(tracker.observe(WEB, web(5, "11")))).containsExactly(
                new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "11"));
        assertThat(stripped(tracker.observe(WEB, web(5, "11")))).as("same observation again").isEmpty();
        assertThat(stripped(tracker.observe(WEB, web(5, "12")))).as("same drift, newer version").isEmpty();

        assertThat(stripped(tracker.observe(WEB, live(5, "nginx:1.28", "13")))).as("the differing fields changed")
                .containsExactly(new DriftUpdated(TARGET, REPO, C1, WEB,
                        List.of("spec.replicas", "spec.template.spec.containers[name=web].image"), List.of(), "13",
                        false, null));

        assertThat(stripped(tracker.observe(WEB, web(2, "14"))))
                .containsExactly(new DriftResolved(TARGET, REPO, C1, WEB, "14"));
        assertThat(stripped(tracker.observe(WEB, web(2, "15")))).isEmpty();

        assertThat(stripped(tracker.observe(WEB, Observation.absent()))).containsExactly(
                new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.DELETED, List.of(), ""));
        assertThat(stripped(tracker.observe(WEB, Observation.absent()))).isEmpty();
        assertThat(stripped(tracker.observe(WEB, web(2, "20")))).containsExactly(new DriftResolved(TARGET, REPO, C1, WEB, "20"));
    }

    @Test
    void nothingIsComparedBeforeTheStateIsRebuilt() {
        DesiredState d = desired(C1, WEB_DOC);
        tracker.onDesired(d);
        assertThat(tracker.onApplied(applied(d)).check()).isEmpty();
        assertThat(tracker.watched()).isEmpty();
        assertThat(stripped(tracker.observe(WEB, web(5, "3")))).isEmpty();

        assertThat(tracker.ready().check()).containsExactly(WEB);
        assertThat(stripped(tracker.observe(WEB, web(5, "3")))).hasSize(1);
        assertThat(tracker.ready().check()).as("ready only once").isEmpty();
    }

    @Test
    void aNewDesiredStateHoldsTheTargetUntilItIsApplied() {
        tracker.ready();
        DesiredState first = desired(C1, WEB_DOC, SETTINGS_DOC);
        tracker.onDesired(first);
        tracker.onApplied(applied(first));
        assertThat(stripped(tracker.observe(SETTINGS, settings("slow", "5")))).hasSize(1);

        DesiredState second = desired(C2, WEB_DOC.replace("replicas: 2", "replicas: 4"));
        assertThat(tracker.onDesired(second)).isEqualTo(Reaction.NONE);
        assertThat(tracker.watched()).isEmpty();
        assertThat(stripped(tracker.observe(WEB, web(2, "6")))).as("the rollout is in progress").isEmpty();

        Reaction applied = tracker.onApplied(applied(second));
        assertThat(applied.events()).as("drift on an object that left Git is resolved")
                .containsExactly(new DriftResolved(TARGET, REPO, C2, SETTINGS, ""));
        assertThat(applied.check()).containsExactly(WEB);
        assertThat(tracker.watched()).containsExactly(WEB);
        assertThat(stripped(tracker.observe(WEB, web(4, "7")))).isEmpty();
        assertThat(stripped(tracker.observe(WEB, web(2, "8")))).containsExactly(
                new DriftDetected(TARGET, REPO, C2, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "8"));
    }

    @Test
    void anAppliedSeenBeforeItsDesiredStateActivatesTheTargetWhenTheDesiredStateArrives() {
        tracker.ready();
        DesiredState d = desired(C1, WEB_DOC);
        assertThat(tracker.onApplied(applied(d))).isEqualTo(Reaction.NONE);

        assertThat(tracker.onDesired(d).check()).containsExactly(WEB);
        assertThat(tracker.onDesired(d)).as("redelivered").isEqualTo(Reaction.NONE);
    }

    @Test
    void anOldAppliedDoesNotActivateANewerDesiredState() {
        tracker.ready();
        DesiredState old = desired(C1, WEB_DOC);
        DesiredState current = desired(C2, WEB_DOC.replace("replicas: 2", "replicas: 4"));
        tracker.onDesired(current);

        assertThat(tracker.onApplied(applied(old))).isEqualTo(Reaction.NONE);
        assertThat(tracker.watched()).isEmpty();
    }

    @Test
    void aDocumentWithoutNamespaceIsWatchedInTheNamespaceTheApplierReported() {
        tracker.ready();
        DesiredState d = desired(C1, WEB_DOC.replace(", namespace: shop-prod", ""));
        tracker.onDesired(d);
        tracker.onApplied(new Applied(TARGET, REPO, C1, d.digest(), List.of(WEB)));

        assertThat(tracker.watched()).containsExactly(WEB);
        assertThat(stripped(tracker.observe(WEB, web(3, "2")))).extracting(e -> ((DriftDetected) e).object()).containsExactly(WEB);
    }

    @Test
    void eventsForAnotherClusterAreIgnored() {
        tracker.ready();
        TargetKey other = TargetKey.parse("prod-eu/shop/prod");
        DesiredState d = new DesiredState(other, REPO, C1, "apps/shop/overlays/prod", "sha256:x", Policy.DEFAULT,
                List.of(WEB_DOC));
        tracker.onDesired(d);
        tracker.onApplied(new Applied(other, REPO, C1, "sha256:x", List.of()));

        assertThat(tracker.watched()).isEmpty();
        assertThat(tracker.status()).isEmpty();
    }

    @Test
    void aRemovedTargetIsForgottenAndItsDriftResolved() {
        tracker.ready();
        DesiredState d = desired(C1, WEB_DOC);
        tracker.onDesired(d);
        tracker.onApplied(applied(d));
        tracker.observe(WEB, Observation.absent());

        assertThat(tracker.onRemoved(TARGET, null, null).events())
                .containsExactly(new DriftResolved(TARGET, REPO, C1, WEB, ""));
        assertThat(tracker.watched()).isEmpty();
        assertThat(tracker.onRemoved(TARGET, null, null)).isEqualTo(Reaction.NONE);
    }

    @Test
    void anEventThatCouldNotBePublishedIsPublishedAgainOnTheNextObservation() {
        tracker.ready();
        DesiredState d = desired(C1, WEB_DOC);
        tracker.onDesired(d);
        tracker.onApplied(applied(d));
        List<TargetEvent> first = tracker.observe(WEB, web(5, "4"));

        tracker.unpublished(TARGET, WEB);

        assertThat(stripped(tracker.observe(WEB, web(5, "4")))).isEqualTo(stripped(first));
        assertThat(stripped(tracker.observe(WEB, web(5, "4")))).isEmpty();
    }

    @Test
    void anUnreadableDesiredStateIsNeverCompared() {
        tracker.ready();
        DesiredState broken = desired(C1, "kind: [unclosed");
        assertThat(tracker.onDesired(broken).events()).singleElement().isInstanceOfSatisfying(DriftUnknown.class, u -> {
            assertThat(u.object()).isNull();
            assertThat(u.reason()).startsWith("desired state cannot be read: document 1 is not valid YAML");
        });
        tracker.onApplied(applied(broken));

        assertThat(tracker.watched()).isEmpty();
        assertThat(tracker.status()).containsEntry(TARGET, "held until applied");
    }

    @Test
    void aLiveObjectThatIsNotJsonIsSkipped() {
        tracker.ready();
        DesiredState d = desired(C1, WEB_DOC);
        tracker.onDesired(d);
        tracker.onApplied(applied(d));

        assertThat(tracker.observe(WEB, Observation.present("{not json", "1"))).singleElement()
                .isInstanceOfSatisfying(DriftUnknown.class, u -> assertThat(u.reason()).contains("is not valid JSON"));
        assertThat(tracker.observe(WEB, Observation.present("{not json", "2"))).as("the same reason again").isEmpty();
    }

    @Test
    void driftReportedBeforeARestartIsResolvedWhenTheObjectMatchesAgain() {
        DesiredState d = desired(C1, WEB_DOC);
        tracker.remember(new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "3"));
        tracker.onDesired(d);
        tracker.onApplied(applied(d));

        assertThat(tracker.ready().events()).isEmpty();
        assertThat(stripped(tracker.observe(WEB, web(5, "3")))).as("already reported before the restart").isEmpty();
        assertThat(stripped(tracker.observe(WEB, web(2, "4")))).containsExactly(new DriftResolved(TARGET, REPO, C1, WEB, "4"));
    }

    @Test
    void aDeposedMonitorTakesInTheNewLeadersEventsAndStartsFromThemWhenElectedAgain() {
        DesiredState d = desired(C1, WEB_DOC);
        tracker.onDesired(d);
        tracker.onApplied(applied(d));
        tracker.ready();
        assertThat(stripped(tracker.observe(WEB, web(5, "3")))).containsExactly(
                new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "3"));

        tracker.standby();
        assertThat(tracker.observe(WEB, web(2, "4"))).as("a standby compares nothing").isEmpty();
        tracker.remember(new DriftResolved(TARGET, REPO, C1, WEB, "4"));
        tracker.remember(new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.DELETED, List.of(), ""));

        assertThat(tracker.ready().events()).isEmpty();
        assertThat(stripped(tracker.observe(WEB, Observation.absent()))).as("reported by the other leader").isEmpty();
        assertThat(stripped(tracker.observe(WEB, web(2, "6"))))
                .containsExactly(new DriftResolved(TARGET, REPO, C1, WEB, "6"));
    }

    @Test
    void eventsNameTheCurrentDesiredStateEvenWhenTheHistoryIsAboutAnOlderCommit() {
        DesiredState d = desired(C2, WEB_DOC);
        tracker.onDesired(d);
        tracker.onApplied(applied(d));
        tracker.remember(new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.DELETED, List.of(), ""));
        tracker.ready();

        assertThat(stripped(tracker.observe(WEB, web(2, "8")))).containsExactly(new DriftResolved(TARGET, REPO, C2, WEB, "8"));
    }

    @Test
    void aTargetRemovedAfterReadyIsResolvedUnderTheRemovingCommit() {
        tracker.ready();
        DesiredState d = desired(C1, WEB_DOC);
        tracker.onDesired(d);
        tracker.onApplied(applied(d));
        tracker.observe(WEB, Observation.absent());

        assertThat(tracker.onRemoved(TARGET, REPO, C2).events())
                .containsExactly(new DriftResolved(TARGET, REPO, C2, WEB, ""));
    }

    @Test
    void driftResolvedBeforeARestartIsNotResolvedAgain() {
        DesiredState d = desired(C1, WEB_DOC);
        tracker.remember(new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.DELETED, List.of(), ""));
        tracker.remember(new DriftResolved(TARGET, REPO, C1, WEB, "9"));
        tracker.remember(new DriftDetected(TargetKey.parse("prod-eu/shop/prod"), REPO, C1, WEB, DriftKind.DELETED,
                List.of(), ""));
        tracker.onDesired(d);
        tracker.onApplied(applied(d));
        tracker.ready();

        assertThat(stripped(tracker.observe(WEB, web(2, "9")))).isEmpty();
        assertThat(tracker.status()).containsOnlyKeys(TARGET);
    }

    @Test
    void driftOfATargetThatLeftWhileTheMonitorWasDownIsResolvedWhenReady() {
        TargetKey gone = TargetKey.parse("local/legacy/prod");
        tracker.remember(new DriftDetected(gone, REPO, C1, WEB, DriftKind.DELETED, List.of(), ""));
        DesiredState d = desired(C1, SETTINGS_DOC);
        tracker.remember(new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.DELETED, List.of(), ""));
        tracker.onDesired(d);
        tracker.onApplied(applied(d));

        Reaction ready = tracker.ready();

        assertThat(ready.events()).containsExactlyInAnyOrder(
                new DriftResolved(gone, REPO, C1, WEB, ""),
                new DriftResolved(TARGET, REPO, C1, WEB, ""));
        assertThat(ready.check()).containsExactly(SETTINGS);
        assertThat(tracker.status()).containsOnlyKeys(TARGET);
    }

    @Test
    void aTombstoneReadBeforeTheDriftHistoryStillResolvesTheTargetsDrift() {
        DesiredState d = desired(C1, WEB_DOC);
        tracker.onDesired(d);
        tracker.onApplied(applied(d));
        assertThat(tracker.onRemoved(TARGET, null, null)).isEqualTo(Reaction.NONE);
        tracker.remember(new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "2"));

        assertThat(tracker.ready().events()).containsExactly(new DriftResolved(TARGET, REPO, C1, WEB, ""));
        assertThat(tracker.watched()).isEmpty();
    }

    @Test
    void theDriftHistoryIsIgnoredOnceReady() {
        tracker.ready();
        DesiredState d = desired(C1, WEB_DOC);
        tracker.onDesired(d);
        tracker.onApplied(applied(d));
        tracker.remember(new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.DELETED, List.of(), ""));

        assertThat(stripped(tracker.observe(WEB, web(2, "1")))).isEmpty();
    }

    @Test
    void driftEventsCarryValuesSelfHealAndLatencyAndAnUnreadableObjectIsUnknownNotInSync() {
        Instant start = Instant.parse("2026-12-05T10:00:00Z");
        MutableClock clock = new MutableClock(start);
        DriftTracker timed = new DriftTracker("local", new DriftComparator(), clock, java.time.Duration.ZERO);
        timed.ready();
        DesiredState d = DesiredState.of(TARGET, REPO, C1, "apps/shop/overlays/prod", new Policy(false, true, true,
                true, false, List.of()), List.of(WEB_DOC));
        timed.onDesired(d);
        timed.onApplied(applied(d));

        clock.now = start.plusMillis(3_400);
        Observation scaled = Observation.present(((Observation.Present) web(5, "5")).json(), "5", start.plusSeconds(3));
        assertThat(timed.observe(WEB, scaled)).containsExactly(new DriftDetected(TARGET, REPO, C1, WEB,
                DriftKind.MODIFIED, List.of("spec.replicas"), "5", List.of(new FieldChange("spec.replicas", "2", "5")),
                true, 400L));

        assertThat(timed.observe(WEB, Observation.unreadable("403 deployments.apps \"web\" is forbidden")))
                .containsExactly(new DriftUnknown(TARGET, REPO, C1, WEB, "403 deployments.apps \"web\" is forbidden"));
        assertThat(timed.observe(WEB, Observation.unreadable("403 deployments.apps \"web\" is forbidden"))).isEmpty();
        assertThat(timed.observe(WEB, web(2, "6"))).as("known again, and in sync")
                .containsExactly(new DriftResolved(TARGET, REPO, C1, WEB, "6"));

        assertThat(timed.observe(WEB, Observation.present(((Observation.Present) web(5, "7")).json(), "7",
                start.minusSeconds(60)))).singleElement().isInstanceOfSatisfying(DriftDetected.class,
                e -> assertThat(e.latencyMillis()).as("a write before the monitor was ready").isNull());
    }

    @Test
    void anObjectWaitsForItsAppliedStateBeforeTheDesiredDocumentIsComparedInstead() {
        Instant start = Instant.parse("2026-12-05T10:00:00Z");
        MutableClock clock = new MutableClock(start);
        DriftTracker waiting = new DriftTracker("local", new DriftComparator(), clock, java.time.Duration.ofSeconds(10));
        waiting.ready();
        DesiredState d = desired(C1, WEB_DOC);
        waiting.onDesired(d);
        waiting.onApplied(applied(d));

        clock.now = start.plusSeconds(9);
        assertThat(waiting.observe(WEB, web(5, "3"))).as("its AppliedState may still arrive").isEmpty();

        clock.now = start.plusSeconds(10);
        assertThat(stripped(waiting.observe(WEB, web(5, "3")))).as("an applier that publishes none").containsExactly(
                new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "3"));
    }

    /** An observation of {@code web} whose latest write is Verity's own server-side apply at {@code ownApplyAt}. */
    static Observation writtenBy(Observation live, Instant changedAt, Instant ownApplyAt) {
        Observation.Present p = (Observation.Present) live;
        return Observation.present(p.json(), p.resourceVersion(), changedAt, ownApplyAt);
    }

    static final Instant APPLY = Instant.parse("2026-12-05T10:00:00Z");

    /** A ready tracker with a 10 s grace for Verity's own applies, comparing C1 (replicas 2). */
    static DriftTracker withGrace(MutableClock clock) {
        DriftTracker t = new DriftTracker("local", new DriftComparator(), clock, java.time.Duration.ZERO,
                java.time.Duration.ofSeconds(10));
        t.ready();
        DesiredState d = desired(C1, WEB_DOC);
        t.onDesired(d);
        t.onApplied(applied(d));
        return t;
    }

    @Test
    void verityApplyingACommitTheMonitorHasNotReadYetIsNotDrift() {
        MutableClock clock = new MutableClock(APPLY.plusMillis(400));
        DriftTracker t = withGrace(clock);

        // the applier (after a takeover, ahead of this monitor's consumers) applied C2, replicas 4
        Observation applyOfC2 = writtenBy(web(4, "8"), APPLY, APPLY);
        assertThat(t.observe(WEB, applyOfC2)).as("Verity's own apply a moment ago").isEmpty();
        assertThat(t.holdsToRecheck()).as("read again when the grace ends")
                .containsExactly(java.util.Map.entry(WEB, APPLY.plusSeconds(10)));
        assertThat(t.holdsToRecheck()).as("asked once").isEmpty();
        clock.now = APPLY.plusSeconds(2);
        assertThat(t.observe(WEB, applyOfC2)).as("the same write read again").isEmpty();
        assertThat(t.holdsToRecheck()).as("the same hold").isEmpty();

        DesiredState c2 = desired(C2, WEB_DOC.replace("replicas: 2", "replicas: 4"));
        assertThat(t.onDesired(c2).events()).isEmpty();
        Reaction appliedC2 = t.onApplied(applied(c2));
        assertThat(appliedC2.events()).isEmpty();
        assertThat(appliedC2.check()).containsExactly(WEB);
        assertThat(t.observe(WEB, applyOfC2)).as("C2 as desired").isEmpty();

        clock.now = APPLY.plusSeconds(11);
        assertThat(t.observe(WEB, applyOfC2)).as("the recheck after the grace").isEmpty();
        assertThat(t.open()).isEqualTo(new DriftTracker.Open(0, 0, 0));
    }

    @Test
    void aDifferenceVerityAppliedIsReportedOnceTheGraceIsOverWithoutANewerDesiredState() {
        MutableClock clock = new MutableClock(APPLY.plusSeconds(1));
        DriftTracker t = withGrace(clock);
        // written with Verity's field manager, but no desired state of C2 ever comes (a stray applier, a person
        // using Verity's manager): held during the grace, then drift
        Observation stray = writtenBy(web(4, "8"), APPLY, APPLY);
        assertThat(t.observe(WEB, stray)).isEmpty();
        clock.now = APPLY.plusSeconds(9);
        assertThat(t.observe(WEB, stray)).isEmpty();

        clock.now = APPLY.plusSeconds(10);
        assertThat(stripped(t.observe(WEB, stray))).as("the recheck when the grace ends").containsExactly(
                new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "8"));
        assertThat(t.observe(WEB, stray)).as("reported once").isEmpty();
        assertThat(t.holdsToRecheck()).containsOnlyKeys(WEB);
    }

    @Test
    void aChangeBySomeoneElseIsReportedAtOnceEvenRightAfterVerityApplied() {
        MutableClock clock = new MutableClock(APPLY.plusMillis(300));
        DriftTracker t = withGrace(clock);
        // kubectl scale a moment after Verity's apply: the latest write is not Verity's own (ownApplyAt null)
        assertThat(stripped(t.observe(WEB, writtenBy(web(5, "9"), APPLY, null)))).containsExactly(
                new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "9"));
        assertThat(t.holdsToRecheck()).isEmpty();
    }

    @Test
    void withoutAGraceVerityOwnApplyIsComparedAsAnyWrite() {
        MutableClock clock = new MutableClock(APPLY.plusMillis(300));
        DriftTracker t = new DriftTracker("local", new DriftComparator(), clock, java.time.Duration.ZERO);
        t.ready();
        DesiredState d = desired(C1, WEB_DOC);
        t.onDesired(d);
        t.onApplied(applied(d));
        assertThat(t.observe(WEB, writtenBy(web(4, "8"), APPLY, APPLY))).hasSize(1);
    }

    @Test
    void anObjectVerityCreatedForACommitNotReadYetIsNotUnexpected() {
        MutableClock clock = new MutableClock(APPLY.plusMillis(300));
        DriftTracker t = withGrace(clock);
        Observation created = writtenBy(settings("fast", "3"), APPLY, APPLY);
        assertThat(t.observe(SETTINGS, created, TARGET.toString())).as("C2 adds it; C2 not read yet").isEmpty();

        clock.now = APPLY.plusSeconds(10);
        assertThat(stripped(t.observe(SETTINGS, created, TARGET.toString()))).singleElement()
                .isInstanceOfSatisfying(DriftDetected.class, e -> assertThat(e.kind()).isEqualTo(DriftKind.UNEXPECTED));
    }

    @Test
    void anObjectGoneWhileTheApplierRollsOutACommitNotReadYetIsReportedOnlyIfStillGoneAfterTheGrace() {
        MutableClock clock = new MutableClock(APPLY);
        DriftTracker t = withGrace(clock);
        // the applier records its inventory at C2 before applying C2, which no longer has web, and prunes it
        t.inventory(TARGET, C2, java.util.Set.of(WEB));
        clock.now = APPLY.plusSeconds(1);
        assertThat(t.observe(WEB, Observation.absent())).as("maybe C2's prune").isEmpty();
        assertThat(t.holdsToRecheck()).containsExactly(java.util.Map.entry(WEB, APPLY.plusSeconds(10)));

        clock.now = APPLY.plusSeconds(10);
        assertThat(stripped(t.observe(WEB, Observation.absent()))).as("C2 never came: deleted").containsExactly(
                new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.DELETED, List.of(), ""));
    }

    @Test
    void anObjectDeletedWhileTheInventoryIsOfTheComparedCommitIsReportedAtOnce() {
        MutableClock clock = new MutableClock(APPLY);
        DriftTracker t = withGrace(clock);
        t.inventory(TARGET, C1, java.util.Set.of(WEB));
        assertThat(stripped(t.observe(WEB, Observation.absent()))).containsExactly(
                new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.DELETED, List.of(), ""));
    }

    static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aCommitThatIgnoresTheDriftingPathResolvesItAndLaterEditsThereAreNotDrift() {
        tracker.ready();
        DesiredState first = desired(C1, WEB_DOC);
        tracker.onDesired(first);
        tracker.onApplied(applied(first));
        assertThat(stripped(tracker.observe(WEB, web(5, "11")))).containsExactly(
                new DriftDetected(TARGET, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "11"));

        // the next commit changes only verity.yaml: the same documents (digest), spec.replicas of web now ignored
        DesiredState ignoring = DesiredState.of(TARGET, REPO, C2, "apps/shop/overlays/prod",
                Policy.DEFAULT.withIgnoreDifferences(List.of(
                        new IgnoreDifference("apps", "Deployment", "web", null, List.of("/spec/replicas")))),
                List.of(WEB_DOC));
        assertThat(tracker.onDesired(ignoring).check()).containsExactly(WEB);

        assertThat(stripped(tracker.observe(WEB, web(5, "12"))))
                .containsExactly(new DriftResolved(TARGET, REPO, C2, WEB, "12"));
        assertThat(stripped(tracker.observe(WEB, web(9, "13")))).isEmpty();
        assertThat(stripped(tracker.observe(WEB, live(9, "nginx:1.28", "14")))).containsExactly(
                new DriftDetected(TARGET, REPO, C2, WEB, DriftKind.MODIFIED,
                        List.of("spec.template.spec.containers[name=web].image"), "14"));
    }

    @Test
    void anObjectClaimingTheTargetOrLeftInItsInventoryButNotDesiredIsUnexpectedWhileItExists() {
        tracker.ready();
        DesiredState d = desired(C1, WEB_DOC);
        tracker.onDesired(d);
        tracker.onApplied(applied(d));
        ObjectRef stray = new ObjectRef("v1", "ConfigMap", "shop-prod", "stray");
        ObjectRef leftover = new ObjectRef("v1", "ConfigMap", "shop-prod", "leftover");

        assertThat(stripped(tracker.observe(stray, settings("x", "5"), TARGET.toString()))).containsExactly(
                new DriftDetected(TARGET, REPO, C1, stray, DriftKind.UNEXPECTED, List.of(), "5"));
        assertThat(stripped(tracker.observe(stray, settings("y", "6"), TARGET.toString()))).isEmpty();
        assertThat(stripped(tracker.observe(stray, Observation.absent(), null)))
                .containsExactly(new DriftResolved(TARGET, REPO, C1, stray, ""));

        // in the inventory of another commit (a rollout about to rewrite it): not used
        assertThat(tracker.inventory(TARGET, C2, java.util.Set.of(WEB, leftover))).isEmpty();
        assertThat(stripped(tracker.observe(leftover, settings("x", "7"), null))).isEmpty();
        // in the inventory of the compared commit, without Verity's annotation (removed by hand): still unexpected
        assertThat(tracker.inventory(TARGET, C1, java.util.Set.of(WEB, leftover))).containsExactly(leftover);
        assertThat(tracker.inventoried()).containsExactly(leftover);
        assertThat(stripped(tracker.observe(leftover, settings("x", "8"), null))).containsExactly(
                new DriftDetected(TARGET, REPO, C1, leftover, DriftKind.UNEXPECTED, List.of(), "8"));
        assertThat(stripped(tracker.observe(leftover, settings("x", "9"), "local/other/prod")))
                .as("claimed by another target now: not this one's").containsExactly(
                        new DriftResolved(TARGET, REPO, C1, leftover, "9"));
        assertThat(stripped(tracker.observe(leftover, settings("x", "10"), null))).hasSize(1);
        // the applier pruned it and rewrote its inventory
        assertThat(tracker.inventory(TARGET, C1, java.util.Set.of(WEB))).as("read again: was it pruned?")
                .containsExactly(leftover);
        assertThat(tracker.inventoried()).isEmpty();
        assertThat(stripped(tracker.observe(leftover, Observation.absent(), null)))
                .containsExactly(new DriftResolved(TARGET, REPO, C1, leftover, ""));
    }

    static DesiredState desired(String commit, String... docs) {
        return DesiredState.of(TARGET, REPO, commit, "apps/shop/overlays/prod", Policy.DEFAULT, List.of(docs));
    }

    static Applied applied(DesiredState d) {
        return new Applied(d.target(), d.repo(), d.commit(), d.digest(), List.of());
    }

    static Observation web(int replicas, String resourceVersion) {
        return live(replicas, "nginx:1.27", resourceVersion);
    }

    static Observation live(int replicas, String image, String resourceVersion) {
        return Observation.present("""
                {"apiVersion":"apps/v1","kind":"Deployment",
                 "metadata":{"name":"web","namespace":"shop-prod","resourceVersion":"%s"},
                 "spec":{"replicas":%d,"template":{"spec":{"containers":[{"name":"web","image":"%s"}]}}}}
                """.formatted(resourceVersion, replicas, image), resourceVersion);
    }

    static Observation settings(String mode, String resourceVersion) {
        return Observation.present("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"shop-prod"},
                 "data":{"mode":"%s"}}""".formatted(mode), resourceVersion);
    }
}
