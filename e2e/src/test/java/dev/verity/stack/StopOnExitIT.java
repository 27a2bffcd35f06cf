package dev.verity.stack;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StopOnExit} with real processes: a shell running {@code sleep 60} in the background, in a child JVM that
 * is sent SIGTERM (as a build's timeout or {@code kill} would), and in this JVM for the hook's action itself.
 */
class StopOnExitIT {

    @Test
    void aJvmAskedToStopLeavesNoProcessItStartedRunningTheOrphanedGrandchildIncluded() throws Exception {
        List<Long> pids = sigtermChildJvm("guarded");

        for (long pid : pids) awaitGone(pid);
        assertThat(pids.stream().filter(StopOnExitIT::alive).toList()).as("processes still running of " + pids).isEmpty();
    }

    /** The control: without the hook, the same JVM stopped the same way leaves its processes running. */
    @Test
    void withoutTheHookTheSameProcessesOutliveTheJvm() throws Exception {
        List<Long> pids = sigtermChildJvm("unguarded");
        try {
            assertThat(pids.stream().filter(StopOnExitIT::alive).toList()).as("processes still running of " + pids)
                    .isNotEmpty();
        } finally {
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    @Test
    void aStopThatNeverEndsIsGivenItsGraceThenWhatStillRunsIsKilled() throws Exception {
        Process sleep = new ProcessBuilder("/bin/sleep", "60").start();
        CountDownLatch never = new CountDownLatch(1);
        StopOnExit onExit = StopOnExit.register("stop-on-exit-it", () -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, () -> Stream.of(sleep.toHandle()), Duration.ofMillis(500));
        try {
            onExit.run();

            assertThat(sleep.waitFor(30, TimeUnit.SECONDS)).as("sleep killed").isTrue();
        } finally {
            never.countDown();
            onExit.cancel();
            sleep.destroyForcibly();
        }
    }

    @Test
    void theActionRunsOnceAndTheOwnersCloseRemovesTheHook() {
        AtomicInteger stops = new AtomicInteger();
        StopOnExit onExit = StopOnExit.register("stop-on-exit-it", stops::incrementAndGet, Stream::empty, Duration.ofSeconds(5));
        StopOnExit other = StopOnExit.register("stop-on-exit-it-other", () -> { }, Stream::empty, Duration.ofSeconds(5));

        onExit.run();
        onExit.run();
        onExit.cancel();
        onExit.cancel();

        assertThat(stops).hasValue(1);
        assertThat(Runtime.getRuntime().removeShutdownHook(onExit.hook())).as("removed by cancel").isFalse();
        assertThat(Runtime.getRuntime().removeShutdownHook(other.hook())).as("registered until cancel").isTrue();
    }

    /**
     * Starts {@link Child} in a JVM of its own, reads the pids of the processes it started, checks they run, sends the
     * JVM SIGTERM and waits for it to exit; returns the pids.
     */
    private static List<Long> sigtermChildJvm(String mode) throws Exception {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Child.class.getName(), mode)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String line = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).as("the child JVM's pids line").isNotNull().startsWith("pids ");
            List<Long> pids = Arrays.stream(line.substring(5).trim().split(" ")).map(Long::parseLong).toList();
            assertThat(pids).hasSize(2).allMatch(StopOnExitIT::alive);

            jvm.destroy(); // SIGTERM

            assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the child JVM exited").isTrue();
            return pids;
        } finally {
            jvm.destroyForcibly();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static void awaitGone(long pid) throws Exception {
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isPresent()) {
            try {
                p.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException stillThere) {
                // the assertion names it
            }
        }
    }

    /**
     * A JVM that starts a shell running {@code sleep 60} in the background, registers a {@link StopOnExit} (mode
     * {@code guarded}) whose stop ends the shell only (its sleep is orphaned then, as a service's child would be if
     * its parent went first), prints {@code pids <shell> <sleep>} and waits to be stopped.
     */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            Process shell = new ProcessBuilder("/bin/sh", "-c", "/bin/sleep 60 & wait").start();
            if (args[0].equals("guarded")) {
                StopOnExit.register("stop-on-exit-it-child", shell::destroy, () -> ProcessHandle.current().descendants(),
                        Duration.ofSeconds(5));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Optional<ProcessHandle> sleep = Optional.empty();
            while (sleep.isEmpty() && System.nanoTime() < deadline) {
                sleep = shell.children().findFirst();
                if (sleep.isEmpty()) Thread.sleep(20);
            }
            System.out.println("pids " + shell.pid() + sleep.map(p -> " " + p.pid()).orElse(""));
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(2));
        }
    }
}
