package dev.verity.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ProduceOrderTest {

    private static final TopicPartition ROLLOUT = new TopicPartition("verity.rollout", 0);
    private static final TopicPartition COMMITS_0 = new TopicPartition("verity.commits", 0);
    private static final TopicPartition COMMITS_1 = new TopicPartition("verity.commits", 1);

    private static ConsumerRecord<String, String> record(TopicPartition tp, long offset, long time, String value) {
        return new ConsumerRecord<>(tp.topic(), tp.partition(), offset, time, TimestampType.CREATE_TIME, 0, 0, "k",
                value, new RecordHeaders(), Optional.empty());
    }

    private static ConsumerRecords<String, String> poll(Map<TopicPartition, List<ConsumerRecord<String, String>>> blocks) {
        return new ConsumerRecords<>(blocks, Map.of());
    }

    @Test
    void aPushIsHandledBeforeTheRenderItCausedWhateverOrderThePollReturnedTheirPartitionsIn() {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> blocks = new LinkedHashMap<>();
        blocks.put(ROLLOUT, List.of(record(ROLLOUT, 7, 1_500, "rendered a1"), record(ROLLOUT, 8, 2_600, "applied a1")));
        blocks.put(COMMITS_1, List.of(record(COMMITS_1, 3, 1_000, "pushed a1"), record(COMMITS_1, 4, 2_000, "pushed b2")));

        assertThat(ProduceOrder.of(poll(blocks))).extracting(ConsumerRecord::value)
                .containsExactly("pushed a1", "rendered a1", "pushed b2", "applied a1");
    }

    @Test
    void aPartitionsOwnOrderIsKeptEvenWhenItsTimestampsGoBackwards() {
        // two producers on hosts whose clocks differ wrote to the same partition: the log's order is the truth
        Map<TopicPartition, List<ConsumerRecord<String, String>>> blocks = new LinkedHashMap<>();
        blocks.put(COMMITS_0, List.of(record(COMMITS_0, 0, 5_000, "first"), record(COMMITS_0, 1, 4_000, "second")));
        blocks.put(ROLLOUT, List.of(record(ROLLOUT, 0, 4_500, "between")));

        List<String> order = ProduceOrder.of(poll(blocks)).stream().map(ConsumerRecord::value).toList();
        assertThat(order.indexOf("first")).isLessThan(order.indexOf("second"));
        assertThat(order).containsExactly("between", "first", "second");
    }

    @Test
    void equalTimestampsKeepThePollsOrderAndNothingIsLostOrRepeated() {
        Map<TopicPartition, List<ConsumerRecord<String, String>>> blocks = new LinkedHashMap<>();
        blocks.put(ROLLOUT, List.of(record(ROLLOUT, 0, 10, "r0"), record(ROLLOUT, 1, 10, "r1")));
        blocks.put(COMMITS_0, List.of(record(COMMITS_0, 0, 10, "c0")));
        blocks.put(COMMITS_1, List.of());

        assertThat(ProduceOrder.of(poll(blocks))).extracting(ConsumerRecord::value).containsExactly("r0", "r1", "c0");
        assertThat(ProduceOrder.of(poll(Map.of()))).isEmpty();
    }
}
