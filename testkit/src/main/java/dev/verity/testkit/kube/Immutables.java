package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.kube.schema.ApiSchema;
import dev.verity.kube.schema.ImmutableField;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import dev.verity.kube.schema.Quantity;

/**
 * The immutable fields of the built-in kinds, refused on update with 422 as kube-apiserver 1.32 refuses them. Which
 * fields, and the words of each error, come from the {@link ApiSchema} table (transcribed from the Go validation in
 * {@code kube-schema/sources/immutable.yaml}); the conditions under which a field may still change (a suspended Job,
 * a ConfigMap without {@code immutable: true}, a Service of type ExternalName, ...) are written here, each from the
 * same source.
 *
 * <p>What it does not do: it prints an invalid value the way 1.32's {@code %#v} prints it for label selectors,
 * role refs, strings and string lists, and as JSON for anything else (a Job's whole template, for one), which is
 * what servers after 1.32 print; the PersistentVolume and PersistentVolumeClaim messages leave out the Go diff of the
 * old and new specs that a real server appends.
 */
final class Immutables {

  /** StatefulSet spec fields an update may change (apps validation ValidateStatefulSetUpdate, 1.32). */
  private static final Set<String> STATEFULSET_MUTABLE = Set.of("replicas", "ordinals", "template", "updateStrategy",
      "persistentVolumeClaimRetentionPolicy", "minReadySeconds");
  /** PersistentVolume spec fields outside the inlined volume source. */
  private static final Set<String> PV_NOT_SOURCE = Set.of("accessModes", "capacity", "claimRef", "mountOptions",
      "nodeAffinity", "persistentVolumeReclaimPolicy", "storageClassName", "volumeMode", "volumeAttributesClassName");

  private record Problem(String field, String type, String body) {
  }

  private Immutables() {
  }

  /** Refuses an update of {@code before} to {@code after} that changes an immutable field. */
  static void check(ResourceType type, ObjectNode before, ObjectNode after) {
    List<ImmutableField> fields = ApiSchema.kubernetes().immutableFields(type.apiVersion(), type.kind());
    if (fields.isEmpty()) {
      return;
    }
    List<Problem> problems = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (ImmutableField field : fields) {
      Problem problem = problem(type.kind(), field, before, after);
      if (problem != null && seen.add(problem.field() + ": " + problem.body())) {
        problems.add(problem);
      }
    }
    if (problems.isEmpty()) {
      return;
    }
    String name = Json.text(before.path("metadata"), "name");
    String qualified = type.group().isEmpty() ? type.kind() : type.kind() + "." + type.group();
    List<String> texts = problems.stream().map(p -> p.field() + ": " + p.body()).toList();
    String errors = texts.size() == 1 ? texts.get(0) : "[" + String.join(", ", texts) + "]";
    throw new ApiException(422, "Invalid", qualified + " \"" + name + "\" is invalid: " + errors, name, type.group(),
        type.kind(), problems.stream().map(p -> new ApiException.Cause(p.type(), p.body(), p.field())).toList());
  }

  private static Problem problem(String kind, ImmutableField field, ObjectNode before, ObjectNode after) {
    String path = field.path();
    JsonNode old = at(before, path);
    JsonNode now = at(after, path);
    String errorField = field.errorField().filter(f -> !f.contains(" ")).orElse(path);
    return switch (kind + " " + path) {
      case "StatefulSet spec", "StatefulSet spec.selector", "StatefulSet spec.serviceName",
          "StatefulSet spec.volumeClaimTemplates", "StatefulSet spec.podManagementPolicy",
          "StatefulSet spec.revisionHistoryLimit" ->
          changedExcept(before.path("spec"), after.path("spec"), STATEFULSET_MUTABLE) ? forbidden("spec", field) : null;
      case "ConfigMap data", "ConfigMap binaryData", "Secret data" ->
          before.path("immutable").asBoolean(false) && !same(old, now) ? forbidden(errorField, field) : null;
      case "ConfigMap immutable", "Secret immutable" ->
          before.path("immutable").asBoolean(false) && !after.path("immutable").asBoolean(false) ? forbidden(errorField, field) : null;
      case "CustomResourceDefinition spec.names.kind", "CustomResourceDefinition spec.scope" ->
          established(before) && !same(old, now) ? invalid(errorField, field, now, kind, path) : null;
      case "Job spec.completions" ->
          !"Indexed".equals(after.path("spec").path("completionMode").asText()) && !same(old, now)
              ? invalid(errorField, field, now, kind, path) : null;
      case "Job spec.template" ->
          !same(old, now) && !(after.path("spec").path("suspend").asBoolean(false) && !before.path("status").has("startTime"))
              ? invalid(errorField, field, now, kind, path) : null;
      case "PersistentVolume spec" ->
          changedExcept(before.path("spec"), after.path("spec"), PV_NOT_SOURCE) ? forbidden("spec.persistentvolumesource", field) : null;
      case "PersistentVolume spec.nodeAffinity" ->
          old != null && !same(old, now) ? invalid("nodeAffinity", field, now, kind, path) : null;
      case "PersistentVolumeClaim spec" -> pvcSpecChanged(before, after) ? forbidden("spec", field) : null;
      case "PersistentVolumeClaim spec.resources.requests" -> storageDecreased(before, after)
          ? forbidden("spec.resources.requests.storage", field) : null;
      case "Service spec.clusterIP", "Service spec.clusterIPs", "Service spec.ipFamilies" ->
          serviceAddressProblem(field, before, after);
      case "Service spec.healthCheckNodePort" ->
          needsHealthCheck(before) && needsHealthCheck(after) && !same(old, now) ? forbidden(errorField, field) : null;
      case "Service spec.loadBalancerClass" ->
          "LoadBalancer".equals(before.path("spec").path("type").asText())
              && "LoadBalancer".equals(after.path("spec").path("type").asText()) && !same(old, now)
              ? invalid(errorField, field, now, kind, path) : null;
      default -> !same(old, now) ? "Forbidden".equals(field.errorType().orElse("Invalid")) ? forbidden(errorField, field)
          : invalid(errorField, field, now, kind, path) : null;
    };
  }

  private static Problem forbidden(String field, ImmutableField rule) {
    String message = rule.message();
    int newline = message.indexOf('\n');
    return new Problem(field, "FieldValueForbidden", "Forbidden: " + (newline < 0 ? message : message.substring(0, newline)));
  }

  private static Problem invalid(String field, ImmutableField rule, JsonNode value, String kind, String path) {
    return new Problem(field, "FieldValueInvalid", "Invalid value: " + GoValues.print(kind, path, value) + ": " + rule.message());
  }

  private static Problem serviceAddressProblem(ImmutableField rule, ObjectNode before, ObjectNode after) {
    JsonNode oldSpec = before.path("spec");
    JsonNode newSpec = after.path("spec");
    if ("ExternalName".equals(oldSpec.path("type").asText()) || "ExternalName".equals(newSpec.path("type").asText())) {
      return null;
    }
    List<String> oldIps = ips(oldSpec);
    List<String> newIps = ips(newSpec);
    if (oldIps.isEmpty() || oldIps.equals(List.of("None")) && newIps.equals(List.of("None"))) {
      return null;
    }
    switch (rule.path()) {
      case "spec.clusterIPs", "spec.clusterIP" -> {
        if (rule.message().startsWith("primary") ) {
          return newIps.isEmpty() && newSpec.has("clusterIPs") && newSpec.path("clusterIPs").isEmpty()
              ? new Problem("spec.clusterIPs[0]", "FieldValueInvalid", "Invalid value: []string(nil): " + rule.message()) : null;
        }
        if (newIps.isEmpty()) {
          return null;
        }
        for (int i = 0; i < Math.min(oldIps.size(), newIps.size()); i++) {
          if (!oldIps.get(i).equals(newIps.get(i))) {
            return new Problem("spec.clusterIPs[" + i + "]", "FieldValueInvalid",
                "Invalid value: " + GoValues.stringList("string", newIps) + ": " + rule.message());
          }
        }
        return null;
      }
      case "spec.ipFamilies" -> {
        List<String> oldFamilies = strings(oldSpec.path("ipFamilies"));
        List<String> newFamilies = strings(newSpec.path("ipFamilies"));
        if (oldFamilies.isEmpty() || newFamilies.isEmpty() || oldFamilies.get(0).equals(newFamilies.get(0))) {
          return null;
        }
        return new Problem("spec.ipFamilies[0]", "FieldValueInvalid",
            "Invalid value: " + GoValues.stringList("core.IPFamily", newFamilies) + ": " + rule.message());
      }
      default -> {
        return null;
      }
    }
  }

  private static List<String> ips(JsonNode spec) {
    List<String> ips = strings(spec.path("clusterIPs"));
    if (ips.isEmpty() && spec.hasNonNull("clusterIP") && !spec.path("clusterIP").asText().isEmpty()) {
      return List.of(spec.path("clusterIP").asText());
    }
    if (!ips.isEmpty() && spec.hasNonNull("clusterIP") && !spec.path("clusterIP").asText().isEmpty()
        && !spec.path("clusterIP").asText().equals(ips.get(0))) {
      List<String> copy = new ArrayList<>(ips);
      copy.set(0, spec.path("clusterIP").asText());
      return copy;
    }
    return ips;
  }

  private static boolean needsHealthCheck(ObjectNode service) {
    return "LoadBalancer".equals(service.path("spec").path("type").asText())
        && "Local".equals(service.path("spec").path("externalTrafficPolicy").asText());
  }

  private static boolean pvcSpecChanged(ObjectNode before, ObjectNode after) {
    ObjectNode oldSpec = before.path("spec") instanceof ObjectNode o ? o.deepCopy() : Json.object();
    ObjectNode newSpec = after.path("spec") instanceof ObjectNode n ? n.deepCopy() : Json.object();
    boolean bound = "Bound".equals(before.path("status").path("phase").asText());
    if (bound) {
      for (ObjectNode spec : List.of(oldSpec, newSpec)) {
        if (spec.get("resources") instanceof ObjectNode resources) {
          resources.remove("requests");
        }
        spec.remove("volumeAttributesClassName");
      }
    }
    if (!oldSpec.hasNonNull("volumeName") || oldSpec.path("volumeName").asText().isEmpty()) {
      oldSpec.remove("volumeName");
      newSpec.remove("volumeName");
    }
    if (!oldSpec.hasNonNull("storageClassName")) {
      newSpec.remove("storageClassName");
    }
    return !oldSpec.equals(newSpec);
  }

  private static boolean storageDecreased(ObjectNode before, ObjectNode after) {
    JsonNode old = before.path("spec").path("resources").path("requests").path("storage");
    JsonNode now = after.path("spec").path("resources").path("requests").path("storage");
    if (!old.isTextual() || !now.isTextual() || !"Bound".equals(before.path("status").path("phase").asText())) {
      return false;
    }
    try {
      BigDecimal was = Quantity.parse(old.asText()).amount();
      BigDecimal is = Quantity.parse(now.asText()).amount();
      return is.compareTo(was) < 0;
    } catch (Quantity.QuantityException e) {
      return false;
    }
  }

  private static boolean established(ObjectNode crd) {
    for (JsonNode condition : crd.path("status").path("conditions")) {
      if ("Established".equals(condition.path("type").asText()) && "True".equals(condition.path("status").asText())) {
        return true;
      }
    }
    return false;
  }

  /** Whether any field of two objects other than {@code allowed} differs. */
  private static boolean changedExcept(JsonNode before, JsonNode after, Set<String> allowed) {
    return !without(before, allowed).equals(without(after, allowed));
  }


  private static Map<String, JsonNode> without(JsonNode object, Set<String> fields) {
    Map<String, JsonNode> rest = new TreeMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = object.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!fields.contains(e.getKey()) && !e.getValue().isNull()) {
        rest.put(e.getKey(), e.getValue());
      }
    }
    return rest;
  }

  private static boolean same(JsonNode a, JsonNode b) {
    boolean aAbsent = a == null || a.isNull() || a.isMissingNode();
    boolean bAbsent = b == null || b.isNull() || b.isMissingNode();
    if (aAbsent || bAbsent) {
      return aAbsent == bAbsent;
    }
    return Objects.equals(a, b);
  }

  private static JsonNode at(JsonNode object, String dotted) {
    JsonNode node = object;
    for (String step : dotted.split("\\.")) {
      node = node == null ? null : node.get(step);
    }
    return node;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(item -> out.add(item.asText()));
    return out;
  }
}
