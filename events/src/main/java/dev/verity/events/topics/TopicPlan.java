package dev.verity.events.topics;

import dev.verity.events.Topics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Every topic Verity uses, with the settings DESIGN.md's contracts give it. The topics of the whole system
 * ({@link #shared}) plus those of each cluster ({@link #forCluster}); every service provisions
 * {@link #of(TopicSettings, Collection)} for the clusters it serves at start, so whichever service starts first,
 * the topics exist as planned and none is left to broker auto-create.
 *
 * <table>
 *   <caption>The plan</caption>
 *   <tr><th>topic</th><th>partitions</th><th>kept</th></tr>
 *   <tr><td>verity.commits</td><td>commit-partitions</td><td>delete, 7 days</td></tr>
 *   <tr><td>verity.desired.&lt;cluster&gt;, verity.applied.&lt;cluster&gt;</td><td>partitions</td>
 *       <td>compacted, zstd, max.message.bytes 16 MiB</td></tr>
 *   <tr><td>verity.rollout, verity.drift</td><td>partitions</td><td>delete, 7 days</td></tr>
 *   <tr><td>verity.incidents</td><td>partitions</td><td>compacted</td></tr>
 *   <tr><td>verity.undelivered</td><td>partitions</td><td>delete, 30 days</td></tr>
 *   <tr><td>&lt;consumed topic&gt;.dlq</td><td>as the topic</td><td>delete, 30 days, the topic's message size</td></tr>
 *   <tr><td>verity.leader.&lt;service&gt;[.&lt;cluster&gt;]</td><td>exactly 1</td><td>delete, 1 day</td></tr>
 * </table>
 */
public final class TopicPlan {

    static final String WEEK = String.valueOf(Duration.ofDays(7).toMillis());
    static final String MONTH = String.valueOf(Duration.ofDays(30).toMillis());
    static final String DAY = String.valueOf(Duration.ofDays(1).toMillis());
    /** The services that run active/standby per cluster, each with its leader topic. */
    static final List<String> PER_CLUSTER_LEADERS = List.of("applier", "drift-monitor");

    private TopicPlan() {
    }

    /** The whole system's topics and those of each of {@code clusters}, in a stable order, each name once. */
    public static List<TopicSpec> of(TopicSettings settings, Collection<String> clusters) {
        List<TopicSpec> plan = new ArrayList<>(shared(settings));
        for (String cluster : new TreeSet<>(clusters)) plan.addAll(forCluster(settings, cluster));
        return plan;
    }

    /** The topics that are not per cluster. */
    public static List<TopicSpec> shared(TopicSettings settings) {
        int p = settings.partitions();
        List<TopicSpec> plan = new ArrayList<>();
        withDeadLetter(plan, new TopicSpec(Topics.COMMITS, settings.commitPartitions(), false, deleteAfter(WEEK),
                "commits pushed, keyed by repository"));
        withDeadLetter(plan, new TopicSpec(Topics.ROLLOUT, p, false, deleteAfter(WEEK),
                "render and rollout events, keyed by target"));
        withDeadLetter(plan, new TopicSpec(Topics.DRIFT, p, false, deleteAfter(WEEK), "drift events, keyed by target"));
        withDeadLetter(plan, new TopicSpec(Topics.REQUESTS, p, false, deleteAfter(DAY),
                "what people ask of Verity (sync now), keyed by target"));
        plan.add(new TopicSpec(Topics.INCIDENTS, p, false, Map.of("cleanup.policy", "compact"),
                "the notifier's incidents, keyed by target"));
        plan.add(new TopicSpec(Topics.UNDELIVERED, p, false, deleteAfter(MONTH),
                "alerts that could not be delivered after retries"));
        plan.add(leader("notifier", null));
        return plan;
    }

    /** The topics of one cluster: its desired and applied state, their dead-letter topics, its leader topics. */
    public static List<TopicSpec> forCluster(TopicSettings settings, String cluster) {
        if (cluster == null || !cluster.matches("[a-z0-9]([-a-z0-9._]*[a-z0-9])?")) {
            throw new IllegalArgumentException("cluster '" + cluster + "' is not a valid cluster name (lower-case"
                    + " letters, digits, '-', '.' and '_'), so it cannot name a topic");
        }
        List<TopicSpec> plan = new ArrayList<>();
        withDeadLetter(plan, new TopicSpec(Topics.desired(cluster), settings.partitions(), false, largeCompacted(),
                "the latest desired state of every target on " + cluster));
        withDeadLetter(plan, new TopicSpec(Topics.applied(cluster), settings.partitions(), false, largeCompacted(),
                "what the applier applied to each target on " + cluster));
        for (String service : PER_CLUSTER_LEADERS) plan.add(leader(service, cluster));
        return plan;
    }

    private static void withDeadLetter(List<TopicSpec> plan, TopicSpec topic) {
        plan.add(topic);
        Map<String, String> dlq = new LinkedHashMap<>(deleteAfter(MONTH));
        // a poison record can be as large as the topic allows, and must fit on its dead-letter topic
        if (topic.configs().containsKey("max.message.bytes")) {
            dlq.put("max.message.bytes", topic.configs().get("max.message.bytes"));
            dlq.put("compression.type", topic.configs().get("compression.type"));
        }
        plan.add(new TopicSpec(Topics.deadLetter(topic.name()), topic.partitions(), false, dlq,
                "records of " + topic.name() + " that could not be decoded or processed"));
    }

    private static TopicSpec leader(String service, String cluster) {
        return new TopicSpec(Topics.leader(service, cluster), 1, true, deleteAfter(DAY),
                "control topic: the replica of " + service + (cluster == null ? "" : " for " + cluster)
                        + " assigned its one partition is the active one");
    }

    private static Map<String, String> deleteAfter(String millis) {
        return Map.of("cleanup.policy", "delete", "retention.ms", millis);
    }

    private static Map<String, String> largeCompacted() {
        return Map.of("cleanup.policy", "compact", "compression.type", "zstd",
                "max.message.bytes", String.valueOf(Topics.DESIRED_MAX_MESSAGE_BYTES));
    }
}
