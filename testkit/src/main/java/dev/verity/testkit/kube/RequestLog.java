package dev.verity.testkit.kube;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last {@value #CAPACITY} requests the sandbox served (its own {@code /sandbox/...} control requests excluded),
 * oldest first: for tests that assert what a client sent, e.g. that a 422 was answered exactly once.
 */
public final class RequestLog {

  public static final int CAPACITY = 10_000;

  private final Deque<LoggedRequest> entries = new ArrayDeque<>();

  void add(LoggedRequest request) {
    synchronized (entries) {
      entries.addLast(request);
      while (entries.size() > CAPACITY) {
        entries.removeFirst();
      }
    }
  }

  /** Every logged request, oldest first. */
  public List<LoggedRequest> entries() {
    synchronized (entries) {
      return List.copyOf(entries);
    }
  }

  /** The logged requests a match selects, oldest first. */
  public List<LoggedRequest> matching(RequestMatch match) {
    return entries().stream().filter(match::matches).toList();
  }

  /** How many logged requests the match selects that were answered with {@code code}. */
  public long count(RequestMatch match, int code) {
    return entries().stream().filter(match::matches).filter(r -> r.code() == code).count();
  }

  public void clear() {
    synchronized (entries) {
      entries.clear();
    }
  }
}
