package dev.verity.renderer.service;

import dev.verity.events.CommitPartitions;
import dev.verity.events.DesiredState;
import dev.verity.renderer.render.RepositoryLease;
import dev.verity.renderer.render.RepositoryReconciler;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Which repositories this renderer replica owns: the {@code commits} channel's rebalance listener. All replicas
 * consume {@code verity.commits} in one consumer group ({@code verity-renderer}); a configured repository is owned by
 * the replica assigned the partition Kafka's default partitioner chooses for its key, the repository's
 * {@code RepoIdentity} ({@link CommitPartitions#of}) — the partition every webhook for it lands on. A single replica
 * is assigned every partition and owns every repository.
 *
 * <p>After each assignment or revocation the owned set is computed again from the whole assignment and the topic's
 * current partition count. A repository gained gets a new {@link RepositoryLease} term at once (not held yet); on a
 * worker thread its state is then rebuilt from the desired-state topics, read after the assignment
 * ({@link RepositoryReconciler#takeOver}), the lease is held, and its head is rendered — unchanged targets are
 * skipped, as after a restart. A repository lost is revoked here, on the consumer's thread, before the callback
 * returns: {@link RepositoryLease#revoke()} waits for a send in progress, and no render of that repository publishes
 * afterwards. The group gives the partition to its new owner only after this callback returned (the cooperative
 * sticky assignor revokes in one rebalance and assigns in the next), so the new owner never publishes before the old
 * one has stopped, and the head it renders is at least as new as any the old one published.
 */
@ApplicationScoped
@Identifier(Ownership.NAME)
public class Ownership implements KafkaConsumerRebalanceListener {

    /** The listener's name, as {@code mp.messaging.incoming.commits.consumer-rebalance-listener.name} says. */
    public static final String NAME = "verity-renderer-ownership";
    private static final Logger LOG = Logger.getLogger(Ownership.class);

    @Inject
    Repositories repositories;

    @Inject
    Reconciliations reconciliations;

    @ConfigProperty(name = "mp.messaging.incoming.commits.topic", defaultValue = "verity.commits")
    String topic;

    private final Set<RepositoryReconciler> owned = new HashSet<>();
    private final ExecutorService handovers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "verity-renderer-handover");
        t.setDaemon(true);
        return t;
    });

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        update(consumer, consumer.assignment(), "assigned " + partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<TopicPartition> remaining = new HashSet<>(consumer.assignment());
        remaining.removeAll(partitions);
        update(consumer, remaining, "revoked " + partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        Set<TopicPartition> remaining = new HashSet<>(consumer.assignment());
        remaining.removeAll(partitions);
        update(consumer, remaining, "lost " + partitions + " (out of the group)");
    }

    /** The repositories this replica owns now, by URL. */
    public synchronized List<String> ownedRepositories() {
        return owned.stream().map(RepositoryReconciler::url).sorted().toList();
    }

    private synchronized void update(Consumer<?, ?> consumer, Collection<TopicPartition> assignment, String change) {
        Set<Integer> mine = new TreeSet<>();
        for (TopicPartition p : assignment) if (p.topic().equals(topic)) mine.add(p.partition());
        int partitions = mine.isEmpty() ? 0 : partitionCount(consumer);
        Map<RepositoryReconciler, Long> gained = new LinkedHashMap<>();
        List<String> lost = new ArrayList<>();
        for (RepositoryReconciler reconciler : repositories.all()) {
            boolean mineNow = partitions > 0 && mine.contains(CommitPartitions.of(reconciler.url(), partitions));
            if (mineNow && owned.add(reconciler)) {
                gained.put(reconciler, reconciler.lease().assign());
            } else if (!mineNow && owned.remove(reconciler)) {
                reconciler.lease().revoke(); // returns once a send in progress has ended; nothing is sent after it
                lost.add(reconciler.url());
            }
        }
        if (!gained.isEmpty() || !lost.isEmpty()) {
            LOG.infof("%s of %s: this renderer owns %d of %d repositories (partitions %s%s); gained %s, handed over %s",
                    change, topic, owned.size(), repositories.all().size(), mine, partitions > 0 ? " of " + partitions : "",
                    gained.keySet().stream().map(RepositoryReconciler::url).toList(), lost);
        }
        if (!gained.isEmpty()) handovers.submit(() -> takeOver(gained));
    }

    /**
     * Rebuilds each gained repository's state from one read of the desired-state topics (made after every lease above
     * was assigned, so after any send of an earlier term ended), then renders its head; repositories in parallel.
     */
    private void takeOver(Map<RepositoryReconciler, Long> gained) {
        Once<Map<String, List<DesiredState>>> published = new Once<>(repositories::lastPublished);
        for (Map.Entry<RepositoryReconciler, Long> repo : gained.entrySet()) {
            RepositoryReconciler reconciler = repo.getKey();
            handovers.submit(() -> {
                try {
                    repositories.restored(); // the first read, before any repository is seeded (once)
                    if (reconciler.takeOver(repo.getValue(), () -> Repositories.of(reconciler, published.get()))) {
                        reconciliations.run(reconciler, "partition assigned");
                    }
                } catch (RuntimeException e) {
                    LOG.errorf(e, "%s: cannot take it over: %s. Trying again in 5 s while this renderer keeps its"
                            + " partition; until then it is not rendered", reconciler.url(), e.getMessage());
                    retryLater(reconciler, repo.getValue());
                }
            });
        }
    }

    /** A value computed once, by the first caller. */
    private static final class Once<T> implements Supplier<T> {
        private final Supplier<T> compute;
        private T value;

        Once(Supplier<T> compute) {
            this.compute = compute;
        }

        @Override
        public synchronized T get() {
            if (value == null) value = compute.get();
            return value;
        }
    }

    private void retryLater(RepositoryReconciler reconciler, long assigned) {
        // the desired-state topics could not be read: try again while the assignment stands
        handovers.submit(() -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (!reconciler.lease().isCurrent(assigned)) return;
            takeOver(Map.of(reconciler, assigned));
        });
    }

    private int partitionCount(Consumer<?, ?> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic);
        return infos == null ? 0 : infos.size();
    }

    void stop(@Observes ShutdownEvent ignored) {
        handovers.shutdownNow();
    }
}
