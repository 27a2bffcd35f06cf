package dev.verity.events;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One poll's records in the order they were produced, for a consumer that reads several topics whose events are
 * causally related (the notifier reads a push on {@code verity.commits} and, a moment later, the renderer's
 * {@code Rendered} on {@code verity.rollout}). Kafka orders records within a partition only: a poll returns each
 * partition's records as a block, in an order that has nothing to do with when they were written, so a consumer that
 * fell behind by a second may see the summary of a render before the push that caused it.
 *
 * <p>This merges the partitions' blocks by record timestamp (the producer's {@code CreateTime}; ties keep the
 * partition order of the poll), never reordering records of one partition, whatever their timestamps say. It orders
 * one poll only: a consumer more than {@code max.poll.records} behind may still read an effect in one poll and its
 * cause in the next, so callers must tolerate that too; producers' clocks on different hosts are assumed to be within
 * the time an event takes to cause another (NTP keeps them within milliseconds; a render takes hundreds).
 */
public final class ProduceOrder {

    private ProduceOrder() {
    }

    /** The poll's records, partitions merged by timestamp, each partition's own order kept. */
    public static <K, V> List<ConsumerRecord<K, V>> of(ConsumerRecords<K, V> records) {
        List<List<ConsumerRecord<K, V>>> blocks = new ArrayList<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<K, V>> block = records.records(partition);
            if (!block.isEmpty()) blocks.add(block);
        }
        return merge(blocks);
    }

    /** Merges per-partition blocks (each already in its partition's order) by timestamp, keeping each block's order. */
    static <K, V> List<ConsumerRecord<K, V>> merge(List<List<ConsumerRecord<K, V>>> blocks) {
        if (blocks.size() == 1) return blocks.get(0);
        // a cursor per block, ordered by the timestamp of its next record, then by the block's place in the poll
        record Cursor<K, V>(List<ConsumerRecord<K, V>> block, int rank, int next) {
            long time() {
                return block.get(next).timestamp();
            }
        }
        PriorityQueue<Cursor<K, V>> heads = new PriorityQueue<>(Comparator.<Cursor<K, V>>comparingLong(Cursor::time)
                .thenComparingInt(Cursor::rank));
        int total = 0;
        for (int i = 0; i < blocks.size(); i++) {
            heads.add(new Cursor<>(blocks.get(i), i, 0));
            total += blocks.get(i).size();
        }
        List<ConsumerRecord<K, V>> ordered = new ArrayList<>(total);
        while (!heads.isEmpty()) {
            Cursor<K, V> head = heads.poll();
            ordered.add(head.block().get(head.next()));
            if (head.next() + 1 < head.block().size()) heads.add(new Cursor<>(head.block(), head.rank(), head.next() + 1));
        }
        return ordered;
    }
}
