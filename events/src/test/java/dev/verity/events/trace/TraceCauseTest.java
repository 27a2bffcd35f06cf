package dev.verity.events.trace;

import dev.verity.events.Applied;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceCauseTest {

    static final String VALUE = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    static final TraceParent PARENT = new TraceParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true);

    @Test
    void aNewEventIsTheParentOfTheSpanThatProcessesIt() {
        assertThat(TraceCause.of(VALUE, false)).isEqualTo(new TraceCause.ChildOf(PARENT));
    }

    @Test
    void aReplayedEventIsOnlyLinked() {
        assertThat(TraceCause.of(VALUE, true)).isEqualTo(new TraceCause.LinkedTo(PARENT));
    }

    @Test
    void laterWorkForAnEventIsLinkedNeverAChild() {
        assertThat(TraceCause.later(VALUE)).isEqualTo(new TraceCause.LinkedTo(PARENT));
        assertThat(TraceCause.later(null)).isEqualTo(TraceCause.ROOT);
    }

    @Test
    void withoutAValidContextTheSpanStartsATrace() {
        for (String bad : new String[] {null, "", "garbage", "00-" + "0".repeat(32) + "-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-" + "0".repeat(16) + "-01",
                "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"}) {
            assertThat(TraceCause.of(bad, false)).as(bad).isEqualTo(TraceCause.ROOT);
            assertThat(TraceCause.of(bad, true)).as(bad).isEqualTo(TraceCause.ROOT);
        }
    }

    @Test
    void traceparentRoundTripsAndReadsLaterVersionsAndTheSampledFlag() {
        assertThat(TraceParent.parse(VALUE)).contains(PARENT);
        assertThat(PARENT.toString()).isEqualTo(VALUE);
        assertThat(TraceParent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00").orElseThrow().sampled())
                .isFalse();
        assertThat(TraceParent.parse("cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-the-future-adds"))
                .as("a later version is read by its first fields").contains(PARENT);
        assertThat(TraceParent.traceIdOf(VALUE)).contains("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThatThrownBy(() -> new TraceParent("abc", "00f067aa0ba902b7", true))
                .hasMessageContaining("trace id 'abc'");
    }

    @Test
    void theCodecWritesTheProducersContextAndDerivesOneWithoutIt() {
        EventCodec codec = new EventCodec();
        Applied applied = new Applied(new TargetKey("local", "shop", "prod"), "https://git.example.com/gitops.git",
                "fd489864e7642b48eaad6e3f155c10e46810ec72", "sha256:ab",
                List.of(new ObjectRef("apps/v1", "Deployment", "shop-prod", "web")));
        assertThat(codec.decodeEnvelope(codec.encode(applied, VALUE)).traceparent()).isEqualTo(VALUE);
        assertThat(codec.decodeEnvelope(codec.encode(applied, null)).traceparent())
                .isEqualTo(codec.decodeEnvelope(codec.encode(applied, "not a traceparent")).traceparent())
                .isEqualTo(EventCodec.traceparentOf(applied));
        assertThat(codec.decodeEnvelope(codec.encode(applied, VALUE)).id())
                .as("the id does not depend on the trace context: a re-published event keeps it")
                .isEqualTo(EventCodec.idOf(applied));
    }
}
