package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.Map;

/**
 * The sandbox's own HTTP control endpoint, under {@code /sandbox} (a path no Kubernetes client uses), JSON in and
 * out, for tests and people outside the JVM (e.g. against {@code ./verity up}):
 * <pre>
 * GET    /sandbox                    what is served here
 * GET    /sandbox/faults             pending fault rules, latency, watch history size
 * POST   /sandbox/faults             add a rule: {"verb":"patch","resource":"deployments","namespace":"shop",
 *                                      "name":"web","times":2, and one of "status":429 (+ "retryAfterSeconds":1,
 *                                      "message":"..."), "hangMillis":1500, "drop":true}
 * DELETE /sandbox/faults             remove every rule, latency back to 0, watch history back to its default
 * PUT    /sandbox/faults/latency     {"millis":50}: added to every request
 * PUT    /sandbox/faults/watch-history  {"changesPerResource":100}
 * POST   /sandbox/watches/close      end every open watch from the server side: {"closed":3}
 * POST   /sandbox/history/compact    forget the change history (watches/continues from before: 410 Gone)
 * GET    /sandbox/requests           the request log (filters: verb, resource, namespace, name, code)
 * DELETE /sandbox/requests           empty the request log
 * </pre>
 * Mistakes answer 400 with {@code {"error": "..."}} saying what to send instead.
 */
final class SandboxControl {

  /** An answer of the control endpoint. */
  record Answer(int code, ObjectNode body) {
  }

  private final Faults faults;
  private final RequestLog log;

  SandboxControl(Faults faults, RequestLog log) {
    this.faults = faults;
    this.log = log;
  }

  Answer handle(String method, String path, Map<String, String> query, String body) {
    try {
      return route(method.toUpperCase(java.util.Locale.ROOT), path.replaceAll("/+$", ""), query, body);
    } catch (IllegalArgumentException e) {
      return error(400, e.getMessage());
    }
  }

  private Answer route(String method, String path, Map<String, String> query, String body) {
    switch (path) {
      case "/sandbox" -> {
        if (method.equals("GET")) {
          return new Answer(200, index());
        }
      }
      case "/sandbox/faults" -> {
        switch (method) {
          case "GET" -> {
            return new Answer(200, state());
          }
          case "POST" -> {
            JsonNode rule = parse(body);
            Faults.Pending pending = faults.inject(match(rule), rule.path("times").asInt(1), fault(rule));
            return new Answer(201, pending(pending));
          }
          case "DELETE" -> {
            int removed = faults.pending().size();
            faults.clear();
            ObjectNode answer = Json.object();
            answer.put("removed", removed);
            return new Answer(200, answer);
          }
          default -> {
            return notAllowed(method, path);
          }
        }
      }
      case "/sandbox/faults/latency" -> {
        if (method.equals("PUT") || method.equals("POST")) {
          JsonNode millis = parse(body).path("millis");
          if (!millis.canConvertToLong() || millis.asLong() < 0) {
            throw new IllegalArgumentException("send {\"millis\": <zero or more>}, got " + body);
          }
          faults.latency(Duration.ofMillis(millis.asLong()));
          return new Answer(200, state());
        }
      }
      case "/sandbox/faults/watch-history" -> {
        if (method.equals("PUT") || method.equals("POST")) {
          JsonNode size = parse(body).path("changesPerResource");
          if (!size.canConvertToInt() || size.asInt() < 1) {
            throw new IllegalArgumentException("send {\"changesPerResource\": <1 or more>}, got " + body);
          }
          faults.watchHistory(size.asInt());
          return new Answer(200, state());
        }
      }
      case "/sandbox/watches/close" -> {
        if (method.equals("POST")) {
          ObjectNode answer = Json.object();
          answer.put("closed", faults.closeWatches());
          return new Answer(200, answer);
        }
      }
      case "/sandbox/history/compact" -> {
        if (method.equals("POST")) {
          ObjectNode answer = Json.object();
          answer.put("resourceVersion", String.valueOf(faults.compactHistory()));
          return new Answer(200, answer);
        }
      }
      case "/sandbox/requests" -> {
        if (method.equals("GET")) {
          return new Answer(200, requests(query));
        }
        if (method.equals("DELETE")) {
          log.clear();
          return new Answer(200, Json.object());
        }
      }
      default -> {
        return error(404, "no control endpoint " + path + "; GET /sandbox lists them");
      }
    }
    return notAllowed(method, path);
  }

  private static RequestMatch match(JsonNode rule) {
    return new RequestMatch(text(rule, "verb"), text(rule, "resource"), text(rule, "subresource"), text(rule, "namespace"),
        text(rule, "name"));
  }

  private static Fault fault(JsonNode rule) {
    int kinds = (rule.has("status") ? 1 : 0) + (rule.has("hangMillis") ? 1 : 0) + (rule.path("drop").asBoolean(false) ? 1 : 0);
    if (kinds != 1) {
      throw new IllegalArgumentException("a fault rule needs exactly one of \"status\" (409, 429, 500, 503, 504), "
          + "\"hangMillis\" or \"drop\": true; got " + rule);
    }
    if (rule.has("status")) {
      long retryAfter = rule.path("retryAfterSeconds").asLong(0);
      return new Fault.Status(rule.path("status").asInt(), retryAfter > 0 ? Duration.ofSeconds(retryAfter) : null,
          text(rule, "message"));
    }
    if (rule.has("hangMillis")) {
      return new Fault.Hang(Duration.ofMillis(rule.path("hangMillis").asLong()));
    }
    return new Fault.Drop();
  }

  private ObjectNode state() {
    ObjectNode state = Json.object();
    ArrayNode rules = state.putArray("rules");
    faults.pending().forEach(p -> rules.add(pending(p)));
    state.put("latencyMillis", faults.latency().toMillis());
    state.put("watchHistory", faults.watchHistory());
    return state;
  }

  private static ObjectNode pending(Faults.Pending pending) {
    ObjectNode rule = Json.object();
    rule.put("id", pending.id());
    RequestMatch match = pending.match();
    putIfSet(rule, "verb", match.verb());
    putIfSet(rule, "resource", match.resource());
    putIfSet(rule, "subresource", match.subresource());
    putIfSet(rule, "namespace", match.namespace());
    putIfSet(rule, "name", match.name());
    rule.put("remaining", pending.remaining());
    if (pending.fault() instanceof Fault.Status status) {
      rule.put("status", status.code());
      if (status.retryAfterSeconds() > 0) {
        rule.put("retryAfterSeconds", status.retryAfterSeconds());
      }
      putIfSet(rule, "message", status.message());
    } else if (pending.fault() instanceof Fault.Hang hang) {
      rule.put("hangMillis", hang.duration().toMillis());
    } else {
      rule.put("drop", true);
    }
    return rule;
  }

  private ObjectNode requests(Map<String, String> query) {
    RequestMatch match = new RequestMatch(query.get("verb"), query.get("resource"), query.get("subresource"),
        query.get("namespace"), query.get("name"));
    Integer code = null;
    if (query.containsKey("code")) {
      try {
        code = Integer.parseInt(query.get("code"));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("code must be a status code such as 422, got '" + query.get("code") + "'");
      }
    }
    ObjectNode answer = Json.object();
    ArrayNode requests = answer.putArray("requests");
    for (LoggedRequest request : log.matching(match)) {
      if (code != null && request.code() != code) {
        continue;
      }
      ObjectNode entry = requests.addObject();
      entry.put("time", request.time().toString());
      entry.put("method", request.method());
      entry.put("verb", request.verb());
      entry.put("path", request.path());
      entry.put("query", request.query());
      putIfSet(entry, "group", request.group());
      putIfSet(entry, "resource", request.resource());
      putIfSet(entry, "subresource", request.subresource());
      putIfSet(entry, "namespace", request.namespace());
      putIfSet(entry, "name", request.name());
      entry.put("code", request.code());
      entry.put("millis", request.duration().toMillis());
      putIfSet(entry, "fault", request.fault());
      putIfSet(entry, "userAgent", request.userAgent());
    }
    answer.put("capacity", RequestLog.CAPACITY);
    return answer;
  }

  private static ObjectNode index() {
    ObjectNode index = Json.object();
    ObjectNode endpoints = index.putObject("endpoints");
    endpoints.put("GET /sandbox/faults", "pending fault rules, latency and watch history size");
    endpoints.put("POST /sandbox/faults", "add a rule: {\"verb\",\"resource\",\"namespace\",\"name\",\"times\", and one of "
        + "\"status\" (409, 429, 500, 503, 504; \"retryAfterSeconds\", \"message\"), \"hangMillis\", \"drop\": true}");
    endpoints.put("DELETE /sandbox/faults", "remove every rule; latency 0; default watch history");
    endpoints.put("PUT /sandbox/faults/latency", "{\"millis\": n} added to every request");
    endpoints.put("PUT /sandbox/faults/watch-history", "{\"changesPerResource\": n} kept for watches and list snapshots");
    endpoints.put("POST /sandbox/watches/close", "end every open watch from the server side");
    endpoints.put("POST /sandbox/history/compact", "forget the change history: older watches and continues get 410 Gone");
    endpoints.put("GET /sandbox/requests", "the request log, filters verb, resource, namespace, name, code");
    endpoints.put("DELETE /sandbox/requests", "empty the request log");
    return index;
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw new IllegalArgumentException("send a JSON object as the request body");
    }
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("send a JSON object as the request body, got " + body);
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("the request body is not JSON: " + e.getOriginalMessage());
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static void putIfSet(ObjectNode node, String field, String value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  private static Answer notAllowed(String method, String path) {
    return error(405, method + " is not served on " + path + "; GET /sandbox lists what is");
  }

  private static Answer error(int code, String message) {
    ObjectNode body = Json.object();
    body.put("error", message);
    return new Answer(code, body);
  }
}
