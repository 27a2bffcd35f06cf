package dev.verity.kube.diff;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares a live object with its desired document on the fields the document sets, which are the fields Verity
 * applied. Fields only the live object has (defaults, fields of other managers, status) are not drift.
 *
 * <ul>
 * <li>Maps: every key the document sets is compared; other live keys are ignored.</li>
 * <li>Lists Kubernetes merges as maps (containers, env, volumes by {@code name}, volumeMounts by {@code mountPath},
 * container ports by {@code containerPort}+{@code protocol}, Service ports by {@code port}+{@code protocol}, …):
 * items are matched by key, each compared in the same way; live items with other keys are ignored.</li>
 * <li>Other lists are compared as wholes: same length, and each item matches in order (map items again on the
 * fields the document sets, since the server adds defaults inside them).</li>
 * <li>Ignored: {@code apiVersion}, {@code kind}, {@code status}, the identity and server-populated metadata
 * ({@code name}, {@code namespace}, {@code resourceVersion}, {@code uid}, {@code generation},
 * {@code managedFields}, {@code creationTimestamp}, …) and the {@code verity.dev/*} annotations the applier
 * adds. A null in the document sets nothing; an empty map or list matches an absent live field (the API
 * server drops empty values on many fields).</li>
 * <li>Defaulting normalised, and only where the API server does it: numbers compare by value ({@code 1} and
 * {@code 1.0}); resource quantities under {@code limits}, {@code requests}, {@code hard}, {@code capacity} and in
 * {@code sizeLimit}/{@code storage} compare by amount ({@code 1} = {@code "1"} = {@code "1000m"},
 * {@code "1024Mi"} = {@code "1Gi"}); a port's omitted {@code protocol} is {@code TCP}; a Secret's
 * {@code stringData} is compared as the base64 {@code data} the server stores it as. Nothing else: an integer and
 * a string are different everywhere else (IntOrString fields keep their type).</li>
 * </ul>
 *
 * The result carries field paths only, never values, so comparing a Secret cannot leak it.
 */
public final class DriftComparator {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Set<String> IGNORED_TOP_LEVEL = Set.of("apiVersion", "kind", "status");
    private static final Set<String> IGNORED_METADATA = Set.of("name", "namespace", "generateName", "resourceVersion",
            "uid", "generation", "managedFields", "creationTimestamp", "deletionTimestamp",
            "deletionGracePeriodSeconds", "selfLink");
    private static final String VERITY_ANNOTATION_PREFIX = "verity.dev/";
    private static final Set<String> QUANTITY_MAPS = Set.of("limits", "requests", "hard", "capacity");
    private static final Set<String> QUANTITY_FIELDS = Set.of("sizeLimit", "storage");

    /** Compares a desired object with the live object read from the cluster as JSON. */
    public Comparison compare(DesiredObject desired, String liveJson) {
        JsonNode live;
        try {
            live = JSON.readTree(liveJson);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("live " + desired.ref() + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return compare(desired.content(), live);
    }

    /** Compares a desired document with the live object, both as JSON trees. */
    public Comparison compare(ObjectNode desired, JsonNode live) {
        if (live == null || !live.isObject()) throw new IllegalArgumentException("the live object is not a JSON object");
        String kind = desired.path("kind").asText("");
        ObjectNode doc = "Secret".equals(kind) ? secretAsStored(desired) : desired;
        Walk walk = new Walk(kind);
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            if (IGNORED_TOP_LEVEL.contains(key)) continue;
            if ("metadata".equals(key)) walk.metadata(field.getValue(), live.get("metadata"));
            else walk.value(FieldPath.ROOT.field(key), "", key, field.getValue(), live.get(key));
        }
        return new Comparison(walk.differences);
    }

    /** A Secret as the server stores it: {@code stringData} entries become base64 {@code data} entries. */
    private static ObjectNode secretAsStored(ObjectNode secret) {
        JsonNode stringData = secret.get("stringData");
        if (stringData == null || !stringData.isObject() || stringData.isEmpty()) return secret;
        ObjectNode copy = secret.deepCopy();
        copy.remove("stringData");
        ObjectNode data = copy.get("data") instanceof ObjectNode existing ? existing : copy.putObject("data");
        stringData.fields().forEachRemaining(e -> data.put(e.getKey(),
                Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
        return copy;
    }

    /** One comparison's walk over the desired tree, collecting differences. */
    private static final class Walk {
        private final String kind;
        private final List<FieldDifference> differences = new ArrayList<>();

        Walk(String kind) {
            this.kind = kind;
        }

        void metadata(JsonNode desired, JsonNode live) {
            if (desired == null || !desired.isObject()) return;
            FieldPath path = FieldPath.ROOT.field("metadata");
            for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                if (IGNORED_METADATA.contains(key)) continue;
                JsonNode liveValue = live == null ? null : live.get(key);
                if ("annotations".equals(key)) {
                    annotations(path.field(key), field.getValue(), liveValue);
                } else {
                    value(path.field(key), "metadata", key, field.getValue(), liveValue);
                }
            }
        }

        private void annotations(FieldPath path, JsonNode desired, JsonNode live) {
            if (desired == null || !desired.isObject()) {
                value(path, "metadata", "annotations", desired, live);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> a = it.next();
                if (a.getKey().startsWith(VERITY_ANNOTATION_PREFIX)) continue;
                value(path.field(a.getKey()), "annotations", a.getKey(), a.getValue(), live == null ? null : live.get(a.getKey()));
            }
        }

        /**
         * Compares one desired value with the live one.
         *
         * @param parent the name of the map field holding this one ("" at the top), for context-dependent rules
         * @param field  the name of this field
         */
        void value(FieldPath path, String parent, String field, JsonNode desired, JsonNode live) {
            if (desired == null || desired.isNull()) return;
            boolean liveAbsent = live == null || live.isNull() || live.isMissingNode();
            if (desired.isContainerNode() && desired.isEmpty() && liveAbsent) return;
            if (liveAbsent) {
                differences.add(new FieldDifference(path.toString(), FieldDifference.Change.MISSING));
            } else if (desired.isObject()) {
                if (!live.isObject()) {
                    changed(path);
                    return;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    value(path.field(e.getKey()), field, e.getKey(), e.getValue(), live.get(e.getKey()));
                }
            } else if (desired.isArray()) {
                if (!live.isArray()) {
                    changed(path);
                    return;
                }
                ListMapKeys.of(kind, parent, field, desired).ifPresentOrElse(
                        keys -> keyedList(path, field, keys, desired, live),
                        () -> wholeList(path, field, desired, live));
            } else if (!sameScalar(parent, field, desired, live)) {
                changed(path);
            }
        }

        private void keyedList(FieldPath path, String field, List<ListMapKeys.KeyField> keys, JsonNode desired,
                JsonNode live) {
            for (JsonNode item : desired) {
                List<String> key = ListMapKeys.valuesOf(keys, item);
                FieldPath itemPath = path.item(ListMapKeys.render(keys, key));
                JsonNode match = null;
                for (JsonNode candidate : live) {
                    if (candidate.isObject() && key.equals(ListMapKeys.valuesOf(keys, candidate))) {
                        match = candidate;
                        break;
                    }
                }
                if (match == null) {
                    differences.add(new FieldDifference(itemPath.toString(), FieldDifference.Change.MISSING));
                    continue;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = item.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    value(itemPath.field(e.getKey()), field, e.getKey(), e.getValue(), match.get(e.getKey()));
                }
            }
        }

        private void wholeList(FieldPath path, String field, JsonNode desired, JsonNode live) {
            if (desired.size() != live.size()) {
                changed(path);
                return;
            }
            for (int i = 0; i < desired.size(); i++) {
                Walk item = new Walk(kind);
                item.value(path, field, field, desired.get(i), live.get(i));
                if (!item.differences.isEmpty()) {
                    changed(path);
                    return;
                }
            }
        }

        private boolean sameScalar(String parent, String field, JsonNode desired, JsonNode live) {
            if (desired.equals(live)) return true;
            if (desired.isNumber() && live.isNumber()) return desired.decimalValue().compareTo(live.decimalValue()) == 0;
            boolean quantity = QUANTITY_MAPS.contains(parent) || QUANTITY_FIELDS.contains(field);
            if (quantity && isNumberOrText(desired) && isNumberOrText(live)) {
                return Quantities.sameAmount(desired.asText(), live.asText());
            }
            return false;
        }

        private static boolean isNumberOrText(JsonNode n) {
            return n.isNumber() || n.isTextual();
        }

        private void changed(FieldPath path) {
            differences.add(new FieldDifference(path.toString(), FieldDifference.Change.CHANGED));
        }
    }
}
