package dev.verity.kube.diff;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verity.kube.schema.Field;
import dev.verity.kube.schema.ListType;
import dev.verity.kube.schema.SchemaNode;

import java.util.List;
import java.util.Optional;

/**
 * Which lists server-side apply merges as maps ({@code x-kubernetes-list-type: map}) and by which key fields, so that
 * their items are matched by key rather than by position. The list types, keys and key defaults come from the
 * Kubernetes API table ({@link dev.verity.kube.schema.ApiSchema}), looked up by the object's kind and the list's path
 * in it: containers and env by {@code name}, container ports by {@code containerPort}+{@code protocol}, Service
 * ports by {@code port}+{@code protocol} (a left-out {@code protocol} is the server's default {@code TCP}), ... A list
 * of a kind or path the table does not know, and every list that is not a map, is compared as a whole, which can
 * only report more drift, never hide it.
 */
final class ListMapKeys {

    /** One key field; {@code defaultValue} is what the API server fills in when the field is left out, or null. */
    record KeyField(String name, String defaultValue) {
    }

    private ListMapKeys() {
    }

    /**
     * The key fields of a list whose schema is {@code list} (null when unknown), when it is a list map and every
     * desired item is an object that has the key fields (or a default for them); empty means "compare as a whole".
     */
    static Optional<List<KeyField>> of(SchemaNode list, JsonNode desiredItems) {
        if (list == null || list.listType() != ListType.MAP || list.listMapKeys().isEmpty()) return Optional.empty();
        Optional<SchemaNode> item = list.items();
        List<KeyField> keys = list.listMapKeys().stream()
                .map(name -> new KeyField(name, item.flatMap(i -> i.field(name)).flatMap(Field::defaultValue)
                        .filter(JsonNode::isValueNode).map(JsonNode::asText).orElse(null)))
                .toList();
        for (JsonNode desired : desiredItems) {
            if (!desired.isObject()) return Optional.empty();
            for (KeyField key : keys) {
                if (key.defaultValue() == null && !isScalar(desired.get(key.name()))) return Optional.empty();
            }
        }
        return Optional.of(keys);
    }

    /** The key values of an item, defaults applied, e.g. {@code [80, TCP]}. */
    static List<String> valuesOf(List<KeyField> keys, JsonNode item) {
        return keys.stream().map(k -> {
            JsonNode v = item.get(k.name());
            return isScalar(v) ? v.asText() : k.defaultValue();
        }).toList();
    }

    /** How a path names the item: {@code name=web}, {@code containerPort=80,protocol=TCP}. */
    static String render(List<KeyField> keys, List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(keys.get(i).name()).append('=').append(values.get(i));
        }
        return sb.toString();
    }

    private static boolean isScalar(JsonNode v) {
        return v != null && v.isValueNode() && !v.isNull();
    }
}
