package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The three non-apply patch formats: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and strategic merge patch. */
final class Patches {

  private Patches() {
  }

  /** RFC 7386: objects merge recursively, {@code null} deletes the key, everything else (lists included) replaces. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Json.object();
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue().isNull()) {
        result.remove(field.getKey());
      } else {
        result.set(field.getKey(), mergePatch(result.get(field.getKey()), field.getValue()));
      }
    }
    return result;
  }

  static JsonNode jsonPatch(JsonNode target, JsonNode patch) {
    if (!patch.isArray()) {
      throw ApiException.badRequest("a JSON patch must be an array of operations, got " + patch.getNodeType());
    }
    try {
      return JsonPatch.apply(patch, target);
    } catch (JsonPatchException | IllegalArgumentException e) {
      throw new ApiException(422, "Invalid", "the JSON patch could not be applied: " + e.getMessage());
    }
  }

  /**
   * Strategic merge patch as kubectl sends it for built-in types: like a merge patch, except that lists with a patch
   * merge key (containers and env by name, volumes by name, volumeMounts by mountPath, container ports by
   * containerPort, ...) merge item by item; {@code $patch: delete|replace}, {@code $deleteFromPrimitiveList/<field>}
   * and {@code $setElementOrder/<field>} directives are honoured, {@code $retainKeys} is ignored.
   */
  static JsonNode strategicMergePatch(JsonNode target, JsonNode patch, ObjectSchema schema, List<String> path) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    if ("replace".equals(Json.text(patch, "$patch"))) {
      ObjectNode replacement = ((ObjectNode) patch).deepCopy();
      replacement.remove("$patch");
      return replacement;
    }
    ObjectNode result = target != null && target.isObject() ? ((ObjectNode) target).deepCopy() : Json.object();
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.startsWith("$deleteFromPrimitiveList/")) {
        String list = name.substring("$deleteFromPrimitiveList/".length());
        if (result.get(list) instanceof ArrayNode array) {
          for (int i = array.size() - 1; i >= 0; i--) {
            for (JsonNode remove : value) {
              if (array.get(i).equals(remove)) {
                array.remove(i);
                break;
              }
            }
          }
        }
        continue;
      }
      if (name.startsWith("$")) {
        continue;
      }
      List<String> childPath = FieldSchema.append(path, "f:" + name);
      if (value.isNull()) {
        result.remove(name);
      } else if (value.isArray() && result.get(name) instanceof ArrayNode live) {
        result.set(name, mergeList(live, (ArrayNode) value, schema, childPath));
      } else if (value.isObject() && "delete".equals(Json.text(value, "$patch"))) {
        result.remove(name);
      } else {
        result.set(name, strategicMergePatch(result.get(name), value, schema, childPath));
      }
    }
    return result;
  }

  private static JsonNode mergeList(ArrayNode live, ArrayNode patch, ObjectSchema schema, List<String> path) {
    String key = patchMergeKey(schema, path);
    if (key == null) {
      if ("f:finalizers".equals(path.get(path.size() - 1))) {
        ArrayNode result = live.deepCopy();
        patch.forEach(item -> {
          if (!contains(result, item)) {
            result.add(item.deepCopy());
          }
        });
        return result;
      }
      return patch.deepCopy();
    }
    for (JsonNode item : patch) {
      if (item.isObject() && "replace".equals(Json.text(item, "$patch"))) {
        ArrayNode replaced = Json.MAPPER.createArrayNode();
        patch.forEach(i -> {
          if (!(i.isObject() && i.has("$patch"))) {
            replaced.add(i.deepCopy());
          }
        });
        return replaced;
      }
    }
    List<JsonNode> result = new ArrayList<>();
    live.forEach(item -> result.add(item.deepCopy()));
    for (JsonNode item : patch) {
      JsonNode keyValue = item.get(key);
      int index = -1;
      for (int i = 0; i < result.size(); i++) {
        if (keyValue != null && keyValue.equals(result.get(i).get(key))) {
          index = i;
          break;
        }
      }
      if (item.isObject() && "delete".equals(Json.text(item, "$patch"))) {
        if (index >= 0) {
          result.remove(index);
        }
      } else if (index >= 0) {
        String element = FieldSchema.listKind(schema, path).type() == FieldSchema.ListType.MAP
            && FieldSchema.listKind(schema, path).keys().stream().allMatch(result.get(index)::hasNonNull)
            ? FieldSchema.keyElement(result.get(index), FieldSchema.listKind(schema, path), path) : "i:" + index;
        result.set(index, strategicMergePatch(result.get(index), item, schema, FieldSchema.append(path, element)));
      } else {
        result.add(strategicMergePatch(null, item, schema, path));
      }
    }
    ArrayNode array = Json.MAPPER.createArrayNode();
    result.forEach(array::add);
    return array;
  }

  private static boolean contains(ArrayNode array, JsonNode value) {
    for (JsonNode item : array) {
      if (item.equals(value)) {
        return true;
      }
    }
    return false;
  }

  /** The strategic-merge key of the list at {@code path} (Kubernetes {@code patchMergeKey}), or null when the list is replaced. */
  private static String patchMergeKey(ObjectSchema schema, List<String> path) {
    String last = path.get(path.size() - 1);
    return switch (last) {
      case "f:containers", "f:initContainers", "f:ephemeralContainers", "f:env", "f:volumes", "f:imagePullSecrets",
          "f:resourceClaims" -> "name";
      case "f:volumeMounts" -> "mountPath";
      case "f:volumeDevices" -> "devicePath";
      case "f:ports" -> FieldSchema.listKind(schema, path).keys().contains("containerPort") ? "containerPort"
          : FieldSchema.listKind(schema, path).keys().contains("port") ? "port" : null;
      case "f:ownerReferences" -> "uid";
      case "f:hostAliases" -> "ip";
      case "f:topologySpreadConstraints" -> "topologyKey";
      case "f:conditions" -> "type";
      default -> null;
    };
  }
}
