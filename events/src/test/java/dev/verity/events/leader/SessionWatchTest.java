package dev.verity.events.leader;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The leader's session clock: when heartbeat answers stop, it is unsafe before the group can move the partition. */
class SessionWatchTest {

    static final Duration SESSION = Duration.ofSeconds(10);
    static final Duration MARGIN = Duration.ofSeconds(2);

    static long ms(long millis) {
        return millis * 1_000_000L;
    }

    static SessionWatch.Reading answers(int heartbeats, double heartbeatRoundTripMs, int syncs, double syncRoundTripMs) {
        return new SessionWatch.Reading(heartbeats, heartbeatRoundTripMs, syncs, syncRoundTripMs);
    }

    @Test
    void nothingIsProvenBeforeTheFirstAnswer() {
        SessionWatch watch = new SessionWatch(SESSION, MARGIN, ms(0));
        watch.observe(ms(100), answers(0, Double.NaN, 0, Double.NaN));
        assertThat(watch.safe(ms(100))).isFalse();
    }

    @Test
    void aSuccessfulSyncProvesContactFromThePreviousReadingLessItsRoundTrip() {
        SessionWatch watch = new SessionWatch(SESSION, MARGIN, ms(0));
        watch.observe(ms(1_000), answers(0, Double.NaN, 0, Double.NaN));
        watch.observe(ms(1_100), answers(0, Double.NaN, 1, 30));
        assertThat(watch.lastContactNanos()).isEqualTo(ms(1_000 - 30));
        assertThat(watch.safe(ms(1_000 - 30 + 7_999))).isTrue();
        assertThat(watch.safe(ms(1_000 - 30 + 8_000))).isFalse();
    }

    @Test
    void answeredHeartbeatsKeepTheLeaderSafeAndItsDeadlineRunsFromTheLastAnswer() {
        SessionWatch watch = new SessionWatch(SESSION, MARGIN, ms(0));
        long now = 0;
        int heartbeats = 0;
        for (int i = 0; i < 10; i++) { // a heartbeat answered every 3.3 s, read every 100 ms
            for (int tick = 0; tick < 33; tick++) {
                now += ms(100);
                watch.observe(now, answers(heartbeats, 5, 1, 5));
                assertThat(watch.safe(now)).isTrue();
            }
            heartbeats++;
        }
        now += ms(100);
        watch.observe(now, answers(heartbeats, 5, 1, 5));
        long lastAnswerNoLaterThan = now;
        // from here on the broker is silent (heartbeats may still be sent; none is answered)
        while (watch.safe(now)) {
            now += ms(100);
            watch.observe(now, answers(heartbeats, 5, 1, 5));
        }
        assertThat(Duration.ofNanos(now - lastAnswerNoLaterThan)).isLessThanOrEqualTo(SESSION.minus(MARGIN));
    }

    @Test
    void aLongRoundTripMovesTheProvenContactBack() {
        SessionWatch watch = new SessionWatch(SESSION, MARGIN, ms(0));
        watch.observe(ms(5_000), answers(0, Double.NaN, 0, Double.NaN));
        watch.observe(ms(5_100), answers(1, 4_000, 0, Double.NaN)); // this heartbeat took 4 s to be answered
        assertThat(watch.lastContactNanos()).isEqualTo(ms(1_000));
        assertThat(watch.safe(ms(8_999))).isTrue();
        assertThat(watch.safe(ms(9_000))).isFalse();
    }

    @Test
    void answersCountedAfterALongGapProveNothingNewerThanTheReadingBeforeTheGap() {
        // the leadership thread was held up for 20 s: heartbeats answered meanwhile (perhaps with "unknown member")
        // cannot make it safe again
        SessionWatch watch = new SessionWatch(SESSION, MARGIN, ms(0));
        watch.observe(ms(100), answers(1, 5, 1, 5));
        watch.observe(ms(200), answers(2, 5, 1, 5));
        watch.observe(ms(20_200), answers(8, 5, 1, 5));
        assertThat(watch.lastContactNanos()).isEqualTo(ms(200 - 5));
        assertThat(watch.safe(ms(20_200))).isFalse();
    }

    @Test
    void anUnknownRoundTripProvesNothing() {
        SessionWatch watch = new SessionWatch(SESSION, MARGIN, ms(0));
        watch.observe(ms(1_000), answers(0, Double.NaN, 0, Double.NaN));
        watch.observe(ms(1_100), answers(1, Double.NaN, 0, Double.NaN));
        assertThat(watch.safe(ms(1_100))).isFalse();
    }

    @Test
    void provenContactNeverMovesBackwards() {
        SessionWatch watch = new SessionWatch(SESSION, MARGIN, ms(0));
        watch.observe(ms(1_000), answers(1, 10, 1, 10));
        watch.observe(ms(1_100), answers(2, 5_000, 1, 10)); // a slow answer proves an older contact
        assertThat(watch.lastContactNanos()).isEqualTo(ms(0 - 10));
    }
}
