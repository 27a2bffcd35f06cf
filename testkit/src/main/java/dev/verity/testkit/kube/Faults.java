package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults on demand, for reliability tests; none is active until a test asks for it. Also served as JSON at
 * {@code /sandbox/faults} on the sandbox's own port (see {@link KubeSandbox}).
 *
 * <pre>
 * sandbox.faults().inject(RequestMatch.of("patch", "deployments").inNamespace("shop"), 2,
 *     Fault.status(429, Duration.ofSeconds(1)));          // the next 2 matching requests: 429, Retry-After: 1
 * sandbox.faults().inject(RequestMatch.verb("create"), 1, Fault.drop());
 * sandbox.faults().latency(Duration.ofMillis(50));        // every request answers 50 ms later
 * sandbox.faults().closeWatches();                        // every open watch ends, from the server side
 * sandbox.faults().compactHistory();                      // a watch or continue from before now: 410 Gone
 * </pre>
 *
 * Rules apply in the order they were added: a request takes the first rule it matches, which then has one use less.
 */
public final class Faults {

  /** A rule not yet used up. */
  public record Pending(long id, RequestMatch match, Fault fault, int remaining) {
  }

  private static final class Rule {
    final long id;
    final RequestMatch match;
    final Fault fault;
    int remaining;

    Rule(long id, RequestMatch match, Fault fault, int remaining) {
      this.id = id;
      this.match = match;
      this.fault = fault;
      this.remaining = remaining;
    }
  }

  private final ObjectStore store;
  private final List<Rule> rules = new ArrayList<>();
  private final AtomicLong ids = new AtomicLong();
  private volatile Duration latency = Duration.ZERO;

  Faults(ObjectStore store) {
    this.store = store;
  }

  /** Makes the next {@code times} requests that {@code match} selects meet {@code fault}. Returns the rule as pending. */
  public Pending inject(RequestMatch match, int times, Fault fault) {
    Objects.requireNonNull(match, "match");
    Objects.requireNonNull(fault, "fault");
    if (times < 1) {
      throw new IllegalArgumentException("a fault applies to at least 1 request, got times=" + times);
    }
    Rule rule = new Rule(ids.incrementAndGet(), match, fault, times);
    synchronized (rules) {
      rules.add(rule);
    }
    return new Pending(rule.id, match, fault, times);
  }

  /** The rules not yet used up, in the order they apply. */
  public List<Pending> pending() {
    synchronized (rules) {
      return rules.stream().map(r -> new Pending(r.id, r.match, r.fault, r.remaining)).toList();
    }
  }

  /** Added to the answer time of every request (zero: none, the default). */
  public Faults latency(Duration perRequest) {
    Objects.requireNonNull(perRequest, "perRequest");
    if (perRequest.isNegative()) {
      throw new IllegalArgumentException("latency must be zero or more, got " + perRequest);
    }
    this.latency = perRequest;
    return this;
  }

  public Duration latency() {
    return latency;
  }

  /** Ends every open watch from the server side (a normal WebSocket close); clients re-watch. Returns how many were open. */
  public int closeWatches() {
    return store.closeWatches();
  }

  /**
   * Forgets the recorded change history, as an etcd compaction does: a watch from an earlier resourceVersion gets a
   * 410 Gone ERROR event ("too old resource version"), a list continuation or an Exact list from before it 410 Expired.
   * Returns the resourceVersion from which watches can resume.
   */
  public long compactHistory() {
    return store.compact();
  }

  /**
   * How many changes per resource the watch history keeps (default {@value ObjectStore#DEFAULT_HISTORY}): a watch
   * from a resourceVersion older than the oldest kept change gets 410 Gone, as from the API server's watch cache.
   */
  public Faults watchHistory(int changesPerResource) {
    store.historyLimit(changesPerResource);
    return this;
  }

  public int watchHistory() {
    return store.historyLimit();
  }

  /** Removes every rule, sets the latency back to zero and the watch history to its default size. */
  public Faults clear() {
    synchronized (rules) {
      rules.clear();
    }
    latency = Duration.ZERO;
    store.historyLimit(ObjectStore.DEFAULT_HISTORY);
    return this;
  }

  /** The fault the request meets, using up one application of the first rule it matches. */
  Optional<Fault> take(RequestInfo request) {
    synchronized (rules) {
      for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
        Rule rule = it.next();
        if (rule.match.matches(request)) {
          if (--rule.remaining <= 0) {
            it.remove();
          }
          return Optional.of(rule.fault);
        }
      }
    }
    return Optional.empty();
  }

  /** The Status body a real API server sends with this code, for the request. */
  static ObjectNode statusBody(Fault.Status fault, RequestInfo request) {
    String qualified = request.resource() == null ? "" : request.resource()
        + (request.group() == null || request.group().isEmpty() ? "" : "." + request.group());
    ApiException error = switch (fault.code()) {
      case 409 -> new ApiException(409, "Conflict", Optional.ofNullable(fault.message()).orElse(
          "Operation cannot be fulfilled on " + qualified + (request.name() == null ? "" : " \"" + request.name() + "\"")
              + ": the object has been modified; please apply your changes to the latest version and try again"),
          request.name(), request.group(), request.resource(), List.of());
      case 429 -> new ApiException(429, "TooManyRequests",
          Optional.ofNullable(fault.message()).orElse("Too many requests, please try again later."));
      case 500 -> {
        String cause = Optional.ofNullable(fault.message()).orElse("fault injected by the KubeSandbox");
        yield new ApiException(500, "InternalError", "Internal error occurred: " + cause, null, null, null,
            List.of(new ApiException.Cause("", cause, null)));
      }
      case 503 -> new ApiException(503, "ServiceUnavailable",
          Optional.ofNullable(fault.message()).orElse("the server is currently unable to handle the request"));
      case 504 -> new ApiException(504, "Timeout", Optional.ofNullable(fault.message()).orElse(
          "the server was unable to return a response in the time allotted, but may still be processing the request"));
      default -> throw new IllegalStateException("no Status for " + fault.code());
    };
    ObjectNode status = error.toStatus();
    if (fault.retryAfterSeconds() > 0) {
      ObjectNode details = status.has("details") ? (ObjectNode) status.get("details") : Json.object();
      details.put("retryAfterSeconds", fault.retryAfterSeconds());
      status.remove("code");
      status.set("details", details);
      status.put("code", fault.code());
    }
    return status;
  }
}
