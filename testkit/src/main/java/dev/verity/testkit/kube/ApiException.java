package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/** A failed API request, rendered as a Kubernetes {@code Status} object with the code and reason a real API server uses. */
class ApiException extends RuntimeException {

  /** One entry of {@code details.causes}. */
  record Cause(String type, String message, String field) {
  }

  private final int code;
  private final String reason;
  private final String name;
  private final String group;
  private final String kind;
  private final List<Cause> causes;

  ApiException(int code, String reason, String message, String name, String group, String kind, List<Cause> causes) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.name = name;
    this.group = group;
    this.kind = kind;
    this.causes = List.copyOf(causes);
  }

  ApiException(int code, String reason, String message) {
    this(code, reason, message, null, null, null, List.of());
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, "BadRequest", message);
  }

  static ApiException notFound(ResourceType type, String name) {
    return new ApiException(404, "NotFound", type.qualifiedPlural() + " \"" + name + "\" not found",
        name, type.group(), type.plural(), List.of());
  }

  static ApiException namespaceNotFound(String namespace) {
    return new ApiException(404, "NotFound", "namespaces \"" + namespace + "\" not found",
        namespace, "", "namespaces", List.of());
  }

  static ApiException alreadyExists(ResourceType type, String name) {
    return new ApiException(409, "AlreadyExists", type.qualifiedPlural() + " \"" + name + "\" already exists",
        name, type.group(), type.plural(), List.of());
  }

  static ApiException modified(ResourceType type, String name) {
    return new ApiException(409, "Conflict", "Operation cannot be fulfilled on " + type.qualifiedPlural() + " \"" + name
        + "\": the object has been modified; please apply your changes to the latest version and try again",
        name, type.group(), type.plural(), List.of());
  }

  static ApiException invalid(ResourceType type, String name, String field, String detail) {
    String kind = type == null ? "" : type.kind();
    return new ApiException(422, "Invalid", kind + " \"" + name + "\" is invalid: " + field + ": " + detail,
        name, type == null ? "" : type.group(), kind, List.of(new Cause("FieldValueInvalid", detail, field)));
  }

  static ApiException unsupportedMediaType(String contentType) {
    return new ApiException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - accepted media types include: "
        + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
        + "application/strategic-merge-patch+json (got " + contentType + ")");
  }

  int code() {
    return code;
  }

  String reason() {
    return reason;
  }

  List<Cause> causes() {
    return causes;
  }

  ObjectNode toStatus() {
    ObjectNode status = Json.object();
    status.put("kind", "Status");
    status.put("apiVersion", "v1");
    status.putObject("metadata");
    status.put("status", "Failure");
    status.put("message", getMessage());
    status.put("reason", reason);
    if (name != null || !causes.isEmpty()) {
      ObjectNode details = status.putObject("details");
      if (name != null) {
        details.put("name", name);
      }
      if (group != null && !group.isEmpty()) {
        details.put("group", group);
      }
      if (kind != null) {
        details.put("kind", kind);
      }
      if (!causes.isEmpty()) {
        ArrayNode array = details.putArray("causes");
        for (Cause cause : causes) {
          ObjectNode c = array.addObject();
          c.put("reason", cause.type());
          c.put("message", cause.message());
          if (cause.field() != null) {
            c.put("field", cause.field());
          }
        }
      }
    }
    status.put("code", code);
    return status;
  }
}
