package dev.verity.stack;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Keeps a {@link LocalStack} running as {@code ./verity up} does: a service process or the Kafka broker that dies
 * (a crash, an OOM kill, {@code kill -9}) is started again on the same port, with the same configuration and data,
 * and each death and restart is told to {@code out}, instead of the whole stack stopping. A process is looked at
 * every second; one found dead is given a grace period first (when Ctrl-C stops {@code ./verity up}, the services
 * get the signal too, and {@link #close()} then comes before any restart). A restart that fails is tried again after
 * a delay that doubles from 5 s up to a minute. A service {@link #hold held} down is left dead until released.
 */
public final class Supervisor implements AutoCloseable {

    static final String BROKER = "kafka-broker";
    private static final Duration GRACE = Duration.ofMillis(1500);

    private final LocalStack stack;
    private final Consumer<String> out;
    private final Thread thread;
    private final Map<String, Instant> retryAfter = new HashMap<>();
    private final Map<String, Duration> backoff = new HashMap<>();
    private final Map<String, Integer> restarts = new HashMap<>();
    private final java.util.Set<String> held = new java.util.HashSet<>();
    private volatile boolean running = true;

    private Supervisor(LocalStack stack, Consumer<String> out) {
        this.stack = stack;
        this.out = out;
        this.thread = new Thread(this::loop, "verity-supervisor");
        this.thread.setDaemon(true);
    }

    /**
     * Starts watching {@code stack}; {@code out} hears one line per death and per restart. The stack's
     * {@link LocalStack#close()} stops the supervisor before anything else (so does a JVM asked to stop).
     */
    public static Supervisor start(LocalStack stack, Consumer<String> out) {
        Supervisor s = new Supervisor(stack, out);
        stack.supervisedBy(s);
        s.thread.start();
        return s;
    }

    /**
     * Holds the named service down: while held, it is not started again when it dies (a test kills it on purpose and
     * watches what the others do without it). Hold before killing it. Held until {@link #release(String)}.
     */
    public synchronized void hold(String name) {
        held.add(name);
    }

    /** Ends {@link #hold(String)}: a held service found dead is started again (after the grace period) as any other. */
    public synchronized void release(String name) {
        held.remove(name);
    }

    /** Whether the named service is held down ({@link #hold(String)}). */
    public synchronized boolean isHeld(String name) {
        return held.contains(name);
    }

    /** How many times the named process ({@code kafka-broker} for the broker) was restarted so far. */
    public synchronized int restarts(String name) {
        return restarts.getOrDefault(name, 0);
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(1000);
                if (!stack.kafka().isRunning()) reviveBroker();
                for (String name : List.copyOf(stack.services().keySet())) {
                    if (!running) return;
                    ServiceProcess p = stack.services().get(name); // null: a replica stopped since the listing
                    if (p != null && !p.isAlive() && !isHeld(name)) reviveService(name);
                }
            } catch (InterruptedException e) {
                return;
            } catch (java.util.ConcurrentModificationException e) {
                // a replica was added while the services were listed: look again on the next round
            } catch (RuntimeException e) {
                if (running) out.accept("!! supervisor: " + e.getMessage());
            }
        }
    }

    private void reviveBroker() throws InterruptedException {
        if (!due(BROKER)) return;
        Thread.sleep(GRACE.toMillis());
        if (!running || stack.kafka().isRunning()) return;
        out.accept("!! the Kafka broker on " + stack.kafka().bootstrapServers() + " stopped; restarting it (its log: "
                + stack.kafka().dataDir().resolve("broker.log") + ")");
        long t0 = System.nanoTime();
        try {
            stack.kafka().restart();
            succeeded(BROKER);
            out.accept("restarted the Kafka broker on " + stack.kafka().bootstrapServers() + " (ready in "
                    + seconds(t0) + " s; same data, same topics)");
        } catch (RuntimeException e) {
            failed(BROKER, "the Kafka broker", e);
        }
    }

    private void reviveService(String name) throws InterruptedException {
        if (!due(name)) return;
        Thread.sleep(GRACE.toMillis());
        ServiceProcess dead = stack.services().get(name);
        if (!running || dead == null || dead.isAlive() || isHeld(name)) return;
        out.accept("!! " + name + " (pid " + dead.pid() + ") stopped with exit code "
                + dead.exitCode().stream().mapToObj(String::valueOf).findFirst().orElse("?") + "; restarting it. "
                + dead.log() + " ends with:\n" + dead.tail(10));
        long t0 = System.nanoTime();
        try {
            ServiceProcess fresh = stack.restartService(name);
            succeeded(name);
            out.accept("restarted " + name + " on " + fresh.url() + " (pid " + fresh.pid() + ", ready in "
                    + seconds(t0) + " s)");
        } catch (RuntimeException e) {
            failed(name, name, e);
        }
    }

    private synchronized boolean due(String name) {
        Instant after = retryAfter.get(name);
        return after == null || Instant.now().isAfter(after);
    }

    private synchronized void succeeded(String name) {
        restarts.merge(name, 1, Integer::sum);
        retryAfter.remove(name);
        backoff.remove(name);
    }

    private synchronized void failed(String name, String what, RuntimeException e) {
        Duration next = backoff.getOrDefault(name, Duration.ofSeconds(5));
        retryAfter.put(name, Instant.now().plus(next));
        backoff.put(name, next.multipliedBy(2).compareTo(Duration.ofMinutes(1)) > 0 ? Duration.ofMinutes(1) : next.multipliedBy(2));
        out.accept("!! could not restart " + what + " (trying again in " + next.toSeconds() + " s): " + e.getMessage());
    }

    private static String seconds(long t0) {
        return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9);
    }

    /** Stops watching; waits (30 s at most) for a restart in progress to end. A second call does nothing more. */
    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
