package dev.verity.reliability;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The alert ledger's comparison, and its negative control: a record dropped must show as a lost alert. */
class AlertLedgerTest {

    static final Instant T = Instant.parse("2026-12-06T20:00:00Z");
    static final String A = "Drift: ConfigMap shop-prod/reliability-outage-1 is in the cluster but not in Git";
    static final String B = "Drift: ConfigMap shop-prod/reliability-outage-2 is in the cluster but not in Git";

    private static AlertLedger ledger() {
        AlertLedger l = new AlertLedger();
        l.cause("created reliability-outage-1", A, T);
        l.cause("created reliability-outage-2", B, T.plusSeconds(5));
        return l;
    }

    private static final String UNDELIVERED_SLACK = """
            {"destination":"slack","channel":"slack","destinationDescription":"Slack Web API","target":"local/shop/prod",
             "reason":"Connection refused (gave up after 4 attempts)","attempts":4,"error":"x","time":"2026-12-06T20:00:04Z",
             "alert":{"eventId":"e1","eventType":"t","severity":"WARNING","title":"%s","target":"local/shop/prod"}}""";

    private static List<AlertLedger.Undelivered> undelivered() {
        return List.of(AlertLedger.Undelivered.parse(UNDELIVERED_SLACK.formatted(A)).orElseThrow(),
                new AlertLedger.Undelivered("email", A, "SMTP connection refused (gave up after 4 attempts)", 4));
    }

    private static List<AlertLedger.Delivered> delivered() {
        return List.of(new AlertLedger.Delivered("slack", "Update: " + B + "\nStill open", T.plusSeconds(9)),
                new AlertLedger.Delivered("email", "[verity] WARNING Update: " + B, T.plusSeconds(9)));
    }

    @Test
    void everyAlertDeliveredOrReportedUndeliveredOnEveryChannelIsNothingLost() {
        AlertLedger.Verdict v = ledger().compare(AlertLedger.CHANNELS, delivered(), undelivered());

        assertThat(v.nothingLost()).isTrue();
        assertThat(v.outcomes()).hasSize(4);
        assertThat(v.undelivered()).isEqualTo(2);
        assertThat(v.delivered()).isEqualTo(2);
        assertThat(v.duplicates()).isZero();
        assertThat(v.outcomes().get(0).undelivered()).singleElement()
                .satisfies(u -> assertThat(u.reason()).contains("Connection refused"))
                .satisfies(u -> assertThat(u.attempts()).isEqualTo(4));
    }

    @Test
    void negativeControlADroppedUndeliveredRecordOrMessageIsALostAlert() {
        List<AlertLedger.Undelivered> withoutOne = new ArrayList<>(undelivered());
        withoutOne.remove(1);
        AlertLedger.Verdict v1 = ledger().compare(AlertLedger.CHANNELS, delivered(), withoutOne);
        assertThat(v1.nothingLost()).isFalse();
        assertThat(v1.describeLost()).singleElement().asString().contains("reliability-outage-1", "on email");

        AlertLedger.Verdict v2 = ledger().compare(AlertLedger.CHANNELS, delivered().subList(0, 1), undelivered());
        assertThat(v2.describeLost()).singleElement().asString().contains("reliability-outage-2", "on email");
    }

    @Test
    void anAlertDeliveredTwiceIsOneDuplicateAndAnotherChannelsOrAnotherAlertsRecordsDoNotCount() {
        List<AlertLedger.Delivered> twice = new ArrayList<>(delivered());
        twice.add(new AlertLedger.Delivered("slack", B, T.plusSeconds(12)));
        AlertLedger.Verdict v = ledger().compare(AlertLedger.CHANNELS, twice,
                List.of(new AlertLedger.Undelivered("slack", A, "r", 1), new AlertLedger.Undelivered("slack", B, "r", 1)));

        assertThat(v.duplicates()).isEqualTo(1);
        assertThat(v.describeLost()).singleElement().asString().contains("reliability-outage-1", "on email");
    }

    @Test
    void anUndeliveredGroupedAnnouncementAccountsForEveryIncidentItLists() {
        String grouped = """
                {"channel":"email","reason":"refused","attempts":4,"alert":{"title":"2 targets: drift at repo@1a2b3c4d5e6f",
                 "summary":["local/shop/prod: %s","local/shop/dev: %s"]}}""".formatted(A, B);
        AlertLedger.Verdict v = ledger().compare(List.of("email"), List.of(),
                List.of(AlertLedger.Undelivered.parse(grouped).orElseThrow()));

        assertThat(v.nothingLost()).isTrue();
        assertThat(v.undelivered()).isEqualTo(2);
    }

    @Test
    void aRecordThatIsNotAnUndeliveredReportIsNotRead() {
        assertThat(AlertLedger.Undelivered.parse("not json")).isEmpty();
        assertThat(AlertLedger.Undelivered.parse("{\"channel\":\"slack\"}")).isEmpty();
    }
}
