package dev.verity.stack;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A JVM shutdown hook that stops what was started when the JVM is asked to stop before its owner closed it — SIGTERM
 * (a build's timeout, {@code kill}), Ctrl-C, {@code System.exit} — so that no child process is left running without
 * its parent. Its action ({@link #run()}) runs {@code stop} (the owner's normal close: politely, then by force),
 * waits for it at most {@code grace}, then kills by force every process of {@code processes} still running. Those
 * are listed before the stop as well as after it: a process whose parent was stopped first is no longer anyone's
 * descendant, and would be missed otherwise. It waits at most {@link #FORCE_WAIT} for them to go, so that it never
 * holds the JVM's exit for longer than {@code grace} and that.
 *
 * <p>The action runs at most once; the owner's normal close calls {@link #cancel()}, after which the hook is gone.
 */
public final class StopOnExit {

    /** How long the action waits for the processes it killed by force to be gone. */
    static final Duration FORCE_WAIT = Duration.ofSeconds(5);

    private final Runnable stop;
    private final Supplier<Stream<ProcessHandle>> processes;
    private final Duration grace;
    private final Thread hook;
    private final AtomicBoolean ran = new AtomicBoolean();

    private StopOnExit(String name, Runnable stop, Supplier<Stream<ProcessHandle>> processes, Duration grace) {
        this.stop = stop;
        this.processes = processes;
        this.grace = grace;
        this.hook = new Thread(this::run, name);
    }

    /**
     * Registers the hook.
     *
     * @param name      the hook thread's name, e.g. {@code verity-stack-stop}
     * @param stop      the owner's normal close; it may be running already, or run again, when the hook comes
     * @param processes the processes to be sure of, looked at when the hook comes (descendants of every depth)
     * @param grace     how long {@code stop} is given before what is still running is killed
     */
    public static StopOnExit register(String name, Runnable stop, Supplier<Stream<ProcessHandle>> processes,
            Duration grace) {
        StopOnExit s = new StopOnExit(name, stop, processes, grace);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /**
     * The hook's action: {@code stop}, given {@code grace}, then every process of {@code processes} (before and
     * after) still running killed by force. Runs once: a later call returns at once.
     */
    void run() {
        if (!ran.compareAndSet(false, true)) return;
        Set<ProcessHandle> seen = new LinkedHashSet<>();
        processes.get().forEach(seen::add);
        Thread stopping = new Thread(() -> {
            try {
                stop.run();
            } catch (RuntimeException e) {
                System.err.println(hook.getName() + ": stopping failed (what still runs is killed): " + e);
            }
        }, hook.getName() + "-polite");
        stopping.setDaemon(true);
        stopping.start();
        try {
            stopping.join(grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processes.get().forEach(seen::add);
        List<ProcessHandle> alive = seen.stream().filter(ProcessHandle::isAlive).toList();
        if (alive.isEmpty()) return;
        System.err.println(hook.getName() + ": the JVM is stopping and " + alive.size() + " process(es) it started still"
                + " run after the stop (given " + grace.toMillis() + " ms); killing them: pid "
                + alive.stream().map(p -> String.valueOf(p.pid())).toList());
        alive.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + FORCE_WAIT.toNanos();
        for (ProcessHandle p : alive) {
            try {
                p.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                return; // SIGKILL was sent; the JVM's exit is not held for longer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * The owner closed normally: removes the hook. Does nothing while the JVM is already stopping (the hook runs, or
     * ran, and finds the owner's close done).
     */
    public void cancel() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs or ran
        }
    }

    /** The hook's thread, as registered with the JVM. */
    Thread hook() {
        return hook;
    }
}
