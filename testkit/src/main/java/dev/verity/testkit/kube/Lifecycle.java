package dev.verity.testkit.kube;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where timing matters: how long the simulated API server controllers take. A CustomResourceDefinition becomes
 * Established {@link #crdEstablishedAfter()} after its names were accepted (default 1 s), and only then are its kinds
 * served; a deleted namespace stays Terminating for {@link #namespaceTerminatedAfter()} after its content was
 * deleted (default 300 ms) before it is gone. See {@link CrdController} and {@link NamespaceController}.
 *
 * <p>The defaults can be changed for a whole JVM (the local stack) with the system properties
 * {@value #CRD_PROPERTY} and {@value #NAMESPACE_PROPERTY} (milliseconds, or an ISO-8601 duration such as
 * {@code PT2S}), and for one sandbox at any time with the setters here.
 */
public final class Lifecycle implements AutoCloseable {

  /** System property: default of {@link #crdEstablishedAfter()}. */
  public static final String CRD_PROPERTY = "verity.sandbox.crd-established-after";
  /** System property: default of {@link #namespaceTerminatedAfter()}. */
  public static final String NAMESPACE_PROPERTY = "verity.sandbox.namespace-terminated-after";

  private static final Logger LOG = Logger.getLogger(Lifecycle.class.getName());
  private static final Duration CRD_DEFAULT = Duration.ofSeconds(1);
  private static final Duration NAMESPACE_DEFAULT = Duration.ofMillis(300);

  private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "kube-sandbox-lifecycle");
    thread.setDaemon(true);
    return thread;
  });
  private volatile Duration crdEstablishedAfter = defaultOf(CRD_PROPERTY, CRD_DEFAULT);
  private volatile Duration namespaceTerminatedAfter = defaultOf(NAMESPACE_PROPERTY, NAMESPACE_DEFAULT);

  Lifecycle() {
  }

  /** How long after its names were accepted a CustomResourceDefinition becomes Established; applies to CRDs stored afterwards. */
  public Lifecycle crdEstablishedAfter(Duration delay) {
    this.crdEstablishedAfter = check("crdEstablishedAfter", delay);
    return this;
  }

  public Duration crdEstablishedAfter() {
    return crdEstablishedAfter;
  }

  /** How long a deleted namespace stays Terminating after its content was deleted; applies to deletions that start afterwards. */
  public Lifecycle namespaceTerminatedAfter(Duration delay) {
    this.namespaceTerminatedAfter = check("namespaceTerminatedAfter", delay);
    return this;
  }

  public Duration namespaceTerminatedAfter() {
    return namespaceTerminatedAfter;
  }

  /** Restores both delays to their defaults (system properties, else 1 s and 300 ms). */
  public Lifecycle reset() {
    crdEstablishedAfter = defaultOf(CRD_PROPERTY, CRD_DEFAULT);
    namespaceTerminatedAfter = defaultOf(NAMESPACE_PROPERTY, NAMESPACE_DEFAULT);
    return this;
  }

  /** Runs a controller step after a delay on the lifecycle thread; a step that fails is logged, not retried. */
  void run(Runnable step, Duration delay) {
    Runnable logged = () -> {
      try {
        step.run();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "KubeSandbox lifecycle step failed", e);
      }
    };
    try {
      if (delay.isZero()) {
        executor.execute(logged);
      } else {
        executor.schedule(logged, delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException closing) {
      // the sandbox is closing
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }

  /** Parses a delay: milliseconds ({@code 250}) or an ISO-8601 duration ({@code PT1S}). */
  static Duration parse(String name, String value) {
    try {
      Duration parsed = value.trim().toUpperCase(java.util.Locale.ROOT).startsWith("P")
          ? Duration.parse(value.trim()) : Duration.ofMillis(Long.parseLong(value.trim()));
      return check(name, parsed);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(name + ": expected milliseconds (e.g. 250) or an ISO-8601 duration (e.g. PT1S), got '"
          + value + "'", e);
    }
  }

  private static Duration defaultOf(String property, Duration fallback) {
    String value = System.getProperty(property);
    return value == null || value.isBlank() ? fallback : parse(property, value);
  }

  private static Duration check(String name, Duration delay) {
    if (delay == null || delay.isNegative()) {
      throw new IllegalArgumentException(name + " needs a duration of zero or more, got " + delay);
    }
    return delay;
  }
}
