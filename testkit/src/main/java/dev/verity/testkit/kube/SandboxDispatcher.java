package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import dev.verity.testkit.kube.FieldSchema.Scope;

/**
 * Maps Kubernetes REST requests onto {@link SandboxApi}: discovery, resource paths (core and grouped, namespaced and
 * cluster-scoped, status and scale subresources), query options ({@code dryRun}, {@code fieldManager}, {@code force},
 * selectors, {@code watch}, {@code resourceVersion}, {@code limit}, {@code continue}) and patch content types.
 * {@link SandboxServer} serves HTTP and WebSocket and applies faults before a request gets here.
 */
final class SandboxDispatcher extends Dispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxDispatcher.class);
  /** The body of every {@code /scale} subresource. */
  private static final ObjectSchema SCALE_SCHEMA = ObjectSchema.builtin("autoscaling/v1", "Scale");

  /** A parsed resource URL. */
  record Target(ResourceType type, String namespace, String name, String subresource) {
  }

  private final SandboxApi api;
  private volatile String serverAddress = "127.0.0.1:6443";

  SandboxDispatcher(SandboxApi api) {
    this.api = api;
  }

  ObjectStore store() {
    return api.store();
  }

  void serverAddress(String address) {
    this.serverAddress = address;
  }

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    String rawPath = request.getPath();
    int question = rawPath.indexOf('?');
    String path = question < 0 ? rawPath : rawPath.substring(0, question);
    Map<String, String> query = parseQuery(question < 0 ? "" : rawPath.substring(question + 1));
    try {
      return route(request, path, query);
    } catch (ApiException e) {
      LOG.debug("{} {} -> {} {}", request.getMethod(), rawPath, e.code(), e.getMessage());
      return json(e.code(), e.toStatus());
    } catch (RuntimeException e) {
      LOG.warn("KubeSandbox failed on {} {}", request.getMethod(), rawPath, e);
      return json(500, new ApiException(500, "InternalError", "KubeSandbox failed on " + request.getMethod() + " "
          + rawPath + ": " + e).toStatus());
    }
  }

  private MockResponse route(RecordedRequest request, String path, Map<String, String> query) {
    List<String> segments = new ArrayList<>(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
    String method = request.getMethod().toUpperCase(Locale.ROOT);
    if (segments.isEmpty()) {
      ObjectNode root = Json.object();
      root.putArray("paths").add("/api").add("/api/v1").add("/apis").add("/healthz").add("/livez").add("/readyz").add("/version");
      return json(200, root);
    }
    switch (segments.get(0)) {
      case "version" -> {
        ObjectNode version = Json.object();
        version.put("major", "1").put("minor", "32").put("gitVersion", "v1.32.0-verity-sandbox")
            .put("gitCommit", "sandbox").put("gitTreeState", "clean").put("buildDate", "2026-01-01T00:00:00Z")
            .put("goVersion", "go1.23").put("compiler", "gc").put("platform", "linux/amd64");
        return json(200, version);
      }
      case "healthz", "livez", "readyz" -> {
        return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain").setBody("ok");
      }
      case "api" -> {
        if (segments.size() == 1) {
          return json(200, api.types().coreVersions(serverAddress));
        }
        if (segments.size() == 2) {
          return discovery(api.types().resourceList("", segments.get(1)));
        }
        return resource(request, method, "", segments.get(1), segments.subList(2, segments.size()), query);
      }
      case "apis" -> {
        if (segments.size() == 1) {
          return json(200, api.types().groupList());
        }
        if (segments.size() == 2) {
          return discovery(api.types().group(segments.get(1)));
        }
        if (segments.size() == 3) {
          return discovery(api.types().resourceList(segments.get(1), segments.get(2)));
        }
        return resource(request, method, segments.get(1), segments.get(2), segments.subList(3, segments.size()), query);
      }
      case "openapi" -> {
        if (segments.size() == 2 && segments.get(1).equals("v3")) {
          return json(200, api.types().openApiIndex());
        }
        if (segments.size() >= 4 && segments.get(1).equals("v3")) {
          boolean core = segments.get(2).equals("api");
          String group = core ? "" : segments.get(3);
          String version = core ? segments.get(3) : segments.size() > 4 ? segments.get(4) : "";
          return discovery(api.types().openApiGroupVersion(group, version));
        }
        throw notFound();
      }
      default -> throw notFound();
    }
  }

  private MockResponse resource(RecordedRequest request, String method, String group, String version, List<String> rest,
      Map<String, String> query) {
    Target target = target(group, version, rest);
    boolean dryRun = dryRun(query);
    Scope scope = "status".equals(target.subresource()) ? Scope.STATUS : Scope.MAIN;
    if (target.subresource() != null && !target.subresource().equals("status") && !target.subresource().equals("scale")) {
      throw notFound();
    }
    if (target.type().namespaced() && target.namespace() == null && target.name() != null) {
      throw notFound();
    }
    String namespace = target.namespace();
    ResourceType type = target.type();
    if (api.types().isReview(type)) {
      return review(request, method, target, query);
    }
    switch (method) {
      case "GET" -> {
        if (target.name() == null) {
          Predicate<JsonNode> filter = filter(query);
          if ("true".equals(query.get("watch")) || "1".equals(query.get("watch"))) {
            // the server streams it over HTTP, or over the WebSocket the request upgrades to
            WatchSession session = new WatchSession(api.store(), type.group(), type.plural(),
                type.namespaced() ? namespace : null, filter, query.get("resourceVersion"), watchOptions(type, request, query));
            return new MockResponse().withWebSocketUpgrade(session);
          }
          ObjectNode list = api.list(type, namespace, filter, ListRequest.of(query));
          if (!Tables.wanted(request.getHeader("Accept"))) {
            return json(200, list);
          }
          ObjectNode table = Tables.table(type, list);
          ObjectNode listMeta = (ObjectNode) list.get("metadata");
          ObjectNode tableMeta = (ObjectNode) table.get("metadata");
          for (String field : List.of("continue", "remainingItemCount")) {
            if (listMeta.has(field)) {
              tableMeta.set(field, listMeta.get(field));
            }
          }
          return json(200, table);
        }
        if ("scale".equals(target.subresource())) {
          return json(200, api.getScale(type, namespace, target.name()));
        }
        ObjectNode object = api.get(type, namespace, target.name());
        return json(200, Tables.wanted(request.getHeader("Accept")) ? Tables.table(type, object) : object);
      }
      case "POST" -> {
        if (target.name() != null) {
          throw new ApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
        }
        if (type.namespaced() && namespace == null) {
          throw ApiException.badRequest("a namespaced " + type.kind() + " must be created under /namespaces/<namespace>/");
        }
        FieldValidation validation = FieldValidation.of(query.get("fieldValidation"));
        ObjectNode body = api.decode(type, body(request, validation), isYaml(request), validation);
        SandboxApi.Outcome outcome = api.create(type, namespace, body, manager(request, query), dryRun, validation);
        return json(outcome.code(), outcome.body(), validation);
      }
      case "PUT" -> {
        requireName(target);
        FieldValidation validation = FieldValidation.of(query.get("fieldValidation"));
        if ("scale".equals(target.subresource())) {
          ObjectNode scale = Json.parseObject(body(request, validation), isYaml(request));
          return json(200, api.scale(type, namespace, target.name(), current -> scale, manager(request, query), dryRun));
        }
        ObjectNode body = api.decode(type, body(request, validation), isYaml(request), validation);
        SandboxApi.Outcome outcome = api.update(type, namespace, target.name(), body, manager(request, query), dryRun, scope,
            validation);
        return json(outcome.code(), outcome.body(), validation);
      }
      case "PATCH" -> {
        requireName(target);
        String contentType = Optional.ofNullable(request.getHeader("Content-Type")).orElse("").toLowerCase(Locale.ROOT);
        String body = request.getUtf8Body();
        if (contentType.startsWith("application/apply-patch")) {
          if ("scale".equals(target.subresource())) {
            return json(200, api.applyScale(type, namespace, target.name(), body, query.get("fieldManager"),
                "true".equals(query.get("force")), dryRun));
          }
          FieldValidation validation = FieldValidation.of(query.get("fieldValidation"));
          SandboxApi.Outcome outcome = api.apply(type, namespace, target.name(), body, query.get("fieldManager"),
              "true".equals(query.get("force")), dryRun, scope, validation);
          return json(outcome.code(), outcome.body(), validation);
        }
        SandboxApi.PatchType patchType;
        if (contentType.startsWith("application/merge-patch+json")) {
          patchType = SandboxApi.PatchType.MERGE;
        } else if (contentType.startsWith("application/json-patch+json")) {
          patchType = SandboxApi.PatchType.JSON;
        } else if (contentType.startsWith("application/strategic-merge-patch+json")) {
          patchType = SandboxApi.PatchType.STRATEGIC;
        } else {
          throw ApiException.unsupportedMediaType(contentType);
        }
        if ("scale".equals(target.subresource())) {
          return json(200, api.scale(type, namespace, target.name(), current -> patch(patchType, current, body),
              manager(request, query), dryRun));
        }
        FieldValidation validation = FieldValidation.of(query.get("fieldValidation"));
        SandboxApi.Outcome outcome = api.patch(type, namespace, target.name(), patchType, body, manager(request, query),
            dryRun, scope, validation);
        return json(outcome.code(), outcome.body(), validation);
      }
      case "DELETE" -> {
        if (target.name() == null) {
          return json(200, api.deleteCollection(type, namespace, filter(query),
              dryRun || DeleteOptions.parse(body(request, FieldValidation.ignore())).dryRun()));
        }
        DeleteOptions options = DeleteOptions.parse(body(request, FieldValidation.ignore()));
        SandboxApi.Outcome outcome = api.delete(type, namespace, target.name(), dryRun || options.dryRun(),
            options.uid(), options.resourceVersion());
        return json(outcome.code(), outcome.body());
      }
      default -> throw new ApiException(405, "MethodNotAllowed", "the server does not allow method " + method);
    }
  }

  /**
   * A watch's {@code timeoutSeconds} (absent: half an hour, the API server's minimum request timeout; a bad value is a
   * 400), {@code allowWatchBookmarks}, and Table objects when kubectl asks for them in {@code Accept}.
   */
  private static WatchSession.Options watchOptions(ResourceType type, RecordedRequest request, Map<String, String> query) {
    String timeoutText = query.get("timeoutSeconds");
    java.time.Duration timeout = java.time.Duration.ofMinutes(30);
    if (timeoutText != null && !timeoutText.isEmpty()) {
      try {
        long seconds = Long.parseLong(timeoutText);
        if (seconds < 0) {
          throw new NumberFormatException();
        }
        timeout = seconds == 0 ? timeout : java.time.Duration.ofSeconds(seconds);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("timeoutSeconds must be a non-negative whole number of seconds, got \"" + timeoutText + "\"");
      }
    }
    boolean bookmarks = "true".equals(query.get("allowWatchBookmarks"));
    return new WatchSession.Options(timeout, bookmarks, type, Tables.wanted(request.getHeader("Accept")) ? type : null);
  }

  /** A review (access, rules, self-subject, token): answered as an allow-all server answers it, never stored. */
  private MockResponse review(RecordedRequest request, String method, Target target, Map<String, String> query) {
    if (!method.equals("POST") || target.name() != null || target.subresource() != null) {
      throw new ApiException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
    }
    if (target.type().namespaced() && target.namespace() == null) {
      throw ApiException.badRequest("a namespaced " + target.type().kind() + " must be created under /namespaces/<namespace>/");
    }
    FieldValidation validation = FieldValidation.of(query.get("fieldValidation"));
    ObjectNode body = api.decode(target.type(), body(request, validation), isYaml(request), validation);
    return json(201, Reviews.answer(target.type(), target.namespace(), body), validation);
  }

  /** The parts of a DELETE body ({@code DeleteOptions}) the sandbox honours: dryRun and preconditions. */
  record DeleteOptions(boolean dryRun, String uid, String resourceVersion) {
    static DeleteOptions parse(String body) {
      if (body == null || body.isBlank()) {
        return new DeleteOptions(false, null, null);
      }
      JsonNode options = Json.parse(body);
      boolean dryRun = false;
      for (JsonNode value : options.path("dryRun")) {
        dryRun |= "All".equals(value.asText());
      }
      JsonNode preconditions = options.path("preconditions");
      return new DeleteOptions(dryRun, Json.text(preconditions, "uid"), Json.text(preconditions, "resourceVersion"));
    }
  }

  private static ObjectNode patch(SandboxApi.PatchType type, ObjectNode current, String body) {
    JsonNode patch = Json.parse(body);
    JsonNode result = switch (type) {
      case JSON -> Patches.jsonPatch(current, patch);
      case MERGE -> Patches.mergePatch(current, patch);
      case STRATEGIC -> Patches.strategicMergePatch(current, patch, SCALE_SCHEMA, List.of());
    };
    if (!(result instanceof ObjectNode object)) {
      throw new ApiException(422, "Invalid", "the patch did not produce a Scale object");
    }
    return object;
  }

  private Target target(String group, String version, List<String> rest) {
    if (rest.isEmpty()) {
      throw notFound();
    }
    if (rest.get(0).equals("namespaces") && rest.size() >= 3) {
      Optional<ResourceType> namespaced = api.types().byPlural(group, version, rest.get(2)).filter(ResourceType::namespaced);
      if (namespaced.isPresent()) {
        if (rest.size() > 5) {
          throw notFound();
        }
        return new Target(namespaced.get(), rest.get(1), rest.size() > 3 ? rest.get(3) : null, rest.size() > 4 ? rest.get(4) : null);
      }
    }
    ResourceType type = api.types().byPlural(group, version, rest.get(0)).orElseThrow(SandboxDispatcher::notFound);
    if (rest.size() > 3) {
      throw notFound();
    }
    return new Target(type, null, rest.size() > 1 ? rest.get(1) : null, rest.size() > 2 ? rest.get(2) : null);
  }

  private static void requireName(Target target) {
    if (target.name() == null) {
      throw new ApiException(405, "MethodNotAllowed", "the server does not allow this method on the collection "
          + target.type().qualifiedPlural());
    }
  }

  private static Predicate<JsonNode> filter(Map<String, String> query) {
    return Selector.labels(query.get("labelSelector")).and(Selector.fields(query.get("fieldSelector")));
  }

  private static boolean dryRun(Map<String, String> query) {
    String dryRun = query.get("dryRun");
    if (dryRun == null || dryRun.isEmpty()) {
      return false;
    }
    if (!dryRun.equals("All")) {
      throw new ApiException(422, "Invalid", "dryRun: Unsupported value: \"" + dryRun + "\": supported values: \"All\"");
    }
    return true;
  }

  /** The field manager of a non-apply write: the fieldManager option, else the User-Agent up to its first '/', as the API server derives it. */
  private static String manager(RecordedRequest request, Map<String, String> query) {
    String manager = query.get("fieldManager");
    if (manager != null && !manager.isEmpty()) {
      return manager;
    }
    String agent = Optional.ofNullable(request.getHeader("User-Agent")).orElse("");
    int slash = agent.indexOf('/');
    String prefix = slash < 0 ? agent : agent.substring(0, slash);
    prefix = prefix.length() > 128 ? prefix.substring(0, 128) : prefix;
    return prefix.isEmpty() ? "unknown" : prefix;
  }

  /**
   * A create, update or delete body as JSON text: a protobuf body ({@link ProtobufBodies}) decoded, the fields its
   * messages do not know warned about; any other body as sent.
   */
  private static String body(RecordedRequest request, FieldValidation validation) {
    if (ProtobufBodies.isProtobuf(request.getHeader("Content-Type"))) {
      ProtobufBodies.Decoded decoded = ProtobufBodies.decode(request.getBody().getBytes());
      validation.always(decoded.warnings());
      return Json.write(decoded.object());
    }
    return request.getUtf8Body();
  }

  private static boolean isYaml(RecordedRequest request) {
    String contentType = request.getHeader("Content-Type");
    return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("yaml");
  }

  static Map<String, String> parseQuery(String query) {
    Map<String, String> params = new HashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.putIfAbsent(key, value);
    }
    return params;
  }

  private static MockResponse discovery(Optional<ObjectNode> document) {
    return json(200, document.orElseThrow(SandboxDispatcher::notFound));
  }

  private static ApiException notFound() {
    return new ApiException(404, "NotFound", "the server could not find the requested resource");
  }

  private static MockResponse json(int code, JsonNode body) {
    return new MockResponse().setResponseCode(code).setHeader("Content-Type", "application/json").setBody(Json.write(body));
  }

  /** An answer carrying the warnings a write collected under {@code fieldValidation=Warn}, one {@code Warning} header each. */
  private static MockResponse json(int code, JsonNode body, FieldValidation validation) {
    MockResponse response = json(code, body);
    for (String warning : validation.warnings()) {
      response.addHeader("Warning", FieldValidation.header(warning));
    }
    return response;
  }
}
