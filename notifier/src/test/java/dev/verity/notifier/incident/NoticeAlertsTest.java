package dev.verity.notifier.incident;

import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.EventCodec;
import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;
import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.AlertComposer;
import dev.verity.notifier.alert.SampleEvents;
import dev.verity.notifier.alert.Severity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.verity.notifier.alert.SampleEvents.COMMIT;
import static dev.verity.notifier.alert.SampleEvents.PROD;
import static dev.verity.notifier.alert.SampleEvents.REPO;
import static dev.verity.notifier.alert.SampleEvents.WEB;
import static org.assertj.core.api.Assertions.assertThat;

class NoticeAlertsTest {

    final IncidentBookTest.TestClock clock = new IncidentBookTest.TestClock();
    final IncidentBook book = new IncidentBook(IncidentSettings.DEFAULT, clock);
    final AlertComposer composer = new AlertComposer();

    List<Notice> on(VerityEvent event) {
        return book.on(EventCodec.idOf(event), event, composer.compose(event).orElse(null));
    }

    @Test
    void anIncidentsNoticesSayWhereItStandsEachWithAnIdOfItsOwn() {
        on(SampleEvents.applyFailed());
        clock.advance(Duration.ofSeconds(30));
        Alert opened = NoticeAlerts.of(book.tick().get(0));
        Alert original = composer.compose(SampleEvents.applyFailed()).orElseThrow();
        assertThat(opened.title()).isEqualTo(original.title());
        assertThat(opened.severity()).isEqualTo(Severity.ERROR);

        clock.advance(Duration.ofHours(4));
        Alert reminder = NoticeAlerts.of(book.tick().get(0));
        assertThat(reminder.title()).startsWith("Still open: ");
        assertThat(reminder.summary().get(0)).startsWith("Open since 2026-12-05T10:00:00Z");

        clock.advance(Duration.ofMinutes(5));
        Alert resolved = NoticeAlerts.of(on(new Applied(PROD, REPO, COMMIT, "sha256:abc", List.of())).get(0));
        assertThat(resolved.severity()).isEqualTo(Severity.RESOLVED);
        assertThat(resolved.title()).isEqualTo("Resolved: " + original.title());
        assertThat(resolved.summary().get(0)).isEqualTo("Resolved by local/shop/prod@3f2c1e9a7b6d after 4 h 5 min.");

        assertThat(List.of(opened.eventId(), reminder.eventId(), resolved.eventId())).doesNotHaveDuplicates()
                .allSatisfy(id -> assertThat(id).startsWith(book.incident(new IncidentKey("local/shop/prod",
                        IncidentKind.ROLLOUT_FAILURE)).id() + "/"));
    }

    @Test
    void aGroupedAnnouncementListsEveryTargetAndSaysHowToRollBack() {
        List<TargetKey> targets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            TargetKey target = TargetKey.parse("local/app" + i + "/prod");
            targets.add(target);
            on(new ApplyFailed(target, REPO, COMMIT, "sha256:" + i, WEB, "denied"));
        }
        clock.advance(Duration.ofSeconds(30));
        Alert grouped = NoticeAlerts.of(book.tick().get(0));
        assertThat(grouped.title()).isEqualTo("3 targets: rollout failure at " + REPO + "@3f2c1e9a7b6d");
        assertThat(grouped.summary()).hasSize(3).allSatisfy(line -> assertThat(line).startsWith("local/app"));
        assertThat(grouped.target()).isNull();
        assertThat(grouped.nextStep()).contains("git revert 3f2c1e9a7b6d");
    }
}
