package dev.verity.drift;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Reads every input topic from the beginning while the monitor rebuilds its state, whatever the committed offsets:
 * state comes from the topics, not from the consumer group. Once it compares, a rebalance resumes from the committed
 * offsets instead, so old desired states are never replayed against a newer cluster.
 */
@ApplicationScoped
@Identifier("verity-drift-from-beginning")
public class FromBeginning implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(FromBeginning.class);

    @Inject
    DriftService service;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        if (service.tracker().isReady() || partitions.isEmpty()) return;
        List<TopicPartition> fresh = List.copyOf(partitions);
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
