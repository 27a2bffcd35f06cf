package dev.verity.testkit.kube;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/** What the sandbox does instead of (or before) serving a request a fault rule matches. */
public sealed interface Fault {

  /** The status codes a {@link Status} fault can answer with. */
  Set<Integer> CODES = Set.of(409, 429, 500, 503, 504);

  /**
   * Answers with this status code and the {@code Status} body a real API server sends for it, without carrying the
   * request out: 409 Conflict ("the object has been modified"), 429 TooManyRequests (API Priority and Fairness; always
   * with {@code Retry-After}, 1 s unless given), 500 InternalError, 503 ServiceUnavailable, 504 Timeout.
   *
   * @param retryAfter sent as the {@code Retry-After} header (whole seconds, at least 1) and
   *     {@code details.retryAfterSeconds}; null for none (429 then uses 1 s)
   * @param message the Status message; null for the server's usual one
   */
  record Status(int code, Duration retryAfter, String message) implements Fault {
    public Status {
      if (!CODES.contains(code)) {
        throw new IllegalArgumentException("a fault answers with one of " + CODES.stream().sorted().toList() + ", not " + code);
      }
      if (retryAfter != null && (retryAfter.isNegative() || retryAfter.isZero())) {
        throw new IllegalArgumentException("retryAfter must be positive, got " + retryAfter);
      }
      if (retryAfter == null && code == 429) {
        retryAfter = Duration.ofSeconds(1);
      }
    }

    /** Retry-After in whole seconds (rounded up), or 0 when there is none. */
    public long retryAfterSeconds() {
      if (retryAfter == null) {
        return 0;
      }
      long seconds = retryAfter.toSeconds();
      return retryAfter.minusSeconds(seconds).isZero() ? Math.max(1, seconds) : seconds + 1;
    }
  }

  /**
   * Holds the request for this long without answering, then serves it as usual; if the client has closed its
   * connection by then (it timed out), the request is not carried out.
   */
  record Hang(Duration duration) implements Fault {
    public Hang {
      Objects.requireNonNull(duration, "duration");
      if (duration.isNegative() || duration.isZero()) {
        throw new IllegalArgumentException("a hang needs a positive duration, got " + duration);
      }
    }
  }

  /** Closes the connection without answering and without carrying the request out. */
  record Drop() implements Fault {
  }

  static Fault status(int code) {
    return new Status(code, null, null);
  }

  static Fault status(int code, Duration retryAfter) {
    return new Status(code, retryAfter, null);
  }

  static Fault hang(Duration duration) {
    return new Hang(duration);
  }

  static Fault drop() {
    return new Drop();
  }
}
