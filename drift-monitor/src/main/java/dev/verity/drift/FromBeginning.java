package dev.verity.drift;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads every input partition from the beginning the first time this process is assigned it, whatever the group's
 * offsets: state comes from the topics, not from the consumer group (each process has a group of its own, and
 * commits nothing). A partition assigned again (the consumer rejoined its group) is resumed where this process left
 * it, so old desired states are never replayed against a newer cluster.
 */
@ApplicationScoped
@Identifier("verity-drift-from-beginning")
public class FromBeginning implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(FromBeginning.class);

    @Inject
    DriftService service;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        List<TopicPartition> fresh = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            Long at = service.catchUp().position(tp.topic(), tp.partition());
            if (at == null) {
                fresh.add(tp);
            } else {
                LOG.debugf("resuming %s at offset %d", tp, at);
                consumer.seek(tp, at);
            }
        }
        if (fresh.isEmpty()) return;
        consumer.seekToBeginning(fresh);
        Map<TopicPartition, Long> beginning = consumer.beginningOffsets(fresh);
        Map<TopicPartition, Long> end = consumer.endOffsets(fresh);
        boolean caughtUp = false;
        for (TopicPartition tp : fresh) {
            long from = beginning.getOrDefault(tp, 0L);
            long to = end.getOrDefault(tp, 0L);
            LOG.debugf("reading %s from offset %d (ends at %d)", tp, from, to);
            caughtUp |= service.catchUp().assigned(tp.topic(), tp.partition(), from, to);
        }
        if (caughtUp) service.caughtUp();
    }
}
