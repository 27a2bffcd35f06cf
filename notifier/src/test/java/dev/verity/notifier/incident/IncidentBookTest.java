package dev.verity.notifier.incident;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.DriftResolved;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.RemovalHeld;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.VerityEvent;
import dev.verity.notifier.alert.AlertComposer;
import dev.verity.notifier.alert.SampleEvents;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static dev.verity.notifier.alert.SampleEvents.COMMIT;
import static dev.verity.notifier.alert.SampleEvents.PROD;
import static dev.verity.notifier.alert.SampleEvents.REPO;
import static dev.verity.notifier.alert.SampleEvents.WEB;
import static org.assertj.core.api.Assertions.assertThat;

class IncidentBookTest {

    /** A clock the test moves. */
    static final class TestClock extends Clock {
        Instant now = Instant.parse("2026-12-05T10:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    static final ObjectRef SETTINGS = new ObjectRef("v1", "ConfigMap", "shop-prod", "settings");
    static final IncidentKey PROD_DRIFT = new IncidentKey("local/shop/prod", IncidentKind.DRIFT);

    final TestClock clock = new TestClock();
    final AlertComposer composer = new AlertComposer();
    final IncidentBook book = new IncidentBook(IncidentSettings.DEFAULT, clock);

    List<Notice> on(VerityEvent event) {
        return book.on(EventCodec.idOf(event), event, composer.compose(event).orElse(null));
    }

    @Test
    void aDriftIsAnnouncedOnceAfterTheGroupingWindowUpdatedInItsThreadAndResolvedWhenEveryObjectIsBack() {
        assertThat(on(SampleEvents.replicasChanged("10"))).as("waits for the grouping window").isEmpty();
        assertThat(book.incident(PROD_DRIFT).isOpen()).isTrue();
        clock.advance(Duration.ofSeconds(29));
        assertThat(book.tick()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        List<Notice> announced = book.tick();
        assertThat(announced).hasSize(1).first().isInstanceOfSatisfying(Notice.Opened.class, o -> {
            assertThat(o.grouped()).isFalse();
            assertThat(o.incidents().get(0).key()).isEqualTo(PROD_DRIFT);
            assertThat(o.incidents().get(0).objects()).containsExactly(WEB);
        });
        assertThat(book.tick()).as("announced once").isEmpty();

        assertThat(on(SampleEvents.replicasChanged("10"))).as("the same event again").isEmpty();
        assertThat(on(SampleEvents.replicasChanged("17"))).as("detected again, nothing new to say").isEmpty();
        List<Notice> second = on(SampleEvents.drift(SETTINGS, DriftKind.MODIFIED, List.of("data.mode"), "11"));
        assertThat(second).singleElement().isInstanceOf(Notice.Updated.class);
        assertThat(book.incident(PROD_DRIFT).objects()).containsExactlyInAnyOrder(WEB, SETTINGS);

        assertThat(on(new DriftResolved(PROD, REPO, COMMIT, WEB, "12"))).singleElement()
                .as("one object back, one still drifted: an update").isInstanceOf(Notice.Updated.class);
        List<Notice> resolved = on(new DriftResolved(PROD, REPO, COMMIT, SETTINGS, "13"));
        assertThat(resolved).singleElement().isInstanceOfSatisfying(Notice.Resolved.class,
                r -> assertThat(r.incident().isOpen()).isFalse());
        assertThat(book.incident(PROD_DRIFT).id()).isEqualTo(((Notice.Opened) announced.get(0)).incidents().get(0).id());
    }

    @Test
    void driftThatCannotBeToldIsAnIncidentOfItsOwnResolvedWhenItsObjectsAreComparedAgain() {
        IncidentKey unknown = new IncidentKey("local/shop/prod", IncidentKind.DRIFT_UNKNOWN);
        on(new dev.verity.events.DriftUnknown(PROD, REPO, COMMIT, WEB, "403 Forbidden: deployments.apps \"web\" is forbidden"));
        on(new dev.verity.events.DriftUnknown(PROD, REPO, COMMIT, SETTINGS, "403 Forbidden: configmaps \"settings\""));
        clock.advance(Duration.ofSeconds(30));
        assertThat(book.tick()).singleElement().isInstanceOfSatisfying(Notice.Opened.class, o -> {
            assertThat(o.incidents().get(0).key()).isEqualTo(unknown);
            assertThat(o.incidents().get(0).objects()).containsExactlyInAnyOrder(WEB, SETTINGS);
            assertThat(o.incidents().get(0).alert().title()).as("what the latest event said")
                    .isEqualTo("Drift unknown: ConfigMap shop-prod/settings cannot be compared");
        });
        assertThat(book.incident(PROD_DRIFT)).as("not drift").isNull();

        assertThat(on(new DriftResolved(PROD, REPO, COMMIT, WEB, "20"))).singleElement()
                .isInstanceOf(Notice.Updated.class);
        // compared again and found drifted: known now, and a drift incident of its own
        assertThat(on(SampleEvents.drift(SETTINGS, DriftKind.MODIFIED, List.of("data.mode"), "21")))
                .singleElement().isInstanceOfSatisfying(Notice.Resolved.class,
                        r -> assertThat(r.incident().key()).isEqualTo(unknown));
        assertThat(book.incident(PROD_DRIFT).isOpen()).isTrue();
    }

    @Test
    void aWholeTargetThatCannotBeComparedIsResolvedByItsNextComparison() {
        IncidentKey unknown = new IncidentKey("local/shop/prod", IncidentKind.DRIFT_UNKNOWN);
        on(new dev.verity.events.DriftUnknown(PROD, REPO, COMMIT, null, "desired state unreadable: bad digest"));
        assertThat(book.incident(unknown).alert().title()).isEqualTo("Drift unknown: local/shop/prod cannot be compared");
        on(new DriftResolved(PROD, REPO, COMMIT, WEB, "30"));
        assertThat(book.incident(unknown).isOpen()).isFalse();
    }

    @Test
    void aStillOpenIncidentIsRemindedEveryIntervalAndAResolvedOneIsNot() {
        on(SampleEvents.applyFailed());
        clock.advance(Duration.ofSeconds(30));
        assertThat(book.tick()).hasSize(1);
        clock.advance(Duration.ofHours(3).plusMinutes(59));
        assertThat(book.tick()).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(book.tick()).singleElement().isInstanceOf(Notice.Reminder.class);
        clock.advance(Duration.ofHours(4));
        assertThat(book.tick()).singleElement().isInstanceOf(Notice.Reminder.class);

        assertThat(on(new Applied(PROD, REPO, COMMIT, "sha256:abc", List.of()))).singleElement()
                .isInstanceOf(Notice.Resolved.class);
        clock.advance(Duration.ofHours(5));
        assertThat(book.tick()).isEmpty();
    }

    @Test
    void oneCommitBreakingManyTargetsIsOneGroupedAnnouncement() {
        List<TargetKey> targets = new ArrayList<>();
        for (int i = 0; i < 50; i++) targets.add(TargetKey.parse("local/app" + i + "/prod"));
        for (TargetKey target : targets) {
            clock.advance(Duration.ofMillis(100));
            assertThat(on(new ApplyFailed(target, REPO, COMMIT, "sha256:" + target.app(), WEB,
                    "admission webhook denied the request"))).isEmpty();
        }
        clock.advance(Duration.ofSeconds(30));
        List<Notice> notices = book.tick();
        assertThat(notices).singleElement().isInstanceOfSatisfying(Notice.Opened.class, o -> {
            assertThat(o.grouped()).isTrue();
            assertThat(o.incidents()).extracting(i -> i.key().subject())
                    .containsExactlyElementsOf(targets.stream().map(TargetKey::toString).toList());
        });
    }

    @Test
    void anIncidentResolvedWithinTheGroupingWindowIsAnnouncedOnceAsResolved() {
        on(SampleEvents.replicasChanged("10"));
        clock.advance(Duration.ofSeconds(5));
        assertThat(on(SampleEvents.resolved())).isEmpty();
        clock.advance(Duration.ofSeconds(30));
        assertThat(book.tick()).singleElement().isInstanceOfSatisfying(Notice.Opened.class,
                o -> assertThat(o.incidents().get(0).isOpen()).isFalse());
    }

    @Test
    void aFlappingIncidentIsAnnouncedOnceThenGoesQuietUntilItStaysResolved() {
        List<Notice> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.addAll(on(SampleEvents.replicasChanged("v" + i)));
            clock.advance(Duration.ofSeconds(31));
            all.addAll(book.tick());
            all.addAll(on(new DriftResolved(PROD, REPO, COMMIT, WEB, "r" + i)));
            clock.advance(Duration.ofMinutes(2));
            all.addAll(book.tick());
        }
        assertThat(all.stream().filter(n -> n instanceof Notice.Opened)).hasSize(3);
        assertThat(all.stream().filter(n -> n instanceof Notice.Resolved)).hasSize(3);
        assertThat(all.stream().filter(n -> n instanceof Notice.Flapping)).hasSize(1);
        Incident flapping = book.incident(PROD_DRIFT);
        assertThat(flapping.flapping()).isTrue();

        clock.advance(Duration.ofMinutes(59));
        List<Notice> stable = book.tick();
        assertThat(stable).singleElement().isInstanceOfSatisfying(Notice.Resolved.class, r -> {
            assertThat(r.cause()).isNull();
            assertThat(r.incident().flapping()).isFalse();
            assertThat(r.incident().id()).as("the flapping incident's thread").isEqualTo(flapping.id());
        });
    }

    @Test
    void aRestartedBookContinuesItsIncidentsAndIgnoresRedeliveredEvents() {
        DriftDetected detected = SampleEvents.replicasChanged("10");
        on(detected);
        clock.advance(Duration.ofSeconds(30));
        book.tick();
        book.recordThread(PROD_DRIFT, "slack", "C042:1733392800.000100");
        List<Incident> recorded = book.drainChanged();
        assertThat(recorded).extracting(Incident::key).containsExactly(PROD_DRIFT);
        assertThat(book.drainChanged()).isEmpty();

        IncidentCodec codec = new IncidentCodec();
        IncidentBook restarted = new IncidentBook(IncidentSettings.DEFAULT, clock);
        recorded.forEach(i -> restarted.restore(codec.decode(codec.encode(i))));
        assertThat(codec.decode(codec.encode(recorded.get(0)))).as("as verity.incidents keeps it")
                .isEqualTo(recorded.get(0));
        assertThat(restarted.on(EventCodec.idOf(detected), detected, composer.compose(detected).orElseThrow()))
                .as("redelivered after the restart").isEmpty();
        List<Notice> resolved = restarted.on(EventCodec.idOf(SampleEvents.resolved()), SampleEvents.resolved(), null);
        assertThat(resolved).singleElement().isInstanceOfSatisfying(Notice.Resolved.class,
                r -> assertThat(r.incident().threads()).containsEntry("slack", "C042:1733392800.000100"));
    }

    @Test
    void renderFailuresAreResolvedByALaterCommitAppliedAndRemovedTargetsResolveEverything() {
        on(SampleEvents.renderFailed("kustomization.yaml: unknown field 'resourcez'"));
        on(SampleEvents.degraded());
        clock.advance(Duration.ofSeconds(30));
        assertThat(book.tick()).singleElement().isInstanceOfSatisfying(Notice.Opened.class,
                o -> assertThat(o.incidents()).hasSize(2));
        assertThat(on(new Applied(PROD, REPO, COMMIT, "sha256:abc", List.of()))).as("the failing commit itself")
                .isEmpty();
        String fix = "9".repeat(40);
        assertThat(on(new Applied(PROD, REPO, fix, "sha256:def", List.of()))).singleElement()
                .isInstanceOfSatisfying(Notice.Resolved.class,
                        r -> assertThat(r.incident().key().kind()).isEqualTo(IncidentKind.RENDER_FAILURE));
        assertThat(on(new TargetRemoved(PROD, REPO, fix))).singleElement().isInstanceOfSatisfying(Notice.Resolved.class,
                r -> assertThat(r.incident().key().kind()).isEqualTo(IncidentKind.DEGRADED));
        assertThat(book.open()).isEmpty();
    }

    @Test
    void anEventWorthTellingThatIsNoIncidentIsSentAsItIs() {
        RemovalHeld held = new RemovalHeld(REPO, COMMIT, List.of(PROD), 0);
        assertThat(on(held)).singleElement().isInstanceOf(Notice.Single.class);
    }

    @Test
    void incidentKeysRoundTripAsRecordKeys() {
        IncidentKey repoWide = new IncidentKey("https://git.example.com/acme/gitops.git", IncidentKind.RENDER_FAILURE);
        assertThat(IncidentKey.parse(repoWide.recordKey())).isEqualTo(repoWide);
        assertThat(IncidentKey.parse(PROD_DRIFT.recordKey())).isEqualTo(PROD_DRIFT);
    }
}
