package dev.verity.events.topics;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicPlanTest {

    static final String SIXTEEN_MIB = String.valueOf(16 * 1024 * 1024);

    static Map<String, TopicSpec> byName(List<TopicSpec> plan) {
        return plan.stream().collect(Collectors.toMap(TopicSpec::name, s -> s));
    }

    @Test
    void everyTopicOfTheContractsIsPlannedOnce() {
        List<TopicSpec> plan = TopicPlan.of(TopicSettings.DEFAULTS, List.of("prod-eu", "local", "prod-eu"));
        assertThat(plan).extracting(TopicSpec::name).doesNotHaveDuplicates().containsExactlyInAnyOrder(
                "verity.commits", "verity.commits.dlq", "verity.rollout", "verity.rollout.dlq", "verity.drift",
                "verity.drift.dlq", "verity.requests", "verity.requests.dlq", "verity.incidents", "verity.undelivered",
                "verity.leader.notifier",
                "verity.desired.local", "verity.desired.local.dlq", "verity.applied.local", "verity.applied.local.dlq",
                "verity.leader.applier.local", "verity.leader.drift-monitor.local",
                "verity.desired.prod-eu", "verity.desired.prod-eu.dlq", "verity.applied.prod-eu",
                "verity.applied.prod-eu.dlq", "verity.leader.applier.prod-eu", "verity.leader.drift-monitor.prod-eu");
    }

    @Test
    void desiredAndAppliedStateAreCompactedZstdAndTakeSixteenMebibytes() {
        Map<String, TopicSpec> plan = byName(TopicPlan.of(TopicSettings.DEFAULTS, List.of("local")));
        for (String name : List.of("verity.desired.local", "verity.applied.local")) {
            assertThat(plan.get(name).configs()).as(name).isEqualTo(Map.of("cleanup.policy", "compact",
                    "compression.type", "zstd", "max.message.bytes", SIXTEEN_MIB));
        }
        assertThat(plan.get("verity.incidents").configs()).containsEntry("cleanup.policy", "compact");
        assertThat(plan.get("verity.desired.local.dlq").configs()).as("a poison desired state must fit its DLQ")
                .containsEntry("max.message.bytes", SIXTEEN_MIB).containsEntry("cleanup.policy", "delete");
        assertThat(plan.get("verity.commits").configs()).isEqualTo(Map.of("cleanup.policy", "delete",
                "retention.ms", String.valueOf(Duration.ofDays(7).toMillis())));
        assertThat(plan.get("verity.undelivered").configs())
                .containsEntry("retention.ms", String.valueOf(Duration.ofDays(30).toMillis()));
    }

    @Test
    void topicsKeyedByTargetShareOnePartitionCountAndLeaderTopicsHaveExactlyOne() {
        TopicSettings settings = new TopicSettings(12, 3, Duration.ofSeconds(5));
        List<TopicSpec> plan = TopicPlan.of(settings, List.of("local", "prod"));
        Set<Integer> targetKeyed = plan.stream().filter(s -> !s.name().startsWith("verity.commits")
                && !s.name().startsWith("verity.leader.")).map(TopicSpec::partitions).collect(Collectors.toSet());
        assertThat(targetKeyed).containsExactly(12);
        assertThat(byName(plan).get("verity.commits").partitions()).isEqualTo(3);
        assertThat(byName(plan).get("verity.commits.dlq").partitions()).isEqualTo(3);
        assertThat(plan.stream().filter(s -> s.name().startsWith("verity.leader.")))
                .allSatisfy(s -> assertThat(s.partitions()).isEqualTo(1))
                .allSatisfy(s -> assertThat(s.exactPartitions()).isTrue());
    }

    @Test
    void settingsComeFromPropertiesWithDefaultsAndClearErrors() {
        assertThat(TopicSettings.from(p -> Optional.empty())).isEqualTo(TopicSettings.DEFAULTS);
        assertThat(TopicSettings.DEFAULTS.partitions()).isEqualTo(6);
        Map<String, String> props = Map.of("verity.topics.partitions", "24",
                "verity.topics.commit-partitions", "4", "verity.topics.timeout", "5s");
        Function<String, Optional<String>> config = p -> Optional.ofNullable(props.get(p));
        assertThat(TopicSettings.from(config)).isEqualTo(new TopicSettings(24, 4, Duration.ofSeconds(5)));
        assertThatThrownBy(() -> TopicSettings.from(p -> p.equals("verity.topics.partitions") ? Optional.of("zero")
                : Optional.empty())).hasMessageContaining("verity.topics.partitions=zero is not a partition count");
        assertThatThrownBy(() -> TopicPlan.forCluster(TopicSettings.DEFAULTS, "Prod/EU"))
                .hasMessageContaining("cluster 'Prod/EU' is not a valid cluster name");
    }

    @Test
    void anExistingTopicIsCheckedSettingBySetting() {
        TopicSpec desired = byName(TopicPlan.forCluster(TopicSettings.DEFAULTS, "local")).get("verity.desired.local");
        assertThat(TopicCheck.check(desired, 6, Map.of("cleanup.policy", "compact", "compression.type", "ZSTD",
                "max.message.bytes", SIXTEEN_MIB))).isEqualTo(new TopicCheck.Verdict(List.of(), false));

        TopicCheck.Verdict wrong = TopicCheck.check(desired, 1, Map.of("cleanup.policy", "delete",
                "compression.type", "producer", "max.message.bytes", "1048588"));
        assertThat(wrong.addPartitions()).as("fewer partitions are added").isTrue();
        assertThat(wrong.problems()).containsExactly(
                "cleanup.policy is 'delete', needs 'compact' (kafka-configs.sh --bootstrap-server <broker> --alter"
                        + " --entity-type topics --entity-name verity.desired.local --add-config cleanup.policy=compact)",
                "compression.type is 'producer', needs 'zstd' (kafka-configs.sh --bootstrap-server <broker> --alter"
                        + " --entity-type topics --entity-name verity.desired.local --add-config compression.type=zstd)",
                "max.message.bytes is '1048588', needs '" + SIXTEEN_MIB + "' (kafka-configs.sh --bootstrap-server"
                        + " <broker> --alter --entity-type topics --entity-name verity.desired.local --add-config"
                        + " max.message.bytes=" + SIXTEEN_MIB + ")");

        assertThat(TopicCheck.check(desired, 8, Map.of("cleanup.policy", "compact", "compression.type", "zstd",
                "max.message.bytes", SIXTEEN_MIB)).problems()).singleElement().asString()
                .contains("has 8 partitions, more than the 6 planned", "set verity.topics.partitions=8");
    }

    @Test
    void aLeaderTopicMustHaveExactlyOnePartition() {
        TopicSpec leader = byName(TopicPlan.forCluster(TopicSettings.DEFAULTS, "local")).get("verity.leader.applier.local");
        TopicCheck.Verdict verdict = TopicCheck.check(leader, 3, Map.of("cleanup.policy", "delete",
                "retention.ms", "86400000"));
        assertThat(verdict.addPartitions()).isFalse();
        assertThat(verdict.problems()).singleElement().asString().startsWith("has 3 partitions, needs exactly 1");
    }

    @Test
    void cleanupPolicyListsCompareAsSets() {
        TopicSpec spec = new TopicSpec("t", 1, false, Map.of("cleanup.policy", "compact,delete"), "test");
        assertThat(TopicCheck.check(spec, 1, Map.of("cleanup.policy", "delete, compact")).problems()).isEmpty();
    }
}
