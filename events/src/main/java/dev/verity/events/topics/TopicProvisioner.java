package dev.verity.events.topics;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one step that provisions Verity's topics with the Kafka Admin client, used by every service at start and by
 * the local stack. Idempotent: a missing topic is created as planned; an existing one is checked, gets partitions
 * added when it has fewer than planned (never removed), and any other difference is reported
 * ({@link TopicOutcome.Mismatched}), never changed. The replication factor is the broker's
 * {@code default.replication.factor}.
 */
public final class TopicProvisioner implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(TopicProvisioner.class.getName());

    private final Admin admin;
    private final Duration timeout;

    private TopicProvisioner(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    /** A provisioner for the broker at {@code bootstrapServers}. */
    public static TopicProvisioner connect(String bootstrapServers, Duration timeout) {
        return connect(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), "verity-topics", timeout);
    }

    /**
     * A provisioner from a service's Kafka client settings (e.g. Quarkus' {@code default-kafka-broker} map:
     * bootstrap servers, security); settings the Admin client does not know are left out.
     */
    public static TopicProvisioner connect(Map<String, ?> kafkaConfig, String clientId, Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        kafkaConfig.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k) && v != null) props.put(k, v);
        });
        if (!props.containsKey(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
            throw new IllegalArgumentException("no bootstrap.servers in the Kafka settings: set kafka.bootstrap.servers");
        }
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 15_000));
        return new TopicProvisioner(Admin.create(props), timeout);
    }

    /**
     * Creates, checks and grows the topics of {@code plan}.
     *
     * @throws TopicProvisioningException when the broker cannot be reached in time or refuses a request
     */
    public ProvisionReport ensure(Collection<TopicSpec> plan) {
        Map<String, TopicSpec> specs = new LinkedHashMap<>();
        plan.forEach(s -> specs.putIfAbsent(s.name(), s));
        Set<String> existing = await(admin.listTopics().names(), "list topics");
        Map<String, TopicOutcome> outcomes = new HashMap<>();

        List<NewTopic> missing = specs.values().stream().filter(s -> !existing.contains(s.name()))
                .map(s -> new NewTopic(s.name(), Optional.of(s.partitions()), Optional.empty()).configs(s.configs()))
                .toList();
        List<String> toCheck = new ArrayList<>(specs.keySet().stream().filter(existing::contains).toList());
        if (!missing.isEmpty()) {
            CreateTopicsResult created = admin.createTopics(missing);
            for (NewTopic t : missing) {
                try {
                    await(created.values().get(t.name()), "create topic " + t.name());
                    outcomes.put(t.name(), new TopicOutcome.Created(specs.get(t.name())));
                } catch (TopicProvisioningException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) throw e;
                    toCheck.add(t.name()); // created meanwhile by another service: check it like any existing one
                }
            }
        }
        Set<String> grown = toCheck.isEmpty() ? Set.of() : check(toCheck, specs, outcomes);
        awaitPartitionsVisible(outcomes, grown);

        List<TopicOutcome> ordered = specs.keySet().stream().map(outcomes::get).toList();
        ProvisionReport report = new ProvisionReport(ordered);
        for (TopicOutcome o : report.changes()) LOG.log(System.Logger.Level.INFO, "Kafka topic " + o.describe());
        for (TopicOutcome o : report.mismatches()) LOG.log(System.Logger.Level.ERROR, "Kafka topic " + o.describe());
        return report;
    }

    /** @return the topics whose partitions were increased */
    private Set<String> check(List<String> names, Map<String, TopicSpec> specs, Map<String, TopicOutcome> outcomes) {
        Map<String, TopicDescription> descriptions = await(admin.describeTopics(names).allTopicNames(), "describe topics " + names);
        List<ConfigResource> resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
        Map<ConfigResource, Config> configs = await(admin.describeConfigs(resources).all(), "describe the settings of " + names);
        Map<String, NewPartitions> grow = new LinkedHashMap<>();
        for (String name : names) {
            TopicSpec spec = specs.get(name);
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
            Map<String, String> actual = new HashMap<>();
            for (String key : spec.configs().keySet()) {
                ConfigEntry entry = config == null ? null : config.get(key);
                if (entry != null && entry.value() != null) actual.put(key, entry.value());
            }
            int partitions = descriptions.get(name).partitions().size();
            TopicCheck.Verdict verdict = TopicCheck.check(spec, partitions, actual);
            if (verdict.addPartitions()) grow.put(name, NewPartitions.increaseTo(spec.partitions()));
            if (!verdict.problems().isEmpty()) {
                outcomes.put(name, new TopicOutcome.Mismatched(spec, verdict.problems()));
            } else if (verdict.addPartitions()) {
                outcomes.put(name, new TopicOutcome.PartitionsIncreased(spec, partitions));
            } else {
                outcomes.put(name, new TopicOutcome.AsPlanned(spec));
            }
        }
        if (!grow.isEmpty()) await(admin.createPartitions(grow).all(), "add partitions to " + grow.keySet());
        return grow.keySet();
    }

    /**
     * A created topic or added partitions are committed on the controller before every broker's metadata shows them;
     * a service that starts producing right after provisioning must see the planned partitions, so wait for them.
     */
    private void awaitPartitionsVisible(Map<String, TopicOutcome> outcomes, Set<String> grown) {
        Map<String, Integer> expected = new LinkedHashMap<>();
        outcomes.forEach((name, o) -> {
            if (o instanceof TopicOutcome.Created || grown.contains(name)) {
                expected.put(name, o.spec().partitions());
            }
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!expected.isEmpty()) {
            Map<String, KafkaFuture<TopicDescription>> seen = admin.describeTopics(expected.keySet()).topicNameValues();
            expected.entrySet().removeIf(e -> visiblePartitions(seen.get(e.getKey()), e.getKey()) >= e.getValue());
            if (expected.isEmpty()) return;
            if (System.nanoTime() > deadline) {
                throw new TopicProvisioningException("cannot see the planned partitions of " + expected.keySet()
                        + " within " + timeout.toMillis() + " ms after creating them; is every broker up?", null);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TopicProvisioningException("interrupted while waiting for " + expected.keySet(), e);
            }
        }
    }

    /** The partitions the broker answering shows for {@code topic}; 0 while its metadata does not know the topic yet. */
    private int visiblePartitions(KafkaFuture<TopicDescription> description, String topic) {
        try {
            return await(description, "describe topic " + topic).partitions().size();
        } catch (TopicProvisioningException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) return 0;
            throw e;
        }
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new TopicProvisioningException("cannot " + what + ": " + e.getCause().getMessage()
                    + hint(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new TopicProvisioningException("cannot " + what + ": Kafka did not answer within "
                    + timeout.toMillis() + " ms (is kafka.bootstrap.servers right and the broker up?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicProvisioningException("interrupted while trying to " + what, e);
        }
    }

    private static String hint(Throwable cause) {
        if (cause instanceof org.apache.kafka.common.errors.AuthorizationException) {
            return ". Grant this service's principal Create, Describe, DescribeConfigs and Alter on the verity.*"
                    + " topics, or create them as the plan says (see docs/architecture.md, Topics)";
        }
        return "";
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
