package dev.verity.kube.diff;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which lists Kubernetes merges as maps (OpenAPI {@code x-kubernetes-list-type: map}) and by which key fields, so
 * that their items are matched by key rather than by position, as server-side apply does. Every other list is
 * compared as a whole. The table covers the built-in fields Verity users set most; a list not in it is compared as
 * a whole, which can only report more drift, never hide it.
 */
final class ListMapKeys {

    /** One key field; {@code defaultValue} is what the API server fills in when the field is left out. */
    record KeyField(String name, String defaultValue) {
    }

    private static final KeyField NAME = new KeyField("name", null);

    private static final Map<String, List<KeyField>> BY_FIELD = Map.ofEntries(
            Map.entry("containers", List.of(NAME)),
            Map.entry("initContainers", List.of(NAME)),
            Map.entry("ephemeralContainers", List.of(NAME)),
            Map.entry("env", List.of(NAME)),
            Map.entry("volumes", List.of(NAME)),
            Map.entry("imagePullSecrets", List.of(NAME)),
            Map.entry("resourceClaims", List.of(NAME)),
            Map.entry("schedulingGates", List.of(NAME)),
            Map.entry("claims", List.of(NAME)),
            Map.entry("volumeMounts", List.of(new KeyField("mountPath", null))),
            Map.entry("volumeDevices", List.of(new KeyField("devicePath", null))),
            Map.entry("hostAliases", List.of(new KeyField("ip", null))),
            Map.entry("topologySpreadConstraints",
                    List.of(new KeyField("topologyKey", null), new KeyField("whenUnsatisfiable", null))));

    private static final List<KeyField> CONTAINER_PORT =
            List.of(new KeyField("containerPort", null), new KeyField("protocol", "TCP"));
    private static final List<KeyField> SERVICE_PORT =
            List.of(new KeyField("port", null), new KeyField("protocol", "TCP"));

    private ListMapKeys() {
    }

    /**
     * The key fields of the list {@code field} whose parent is {@code parentPath} in an object of {@code kind}, when
     * every desired item is an object that has the key fields (or a default for them); empty means "compare as a
     * whole".
     */
    static Optional<List<KeyField>> of(String kind, String parentPath, String field, JsonNode desiredItems) {
        List<KeyField> keys = BY_FIELD.get(field);
        if ("ports".equals(field)) {
            if (allHave(desiredItems, "containerPort")) keys = CONTAINER_PORT;
            else if ("Service".equals(kind) && "spec".equals(parentPath)) keys = SERVICE_PORT;
        }
        if (keys == null) return Optional.empty();
        for (JsonNode item : desiredItems) {
            if (!item.isObject()) return Optional.empty();
            for (KeyField key : keys) {
                if (key.defaultValue() == null && !isScalar(item.get(key.name()))) return Optional.empty();
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

    private static boolean allHave(JsonNode items, String field) {
        if (items.isEmpty()) return false;
        for (JsonNode item : items) {
            if (!item.isObject() || !isScalar(item.get(field))) return false;
        }
        return true;
    }

    private static boolean isScalar(JsonNode v) {
        return v != null && v.isValueNode() && !v.isNull();
    }
}
