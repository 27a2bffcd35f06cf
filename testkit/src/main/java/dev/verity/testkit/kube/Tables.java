package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Server-side printing ({@code meta.k8s.io/v1 Table}) for {@code kubectl get}: the columns kubectl shows for the
 * workloads, namespaces, config maps, secrets and services; name and age for everything else.
 */
final class Tables {

  private record Column(String name, String type, Function<JsonNode, Object> cell) {
  }

  private Tables() {
  }

  static boolean wanted(String accept) {
    return accept != null && accept.contains("as=Table");
  }

  /** A Table of one object or of the items of a list. */
  static ObjectNode table(ResourceType type, ObjectNode objectOrList) {
    List<JsonNode> items = new ArrayList<>();
    if (objectOrList.has("items")) {
      objectOrList.path("items").forEach(items::add);
    } else {
      items.add(objectOrList);
    }
    List<Column> columns = columns(type.kind());
    ObjectNode table = Json.object();
    table.put("kind", "Table");
    table.put("apiVersion", "meta.k8s.io/v1");
    table.putObject("metadata").put("resourceVersion",
        objectOrList.path("metadata").path("resourceVersion").asText(""));
    ArrayNode definitions = table.putArray("columnDefinitions");
    for (Column column : columns) {
      ObjectNode definition = definitions.addObject();
      definition.put("name", column.name());
      definition.put("type", column.type());
      definition.put("format", column.name().equals("Name") ? "name" : "");
      definition.put("description", column.name());
      definition.put("priority", 0);
    }
    ArrayNode rows = table.putArray("rows");
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      ArrayNode cells = row.putArray("cells");
      for (Column column : columns) {
        cells.addPOJO(column.cell().apply(item));
      }
      ObjectNode partial = row.putObject("object");
      partial.put("kind", "PartialObjectMetadata");
      partial.put("apiVersion", "meta.k8s.io/v1");
      partial.set("metadata", item.path("metadata").deepCopy());
      ((ObjectNode) partial.get("metadata")).remove("managedFields");
    }
    return table;
  }

  private static List<Column> columns(String kind) {
    List<Column> columns = new ArrayList<>();
    columns.add(new Column("Name", "string", o -> o.path("metadata").path("name").asText()));
    JsonNode none = Json.object();
    switch (kind) {
      case "Deployment" -> {
        columns.add(new Column("Ready", "string", o -> o.path("status").path("readyReplicas").asInt(0) + "/"
            + o.path("spec").path("replicas").asInt(1)));
        columns.add(new Column("Up-to-date", "integer", o -> o.path("status").path("updatedReplicas").asInt(0)));
        columns.add(new Column("Available", "integer", o -> o.path("status").path("availableReplicas").asInt(0)));
      }
      case "StatefulSet" -> columns.add(new Column("Ready", "string", o -> o.path("status").path("readyReplicas").asInt(0)
          + "/" + o.path("spec").path("replicas").asInt(1)));
      case "DaemonSet" -> {
        columns.add(new Column("Desired", "integer", o -> o.path("status").path("desiredNumberScheduled").asInt(0)));
        columns.add(new Column("Ready", "integer", o -> o.path("status").path("numberReady").asInt(0)));
        columns.add(new Column("Available", "integer", o -> o.path("status").path("numberAvailable").asInt(0)));
      }
      case "Job" -> {
        columns.add(new Column("Status", "string", Tables::jobStatus));
        columns.add(new Column("Completions", "string", o -> o.path("status").path("succeeded").asInt(0) + "/"
            + o.path("spec").path("completions").asInt(1)));
      }
      case "Namespace" -> columns.add(new Column("Status", "string", o -> o.path("status").path("phase").asText("Active")));
      case "ConfigMap" -> columns.add(new Column("Data", "integer", o -> o.path("data").size() + o.path("binaryData").size()));
      case "Secret" -> {
        columns.add(new Column("Type", "string", o -> o.path("type").asText("Opaque")));
        columns.add(new Column("Data", "integer", o -> o.path("data").size()));
      }
      case "Service" -> {
        columns.add(new Column("Type", "string", o -> o.path("spec").path("type").asText("ClusterIP")));
        columns.add(new Column("Ports", "string", Tables::ports));
      }
      default -> {
        // name and age only
      }
    }
    columns.add(new Column("Age", "string", Tables::age));
    return columns;
  }

  private static String jobStatus(JsonNode job) {
    for (JsonNode condition : job.path("status").path("conditions")) {
      if ("True".equals(condition.path("status").asText())
          && List.of("Complete", "Failed").contains(condition.path("type").asText())) {
        return condition.path("type").asText();
      }
    }
    return "Running";
  }

  private static String ports(JsonNode service) {
    List<String> ports = new ArrayList<>();
    service.path("spec").path("ports").forEach(p -> ports.add(p.path("port").asText() + "/" + p.path("protocol").asText("TCP")));
    return ports.isEmpty() ? "<none>" : String.join(",", ports);
  }

  private static String age(JsonNode object) {
    String created = object.path("metadata").path("creationTimestamp").asText("");
    if (created.isEmpty()) {
      return "<unknown>";
    }
    Duration age = Duration.between(Instant.parse(created), Instant.now());
    long seconds = Math.max(0, age.toSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 7200) {
      return seconds / 60 + "m";
    }
    if (seconds < 172_800) {
      return seconds / 3600 + "h";
    }
    return seconds / 86_400 + "d";
  }
}
