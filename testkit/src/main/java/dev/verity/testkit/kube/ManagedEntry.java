package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** One entry of {@code metadata.managedFields}: a manager, the operation (Apply or Update) and the fields it owns. */
record ManagedEntry(String manager, String operation, String apiVersion, String time, String subresource, FieldSet fields) {

  static final String APPLY = "Apply";
  static final String UPDATE = "Update";

  /** Reads keys of fieldsV1 strictly: a key followed by anything but its one JSON value is refused. */
  private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  /** How entries are ordered when written, as the API server sorts them: operation, time (seconds), manager, apiVersion, subresource. */
  private static final Comparator<ManagedEntry> ORDER = Comparator.comparing(ManagedEntry::operation)
      .thenComparing(e -> e.time() == null ? "" : e.time())
      .thenComparing(ManagedEntry::manager)
      .thenComparing(e -> e.apiVersion() == null ? "" : e.apiVersion())
      .thenComparing(e -> e.subresource() == null ? "" : e.subresource());

  boolean is(String manager, String operation, String subresource) {
    return this.manager.equals(manager) && this.operation.equals(operation) && Objects.equals(this.subresource, subresource);
  }

  /**
   * Who an entry is, as the API server tells managers apart: name, operation, subresource and, for Update only, the
   * apiVersion. Two entries with one identity are one manager (the later one wins when decoding).
   */
  String identity() {
    return manager + "\u0000" + operation + "\u0000" + (UPDATE.equals(operation) ? apiVersion : "") + "\u0000"
        + (subresource == null ? "" : subresource);
  }

  /** The same entry owning {@code newFields}; its time is kept (only the manager that writes gets a new time). */
  ManagedEntry withFields(FieldSet newFields) {
    return new ManagedEntry(manager, operation, apiVersion, time, subresource, newFields);
  }

  ManagedEntry at(String newTime, String newApiVersion) {
    return new ManagedEntry(manager, operation, newApiVersion, newTime, subresource, fields);
  }

  /** The stored entries of an object (written by the sandbox, so known to be valid). */
  static List<ManagedEntry> readAll(ObjectNode object) {
    return decode(object.path("metadata").get("managedFields")).orElse(List.of());
  }

  /** What a write asks for with the {@code metadata.managedFields} of its body. */
  sealed interface Requested {
    /** The body leaves them out (or they cannot be decoded): the live object's entries stay. */
    record KeepLive() implements Requested {
    }

    /** {@code []} or {@code [{}]}: forget all ownership. */
    record Reset() implements Requested {
    }

    /** Valid entries: they replace the live object's. */
    record Replace(List<ManagedEntry> entries) implements Requested {
    }
  }

  /**
   * Interprets the managedFields of a request body as the API server does: absent, empty after decoding, or not
   * decodable (unknown fieldsType, unknown operation, bad fieldsV1) means the live entries stay; an empty list or a
   * single empty entry resets ownership; anything else replaces the live entries.
   */
  static Requested requested(ObjectNode body) {
    JsonNode managed = body.path("metadata").get("managedFields");
    if (managed == null || managed.isNull()) {
      return new Requested.KeepLive();
    }
    if (managed.isArray() && (managed.isEmpty() || (managed.size() == 1 && managed.get(0).isObject() && managed.get(0).isEmpty()))) {
      return new Requested.Reset();
    }
    Optional<List<ManagedEntry>> decoded = decode(managed);
    if (decoded.isEmpty() || decoded.get().isEmpty()) {
      return new Requested.KeepLive();
    }
    return new Requested.Replace(decoded.get());
  }

  /** Decodes managedFields; empty when any entry is not valid. Entries of one identity collapse into the later one. */
  static Optional<List<ManagedEntry>> decode(JsonNode managed) {
    if (managed == null || managed.isNull()) {
      return Optional.of(List.of());
    }
    if (!managed.isArray()) {
      return Optional.empty();
    }
    Map<String, ManagedEntry> byIdentity = new LinkedHashMap<>();
    for (JsonNode entry : managed) {
      if (!entry.isObject()) {
        return Optional.empty();
      }
      String operation = Json.text(entry, "operation");
      if (!APPLY.equals(operation) && !UPDATE.equals(operation)) {
        return Optional.empty();
      }
      if (!"FieldsV1".equals(Json.text(entry, "fieldsType")) || !entry.path("fieldsV1").isObject()
          || !validFieldsV1(entry.get("fieldsV1"))) {
        return Optional.empty();
      }
      ManagedEntry decoded = new ManagedEntry(entry.path("manager").asText(""), operation, Json.text(entry, "apiVersion"),
          Json.text(entry, "time"), emptyToNull(Json.text(entry, "subresource")), FieldSet.fromFieldsV1(entry.get("fieldsV1")));
      byIdentity.remove(decoded.identity());
      byIdentity.put(decoded.identity(), decoded);
    }
    return Optional.of(new ArrayList<>(byIdentity.values()));
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  /** Every key is {@code .} or a path element: {@code f:name}, {@code k:<json object>}, {@code v:<json>}, {@code i:<index>}. */
  private static boolean validFieldsV1(JsonNode node) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      if (!field.getValue().isObject()) {
        return false;
      }
      if (key.equals(".")) {
        continue;
      }
      if (key.length() < 2 || key.charAt(1) != ':') {
        return false;
      }
      String body = key.substring(2);
      boolean valid = switch (key.charAt(0)) {
        case 'f' -> true;
        case 'k' -> strictJson(body).map(JsonNode::isObject).orElse(false);
        case 'v' -> strictJson(body).isPresent();
        case 'i' -> body.matches("-?\\d+");
        default -> false;
      };
      if (!valid || !validFieldsV1(field.getValue())) {
        return false;
      }
    }
    return true;
  }

  private static Optional<JsonNode> strictJson(String text) {
    try {
      JsonNode node = STRICT.readTree(text);
      return node == null || node.isMissingNode() ? Optional.empty() : Optional.of(node);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** Writes the entries that own something, in the API server's order; none at all removes the field. */
  static void writeAll(ObjectNode object, List<ManagedEntry> entries) {
    ObjectNode metadata = Json.metadata(object);
    List<ManagedEntry> kept = entries.stream().filter(e -> !e.fields().isEmpty()).sorted(ORDER).toList();
    if (kept.isEmpty()) {
      metadata.remove("managedFields");
      return;
    }
    ArrayNode array = metadata.putArray("managedFields");
    for (ManagedEntry entry : kept) {
      ObjectNode node = array.addObject();
      node.put("manager", entry.manager());
      node.put("operation", entry.operation());
      if (entry.apiVersion() != null) {
        node.put("apiVersion", entry.apiVersion());
      }
      if (entry.time() != null) {
        node.put("time", entry.time());
      }
      node.put("fieldsType", "FieldsV1");
      node.set("fieldsV1", entry.fields().toFieldsV1());
      if (entry.subresource() != null) {
        node.put("subresource", entry.subresource());
      }
    }
  }
}
