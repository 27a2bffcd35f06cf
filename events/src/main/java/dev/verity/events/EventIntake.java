package dev.verity.events;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * How every Verity consumer reads a record: one instance per service, shared by its channels. A known event is
 * returned; a well-formed event of a type this version does not know is skipped, counted per type and logged once
 * per type (at WARNING, naming topic, partition, offset and type; later ones at DEBUG), so that a new event type
 * never breaks an older service; a record that cannot be decoded throws {@link EventFormatException}, naming the
 * record, for the channel's dead-letter topic.
 *
 * <p>The counts are what a service reports as {@code verity_events_skipped_total{type=...}}: a service registers a
 * counter per type through {@link #onSkippedType(Consumer)} that reads {@link #skipped(String)}. This class knows no
 * metrics library.
 */
public final class EventIntake {

    private static final System.Logger LOG = System.getLogger(EventIntake.class.getName());

    private final String service;
    private final EventCodec codec;
    private final Map<String, AtomicLong> skipped = new ConcurrentHashMap<>();
    private final List<Consumer<String>> typeListeners = new CopyOnWriteArrayList<>();

    public EventIntake(String service) {
        this(service, new EventCodec());
    }

    public EventIntake(String service, EventCodec codec) {
        this.service = service;
        this.codec = codec;
    }

    /**
     * The event of a record's value, or empty when it is of a type this version does not know (skipped, counted).
     *
     * @throws EventFormatException naming {@code topic-partition@offset} when the record cannot be decoded
     */
    public Optional<Envelope> accept(String topic, int partition, long offset, String value) {
        Decoded decoded;
        try {
            decoded = codec.read(value);
        } catch (EventFormatException e) {
            throw new EventFormatException("record " + where(topic, partition, offset) + " cannot be decoded, so it"
                    + " goes to the dead-letter topic " + Topics.deadLetter(topic) + ": " + e.getMessage(), e);
        }
        if (decoded instanceof Decoded.Known known) return Optional.of(known.envelope());
        Decoded.UnknownType unknown = (Decoded.UnknownType) decoded;
        boolean first = skipped.computeIfAbsent(unknown.type(), t -> new AtomicLong()).incrementAndGet() == 1;
        if (first) {
            typeListeners.forEach(listener -> tell(listener, unknown.type()));
            LOG.log(System.Logger.Level.WARNING, String.format("%s: skipped record %s of event type '%s' (id %s,"
                    + " from %s), which this version does not know; later records of this type are skipped and counted"
                    + " in verity_events_skipped_total without this message. Upgrade %s to act on them.", service,
                    where(topic, partition, offset), unknown.type(), unknown.id(), unknown.source(), service));
        } else if (LOG.isLoggable(System.Logger.Level.DEBUG)) {
            LOG.log(System.Logger.Level.DEBUG, String.format("%s: skipped record %s of unknown event type '%s'",
                    service, where(topic, partition, offset), unknown.type()));
        }
        return Optional.empty();
    }

    /** The event of a record's value, if it is a known one; see {@link #accept(String, int, long, String)}. */
    public Optional<VerityEvent> acceptEvent(String topic, int partition, long offset, String value) {
        return accept(topic, partition, offset, value).map(Envelope::event);
    }

    /**
     * The event a consumed record holds, if it is a known one: empty for a tombstone and for a type this version does
     * not know (skipped and counted).
     *
     * @throws EventFormatException when the record cannot be decoded; its message names the record's key, so the
     *                              dead-letter topic and the log say which target or repository it was about
     */
    public Optional<VerityEvent> acceptRecord(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> record) {
        return acceptEnvelope(record).map(Envelope::event);
    }

    /**
     * The envelope (event with its id, time and {@code traceparent}) a consumed record holds, if it is a known event;
     * see {@link #acceptRecord}.
     */
    public Optional<Envelope> acceptEnvelope(org.apache.kafka.clients.consumer.ConsumerRecord<String, String> record) {
        if (record.value() == null) return Optional.empty();
        try {
            return accept(record.topic(), record.partition(), record.offset(), record.value());
        } catch (EventFormatException e) {
            throw new EventFormatException(e.getMessage() + " (key " + record.key() + ")", e);
        }
    }

    /** Records skipped so far, per event type, sorted by type. */
    public Map<String, Long> skippedByType() {
        Map<String, Long> counts = new TreeMap<>();
        skipped.forEach((type, n) -> counts.put(type, n.get()));
        return counts;
    }

    /** Records of {@code type} skipped so far; 0 for a type never skipped. */
    public long skipped(String type) {
        AtomicLong count = skipped.get(type);
        return count == null ? 0 : count.get();
    }

    /**
     * Calls {@code listener} with each event type skipped so far, then with each type the first time a record of it
     * is skipped (on the consuming thread), e.g. to register a counter per type that reads {@link #skipped(String)}.
     * A type may be told twice when the listener is added while its first record is skipped, so the listener must
     * be idempotent. An exception from the listener is logged and does not stop the record's skip.
     */
    public void onSkippedType(Consumer<String> listener) {
        typeListeners.add(listener);
        skipped.keySet().forEach(type -> tell(listener, type));
    }

    private void tell(Consumer<String> listener, String type) {
        try {
            listener.accept(type);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, String.format("%s: the listener for skipped event type '%s' failed:"
                    + " %s", service, type, e), e);
        }
    }

    /** The service name this intake logs with. */
    public String service() {
        return service;
    }

    private static String where(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }
}
