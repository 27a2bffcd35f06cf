package dev.verity.testkit.kube;

import java.time.Duration;
import java.time.Instant;

/**
 * One request the sandbox received, as its request log keeps it.
 *
 * @param time when it arrived
 * @param method the HTTP method
 * @param path the path, without the query
 * @param query the raw query string ("" when none)
 * @param verb the API server's verb (get, list, watch, create, update, patch, delete, deletecollection; the
 *     lower-case HTTP method for non-resource requests)
 * @param group API group of a resource request ("" for the core group, null for non-resource requests)
 * @param resource plural of a resource request, else null
 * @param code the status code answered (101 for a watch upgraded to a WebSocket), 0 when no answer was sent (the
 *     connection was dropped, or the client left while the request hung)
 * @param duration from arrival to the answer
 * @param fault the fault injected, null when none
 * @param userAgent the request's {@code User-Agent} header, null when it sent none: which client made it, as a real
 *     API server's audit log attributes requests (e.g. {@code verity-drift-monitor}, {@code kubectl/v1.32.0 ...})
 */
public record LoggedRequest(Instant time, String method, String path, String query, String verb, String group,
    String resource, String subresource, String namespace, String name, int code, Duration duration, String fault,
    String userAgent) {

  /** A request logged without a {@code User-Agent}. */
  public LoggedRequest(Instant time, String method, String path, String query, String verb, String group,
      String resource, String subresource, String namespace, String name, int code, Duration duration, String fault) {
    this(time, method, path, query, verb, group, resource, subresource, namespace, name, code, duration, fault, null);
  }

  /** Whether the request's {@code User-Agent} starts with {@code prefix} (a client's product name, e.g. {@code kubectl/}). */
  public boolean fromAgent(String prefix) {
    return userAgent != null && userAgent.startsWith(prefix);
  }
}
