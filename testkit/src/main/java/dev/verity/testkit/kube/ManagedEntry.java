package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** One entry of {@code metadata.managedFields}: a manager, the operation (Apply or Update) and the fields it owns. */
record ManagedEntry(String manager, String operation, String apiVersion, String time, String subresource, FieldSet fields) {

  static final String APPLY = "Apply";
  static final String UPDATE = "Update";

  boolean is(String manager, String operation, String subresource) {
    return this.manager.equals(manager) && this.operation.equals(operation) && Objects.equals(this.subresource, subresource);
  }

  ManagedEntry withFields(FieldSet newFields, String now) {
    return new ManagedEntry(manager, operation, apiVersion, newFields.equals(fields) ? time : now, subresource, newFields);
  }

  static List<ManagedEntry> readAll(ObjectNode object) {
    List<ManagedEntry> entries = new ArrayList<>();
    JsonNode managed = object.path("metadata").path("managedFields");
    for (JsonNode entry : managed) {
      entries.add(new ManagedEntry(entry.path("manager").asText(""), entry.path("operation").asText(UPDATE),
          Json.text(entry, "apiVersion"), Json.text(entry, "time"), Json.text(entry, "subresource"),
          FieldSet.fromFieldsV1(entry.get("fieldsV1"))));
    }
    return entries;
  }

  static void writeAll(ObjectNode object, List<ManagedEntry> entries) {
    ObjectNode metadata = Json.metadata(object);
    List<ManagedEntry> kept = entries.stream().filter(e -> !e.fields().isEmpty()).toList();
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
