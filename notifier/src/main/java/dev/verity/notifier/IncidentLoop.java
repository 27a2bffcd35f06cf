package dev.verity.notifier;

import dev.verity.events.Envelope;
import dev.verity.events.ProduceOrder;
import dev.verity.events.trace.SpanAttributes;
import dev.verity.events.trace.TraceCause;
import dev.verity.service.EventTracing;
import dev.verity.events.EventFormatException;
import dev.verity.events.EventIntake;
import dev.verity.events.Topics;
import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.AlertComposer;
import dev.verity.notifier.delivery.AlertDispatcher;
import dev.verity.notifier.delivery.Delivery;
import dev.verity.notifier.delivery.Destination;
import dev.verity.notifier.incident.Incident;
import dev.verity.notifier.incident.IncidentBook;
import dev.verity.notifier.incident.IncidentCodec;
import dev.verity.notifier.incident.IncidentKey;
import dev.verity.notifier.incident.IncidentSettings;
import dev.verity.notifier.incident.Notice;
import dev.verity.notifier.incident.NoticeAlerts;
import dev.verity.notifier.routing.AlertSubject;
import dev.verity.notifier.routing.Router;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The leading notifier's work, on one thread: rebuilds the {@link IncidentBook} from {@code verity.incidents}, then
 * reads {@code verity.drift} and {@code verity.rollout} (and {@code verity.commits}, for the commit statuses only, when
 * a forge is configured) in the consumer group {@code verity-notifier}, turns each event into notices, sends them ({@link AlertDispatcher}), records the incidents they changed on
 * {@code verity.incidents}, posts the commit statuses the event gives ({@link CommitStatuses}), and only then commits
 * the offsets; between polls it sends what time made due (grouped
 * announcements, reminders). Started when this replica is elected ({@link NotifierLeadership}), stopped when it is
 * deposed or stops: a standby holds no partition, and a new leader goes on from the committed offsets.
 *
 * <p>At-least-once: an event is committed only after its notices were sent to every destination the {@link Router}
 * picks (or, where every attempt failed, published on {@code verity.undelivered}, which counts as handled) and its
 * incidents recorded, so a crash loses nothing; a crash between a send and its record sends that notice again after
 * the restart (the only duplicate). A redelivered event that was recorded changes nothing ({@link IncidentBook}). A record that is not a
 * Verity event goes to {@code <topic>.dlq}; an event of a type this version does not know is skipped and counted.
 *
 * <p>Each event is handled in a span ({@code notify}) that continues the event's trace: the alerts, the incident
 * records and the commit statuses it makes belong to the trace of the commit (or the drift) that caused them. The
 * rollout and drift topics are read from committed offsets, never replayed from the start, so every record is new.
 */
@ApplicationScoped
public class IncidentLoop {

    private static final Logger LOG = Logger.getLogger(IncidentLoop.class);
    static final String GROUP = "verity-notifier";

    @Inject
    NotifierConfig config;

    @Inject
    EventIntake intake;

    @Inject
    AlertDestinations.Alerting alerting;

    private AlertDispatcher dispatcher;
    private Router router;

    @Inject
    DeliveryMetrics metrics;

    @Inject
    CommitStatuses statuses;

    @Inject
    EventTracing tracing;

    @Inject
    MeterRegistry registry;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private final AlertComposer composer = new AlertComposer();
    private final IncidentCodec codec = new IncidentCodec();
    private volatile IncidentBook book;
    private Gauge openGauge;
    private volatile boolean running;
    private Thread thread;
    private KafkaConsumer<String, String> consumer;

    private String driftTopic;
    private String rolloutTopic;
    private String commitsTopic;
    private String incidentsTopic;

    @PostConstruct
    void init() {
        driftTopic = config.topics().drift();
        rolloutTopic = config.topics().rollout();
        commitsTopic = config.topics().commits();
        incidentsTopic = config.topics().incidents();
        dispatcher = alerting.dispatcher();
        router = alerting.router();
        metrics.register(dispatcher.destinations());
        openGauge = Gauge.builder("verity.incidents.open", this, l -> l.book == null ? 0 : l.book.open().size())
                .description("Incidents open now (on the leading notifier)").register(registry);
    }

    /** Starts the work (on election); does nothing while it runs. */
    public synchronized void start() {
        if (running) return;
        running = true;
        thread = new Thread(this::run, "verity-notifier-incidents");
        thread.start();
    }

    /**
     * Stops the work and unregisters the gauge: a registry that outlives this application (a restart in the same JVM,
     * as between tests) would otherwise keep reading this instance, and a new one's gauge of the same name would not
     * be registered.
     */
    @PreDestroy
    void destroy() {
        stop();
        if (openGauge != null) registry.remove(openGauge);
    }

    /** Stops the work (deposed, or the application stops) and waits for the thread to end. */
    public synchronized void stop() {
        if (!running) return;
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) c.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether this replica is doing the work (it leads). */
    public boolean running() {
        return running;
    }

    /** Whether it reads events and alerts now: it leads and has rebuilt its incidents. */
    public boolean alerting() {
        return running && book != null;
    }

    private void run() {
        while (running) {
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig())) {
                IncidentBook rebuilt = new IncidentBook(settings(), Clock.systemUTC());
                int restored = restore(rebuilt);
                book = rebuilt;
                LOG.infof("notifier: leading; %d incident(s) rebuilt from %s, %d open; reading %s and %s", restored,
                        incidentsTopic, rebuilt.open().size(), driftTopic, rolloutTopic);
                consume(producer);
            } catch (WakeupException stopping) {
                // stop() woke the consumer
            } catch (RuntimeException e) {
                if (!running) break;
                LOG.errorf("notifier: %s; starting over in 5 s (nothing is lost: offsets are committed only after"
                        + " alerting)", e.toString());
                sleep(Duration.ofSeconds(5));
            }
        }
        book = null;
        LOG.info("notifier: no longer reading events (standing by)");
    }

    private void consume(KafkaProducer<String, byte[]> producer) {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumerConfig())) {
            consumer = c;
            if (!running) return;
            // pushes matter to the commit statuses only (verity/render pending while a commit is rendered)
            c.subscribe(statuses.enabled() ? List.of(driftTopic, rolloutTopic, commitsTopic)
                    : List.of(driftTopic, rolloutTopic));
            while (running) {
                ConsumerRecords<String, String> records = c.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, String> record : ProduceOrder.of(records)) handle(record, producer);
                send(book.tick(), null);
                recordIncidents(producer);
                if (!records.isEmpty()) c.commitSync();
            }
        } finally {
            consumer = null;
        }
    }

    private void handle(ConsumerRecord<String, String> record, KafkaProducer<String, byte[]> producer) {
        Optional<Envelope> decoded;
        try {
            decoded = intake.accept(record.topic(), record.partition(), record.offset(), record.value());
        } catch (EventFormatException e) {
            deadLetter(record, e.getMessage(), producer);
            return;
        }
        if (decoded.isEmpty()) return; // a type this version does not know: skipped and counted
        Envelope envelope = decoded.get();
        tracing.inSpan("notify", TraceCause.of(envelope.traceparent(), false), SpanAttributes.of(envelope.event()),
                () -> notify(record, envelope, producer));
    }

    private void notify(ConsumerRecord<String, String> record, Envelope envelope,
            KafkaProducer<String, byte[]> producer) {
        if (record.topic().equals(commitsTopic)) {
            statuses.on(envelope);
            return;
        }
        Alert alert = composer.compose(envelope).orElse(null);
        List<Notice> notices = book.on(envelope.id(), envelope.event(), alert);
        if (notices.isEmpty()) {
            LOG.debugf("notifier: %s %s tells nobody anything new", envelope.type(), envelope.event().describe());
        }
        send(notices, envelope.time());
        recordIncidents(producer);
        statuses.on(envelope);
    }

    /**
     * Sends each notice to its routed destinations and records where each incident was threaded.
     *
     * @param eventTime when the event that made the notices happened; null for what time made due (then an
     *                  announcement counts from its first incident's opening, a reminder not at all)
     */
    private void send(List<Notice> notices, Instant eventTime) {
        for (Notice notice : notices) {
            if (notice instanceof Notice.Opened opened) {
                announce(opened, eventTime != null ? eventTime : opened.incidents().stream().map(Incident::openedAt)
                        .min(Instant::compareTo).orElse(null));
                continue;
            }
            Alert alert = NoticeAlerts.of(notice);
            List<Incident> incidents = incidentsOf(notice);
            if (incidents.isEmpty()) {
                deliver(alert, router.destinationsFor(AlertSubject.of(alert)), null, Map.of(), eventTime);
                continue;
            }
            Incident incident = incidents.get(0);
            for (Delivery d : deliver(alert, router.destinationsFor(AlertSubject.of(incident)), incident.id(),
                    incident.threads(), eventTime)) {
                if (d.thread() != null) book.recordThread(incident.key(), d.destination(), d.thread());
            }
        }
    }

    /**
     * Announces incidents opened together: each destination gets the incidents routed to it — one summary listing
     * them when they are several (destinations routed the same incidents get the same summary), or the incident's own
     * announcement when it is one. Where a destination threads a summary (Slack Web API, e-mail), each incident's own
     * announcement follows as a reply in the summary's thread, which those incidents share from then on.
     */
    private void announce(Notice.Opened opened, Instant since) {
        Map<List<IncidentKey>, Set<String>> audiences = new LinkedHashMap<>();
        Map<String, List<IncidentKey>> routed = new LinkedHashMap<>();
        for (Incident incident : opened.incidents()) {
            for (String destination : router.destinationsFor(AlertSubject.of(incident))) {
                routed.computeIfAbsent(destination, d -> new ArrayList<>()).add(incident.key());
            }
        }
        routed.forEach((destination, keys) -> audiences.computeIfAbsent(keys, k -> new LinkedHashSet<>()).add(destination));
        if (audiences.isEmpty()) {
            deliver(NoticeAlerts.of(opened), Set.of(), null, Map.of(), since); // says that nothing is configured
            return;
        }
        for (Map.Entry<List<IncidentKey>, Set<String>> audience : audiences.entrySet()) {
            List<Incident> members = audience.getKey().stream().map(book::incident).toList();
            Notice.Opened part = new Notice.Opened(members);
            Incident first = members.get(0);
            List<Delivery> deliveries = deliver(NoticeAlerts.of(part), audience.getValue(), first.id(), first.threads(),
                    since);
            Set<String> threaded = new LinkedHashSet<>();
            for (Delivery d : deliveries) {
                if (d.thread() == null) continue;
                threaded.add(d.destination());
                String kept = Destination.IncidentThread.keep(d.thread(), part.grouped());
                for (Incident member : members) book.recordThread(member.key(), d.destination(), kept);
            }
            if (!part.grouped() || threaded.isEmpty()) continue;
            for (Incident member : members) {
                Incident current = book.incident(member.key());
                for (Delivery d : deliver(NoticeAlerts.detail(current), threaded, current.id(), current.threads(), since)) {
                    if (d.thread() != null) book.recordThread(member.key(), d.destination(), d.thread());
                }
            }
        }
    }

    /** Delivers one alert to the destinations named, counts and logs what became of it at each. */
    private List<Delivery> deliver(Alert alert, Set<String> to, String incident, Map<String, String> threads,
            Instant since) {
        List<Delivery> deliveries = dispatcher.dispatch(alert, to, incident, threads);
        Instant now = Instant.now();
        for (Delivery d : deliveries) {
            metrics.record(d, since, now);
            switch (d.outcome()) {
                case DELIVERED -> LOG.infof("%s: alerted \"%s\" via %s (%s, %d attempt(s))", alert.where(),
                        alert.title(), d.destination(), alert.eventId(), d.attempts());
                case DUPLICATE -> LOG.infof("%s: %s was already sent via %s; skipped", alert.where(),
                        alert.eventId(), d.destination());
                case UNDELIVERED -> {
                    // logged and published by the UndeliveredPublisher
                }
            }
        }
        if (deliveries.isEmpty()) {
            LOG.warnf("%s: %s (no destination configured or routed; %s)", alert.where(), alert.title(),
                    alert.eventId());
        }
        return deliveries;
    }

    /** The incidents a notice is about, in its order; none for an alert that is no incident. */
    private static List<Incident> incidentsOf(Notice notice) {
        if (notice instanceof Notice.Opened o) return o.incidents();
        if (notice instanceof Notice.Updated u) return List.of(u.incident());
        if (notice instanceof Notice.Reminder r) return List.of(r.incident());
        if (notice instanceof Notice.Resolved r) return List.of(r.incident());
        if (notice instanceof Notice.Flapping f) return List.of(f.incident());
        return List.of();
    }

    /** Records the incidents the book changed, and waits for Kafka: before the offsets are committed. */
    private void recordIncidents(KafkaProducer<String, byte[]> producer) {
        List<Incident> changed = book.drainChanged();
        if (changed.isEmpty()) return;
        try {
            for (Incident incident : changed) {
                producer.send(new ProducerRecord<>(incidentsTopic, incident.key().recordKey(), codec.encode(incident)));
            }
            producer.flush();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot record " + changed.size() + " incident(s) on " + incidentsTopic
                    + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code verity.incidents} from the beginning to its end into the book; returns how many it holds. */
    private int restore(IncidentBook into) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, Incident> latest = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = c.partitionsFor(incidentsTopic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = c.endOffsets(partitions, Duration.ofSeconds(30));
            while (running && partitions.stream().anyMatch(p -> c.position(p, Duration.ofSeconds(30)) < ends.get(p))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.value() == null) {
                        latest.remove(r.key());
                        continue;
                    }
                    try {
                        latest.put(r.key(), codec.decode(r.value()));
                    } catch (IllegalArgumentException e) {
                        LOG.warnf("notifier: %s-%d@%d is not an incident this version can read, ignored: %s",
                                r.topic(), r.partition(), r.offset(), e.getMessage());
                    }
                }
            }
        }
        latest.values().forEach(into::restore);
        return latest.size();
    }

    private void deadLetter(ConsumerRecord<String, String> record, String reason, KafkaProducer<String, byte[]> producer) {
        String topic = Topics.deadLetter(record.topic());
        LOG.warnf("notifier: %s-%d@%d is not a Verity event, sent to %s: %s", record.topic(), record.partition(),
                record.offset(), topic, reason);
        ProducerRecord<String, byte[]> dead = new ProducerRecord<>(topic, record.key(),
                record.value() == null ? null : record.value().getBytes(StandardCharsets.UTF_8));
        dead.headers().add("dead-letter-reason", reason.getBytes(StandardCharsets.UTF_8));
        dead.headers().add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        dead.headers().add("dead-letter-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        dead.headers().add("dead-letter-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(dead).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " to " + topic + ": " + e.getMessage(), e);
        }
    }

    private IncidentSettings settings() {
        NotifierConfig.Incidents i = config.incidents();
        return new IncidentSettings(i.groupWindow(), i.reminderInterval(), i.flapWindow(), i.flapThreshold());
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        // delivering one notice with retries can take minutes (SMTP and Slack timeouts): few records per poll, and a
        // long poll interval, so the group does not drop the leader while it alerts
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 20);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) Duration.ofMinutes(30).toMillis());
        return props;
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        return props;
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
