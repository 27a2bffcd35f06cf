package dev.verity.testkit.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/** Broker settings shared by the in-process and child-process brokers: one node, fast, large messages allowed. */
final class BrokerSettings {
    private BrokerSettings() {
    }

    static Map<String, String> forTests() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("unstable.api.versions.enable", "false");
        p.put("unstable.feature.versions.enable", "false");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // as in production: every topic is provisioned (dev.verity.events.topics), none is created on first use
        p.put("auto.create.topics.enable", "false");
        // desired-state records may reach 16 MiB (Topics.DESIRED_MAX_MESSAGE_BYTES) plus batch overhead
        p.put("message.max.bytes", String.valueOf(17 * 1024 * 1024));
        p.put("replica.fetch.max.bytes", String.valueOf(17 * 1024 * 1024));
        p.put("log.cleaner.backoff.ms", "1000");
        return p;
    }
}
