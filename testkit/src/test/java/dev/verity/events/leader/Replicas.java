package dev.verity.events.leader;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Replicas of one service competing for leadership in a test, each with a listener that records what it heard, and
 * a sampler that reads every replica's {@link Leadership#isLeader()} continuously to catch two leaders at once.
 */
final class Replicas implements AutoCloseable {

    /** One listener call, as a replica heard it. */
    record Heard(String replica, String what, long nanos) {
    }

    final List<Heard> heard = new CopyOnWriteArrayList<>();
    final List<Leadership> replicas = new CopyOnWriteArrayList<>();
    final List<String> names = new CopyOnWriteArrayList<>();
    final AtomicLong samples = new AtomicLong();
    final AtomicLong overlaps = new AtomicLong();
    private final Thread sampler;
    private volatile boolean sampling = true;

    Replicas(LeadershipSettings settings, String... replicaNames) {
        for (String name : replicaNames) add(name, settings);
        sampler = new Thread(() -> {
            while (sampling) {
                int leaders = 0;
                for (Leadership l : replicas) if (l.isLeader()) leaders++;
                samples.incrementAndGet();
                if (leaders > 1) overlaps.incrementAndGet();
                LockSupport.parkNanos(200_000);
            }
        }, "leadership-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts one more replica, with its own settings (e.g. another route to the broker). */
    Leadership add(String name, LeadershipSettings settings) {
        Leadership leadership = Leadership.start(settings.withMember(name), new LeadershipListener() {
            @Override
            public void elected() {
                heard.add(new Heard(name, "elected", System.nanoTime()));
            }

            @Override
            public void deposed(DeposedReason reason) {
                heard.add(new Heard(name, "deposed " + reason, System.nanoTime()));
            }
        });
        names.add(name);
        replicas.add(leadership);
        return leadership;
    }

    Leadership get(int i) {
        return replicas.get(i);
    }

    /** The replicas that say they lead now. */
    List<Integer> leaders() {
        List<Integer> leaders = new ArrayList<>();
        for (int i = 0; i < replicas.size(); i++) if (replicas.get(i).isLeader()) leaders.add(i);
        return leaders;
    }

    List<String> heardBy(int i) {
        return heard.stream().filter(h -> h.replica().equals(names.get(i))).map(Heard::what).toList();
    }

    /** Listener calls in the order they happened, e.g. {@code a: elected}. */
    List<String> timeline() {
        List<Heard> sorted = new ArrayList<>(heard);
        sorted.sort((x, y) -> Long.compare(x.nanos(), y.nanos()));
        return Collections.unmodifiableList(sorted.stream().map(h -> h.replica() + ": " + h.what()).toList());
    }

    static String millis(long fromNanos, long toNanos) {
        return Duration.ofNanos(toNanos - fromNanos).toMillis() + " ms";
    }

    @Override
    public void close() {
        sampling = false;
        for (Leadership l : replicas) l.close();
    }
}
