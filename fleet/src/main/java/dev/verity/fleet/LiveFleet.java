package dev.verity.fleet;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A {@link Fleet} kept up to date on a thread of its own: reads every topic of the fleet from the beginning, then
 * follows them, and publishes an immutable {@link FleetView} after each change (at most every
 * {@code publishEvery}), with a version that grows with each. Joins no consumer group and needs no leadership, so
 * every replica of a service can run one. Every {@code relistEvery} it lists the topics again; when one appeared
 * (a new cluster's desired state, a topic provisioned late) it reads everything again with a new fleet, keeping the
 * last view until the new one is complete. When Kafka cannot be read it keeps the last view, marked stale with the
 * reason, and tries again with a backoff of 1 s doubling to 30 s.
 */
public final class LiveFleet implements AutoCloseable {

    /** One published view and its version (1 for the first; 0 before anything was read). */
    public record Published(long version, FleetView view) {
    }

    private static final System.Logger LOG = System.getLogger(LiveFleet.class.getName());

    private final Supplier<TopicReader> readers;
    private final int historyLimit;
    private final Duration relistEvery;
    private final Duration publishEvery;
    private final Clock clock;
    private final Thread thread;
    private final java.util.concurrent.CountDownLatch stopping = new java.util.concurrent.CountDownLatch(1);
    private volatile boolean running = true;
    private volatile TopicReader current;
    private volatile Published published = new Published(0, FleetView.nothingYet(null));

    /**
     * @param readers      makes a reader for each (re)start of the read; the thread closes it
     * @param historyLimit drift and incident lines kept per target
     * @param relistEvery  how often the topics are listed again to find new ones
     * @param publishEvery the shortest time between two views while records keep arriving
     */
    public LiveFleet(Supplier<TopicReader> readers, int historyLimit, Duration relistEvery, Duration publishEvery, Clock clock) {
        this.readers = Objects.requireNonNull(readers, "readers");
        this.historyLimit = historyLimit;
        this.relistEvery = relistEvery;
        this.publishEvery = publishEvery;
        this.clock = clock;
        this.thread = new Thread(this::run, "verity-live-fleet");
        this.thread.setDaemon(true);
    }

    /** Starts reading; returns at once. */
    public LiveFleet start() {
        thread.start();
        return this;
    }

    /** The latest view. */
    public Published current() {
        return published;
    }

    private void run() {
        Duration backoff = Duration.ofSeconds(1);
        while (running) {
            try (TopicReader reader = readers.get()) {
                current = reader;
                if (!running) return;
                readAndFollow(reader);
                backoff = Duration.ofSeconds(1);
            } catch (WakeupException e) {
                return; // closing
            } catch (TopicReadException | KafkaException e) {
                if (!running) return;
                String why = e instanceof TopicReadException ? e.getMessage() : TopicReader.rootMessage(e);
                LOG.log(System.Logger.Level.WARNING, "status: cannot read Verity's topics (" + why + "); trying again in "
                        + backoff.toMillis() + " ms; the last view is kept, marked stale");
                publish(published.view().stale(why + " (trying again)"));
                sleep(backoff);
                backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0 ? Duration.ofSeconds(30) : backoff.multipliedBy(2);
            } catch (RuntimeException e) {
                if (!running) return;
                LOG.log(System.Logger.Level.ERROR, "status: reading Verity's topics failed; starting again in 30 s", e);
                publish(published.view().stale("reading the topics failed (" + e + "); see the service's log"));
                sleep(Duration.ofSeconds(30));
            } finally {
                current = null;
            }
        }
    }

    /** Reads to the end, then follows until the topics change (returns) or closing (throws {@link WakeupException}). */
    private void readAndFollow(TopicReader reader) {
        List<String> topics = Fleet.topics(reader, null);
        Fleet fleet = new Fleet(historyLimit);
        reader.readToEnd(topics, fleet::accept);
        publish(FleetView.of(fleet, clock.instant()));
        Instant listed = clock.instant();
        Instant lastPublish = clock.instant();
        boolean dirty = false;
        while (running) {
            List<TopicReader.Record> batch = reader.poll(Duration.ofMillis(250));
            batch.forEach(fleet::accept);
            dirty |= !batch.isEmpty();
            Instant now = clock.instant();
            if (dirty && (batch.isEmpty() || !now.isBefore(lastPublish.plus(publishEvery)))) {
                publish(FleetView.of(fleet, now));
                lastPublish = now;
                dirty = false;
            }
            if (!now.isBefore(listed.plus(relistEvery))) {
                listed = now;
                if (!Fleet.topics(reader, null).equals(topics)) {
                    if (dirty) publish(FleetView.of(fleet, now));
                    return;
                }
            }
        }
        throw new WakeupException();
    }

    private void publish(FleetView view) {
        published = new Published(published.version() + 1, view);
    }

    private void sleep(Duration d) {
        try {
            stopping.await(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops reading and waits (up to 5 s) for the reader to close. */
    @Override
    public void close() {
        running = false;
        stopping.countDown();
        TopicReader reader = current;
        if (reader != null) reader.wakeup(); // not an interrupt: the consumer then closes cleanly
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
