package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/** The few defaults the sandbox applies, where Verity or the list-map keys depend on them; a real server defaults far more. */
final class Defaults {

  private static final Set<String> REPLICATED = Set.of("Deployment", "StatefulSet", "ReplicaSet", "ReplicationController");

  private Defaults() {
  }

  /** {@code protocol: TCP} on container and service ports, since it is part of their list-map key (as the API server does before merging). */
  static void keys(JsonNode node) {
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> {
        if (e.getKey().equals("ports") && e.getValue().isArray()) {
          for (JsonNode port : e.getValue()) {
            if (port instanceof ObjectNode p && (p.has("containerPort") || p.has("port")) && !p.hasNonNull("protocol")) {
              p.put("protocol", "TCP");
            }
          }
        }
        keys(e.getValue());
      });
    } else if (node.isArray()) {
      node.forEach(Defaults::keys);
    }
  }

  /** Defaults of a stored object that the simulated rollout and namespace handling rely on. */
  static void objects(String kind, ObjectNode object) {
    if (REPLICATED.contains(kind) && object.get("spec") instanceof ObjectNode spec && !spec.hasNonNull("replicas")) {
      spec.put("replicas", 1);
    }
    if (kind.equals("Job") && object.get("spec") instanceof ObjectNode spec) {
      if (!spec.hasNonNull("completions")) {
        spec.put("completions", 1);
      }
      if (!spec.hasNonNull("parallelism")) {
        spec.put("parallelism", 1);
      }
      if (!spec.hasNonNull("backoffLimit")) {
        spec.put("backoffLimit", 6);
      }
    }
    if (kind.equals("Secret")) {
      if (object.get("stringData") instanceof ObjectNode stringData) {
        ObjectNode data = object.get("data") instanceof ObjectNode d ? d : object.putObject("data");
        stringData.fields().forEachRemaining(e -> data.put(e.getKey(),
            Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
      }
      object.remove("stringData");
      if (!object.hasNonNull("type")) {
        object.put("type", "Opaque");
      }
    }
    if (kind.equals("Namespace")) {
      ObjectNode spec = object.get("spec") instanceof ObjectNode s ? s : object.putObject("spec");
      if (!spec.has("finalizers")) {
        spec.putArray("finalizers").add("kubernetes");
      }
      object.putObject("status").put("phase", "Active");
      Json.metadata(object).with("labels").put("kubernetes.io/metadata.name", Json.text(object.path("metadata"), "name"));
    }
  }
}
