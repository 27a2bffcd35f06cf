package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The sandbox's stand-in for the workload controllers. After every spec change (a new {@code metadata.generation}) of
 * a Deployment, StatefulSet, DaemonSet or Job it writes an in-progress status at once and, after {@link #readyAfter()},
 * a ready one (Job: complete), as {@code kube-controller-manager} would through the status subresource. A workload
 * marked with {@link #failNext} gets a failing status instead: Deployment {@code Progressing=False} reason
 * {@code ProgressDeadlineExceeded}; StatefulSet and DaemonSet no ready replicas; Job {@code Failed=True} reason
 * {@code BackoffLimitExceeded}. No pods or replica sets are created.
 */
public final class Rollout implements AutoCloseable {

  static final String CONTROLLER = "kube-controller-manager";
  private static final Set<String> KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "Job");

  private record Target(String kind, String namespace, String name) {
  }

  private final SandboxApi api;
  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "kube-sandbox-rollout");
    thread.setDaemon(true);
    return thread;
  });
  private final Set<Target> failing = ConcurrentHashMap.newKeySet();
  private volatile Duration readyAfter = Duration.ofMillis(500);
  private volatile boolean enabled = true;

  private final boolean available;

  /** @param available false in a bare sandbox ({@link KubeSandbox.Controllers#NONE}): the simulation is off for good */
  Rollout(SandboxApi api, boolean available) {
    this.api = api;
    this.available = available;
    this.enabled = available;
  }

  /** Delay between a spec change and the ready (or failed) status; default 500 ms. Applies to rollouts that start afterwards. */
  public Rollout readyAfter(Duration delay) {
    if (delay == null || delay.isNegative()) {
      throw new IllegalArgumentException("readyAfter needs a duration of zero or more, got " + delay);
    }
    this.readyAfter = delay;
    return this;
  }

  public Duration readyAfter() {
    return readyAfter;
  }

  /**
   * Turns the simulated controllers on (the default) or off. Off, the sandbox behaves like the bare API server of
   * Kubernetes' own integration tests, where no controller writes workload status; rollouts never finish.
   */
  public Rollout enabled(boolean on) {
    if (on && !available) {
      throw new IllegalStateException("this KubeSandbox runs no controllers (Controllers.NONE): its simulated rollout"
          + " cannot be turned on; start one with Controllers.ALL");
    }
    this.enabled = on;
    return this;
  }

  /**
   * Makes the next rollout of one workload fail (the one that starts with its next spec change or creation).
   *
   * @param kind Deployment, StatefulSet, DaemonSet or Job
   */
  public Rollout failNext(String kind, String namespace, String name) {
    if (!KINDS.contains(kind)) {
      throw new IllegalArgumentException("failNext supports " + KINDS + ", not " + kind);
    }
    failing.add(new Target(kind, Objects.requireNonNull(namespace, "namespace"), Objects.requireNonNull(name, "name")));
    return this;
  }

  /**
   * Forgets every {@link #failNext} not yet used and restores the default delay; the simulation is on again (except in
   * a bare sandbox, where it is always off).
   */
  public Rollout reset() {
    failing.clear();
    readyAfter = Duration.ofMillis(500);
    enabled = available;
    return this;
  }

  void written(ResourceType type, ObjectStore.Key key, ObjectNode stored, boolean generationChanged) {
    if (!enabled || !generationChanged || !KINDS.contains(type.kind()) || !type.group().equals(type.kind().equals("Job") ? "batch" : "apps")) {
      return;
    }
    long generation = stored.path("metadata").path("generation").asLong(1);
    if (type.kind().equals("Job") && generation > 1) {
      return;
    }
    boolean fail = failing.remove(new Target(type.kind(), key.namespace(), key.name()));
    ObjectNode started = stored.deepCopy();
    try {
      executor.execute(() -> api.writeStatus(type, key, generation, WorkloadStatus.progressing(started), CONTROLLER));
      executor.schedule(() -> finish(type, key, generation, fail), readyAfter.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // the sandbox is closing: no more rollouts
    }
  }

  /** Writes the final (ready or failed) status, unless the workload is gone or has moved to a newer generation. */
  private void finish(ResourceType type, ObjectStore.Key key, long generation, boolean fail) {
    ObjectNode current;
    try {
      current = api.get(type, key.namespace(), key.name());
    } catch (ApiException gone) {
      return;
    }
    JsonNode status = fail ? WorkloadStatus.failed(current) : WorkloadStatus.ready(current);
    api.writeStatus(type, key, generation, (ObjectNode) status, CONTROLLER);
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
