package dev.verity.drift.core;

import dev.verity.events.ObjectRef;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LiveReadsTest {

    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop", "web");

    @Test
    void aCachedVersionOlderThanALiveReadIsStaleUntilTheCacheCatchesUp() {
        LiveReads reads = new LiveReads();
        assertThat(reads.stale(WEB, version("3"))).as("never read live").isFalse();

        reads.read(WEB, version("7"));
        assertThat(reads.stale(WEB, version("5"))).isTrue();
        assertThat(reads.stale(WEB, version("6"))).isTrue();
        assertThat(reads.stale(WEB, version("7"))).as("caught up").isFalse();
        assertThat(reads.waiting()).isZero();
        assertThat(reads.stale(WEB, version("5"))).as("trusted again once caught up").isFalse();
    }

    @Test
    void versionsThatAreNotIntegersAndAbsentObjectsAreNeverStale() {
        LiveReads reads = new LiveReads();
        reads.read(WEB, version("opaque-7"));
        assertThat(reads.stale(WEB, version("5"))).isFalse();

        reads.read(WEB, version("9"));
        assertThat(reads.stale(WEB, Observation.absent())).as("a deletion is never held back").isFalse();

        reads.read(WEB, version("9"));
        reads.read(WEB, Observation.absent());
        assertThat(reads.stale(WEB, version("4"))).isFalse();
    }

    private static Observation version(String resourceVersion) {
        return Observation.present("{}", resourceVersion);
    }
}
