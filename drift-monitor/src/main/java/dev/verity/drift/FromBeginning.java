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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads both input topics from the beginning when the monitor starts, whatever the committed offsets: state comes
 * from the topics, not from the consumer group. Later rebalances keep their positions, so a rebalance never replays
 * old desired states against a newer cluster.
 */
@ApplicationScoped
@Identifier("verity-drift-from-beginning")
public class FromBeginning implements KafkaConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(FromBeginning.class);

    @Inject
    DriftService service;

    private final Set<TopicPartition> seen = ConcurrentHashMap.newKeySet();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        List<TopicPartition> fresh = partitions.stream().filter(seen::add).toList();
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
