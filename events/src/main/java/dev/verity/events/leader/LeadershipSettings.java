package dev.verity.events.leader;

import dev.verity.events.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a replica takes part in one leadership group: the Kafka client settings (bootstrap servers, security), the
 * control topic, the consumer group, a description of this member for logs, and the session timeout.
 *
 * @param kafka          Kafka client settings; only consumer settings are used ({@code bootstrap.servers} required)
 * @param topic          the single-partition control topic, e.g. {@code verity.leader.applier.eu-1}
 * @param groupId        the consumer group whose members compete, e.g. {@code verity-leader-applier-eu-1}
 * @param member         this replica for logs (sent as part of {@code client.id}), e.g. {@code host-4711}
 * @param sessionTimeout how long the group waits for a silent member before handing its partition on; the
 *                       broker accepts {@code group.min.session.timeout.ms} (6 s) to
 *                       {@code group.max.session.timeout.ms} (30 min) by default
 */
public record LeadershipSettings(Map<String, Object> kafka, String topic, String groupId, String member,
        Duration sessionTimeout) {

    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);

    public LeadershipSettings {
        if (kafka == null || kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) == null) {
            throw new IllegalArgumentException("no bootstrap.servers in the Kafka settings for leadership of topic "
                    + topic + ": set kafka.bootstrap.servers");
        }
        kafka = Map.copyOf(kafka);
        require(topic, "topic");
        require(groupId, "groupId");
        require(member, "member");
        if (sessionTimeout == null || sessionTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("session timeout " + sessionTimeout + " for leadership of " + topic
                    + " is too short: give at least 1 s, and no less than the broker's group.min.session.timeout.ms (6 s by"
                    + " default)");
        }
    }

    /**
     * The settings of {@code service}'s leadership for {@code cluster} (null for a service that is not per cluster):
     * topic {@link Topics#leader}, group {@code verity-leader-<service>[-<cluster>]}, this host and process id as
     * member, {@link #DEFAULT_SESSION_TIMEOUT}.
     *
     * @param kafka Kafka client settings: a {@code Map<String, ?>} or {@link java.util.Properties}
     */
    public static LeadershipSettings of(Map<?, ?> kafka, String service, String cluster) {
        require(service, "service");
        Map<String, Object> copy = new LinkedHashMap<>();
        if (kafka != null) kafka.forEach((k, v) -> {
            if (k != null && v != null) copy.put(String.valueOf(k), v);
        });
        return new LeadershipSettings(copy, Topics.leader(service, cluster),
                "verity-leader-" + service + (cluster == null ? "" : "-" + cluster), thisProcess(),
                DEFAULT_SESSION_TIMEOUT);
    }

    /** {@link #of(Map, String, String)} with only the bootstrap servers. */
    public static LeadershipSettings of(String bootstrapServers, String service, String cluster) {
        return of(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), service, cluster);
    }

    public LeadershipSettings withSessionTimeout(Duration timeout) {
        return new LeadershipSettings(kafka, topic, groupId, member, timeout);
    }

    public LeadershipSettings withMember(String description) {
        return new LeadershipSettings(kafka, topic, groupId, description, sessionTimeout);
    }

    /** A third of the session timeout, as Kafka recommends. */
    public Duration heartbeatInterval() {
        return sessionTimeout.dividedBy(3);
    }

    /** A fifth of the session timeout: how long before the group may hand the partition on the leader steps down. */
    public Duration margin() {
        return sessionTimeout.dividedBy(5);
    }

    /** {@code host-pid} of this JVM. */
    static String thisProcess() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid();
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("leadership needs a " + what + "; got '" + value + "'");
        }
    }
}
