package dev.verity.applier;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

import java.util.Collection;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Reads every assigned partition of the desired-state topic from its beginning, whatever offsets the group
 * committed, and tells the replay where each backlog ends.
 */
@ApplicationScoped
@Identifier(RebuildFromStart.NAME)
public class RebuildFromStart implements KafkaConsumerRebalanceListener {

    static final String NAME = "verity-applier.rebuild-from-start";

    private static final Logger LOG = Logger.getLogger(RebuildFromStart.class);

    @Inject
    DesiredStateConsumer consumer;

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> kafka, Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) return;
        Map<TopicPartition, Long> end = kafka.endOffsets(partitions);
        kafka.seekToBeginning(partitions);
        consumer.replay().assigned(end.entrySet().stream()
                .collect(Collectors.toMap(e -> e.getKey().partition(), Map.Entry::getValue)));
        LOG.infof("rebuilding desired state from the start of %s (records before offsets %s are replayed, then the"
                + " latest per target is applied)", partitions, end);
    }
}
