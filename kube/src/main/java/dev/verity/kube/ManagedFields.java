package dev.verity.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.AppliedObject;
import dev.verity.events.ObjectRef;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads what the API server recorded about one field manager's fields of an object ({@code metadata.managedFields},
 * format {@code FieldsV1}) and reduces the object to those fields: what Verity applied, as the server stored it.
 *
 * <p>{@code FieldsV1} is a tree: {@code f:<name>} a map field, {@code k:<json>} the list item whose key fields have
 * those values, {@code v:<json>} the set item with that value, {@code i:<n>} the list item at an index, {@code .}
 * the node itself (owned even when all its children are someone else's). A field with an empty set ({@code {}})
 * is a leaf: its whole value is taken. A field or item named in the set but absent from the object is left out (the
 * server drops empty values). Lists keep only the items the set names, in the object's order.
 */
public final class ManagedFields {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String APPLY = "Apply";

    private ManagedFields() {
    }

    /** The {@code fieldsV1} of {@code manager}'s {@code Apply} entry of a live object, if it has one. */
    public static Optional<Map<String, Object>> fieldsOf(Map<String, Object> object, String manager) {
        if (!(object.get("metadata") instanceof Map<?, ?> metadata)
                || !(metadata.get("managedFields") instanceof List<?> entries)) {
            return Optional.empty();
        }
        for (Object e : entries) {
            if (e instanceof Map<?, ?> entry && manager.equals(entry.get("manager")) && APPLY.equals(entry.get("operation"))
                    && entry.get("fieldsV1") instanceof Map<?, ?> fields) {
                return Optional.of(cast(fields));
            }
        }
        return Optional.empty();
    }

    /** The object reduced to the fields of {@code fieldsV1}. */
    public static Map<String, Object> project(Map<String, Object> object, Map<String, Object> fields) {
        if (fields.isEmpty()) return new LinkedHashMap<>();
        Object projected = projectValue(object, fields);
        return projected instanceof Map<?, ?> m ? cast(m) : new LinkedHashMap<>();
    }

    /**
     * The applied object as Verity keeps it: its identity, uid and resourceVersion, Verity's field set, and the
     * object reduced to it, with Secret data hashed (see {@link AppliedObject}).
     *
     * @param live the object as the server answered the apply
     */
    public static AppliedObject applied(ObjectRef ref, Map<String, Object> live) {
        Map<String, Object> fields = fieldsOf(live, Ownership.FIELD_MANAGER).orElse(Map.of());
        Map<String, Object> values = project(live, fields);
        String uid = null;
        String resourceVersion = null;
        if (live.get("metadata") instanceof Map<?, ?> metadata) {
            uid = metadata.get("uid") instanceof String s ? s : null;
            resourceVersion = metadata.get("resourceVersion") instanceof String s ? s : null;
        }
        if ("Secret".equals(ref.kind()) && "v1".equals(ref.apiVersion())) hashSecretData(values, uid);
        return new AppliedObject(ref, uid, resourceVersion, fields, values);
    }

    /** {@code sha256:<hex>} of the object's uid and one Secret value, as {@link AppliedObject} keeps it. */
    public static String secretHash(String uid, String value) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update((uid == null ? "" : uid).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(value.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void hashSecretData(Map<String, Object> values, String uid) {
        for (String field : List.of("data", "stringData")) {
            if (values.get(field) instanceof Map<?, ?> data) {
                Map<String, Object> hashed = new LinkedHashMap<>();
                data.forEach((k, v) -> hashed.put(String.valueOf(k), v == null ? null : secretHash(uid, String.valueOf(v))));
                values.put(field, hashed);
            }
        }
    }

    private static Object projectValue(Object value, Map<String, Object> set) {
        if (set.isEmpty()) return value; // a leaf: the whole value
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : set.entrySet()) {
                String key = e.getKey();
                if (!key.startsWith("f:")) continue;
                String name = key.substring(2);
                if (!map.containsKey(name)) continue;
                out.put(name, projectValue(map.get(name), childSet(e.getValue())));
            }
            return out;
        }
        if (value instanceof List<?> list) {
            boolean[] chosen = new boolean[list.size()];
            Object[] projected = new Object[list.size()];
            for (Map.Entry<String, Object> e : set.entrySet()) {
                String key = e.getKey();
                int index = indexOf(list, key);
                if (index < 0 || chosen[index]) continue;
                chosen[index] = true;
                projected[index] = key.startsWith("v:") ? list.get(index) : projectValue(list.get(index), childSet(e.getValue()));
            }
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) if (chosen[i]) out.add(projected[i]);
            return out;
        }
        return value;
    }

    /** The index of the list item a {@code k:}, {@code v:} or {@code i:} key names, or -1. */
    private static int indexOf(List<?> list, String key) {
        try {
            if (key.startsWith("i:")) {
                int i = Integer.parseInt(key.substring(2));
                return i >= 0 && i < list.size() ? i : -1;
            }
            if (key.startsWith("v:")) {
                Object wanted = JSON.readValue(key.substring(2), Object.class);
                for (int i = 0; i < list.size(); i++) if (sameValue(list.get(i), wanted)) return i;
                return -1;
            }
            if (key.startsWith("k:")) {
                Map<String, Object> keyFields = cast(JSON.readValue(key.substring(2), Map.class));
                for (int i = 0; i < list.size(); i++) {
                    if (list.get(i) instanceof Map<?, ?> item && matches(item, keyFields)) return i;
                }
            }
        } catch (java.io.IOException | NumberFormatException malformed) {
            return -1;
        }
        return -1;
    }

    private static boolean matches(Map<?, ?> item, Map<String, Object> keyFields) {
        for (Map.Entry<String, Object> k : keyFields.entrySet()) {
            if (!sameValue(item.get(k.getKey()), k.getValue())) return false;
        }
        return true;
    }

    /** Equal, with numbers compared by value (JSON keys are parsed as Integer/Long/Double, live values may differ). */
    private static boolean sameValue(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return new java.math.BigDecimal(x.toString()).compareTo(new java.math.BigDecimal(y.toString())) == 0;
        }
        return Objects.equals(a, b);
    }

    private static Map<String, Object> childSet(Object child) {
        return child instanceof Map<?, ?> m ? cast(m) : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
