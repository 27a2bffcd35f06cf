package dev.verity.reliability;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The ledger's comparison, and its negative control: a record removed, or an entry forgotten, must fail it. */
class ReconciliationTest {

    static final String C0 = "0".repeat(39) + "a", C1 = "1".repeat(40), C2 = "2".repeat(40), C3 = "3".repeat(40);
    static final List<String> HISTORY = List.of(C0, C1, C2, C3);

    private static Ledger ledger() {
        Ledger l = new Ledger();
        l.push("burst", "d1", C1, 202, Duration.ofMillis(20));
        l.push("burst", "d2", C2, 503, Duration.ofSeconds(8));
        l.push("burst", "d3", C3, 202, Duration.ofMillis(30));
        l.poison("poison", "verity.rollout", "poison-x", 2);
        l.request("fuzz", "fuzz-1", 400, Duration.ofMillis(5), "POST /hooks/github (random bytes)");
        return l;
    }

    private static Observed observed() {
        return new Observed(List.of(new Observed.Published("d1", C1, 0, 10), new Observed.Published("d3", C3, 0, 11)),
                Map.of("verity.rollout.dlq", List.of("poison-x", "poison-x")),
                List.of(new Observed.Rollout("Applied", "local/shop/prod", C1, 2, 5),
                        new Observed.Rollout("Applied", "local/shop/prod", C3, 2, 9)));
    }

    @Test
    void whatWasSentAndWhatWasRecordedAgree() {
        Reconciliation.Verdict v = Reconciliation.compare(ledger().entries(), observed(), HISTORY, true);

        assertThat(v.problems()).isEmpty();
        assertThat(v.passed()).isTrue();
        assertThat(v.inputs()).isEqualTo(5);
    }

    @Test
    void negativeControlARecordRemovedFromTheTopicIsReportedLost() {
        Observed dropped = observed().withoutPublished(p -> p.deliveryId().equals("d3"));

        Reconciliation.Verdict v = Reconciliation.compare(ledger().entries(), dropped, HISTORY, true);

        assertThat(v.passed()).isFalse();
        assertThat(v.lost()).singleElement().asString().contains("delivery d3", "answered 202 1 time(s)", "0 time(s)");
    }

    @Test
    void negativeControlAnEntryTheLedgerForgotIsReportedAsPublishedFromNowhere() {
        List<Ledger.Entry> forgot = ledger().without(e -> e.id().equals("d1"));

        Reconciliation.Verdict v = Reconciliation.compare(forgot, observed(), HISTORY, true);

        assertThat(v.passed()).isFalse();
        assertThat(v.unexpected()).singleElement().asString().contains("delivery d1", "no push in the ledger");
    }

    @Test
    void aPushThatGotA5xxMayBeMissingButNeverTwice() {
        Observed twice = new Observed(List.of(new Observed.Published("d1", C1, 0, 10), new Observed.Published("d3", C3, 0, 11),
                new Observed.Published("d2", C2, 0, 12), new Observed.Published("d2", C2, 0, 13)),
                observed().deadLetters(), observed().rollouts());

        Reconciliation.Verdict v = Reconciliation.compare(ledger().entries(), twice, HISTORY, true);

        assertThat(v.lost()).isEmpty();
        assertThat(v.duplicated()).singleElement().asString().contains("delivery d2", "published 2 times");
    }

    @Test
    void aPoisonRecordDeadLetteredByOneOfItsTwoConsumersIsLost() {
        Observed once = new Observed(observed().published(), Map.of("verity.rollout.dlq", List.of("poison-x")), observed().rollouts());

        Reconciliation.Verdict v = Reconciliation.compare(ledger().entries(), once, HISTORY, true);

        assertThat(v.lost()).singleElement().asString().contains("verity.rollout.dlq 1 time(s)", "expected once per consumer: 2");
    }

    @Test
    void aPoisonRecordDeadLetteredMoreOftenThanItHasConsumersIsNotLostButNotExact() {
        Observed thrice = new Observed(observed().published(), Map.of("verity.rollout.dlq", List.of("poison-x", "poison-x",
                "poison-x")), observed().rollouts());

        Reconciliation.Verdict v = Reconciliation.compare(ledger().entries(), thrice, HISTORY, true);
        List<Reconciliation.PoisonCopies> copies = Reconciliation.poisonCopies(ledger().entries(), thrice);

        assertThat(v.lost()).isEmpty();
        assertThat(copies).singleElement().satisfies(c -> {
            assertThat(c.deadLetterTopic()).isEqualTo("verity.rollout.dlq");
            assertThat(c.found()).isEqualTo(3);
            assertThat(c.expected()).isEqualTo(2);
            assertThat(c.exact()).isFalse();
            assertThat(c.extra()).isEqualTo(1);
        });
        assertThat(Reconciliation.poisonCopies(ledger().entries(), observed())).singleElement()
                .satisfies(c -> assertThat(c.exact()).isTrue());
    }

    @Test
    void aRequestThatHadToPublishNothingButWasPublishedIsUnexpected() {
        Observed leaked = new Observed(List.of(new Observed.Published("d1", C1, 0, 10), new Observed.Published("d3", C3, 0, 11),
                new Observed.Published("fuzz-1", C2, 0, 12)), observed().deadLetters(), observed().rollouts());

        Reconciliation.Verdict v = Reconciliation.compare(ledger().entries(), leaked, HISTORY, true);

        assertThat(v.unexpected()).singleElement().asString().contains("a request that had to publish nothing", "random bytes");
    }

    @Test
    void anAppliedAtAnOlderCommitAfterANewerOneIsAGoingBack() {
        Observed back = new Observed(observed().published(), observed().deadLetters(), List.of(
                new Observed.Rollout("Applied", "local/shop/prod", C3, 2, 5),
                new Observed.Rollout("Applied", "local/shop/dev", C1, 1, 6),
                new Observed.Rollout("Applied", "local/shop/prod", C3, 2, 7),
                new Observed.Rollout("ApplyStarted", "local/shop/prod", C1, 2, 8),
                new Observed.Rollout("Applied", "local/shop/prod", C1, 2, 9)));

        Reconciliation.Verdict v = Reconciliation.compare(ledger().entries(), back, HISTORY, true);

        assertThat(v.regressions()).singleElement().asString().contains("local/shop/prod Applied at 111111111111",
                "after 333333333333");
    }

    @Test
    void rolloutsStartedAreCountedPerTargetAndCommit() {
        List<Observed.Rollout> r = List.of(new Observed.Rollout("ApplyStarted", "local/shop/prod", C3, 2, 1),
                new Observed.Rollout("Applied", "local/shop/prod", C3, 2, 2),
                new Observed.Rollout("ApplyStarted", "local/shop/prod", C3, 2, 3),
                new Observed.Rollout("ApplyStarted", "local/shop/prod", C1, 2, 4));

        assertThat(Reconciliation.rolloutsStarted(r, java.util.Set.of(C3)))
                .containsExactly(Map.entry("local/shop/prod@333333333333", 2L));
    }
}
