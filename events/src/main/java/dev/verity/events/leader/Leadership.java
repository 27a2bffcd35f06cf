package dev.verity.events.leader;

import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Active/standby for one service (and cluster): every replica starts a {@code Leadership} on the same control topic
 * and consumer group; the member the group assigns the topic's partition 0 is the leader. Records on the topic are
 * never read (the partition is paused); the topic exists only to be assigned.
 *
 * <h2>How</h2>
 * One daemon thread owns a {@link KafkaConsumer} with the classic group protocol and the cooperative sticky
 * assignor (a standby joining or leaving does not move the partition away from the leader), session timeout from
 * {@link LeadershipSettings#sessionTimeout()}, heartbeat interval a third of it. It polls every
 * {@value #POLL_MILLIS} ms. Assigned partition 0 → {@link LeadershipListener#elected()}; revoked or lost →
 * {@link LeadershipListener#deposed}. Listener calls happen on that thread, in order, never concurrently; one that
 * throws is logged. {@link #close()} leaves the group, so a standby is elected at its next heartbeat (within a
 * third of the session timeout) rather than after the session timeout.
 *
 * <h2>Stepping down when the coordinator cannot be reached</h2>
 * Kafka calls {@code onPartitionsLost} only once the consumer reaches the coordinator again, but the group hands a
 * silent member's partition to another member as soon as the session timeout has passed since it last heard from
 * it. So the leader keeps its own clock ({@link SessionWatch}): after every poll it reads the consumer's metrics
 * (group {@code consumer-coordinator-metrics}: {@code heartbeat-total}, {@code heartbeat-response-time-max},
 * {@code sync-total}, {@code sync-time-max}) and works out the latest moment at which the coordinator provably
 * renewed its session. When {@code session timeout - margin} (margin: a fifth of the session timeout, 2 s of the
 * default 10 s) has passed since then, it is deposed with {@link DeposedReason#NO_HEARTBEAT} and rejoins the group as
 * a new member, so it can lead again only through a fresh assignment. Answered heartbeats are counted rather than
 * {@code last-heartbeat-seconds-ago} read, because that metric measures sends and heartbeats are sent on schedule
 * whether or not they are answered (a silent network partition), and it has a resolution of one second.
 * {@link #isLeader()} applies the same deadline itself, so it turns false in time even when the leadership thread is
 * held up (e.g. in a listener).
 *
 * <h2>What this does not guarantee</h2>
 * <ul>
 *   <li>A JVM paused (GC, a stopped container, a suspended VM) for longer than the margin can find itself past the
 *   deadline having checked {@link #isLeader()} just before the pause, and write once more after another replica was
 *   elected. Writes are therefore also fenced where they land: the applier writes a target's inventory ConfigMap
 *   with its resourceVersion as precondition, so the stale write fails.</li>
 *   <li>The margin is what the work has to stop in: {@code deposed} and the code that checks {@code isLeader()}
 *   must stop writing within it. Clocks are {@link System#nanoTime()}; round trips come from Kafka's wall-clock
 *   measurements.</li>
 *   <li>A member removed from the group by an administrator (or fenced) learns it at its next heartbeat, up to a
 *   heartbeat interval later; only the fencing above covers that window.</li>
 *   <li>A rebalance whose JoinGroup phase waits longer than {@code session timeout - margin} for another member
 *   (e.g. one that crashed without leaving) suspends heartbeats that long, so the leader steps down and rejoins;
 *   leadership then goes to whichever member the rebalance assigns. Safe, but a needless hand-over.</li>
 *   <li>The group protocol is {@code classic}: the newer {@code consumer} protocol (KIP-848) takes its session
 *   timeout from the broker, not the client, and has not been shown to work with the test broker here.</li>
 * </ul>
 */
public final class Leadership implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Leadership.class.getName());
    static final long POLL_MILLIS = 100;
    static final String METRIC_GROUP = "consumer-coordinator-metrics";
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(2);

    private final LeadershipSettings settings;
    private final LeadershipListener listener;
    private final TopicPartition partition;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile boolean crashing;
    private volatile boolean leader;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile SessionWatch watch;
    private volatile long electedNanos;
    private volatile long deposedNanos;
    /** Whether the group's current assignment gives this member partition 0 (leadership thread only). */
    private boolean owned;
    /** Owned but not led (the deadline passed): rejoin as a new member (leadership thread only). */
    private boolean rejoin;

    private Leadership(LeadershipSettings settings, LeadershipListener listener) {
        this.settings = settings;
        this.listener = listener;
        this.partition = new TopicPartition(settings.topic(), 0);
        this.thread = new Thread(this::run, settings.groupId() + "-leadership");
        this.thread.setDaemon(true);
    }

    /** Joins the group and keeps taking part until {@link #close()}. Returns at once; the listener hears the rest. */
    public static Leadership start(LeadershipSettings settings, LeadershipListener listener) {
        if (listener == null) throw new IllegalArgumentException("leadership of " + settings.topic() + " needs a listener");
        Leadership leadership = new Leadership(settings, listener);
        leadership.thread.start();
        return leadership;
    }

    /** True between {@code elected()} and {@code deposed()}, and only while the session deadline has not passed. */
    public boolean isLeader() {
        SessionWatch w = watch;
        return leader && w != null && w.safe(System.nanoTime());
    }

    public LeadershipSettings settings() {
        return settings;
    }

    /** Leaves the group (a standby takes over at its next heartbeat) and stops the thread; deposes first if leading. */
    @Override
    public void close() {
        stop(false);
    }

    /** For tests: stops as a crashed process would look to the group, without leaving it. */
    void crash() {
        stop(true);
    }

    /** For tests: {@link System#nanoTime()} of the last election and deposal, 0 before the first. */
    long electedNanos() {
        return electedNanos;
    }

    long deposedNanos() {
        return deposedNanos;
    }

    private void stop(boolean crash) {
        crashing = crash;
        closing = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) c.wakeup();
        if (Thread.currentThread() == thread) return; // called from a listener: the loop ends after it returns
        try {
            if (!stopped.await(CLOSE_TIMEOUT.toMillis() * 3, TimeUnit.MILLISECONDS)) {
                LOG.log(System.Logger.Level.WARNING, describe() + ": the leadership thread did not stop in time;"
                        + " it is a daemon thread and ends with the JVM");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (!closing) {
                try {
                    takePart();
                } catch (WakeupException e) {
                    // close() or crash(): the loop condition ends it
                } catch (RuntimeException e) {
                    if (closing) break;
                    LOG.log(System.Logger.Level.ERROR, describe() + ": the Kafka consumer failed (" + e
                            + "); joining again in " + RETRY_AFTER_FAILURE.toSeconds() + " s", e);
                    depose(DeposedReason.FAILED);
                    closeConsumer(CloseOptions.GroupMembershipOperation.DEFAULT);
                    sleep(RETRY_AFTER_FAILURE);
                }
            }
        } finally {
            closeConsumer(crashing ? CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP
                    : CloseOptions.GroupMembershipOperation.DEFAULT);
            depose(DeposedReason.CLOSED);
            stopped.countDown();
        }
    }

    /** One consumer's life: join, poll, watch the session, until closing or a failure. */
    private void takePart() {
        KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer = c;
        owned = false;
        rejoin = false;
        SessionWatch w = new SessionWatch(settings.sessionTimeout(), settings.margin(), System.nanoTime());
        watch = w;
        Metrics metrics = Metrics.of(c, describe());
        if (closing) return;
        checkTopic(c);
        c.subscribe(List.of(settings.topic()), new Rebalance(c, w, metrics));
        LOG.log(System.Logger.Level.INFO, describe() + ": joined as standby (session timeout "
                + settings.sessionTimeout().toMillis() + " ms)");
        while (!closing) {
            c.poll(Duration.ofMillis(POLL_MILLIS));
            long now = System.nanoTime();
            w.observe(now, metrics.read());
            if (leader && !w.safe(now)) {
                LOG.log(System.Logger.Level.WARNING, describe() + ": no heartbeat answered for "
                        + w.sinceContact(now).toMillis() + " ms (session timeout " + settings.sessionTimeout().toMillis()
                        + " ms): stepping down before the group can hand the partition on");
                depose(DeposedReason.NO_HEARTBEAT);
                rejoin = true;
            }
            if (rejoin) {
                rejoin = false;
                owned = false;
                c.unsubscribe();
                c.subscribe(List.of(settings.topic()), new Rebalance(c, w, metrics));
                LOG.log(System.Logger.Level.INFO, describe() + ": rejoining the group as a new member");
            }
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final SessionWatch watch;
        private final Metrics metrics;

        Rebalance(KafkaConsumer<byte[], byte[]> consumer, SessionWatch watch, Metrics metrics) {
            this.consumer = consumer;
            this.watch = watch;
            this.metrics = metrics;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            consumer.pause(partitions); // the records never matter
            if (!partitions.contains(partition) || owned) return;
            owned = true;
            long now = System.nanoTime();
            watch.observe(now, metrics.read());
            if (watch.safe(now)) {
                elect();
            } else {
                LOG.log(System.Logger.Level.WARNING, describe() + ": assigned the leader partition, but no contact with"
                        + " the group coordinator for " + watch.sinceContact(now).toMillis() + " ms; rejoining");
                rejoin = true;
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.contains(partition)) return;
            owned = false;
            depose(closing ? DeposedReason.CLOSED : DeposedReason.REVOKED);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (!partitions.contains(partition)) return;
            owned = false;
            depose(closing ? DeposedReason.CLOSED : DeposedReason.LOST);
        }
    }

    private void elect() {
        leader = true;
        electedNanos = System.nanoTime();
        LOG.log(System.Logger.Level.INFO, describe() + ": elected leader");
        try {
            listener.elected();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            LOG.log(System.Logger.Level.ERROR, describe() + ": the leadership listener failed in elected(): " + e, e);
        }
    }

    private void depose(DeposedReason reason) {
        if (!leader) return;
        leader = false;
        deposedNanos = System.nanoTime();
        LOG.log(System.Logger.Level.INFO, describe() + ": deposed: " + reason.description());
        try {
            listener.deposed(reason);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            LOG.log(System.Logger.Level.ERROR, describe() + ": the leadership listener failed in deposed(" + reason
                    + "): " + e, e);
        }
    }

    private void checkTopic(KafkaConsumer<byte[], byte[]> c) {
        try {
            List<PartitionInfo> partitions = c.partitionsFor(settings.topic(), settings.sessionTimeout());
            if (partitions == null || partitions.isEmpty()) {
                LOG.log(System.Logger.Level.ERROR, describe() + ": the leader topic " + settings.topic()
                        + " does not exist, so no replica can lead; provision it (TopicPlan, ProvisionAtStart)");
            } else if (partitions.size() != 1) {
                LOG.log(System.Logger.Level.WARNING, describe() + ": the leader topic " + settings.topic() + " has "
                        + partitions.size() + " partitions; only partition 0 elects a leader, the plan has 1");
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            LOG.log(System.Logger.Level.WARNING, describe() + ": cannot read the leader topic " + settings.topic()
                    + " yet (" + e.getMessage() + "); joining the group anyway");
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> props = new HashMap<>();
        settings.kafka().forEach((k, v) -> {
            if (ConsumerConfig.configNames().contains(k)) props.put(k, v);
        });
        props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG); // a static member would not leave the group on close
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, settings.groupId() + "@" + settings.member());
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) settings.heartbeatInterval().toMillis());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        return props;
    }

    private void closeConsumer(CloseOptions.GroupMembershipOperation operation) {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c == null) return;
        consumer = null;
        try {
            c.close(CloseOptions.groupMembershipOperation(operation).withTimeout(CLOSE_TIMEOUT));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, describe() + ": closing the Kafka consumer failed: " + e);
        }
    }

    private String describe() {
        return "leadership " + settings.topic() + " (group " + settings.groupId() + ", member " + settings.member() + ")";
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        }
    }

    /** The four coordinator metrics {@link SessionWatch} reads, looked up once per consumer. */
    private record Metrics(Metric heartbeats, Metric heartbeatMax, Metric syncs, Metric syncMax) {
        static Metrics of(KafkaConsumer<?, ?> consumer, String who) {
            Map<MetricName, ? extends Metric> all = consumer.metrics();
            return new Metrics(find(all, "heartbeat-total", who), find(all, "heartbeat-response-time-max", who),
                    find(all, "sync-total", who), find(all, "sync-time-max", who));
        }

        private static Metric find(Map<MetricName, ? extends Metric> all, String name, String who) {
            return all.entrySet().stream()
                    .filter(e -> e.getKey().group().equals(METRIC_GROUP) && e.getKey().name().equals(name))
                    .map(Map.Entry::getValue).findFirst()
                    .orElseThrow(() -> new IllegalStateException(who + ": the Kafka consumer has no metric " + name
                            + " in group " + METRIC_GROUP + "; leadership needs it to step down in time (kafka-clients"
                            + " with the classic group protocol provides it)"));
        }

        SessionWatch.Reading read() {
            return new SessionWatch.Reading(value(heartbeats), value(heartbeatMax), value(syncs), value(syncMax));
        }

        private static double value(Metric m) {
            Object v = m.metricValue();
            return v instanceof Number n ? n.doubleValue() : Double.NaN;
        }
    }
}
