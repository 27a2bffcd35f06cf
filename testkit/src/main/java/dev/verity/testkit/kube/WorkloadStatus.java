package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The statuses the workload controllers would write, reduced to what health checks read. */
final class WorkloadStatus {

  private WorkloadStatus() {
  }

  static ObjectNode progressing(ObjectNode object) {
    String kind = Json.text(object, "kind");
    ObjectNode previous = object.get("status") instanceof ObjectNode s ? s : Json.object();
    long generation = object.path("metadata").path("generation").asLong(1);
    int replicas = replicas(object);
    ObjectNode status = Json.object();
    switch (kind) {
      case "Deployment" -> {
        status.put("observedGeneration", generation);
        status.put("replicas", replicas);
        status.put("updatedReplicas", 0);
        copy(previous, status, "readyReplicas", "availableReplicas");
        status.put("unavailableReplicas", Math.max(0, replicas - previous.path("availableReplicas").asInt(0)));
        ArrayNode conditions = status.putArray("conditions");
        boolean available = previous.path("availableReplicas").asInt(0) >= replicas && replicas > 0
            || isTrue(previous, "Available");
        condition(conditions, "Available", available, available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
            available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.");
        condition(conditions, "Progressing", true, "ReplicaSetUpdated",
            "ReplicaSet \"" + replicaSet(object) + "\" is progressing.");
      }
      case "StatefulSet" -> {
        status.put("observedGeneration", generation);
        status.put("replicas", replicas);
        copy(previous, status, "readyReplicas", "availableReplicas", "currentReplicas", "currentRevision");
        status.put("updatedReplicas", 0);
        status.put("updateRevision", replicaSet(object));
        status.put("collisionCount", 0);
      }
      case "DaemonSet" -> {
        status.put("observedGeneration", generation);
        status.put("desiredNumberScheduled", 1);
        status.put("currentNumberScheduled", 1);
        status.put("numberMisscheduled", 0);
        status.put("updatedNumberScheduled", 0);
        copy(previous, status, "numberReady", "numberAvailable");
        status.put("numberUnavailable", 1 - previous.path("numberAvailable").asInt(0));
      }
      case "Job" -> {
        status.put("startTime", Json.now());
        status.put("active", object.path("spec").path("parallelism").asInt(1));
        status.put("ready", 0);
        status.put("terminating", 0);
        status.putObject("uncountedTerminatedPods");
      }
      default -> throw new IllegalArgumentException("no simulated rollout for " + kind);
    }
    return status;
  }

  static ObjectNode ready(ObjectNode object) {
    String kind = Json.text(object, "kind");
    long generation = object.path("metadata").path("generation").asLong(1);
    int replicas = replicas(object);
    ObjectNode status = Json.object();
    switch (kind) {
      case "Deployment" -> {
        status.put("observedGeneration", generation);
        status.put("replicas", replicas);
        status.put("updatedReplicas", replicas);
        status.put("readyReplicas", replicas);
        status.put("availableReplicas", replicas);
        ArrayNode conditions = status.putArray("conditions");
        condition(conditions, "Available", true, "MinimumReplicasAvailable", "Deployment has minimum availability.");
        condition(conditions, "Progressing", true, "NewReplicaSetAvailable",
            "ReplicaSet \"" + replicaSet(object) + "\" has successfully progressed.");
      }
      case "StatefulSet" -> {
        status.put("observedGeneration", generation);
        status.put("replicas", replicas);
        status.put("readyReplicas", replicas);
        status.put("currentReplicas", replicas);
        status.put("updatedReplicas", replicas);
        status.put("availableReplicas", replicas);
        status.put("currentRevision", replicaSet(object));
        status.put("updateRevision", replicaSet(object));
        status.put("collisionCount", 0);
      }
      case "DaemonSet" -> {
        status.put("observedGeneration", generation);
        status.put("desiredNumberScheduled", 1);
        status.put("currentNumberScheduled", 1);
        status.put("numberMisscheduled", 0);
        status.put("updatedNumberScheduled", 1);
        status.put("numberReady", 1);
        status.put("numberAvailable", 1);
      }
      case "Job" -> {
        status.put("startTime", object.path("status").path("startTime").asText(Json.now()));
        status.put("completionTime", Json.now());
        status.put("succeeded", object.path("spec").path("completions").asInt(1));
        status.put("ready", 0);
        status.put("terminating", 0);
        status.putObject("uncountedTerminatedPods");
        ArrayNode conditions = status.putArray("conditions");
        condition(conditions, "SuccessCriteriaMet", true, "CompletionsReached", "Reached expected number of succeeded pods");
        condition(conditions, "Complete", true, "CompletionsReached", "Reached expected number of succeeded pods");
      }
      default -> throw new IllegalArgumentException("no simulated rollout for " + kind);
    }
    return status;
  }

  static ObjectNode failed(ObjectNode object) {
    String kind = Json.text(object, "kind");
    long generation = object.path("metadata").path("generation").asLong(1);
    int replicas = replicas(object);
    ObjectNode status = Json.object();
    switch (kind) {
      case "Deployment" -> {
        status.put("observedGeneration", generation);
        status.put("replicas", replicas);
        status.put("updatedReplicas", replicas);
        status.put("unavailableReplicas", replicas);
        ArrayNode conditions = status.putArray("conditions");
        condition(conditions, "Available", false, "MinimumReplicasUnavailable", "Deployment does not have minimum availability.");
        condition(conditions, "Progressing", false, "ProgressDeadlineExceeded",
            "ReplicaSet \"" + replicaSet(object) + "\" has timed out progressing.");
      }
      case "StatefulSet" -> {
        status.put("observedGeneration", generation);
        status.put("replicas", replicas);
        status.put("readyReplicas", 0);
        status.put("currentReplicas", replicas);
        status.put("updatedReplicas", replicas);
        status.put("availableReplicas", 0);
        status.put("currentRevision", replicaSet(object));
        status.put("updateRevision", replicaSet(object));
        status.put("collisionCount", 0);
      }
      case "DaemonSet" -> {
        status.put("observedGeneration", generation);
        status.put("desiredNumberScheduled", 1);
        status.put("currentNumberScheduled", 1);
        status.put("numberMisscheduled", 0);
        status.put("updatedNumberScheduled", 1);
        status.put("numberReady", 0);
        status.put("numberAvailable", 0);
        status.put("numberUnavailable", 1);
      }
      case "Job" -> {
        int backoffLimit = object.path("spec").path("backoffLimit").asInt(6);
        status.put("startTime", object.path("status").path("startTime").asText(Json.now()));
        status.put("failed", backoffLimit + 1);
        status.put("ready", 0);
        status.put("terminating", 0);
        status.putObject("uncountedTerminatedPods");
        ArrayNode conditions = status.putArray("conditions");
        condition(conditions, "FailureTarget", true, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
        condition(conditions, "Failed", true, "BackoffLimitExceeded", "Job has reached the specified backoff limit");
      }
      default -> throw new IllegalArgumentException("no simulated rollout for " + kind);
    }
    return status;
  }

  private static int replicas(JsonNode object) {
    return object.path("spec").path("replicas").asInt(1);
  }

  /** A stable name for the current pod template's replica set (or revision), like {@code web-5d4f8c7b9}. */
  private static String replicaSet(JsonNode object) {
    int hash = Json.write(object.path("spec").path("template")).hashCode();
    return object.path("metadata").path("name").asText() + "-" + Integer.toString(hash & 0x7fffffff, 36);
  }

  private static boolean isTrue(JsonNode status, String type) {
    for (JsonNode condition : status.path("conditions")) {
      if (type.equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  private static void copy(ObjectNode from, ObjectNode to, String... fields) {
    for (String field : fields) {
      if (from.has(field)) {
        to.set(field, from.get(field));
      }
    }
  }

  private static void condition(ArrayNode conditions, String type, boolean status, String reason, String message) {
    ObjectNode condition = conditions.addObject();
    condition.put("type", type);
    condition.put("status", status ? "True" : "False");
    condition.put("lastUpdateTime", Json.now());
    condition.put("lastTransitionTime", Json.now());
    condition.put("reason", reason);
    condition.put("message", message);
  }
}
