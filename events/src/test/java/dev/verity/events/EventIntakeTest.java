package dev.verity.events;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decision every consumer makes for a record: act on it, skip and count it, or send it to the dead-letter topic. */
class EventIntakeTest {

    final EventCodec codec = new EventCodec();
    final EventIntake intake = new EventIntake("test-service", codec);

    static String cloudEvent(String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/verity/future\",\"type\":\"" + type + "\","
                + "\"subject\":\"local/shop/prod\",\"datacontenttype\":\"application/json\",\"data\":" + data + "}";
    }

    @Test
    void aKnownEventIsReturned() {
        VerityEvent applied = EventCodecTest.oneOfEach().get(5);
        assertThat(intake.acceptEvent("verity.rollout", 2, 7, codec.encode(applied))).contains(applied);
        assertThat(intake.skippedByType()).isEmpty();
    }

    @Test
    void aWellFormedEventOfANewTypeIsSkippedAndCountedPerType() {
        assertThat(intake.accept("verity.rollout", 0, 1, cloudEvent("dev.verity.something.new.v1", "{\"x\":1}"))).isEmpty();
        assertThat(intake.accept("verity.rollout", 0, 2, cloudEvent("dev.verity.something.new.v1", "{}"))).isEmpty();
        assertThat(intake.accept("verity.drift", 3, 9, cloudEvent("dev.verity.other.v1", "\"not even an object\"")))
                .isEmpty();
        assertThat(intake.skippedByType()).isEqualTo(Map.of("dev.verity.something.new.v1", 2L, "dev.verity.other.v1", 1L));
    }

    @Test
    void aListenerHearsOfEachSkippedTypeOnceWithTypesSeenBeforeItWasAdded() {
        intake.accept("verity.rollout", 0, 1, cloudEvent("dev.verity.early.v1", "{}"));
        List<String> told = new java.util.ArrayList<>();
        intake.onSkippedType(told::add);
        assertThat(told).containsExactly("dev.verity.early.v1");

        intake.accept("verity.rollout", 0, 2, cloudEvent("dev.verity.early.v1", "{}"));
        intake.accept("verity.rollout", 0, 3, cloudEvent("dev.verity.late.v1", "{}"));
        intake.accept("verity.rollout", 0, 4, cloudEvent("dev.verity.late.v1", "{}"));
        intake.acceptEvent("verity.rollout", 0, 5, codec.encode(EventCodecTest.oneOfEach().get(5)));

        assertThat(told).containsExactly("dev.verity.early.v1", "dev.verity.late.v1");
        assertThat(intake.skipped("dev.verity.early.v1")).isEqualTo(2);
        assertThat(intake.skipped("dev.verity.late.v1")).isEqualTo(2);
        assertThat(intake.skipped("dev.verity.never.v1")).isZero();
    }

    @Test
    void aFailingListenerDoesNotStopTheSkip() {
        intake.onSkippedType(type -> {
            throw new IllegalStateException("registry closed");
        });
        assertThat(intake.accept("verity.rollout", 0, 1, cloudEvent("dev.verity.new.v1", "{}"))).isEmpty();
        assertThat(intake.skipped("dev.verity.new.v1")).isEqualTo(1);
    }

    @Test
    void aNewerVersionOfAKnownTypeIsSkippedWhateverItsData() {
        assertThat(codec.read(cloudEvent("dev.verity.rollout.applied.v2", "{\"target\":{\"renamed\":true}}")))
                .isEqualTo(new Decoded.UnknownType("dev.verity.rollout.applied.v2", "e-1", "/verity/future"));
        assertThat(intake.accept("verity.rollout", 0, 5, cloudEvent("dev.verity.rollout.applied.v2", "{}"))).isEmpty();
        assertThat(intake.skippedByType()).containsEntry("dev.verity.rollout.applied.v2", 1L);
    }

    @Test
    void recordsThatCannotBeDecodedGoToTheDeadLetterTopicNamingTheRecord() {
        List<String> undecodable = List.of(
                "this is not a CloudEvent {",
                "[1,2]",
                "{\"specversion\":\"0.3\",\"id\":\"1\",\"source\":\"/x\",\"type\":\"dev.verity.x.v1\"}",
                "{\"specversion\":\"1.0\",\"source\":\"/x\",\"type\":\"dev.verity.x.v1\"}",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"type\":\"dev.verity.x.v1\"}",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/x\"}",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/x\",\"type\":\"\"}",
                "{\"specversion\":\"1.0\",\"id\":\"1\",\"source\":\"/x\",\"type\":42}",
                cloudEvent("dev.verity.rollout.applied.v1", "{\"repo\":\"r\"}"),
                cloudEvent("dev.verity.rollout.applied.v1", "[]"));
        for (String value : undecodable) {
            assertThatThrownBy(() -> intake.accept("verity.rollout", 1, 42, value)).as(value)
                    .isInstanceOf(EventFormatException.class)
                    .hasMessageContaining("record verity.rollout-1@42 cannot be decoded")
                    .hasMessageContaining("verity.rollout.dlq");
        }
        assertThatThrownBy(() -> intake.accept("verity.desired.local", 0, 3, null))
                .hasMessageContaining("tombstone");
        assertThat(intake.skippedByType()).isEmpty();
    }

    @Test
    void decodeWithoutToleranceStillRefusesUnknownTypes() {
        assertThatThrownBy(() -> codec.decode(cloudEvent("dev.verity.something.new.v1", "{}")))
                .isInstanceOf(EventFormatException.class)
                .hasMessageContaining("unknown event type 'dev.verity.something.new.v1'");
    }
}
