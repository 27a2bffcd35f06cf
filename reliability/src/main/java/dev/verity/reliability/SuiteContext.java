package dev.verity.reliability;

import dev.verity.events.CommitPushed;
import dev.verity.events.Decoded;
import dev.verity.events.EventCodec;
import dev.verity.events.EventFormatException;
import dev.verity.events.TargetEvent;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.stack.DemoStory;
import dev.verity.stack.LocalForge;
import dev.verity.stack.LocalStack;
import dev.verity.stack.Supervisor;
import dev.verity.testkit.slack.SlackMessage;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What every scenario uses: the running stack, the ledger, the branch's history as the suite pushed it, and the
 * ways to push, send webhooks, read what the topics recorded and wait for an outcome.
 */
public final class SuiteContext {

    /**
     * The topics a poison record is written to, each with the consumers that send what they cannot decode to
     * {@code <topic>.dlq}: a poison record lands there once per consumer. As the services' code and configuration
     * say ({@code SuiteContextTest} derives the channels' part from the files and checks this map against it):
     * <ul>
     *   <li>the SmallRye channels with {@code failure-strategy=dead-letter-queue} in each service's
     *       {@code src/main/resources/application.properties} ({@code mp.messaging.incoming.<channel>.topic}, the
     *       cluster's topics for {@value LocalStack#CLUSTER}, the cluster the stack gives the applier and the drift
     *       monitor);</li>
     *   <li>the notifier's {@code IncidentLoop}, a consumer of its own (group {@code verity-notifier}) that subscribes
     *       {@code verity.notifier.topics.drift} and {@code .rollout}, and {@code .commits} when it posts commit
     *       statuses (the stack configures a forge, so it does), and dead-letters them itself.</li>
     * </ul>
     * Readers that skip what they cannot decode are not consumers here: the drift monitor's {@code history} channel
     * on {@code verity.drift} ({@code failure-strategy=ignore}), the renderer's {@code DesiredStateLog} and the
     * notifier's restore of {@code verity.incidents} (neither with a group).
     */
    static final Map<String, List<String>> CONSUMERS = consumers();

    private final LocalStack stack;
    private final Supervisor supervisor;
    private final Ledger ledger;
    private final SuiteOptions options;
    private final Consumer<String> out;
    private final List<String> supervisorLines;
    private final List<String> history = Collections.synchronizedList(new ArrayList<>());
    private final EventCodec codec = new EventCodec();

    SuiteContext(LocalStack stack, Supervisor supervisor, Ledger ledger, SuiteOptions options, Consumer<String> out,
            List<String> supervisorLines) {
        this.stack = stack;
        this.supervisor = supervisor;
        this.ledger = ledger;
        this.options = options;
        this.out = out;
        this.supervisorLines = supervisorLines;
    }

    private static Map<String, List<String>> consumers() {
        String renderer = "renderer-service", applier = "applier-service", drift = "drift-monitor";
        String notifier = "notifier (IncidentLoop)";
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put(Topics.COMMITS, List.of(channel(renderer, "commits"), notifier));       // notifier: commit statuses
        m.put(Topics.desired(LocalStack.CLUSTER), List.of(channel(applier, "desired"), channel(drift, "desired")));
        m.put(Topics.applied(LocalStack.CLUSTER), List.of(channel(drift, "applied")));
        m.put(Topics.ROLLOUT, List.of(channel(drift, "rollout"), notifier));
        m.put(Topics.DRIFT, List.of(channel(applier, "drift"), notifier));            // applier: self-heal
        m.put(Topics.REQUESTS, List.of(channel(applier, "requests")));                // applier: sync
        return Collections.unmodifiableMap(m);
    }

    /** How {@link #CONSUMERS} names a SmallRye channel of a service. */
    static String channel(String service, String channel) {
        return service + " (channel " + channel + ")";
    }

    public LocalStack stack() {
        return stack;
    }

    /** The supervisor restarting what dies; {@link Supervisor#hold} keeps a killed service down. */
    public Supervisor supervisor() {
        return supervisor;
    }

    public Ledger ledger() {
        return ledger;
    }

    public SuiteOptions options() {
        return options;
    }

    public Consumer<String> out() {
        return out;
    }

    /** What the supervisor printed so far (deaths and restarts). */
    public List<String> supervisorLines() {
        synchronized (supervisorLines) {
            return List.copyOf(supervisorLines);
        }
    }

    /** The branch's commits as the suite made them, oldest first (the seed commit first). */
    public List<String> history() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    public DemoStory story() {
        return new DemoStory(stack, options.timeout());
    }

    /** Commits a new greeting to the prod overlay (no webhook: the caller sends it); returns the push. */
    public synchronized LocalForge.Push pushGreeting(String greeting) {
        LocalForge.Push push = stack.forge().pushEdit("reliability: greet with '" + greeting + "'", DemoStory.PROD_OVERLAY,
                overlay -> {
                    String changed = overlay.replaceFirst("GREETING=[^\\n]*", "GREETING=" + greeting);
                    if (changed.equals(overlay)) throw new IllegalStateException(DemoStory.PROD_OVERLAY + " has no GREETING= line");
                    return changed;
                });
        synchronized (history) {
            if (history.isEmpty()) history.add(push.before());
            history.add(push.after());
        }
        return push;
    }

    /** The repository's Verity configuration file. */
    static final String CONFIG = "verity.yaml";

    /** A push made by {@link #pushGreetingRetryingFast}, and whether it added {@value #CONFIG}. */
    public record FastRetry(LocalForge.Push push, boolean addedConfig) {
    }

    /**
     * Commits the greeting, as {@link #pushGreeting} does, and, when the repository has no {@value #CONFIG}, one in
     * which shop's failed applies are retried after 10 s instead of the default minute, so that a scenario waiting
     * for that retry takes seconds; the scenario deletes the file again when {@link FastRetry#addedConfig}.
     */
    public synchronized FastRetry pushGreetingRetryingFast(String greeting) {
        boolean add = stack.forge().read(CONFIG).isEmpty();
        String overlay = stack.forge().read(DemoStory.PROD_OVERLAY).orElseThrow();
        LocalForge.Push push = push("reliability: greet with '" + greeting + "'" + (add ? ", retry failures after 10 s" : ""),
                c -> {
                    c.put(DemoStory.PROD_OVERLAY, overlay.replaceFirst("GREETING=[^\\n]*", "GREETING=" + greeting));
                    if (add) c.put(CONFIG, "apps:\n  shop:\n    policy:\n      retryInterval: 10s\n");
                });
        return new FastRetry(push, add);
    }

    /**
     * Commits {@code change} (files put, symbolic links made, paths deleted; see {@link LocalForge#push}) to the
     * branch (no webhook: the caller sends it); returns the push.
     */
    public synchronized LocalForge.Push push(String message, java.util.function.Consumer<dev.verity.testkit.git.GitRepos.Commit> change) {
        LocalForge.Push push = stack.forge().push(message, change);
        synchronized (history) {
            if (history.isEmpty()) history.add(push.before());
            history.add(push.after());
        }
        return push;
    }

    /** A webhook's outcome: the receiver's status ({@link Ledger#NO_ANSWER} when none came) and when it came. */
    public record Answer(int status, Instant sent, Instant answered) {
    }

    /** Sends the push webhook of {@code push} with {@code deliveryId}, records it in the ledger, returns the answer. */
    public Answer webhook(String scenario, LocalForge.Push push, String deliveryId) {
        Instant sent = Instant.now();
        int status;
        try {
            status = stack.forge().sendWebhook(push, deliveryId);
        } catch (UncheckedIOException e) {
            status = Ledger.NO_ANSWER;
        }
        Instant answered = Instant.now();
        ledger.push(scenario, deliveryId, push.after(), status, Duration.between(sent, answered));
        return new Answer(status, sent, answered);
    }

    /** Writes one record and waits for Kafka's acknowledgement; returns where it was written. */
    public RecordMetadata produce(String topic, String key, String value) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write to " + topic + ": " + e.getMessage(), e);
        }
    }

    /** The offsets the consumer group committed, per partition (empty when it has none). */
    public Map<TopicPartition, Long> committedOffsets(String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> m = new LinkedHashMap<>();
            offsets.forEach((tp, o) -> {
                if (o != null) m.put(tp, o.offset());
            });
            return m;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the offsets of consumer group " + group + ": " + e.getMessage(), e);
        }
    }

    /** Reads back what the stack recorded: pushes published, dead-letter topics, rollout events. */
    public Observed observe() {
        List<Observed.Published> published = new ArrayList<>();
        for (ConsumerRecord<String, String> r : stack.kafka().readAll(Topics.COMMITS)) {
            decode(r.value()).filter(e -> e instanceof CommitPushed).map(e -> (CommitPushed) e)
                    .ifPresent(c -> published.add(new Observed.Published(c.deliveryId(), c.after(), r.partition(), r.offset())));
        }
        Map<String, List<String>> dlq = new LinkedHashMap<>();
        for (String topic : CONSUMERS.keySet()) {
            dlq.put(Topics.deadLetter(topic), stack.kafka().readValues(Topics.deadLetter(topic)));
        }
        List<Observed.Rollout> rollouts = new ArrayList<>();
        for (ConsumerRecord<String, String> r : stack.kafka().readAll(Topics.ROLLOUT)) {
            decode(r.value()).ifPresent(e -> rollouts.add(new Observed.Rollout(e.getClass().getSimpleName(),
                    e instanceof TargetEvent t ? t.target().toString() : String.valueOf(r.key()), e.commit(),
                    r.partition(), r.offset())));
        }
        return new Observed(published, dlq, rollouts);
    }

    /** Decoded Verity events of a topic, in partition then offset order; records that are not events are left out. */
    public List<VerityEvent> events(String topic) {
        List<VerityEvent> events = new ArrayList<>();
        for (String v : stack.kafka().readValues(topic)) decode(v).ifPresent(events::add);
        return events;
    }

    private Optional<VerityEvent> decode(String value) {
        try {
            return codec.read(value) instanceof Decoded.Known k ? Optional.of(k.envelope().event()) : Optional.empty();
        } catch (EventFormatException e) {
            return Optional.empty();
        }
    }

    /** The prod Deployment's replicas in the sandbox, or -1 when it is absent. */
    public int prodReplicas() {
        Deployment d = stack.sandbox().client().apps().deployments().inNamespace(DemoStory.NAMESPACE)
                .withName(DemoStory.DEPLOYMENT).get();
        return d == null || d.getSpec().getReplicas() == null ? -1 : d.getSpec().getReplicas();
    }

    /** Slack messages received at or after {@code since}. */
    public List<SlackMessage> slackSince(Instant since) {
        return stack.slack().messages().stream().filter(m -> !m.receivedAt().isBefore(since)).toList();
    }

    /**
     * Alerts received at or after {@code since} that repeat an earlier one word for word (Slack: same thread and
     * text; e-mail: same subject and text): a duplicate alert.
     */
    public List<String> duplicateAlerts(Instant since) {
        List<String> dup = new ArrayList<>();
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (SlackMessage m : slackSince(since)) {
            seen.merge("slack " + m.threadTs() + " " + m.readableText(), 1, Integer::sum);
        }
        for (var m : stack.smtp().receivedMessages()) {
            if (!m.receivedAt().isBefore(since)) seen.merge("mail " + m.subject() + " " + m.text(), 1, Integer::sum);
        }
        seen.forEach((k, n) -> {
            if (n > 1) dup.add(n + "× " + k.lines().findFirst().orElse(k));
        });
        return dup;
    }

    /** Polls {@code probe} every 500 ms until it returns a value or {@code timeout} passes; empty then. */
    public static <T> Optional<T> await(Duration timeout, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Optional<T> v = probe.get();
                if (v.isPresent()) return v;
            } catch (RuntimeException e) {
                // the stack may be between states (a broker restarting): look again
            }
            if (System.nanoTime() > deadline) return Optional.empty();
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** {@link #await} for a condition. */
    public static boolean awaitTrue(Duration timeout, Supplier<Boolean> condition) {
        return await(timeout, () -> Boolean.TRUE.equals(condition.get()) ? Optional.of(true) : Optional.empty()).isPresent();
    }
}
