package dev.verity.kube.diff;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.events.AppliedObject;
import dev.verity.events.IgnoreDifference;
import dev.verity.events.ObjectRef;
import dev.verity.kube.AllowedWriters;
import dev.verity.kube.ManagedFields;
import dev.verity.kube.Ownership;
import dev.verity.kube.schema.ApiSchema;
import dev.verity.kube.schema.Quantity;
import dev.verity.kube.schema.ScalarType;
import dev.verity.kube.schema.SchemaNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Compares a live object with its desired document on the fields the document sets, which are the fields Verity
 * applied. Fields only the live object has (defaults, fields of other managers, status) are not drift.
 *
 * <ul>
 * <li>Maps: every key the document sets is compared; other live keys are ignored.</li>
 * <li>Lists Kubernetes merges as maps (containers, env, volumes by {@code name}, volumeMounts by {@code mountPath},
 * container ports by {@code containerPort}+{@code protocol}, Service ports by {@code port}+{@code protocol}, …, as
 * the Kubernetes API table ({@link ApiSchema}) says for the object's kind and the list's path): items are matched by
 * key, each compared in the same way; live items with other keys are ignored.</li>
 * <li>Other lists are compared as wholes: same length, and each item matches in order (map items again on the
 * fields the document sets, since the server adds defaults inside them).</li>
 * <li>Ignored: {@code apiVersion}, {@code kind}, {@code status}, the identity and server-populated metadata
 * ({@code name}, {@code namespace}, {@code resourceVersion}, {@code uid}, {@code generation},
 * {@code managedFields}, {@code creationTimestamp}, …) and the {@code verity.dev/*} annotations the applier
 * adds. A null in the document sets nothing; an empty map or list matches an absent live field (the API
 * server drops empty values on many fields).</li>
 * <li>Defaulting normalised, and only where the API server does it: numbers compare by value ({@code 1} and
 * {@code 1.0}); resource quantities (the fields the API table types as quantities: {@code limits}, {@code requests},
 * {@code hard}, LimitRange {@code default}, {@code sizeLimit}, …; for kinds it does not hold, the values under
 * {@code limits}, {@code requests}, {@code hard}, {@code capacity} and in {@code sizeLimit}/{@code storage}) compare
 * by amount ({@code 1} = {@code "1"} = {@code "1000m"},
 * {@code "1024Mi"} = {@code "1Gi"}); a port's omitted {@code protocol} is {@code TCP}; a Secret's
 * {@code stringData} is compared as the base64 {@code data} the server stores it as. Nothing else: an integer and
 * a string are different everywhere else (IntOrString fields keep their type).</li>
 * </ul>
 *
 * <p>A field an allowed writer holds in the live object and Verity does not own ({@link AllowedWriters}: by default
 * the HPA's {@code spec.replicas} written through {@code /scale}) is not compared: the applier leaves it to that
 * writer, so it is not drift.
 *
 * <p>{@link #compareApplied} compares instead with what the server stored when Verity last applied the object
 * ({@link AppliedObject}: the {@code verity} manager's field set then, and the stored values on it), so that nothing
 * the server normalises (defaults, {@code env value: ""}, quantities in canonical form) can differ; see there.
 *
 * <p>Each difference carries the two values as short JSON text for a person to judge, masked
 * ({@link FieldDifference#MASKED}) where they may be secret: all of a Secret's {@code data} and {@code stringData},
 * a ConfigMap's {@code data}/{@code binaryData} entries whose key matches the mask pattern, and {@code env} items
 * whose {@code name} matches it (default {@link #DEFAULT_MASK}). Nothing else is masked: a password in a command
 * line is shown.
 *
 * <p>A target's {@code ignoreDifferences} rules ({@link IgnoreDifference}, from its policy) are honoured by the
 * overloads that take them: at each JSON pointer of a rule that selects the object, the field (or list item) is
 * removed from both the reference and the live object before comparing, so nothing at or under it is ever a
 * difference. A pointer whose path the object lacks removes nothing. List items are addressed by index, as in
 * RFC 6901 and Argo CD. This is for drift only: what the applier applies is not changed by it.
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

    /** The names whose values are masked by default: {@value}. */
    public static final String DEFAULT_MASK = "(?i)(password|token|secret|apikey)";
    private static final int MAX_VALUE_CHARS = 200;

    private final ApiSchema schema;
    private final AllowedWriters allowedWriters;
    private final Pattern mask;

    /** A comparator that takes list types from the Kubernetes 1.32 API table, with the default allowed writers. */
    public DriftComparator() {
        this(ApiSchema.kubernetes());
    }

    /** A comparator that takes list types from {@code schema}, with the default allowed writers. */
    public DriftComparator(ApiSchema schema) {
        this(schema, AllowedWriters.DEFAULT);
    }

    /** A comparator that takes list types from {@code schema} and leaves {@code allowedWriters}' fields alone. */
    public DriftComparator(ApiSchema schema, AllowedWriters allowedWriters) {
        this(schema, allowedWriters, Pattern.compile(DEFAULT_MASK));
    }

    /**
     * A comparator that takes list types from {@code schema}, leaves {@code allowedWriters}' fields alone, and masks
     * the values of env items and ConfigMap keys whose name {@code mask} finds a match in.
     */
    public DriftComparator(ApiSchema schema, AllowedWriters allowedWriters, Pattern mask) {
        this.schema = schema;
        this.allowedWriters = allowedWriters;
        this.mask = mask;
    }

    /** Compares a desired object with the live object read from the cluster as JSON. */
    public Comparison compare(DesiredObject desired, String liveJson) {
        return compare(desired, liveJson, List.of());
    }

    /**
     * Compares a desired object with the live object read from the cluster as JSON, leaving out the paths that the
     * rules selecting the object ignore.
     */
    public Comparison compare(DesiredObject desired, String liveJson, List<IgnoreDifference> ignore) {
        JsonNode live;
        try {
            live = JSON.readTree(liveJson);
        } catch (JsonProcessingException e) {
            // the parser's message may quote the content, which can be a Secret: name only where it failed
            throw new IllegalArgumentException("live " + desired.ref() + " is not valid JSON (line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr())
                    + ")", e);
        }
        if (live == null || !live.isObject()) throw new IllegalArgumentException("the live object is not a JSON object");
        List<JsonPointer> pointers = pointers(ignore, desired.ref(), live);
        if (pointers.isEmpty()) return compare(desired.content(), live);
        ObjectNode doc = desired.content().deepCopy();
        ObjectNode liveCopy = (ObjectNode) live.deepCopy();
        removeAll(doc, pointers);
        removeAll(liveCopy, pointers);
        return compare(doc, liveCopy);
    }

    /** Compares a desired document with the live object, both as JSON trees. */
    public Comparison compare(ObjectNode desired, JsonNode live) {
        if (live == null || !live.isObject()) throw new IllegalArgumentException("the live object is not a JSON object");
        String kind = desired.path("kind").asText("");
        ObjectNode doc = withoutAllowedWriters("Secret".equals(kind) ? secretAsStored(desired) : desired, live);
        return walk(doc, live, schema.root(desired.path("apiVersion").asText(""), kind).orElse(null), kind);
    }

    /**
     * Compares a live object (as JSON) with what the server stored when Verity last applied it, on the field set
     * Verity's manager held then ({@link AppliedObject#fields()}), not on the set it holds now: a {@code kubectl edit}
     * or {@code kubectl scale} takes a field away from Verity, and that is drift. The live object is reduced to that
     * set as the applier reduced the stored one ({@link ManagedFields#project}), so items other managers added to
     * lists and maps are not drift; a field of the set the live object lacks is {@code MISSING}. A Secret's live
     * {@code data} values are hashed with the applied object's uid as {@link ManagedFields#secretHash} does, so that
     * equal values compare equal and no value is ever read back. Fields an allowed writer holds in the live object
     * and Verity does not are skipped, as in {@link #compare(ObjectNode, JsonNode)}.
     *
     * @throws IllegalArgumentException when the live object is not a JSON object (the message never quotes it)
     */
    public Comparison compareApplied(AppliedObject applied, String liveJson) {
        return compareApplied(applied, liveJson, List.of());
    }

    /**
     * As {@link #compareApplied(AppliedObject, String)}, leaving out the paths that the rules selecting the object
     * ignore (removed from the stored values and from the live object before the live object is reduced).
     */
    @SuppressWarnings("unchecked")
    public Comparison compareApplied(AppliedObject applied, String liveJson, List<IgnoreDifference> ignore) {
        JsonNode live = readLive(applied.object(), liveJson);
        List<JsonPointer> pointers = pointers(ignore, applied.object(), live);
        if (!pointers.isEmpty()) {
            live = live.deepCopy();
            removeAll((ObjectNode) live, pointers);
        }
        Map<String, Object> liveMap = JSON.convertValue(live, Map.class);
        Map<String, Object> reduced = ManagedFields.project(liveMap, applied.fields());
        ObjectRef ref = applied.object();
        if ("Secret".equals(ref.kind()) && "v1".equals(ref.apiVersion())) hashSecretData(reduced, applied.uid());
        ObjectNode stored = JSON.valueToTree(applied.values());
        removeAll(stored, pointers);
        ObjectNode reference = withoutAllowedWriters(stored, live);
        return walk(reference, JSON.valueToTree(reduced), schema.root(ref.apiVersion(), ref.kind()).orElse(null),
                ref.kind());
    }

    private static JsonNode readLive(ObjectRef ref, String liveJson) {
        JsonNode live;
        try {
            live = JSON.readTree(liveJson);
        } catch (JsonProcessingException e) {
            // the parser's message may quote the content, which can be a Secret: name only where it failed
            throw new IllegalArgumentException("live " + ref + " is not valid JSON (line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr())
                    + ")", e);
        }
        if (live == null || !live.isObject()) throw new IllegalArgumentException("live " + ref + " is not a JSON object");
        return live;
    }

    /**
     * The pointers of the rules that select the object; its namespace is the live object's (the desired document
     * may leave it to the default namespace).
     */
    private static List<JsonPointer> pointers(List<IgnoreDifference> ignore, ObjectRef ref, JsonNode live) {
        if (ignore == null || ignore.isEmpty()) return List.of();
        JsonNode liveNamespace = live.path("metadata").path("namespace");
        ObjectRef actual = liveNamespace.isTextual()
                ? new ObjectRef(ref.apiVersion(), ref.kind(), liveNamespace.asText(), ref.name()) : ref;
        return IgnoreDifference.pointersFor(ignore, actual).stream().map(DriftComparator::compilePointer).toList();
    }

    private static JsonPointer compilePointer(String pointer) {
        try {
            return JsonPointer.compile(pointer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("ignoreDifferences: '" + pointer + "' is not a JSON pointer: "
                    + e.getMessage(), e);
        }
    }

    /** Removes the value at each pointer (a map field or a list item) from {@code root}, where there is one. */
    private static void removeAll(ObjectNode root, List<JsonPointer> pointers) {
        for (JsonPointer pointer : pointers) {
            JsonPointer last = pointer.last();
            if (last == null) continue;
            JsonNode parent = root.at(pointer.head());
            if (parent instanceof ObjectNode object) {
                object.remove(last.getMatchingProperty());
            } else if (parent instanceof ArrayNode array && last.mayMatchElement()
                    && last.getMatchingIndex() < array.size()) {
                array.remove(last.getMatchingIndex());
            }
        }
    }

    private static void hashSecretData(Map<String, Object> values, String uid) {
        for (String field : List.of("data", "stringData")) {
            if (values.get(field) instanceof Map<?, ?> data) {
                Map<String, Object> hashed = new LinkedHashMap<>();
                data.forEach((k, v) -> hashed.put(String.valueOf(k),
                        v == null ? null : ManagedFields.secretHash(uid, String.valueOf(v))));
                values.put(field, hashed);
            }
        }
    }

    private Comparison walk(ObjectNode doc, JsonNode live, SchemaNode root, String kind) {
        Walk walk = new Walk(mask);
        boolean secret = "Secret".equals(kind);
        boolean configMap = "ConfigMap".equals(kind);
        for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            if (IGNORED_TOP_LEVEL.contains(key)) continue;
            FieldPath path = FieldPath.ROOT.field(key);
            JsonNode value = field.getValue();
            if ("metadata".equals(key)) {
                walk.metadata(value, live.get("metadata"), child(root, key));
            } else if (secret && ("data".equals(key) || "stringData".equals(key))) {
                walk.masked(() -> walk.value(path, "", key, value, live.get(key), child(root, key)));
            } else if (configMap && ("data".equals(key) || "binaryData".equals(key)) && value.isObject()
                    && live.get(key) != null && live.get(key).isObject()) {
                JsonNode liveData = live.get(key);
                value.fields().forEachRemaining(e -> {
                    Runnable compare = () -> walk.value(path.field(e.getKey()), key, e.getKey(), e.getValue(),
                            liveData.get(e.getKey()), child(child(root, key), e.getKey()));
                    if (mask.matcher(e.getKey()).find()) walk.masked(compare);
                    else compare.run();
                });
            } else {
                walk.value(path, "", key, value, live.get(key), child(root, key));
            }
        }
        return new Comparison(walk.differences);
    }

    /** The desired document without the fields an allowed writer holds in {@code live} (a copy when any). */
    @SuppressWarnings("unchecked")
    private ObjectNode withoutAllowedWriters(ObjectNode desired, JsonNode live) {
        if (allowedWriters.writers().isEmpty() || !live.path("metadata").has("managedFields")) return desired;
        List<AllowedWriters.Writer> held = allowedWriters.holding(JSON.convertValue(live, Map.class),
                Ownership.FIELD_MANAGER);
        if (held.isEmpty()) return desired;
        ObjectNode copy = desired.deepCopy();
        for (AllowedWriters.Writer writer : held) {
            JsonNode parent = copy;
            List<String> field = writer.field();
            for (String name : field.subList(0, field.size() - 1)) parent = parent.path(name);
            if (parent instanceof ObjectNode object) object.remove(field.get(field.size() - 1));
        }
        return copy;
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

    /** The schema of a field or map value under {@code node}; null when either is unknown to the table. */
    private static SchemaNode child(SchemaNode node, String key) {
        return node == null ? null : node.child(key).orElse(null);
    }

    /**
     * One comparison's walk over the desired tree, collecting differences. Each step carries the schema node of the
     * value it compares, null where the table does not know it (a custom resource, an unknown field).
     */
    private static final class Walk {
        private final List<FieldDifference> differences = new ArrayList<>();
        private final Pattern mask;
        /** true while comparing a value that may be secret: differences show {@link FieldDifference#MASKED} */
        private boolean masked;

        Walk(Pattern mask) {
            this.mask = mask;
        }

        /** Runs a comparison whose differences show no values. */
        void masked(Runnable comparison) {
            boolean before = masked;
            masked = true;
            try {
                comparison.run();
            } finally {
                masked = before;
            }
        }

        void metadata(JsonNode desired, JsonNode live, SchemaNode node) {
            if (desired == null || !desired.isObject()) return;
            FieldPath path = FieldPath.ROOT.field("metadata");
            for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String key = field.getKey();
                if (IGNORED_METADATA.contains(key)) continue;
                JsonNode liveValue = live == null ? null : live.get(key);
                if ("annotations".equals(key)) {
                    annotations(path.field(key), field.getValue(), liveValue, child(node, key));
                } else {
                    value(path.field(key), "metadata", key, field.getValue(), liveValue, child(node, key));
                }
            }
        }

        private void annotations(FieldPath path, JsonNode desired, JsonNode live, SchemaNode node) {
            if (desired == null || !desired.isObject()) {
                value(path, "metadata", "annotations", desired, live, node);
                return;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> a = it.next();
                if (a.getKey().startsWith(VERITY_ANNOTATION_PREFIX)) continue;
                value(path.field(a.getKey()), "annotations", a.getKey(), a.getValue(),
                        live == null ? null : live.get(a.getKey()), child(node, a.getKey()));
            }
        }

        /**
         * Compares one desired value with the live one.
         *
         * @param parent the name of the map field holding this one ("" at the top), for context-dependent rules
         * @param field  the name of this field
         * @param node   the schema of this value, null when unknown
         */
        void value(FieldPath path, String parent, String field, JsonNode desired, JsonNode live, SchemaNode node) {
            if (desired == null || desired.isNull()) return;
            boolean liveAbsent = live == null || live.isNull() || live.isMissingNode();
            if (desired.isContainerNode() && desired.isEmpty() && liveAbsent) return;
            if (liveAbsent) {
                missing(path, desired);
            } else if (desired.isObject()) {
                if (!live.isObject()) {
                    changed(path, desired, live);
                    return;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = desired.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    value(path.field(e.getKey()), field, e.getKey(), e.getValue(), live.get(e.getKey()),
                            child(node, e.getKey()));
                }
            } else if (desired.isArray()) {
                if (!live.isArray()) {
                    changed(path, desired, live);
                    return;
                }
                SchemaNode item = node == null ? null : node.items().orElse(null);
                ListMapKeys.of(node, desired).ifPresentOrElse(
                        keys -> keyedList(path, field, keys, desired, live, item),
                        () -> wholeList(path, field, desired, live, item));
            } else if (!sameScalar(parent, field, desired, live, node)) {
                changed(path, desired, live);
            }
        }

        private void keyedList(FieldPath path, String field, List<ListMapKeys.KeyField> keys, JsonNode desired,
                JsonNode live, SchemaNode item) {
            for (JsonNode desiredItem : desired) {
                List<String> key = ListMapKeys.valuesOf(keys, desiredItem);
                FieldPath itemPath = path.item(ListMapKeys.render(keys, key));
                JsonNode match = null;
                for (JsonNode candidate : live) {
                    if (candidate.isObject() && key.equals(ListMapKeys.valuesOf(keys, candidate))) {
                        match = candidate;
                        break;
                    }
                }
                JsonNode found = match;
                Runnable compare = () -> {
                    if (found == null) {
                        missing(itemPath, desiredItem);
                        return;
                    }
                    for (Iterator<Map.Entry<String, JsonNode>> it = desiredItem.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        value(itemPath.field(e.getKey()), field, e.getKey(), e.getValue(), found.get(e.getKey()),
                                child(item, e.getKey()));
                    }
                };
                if (sensitiveEnv(field, desiredItem)) masked(compare);
                else compare.run();
            }
        }

        private void wholeList(FieldPath path, String field, JsonNode desired, JsonNode live, SchemaNode item) {
            boolean sensitive = false;
            for (JsonNode i : desired) sensitive |= sensitiveEnv(field, i);
            for (JsonNode i : live) sensitive |= sensitiveEnv(field, i);
            boolean differs = desired.size() != live.size();
            for (int i = 0; i < desired.size() && !differs; i++) {
                Walk itemWalk = new Walk(mask);
                itemWalk.value(path, field, field, desired.get(i), live.get(i), item);
                differs = !itemWalk.differences.isEmpty();
            }
            if (!differs) return;
            if (sensitive) masked(() -> changed(path, desired, live));
            else changed(path, desired, live);
        }

        /** An item of an {@code env} list whose name matches the mask pattern. */
        private boolean sensitiveEnv(String list, JsonNode item) {
            return "env".equals(list) && item.isObject() && item.path("name").isTextual()
                    && mask.matcher(item.path("name").asText()).find();
        }

        private boolean sameScalar(String parent, String field, JsonNode desired, JsonNode live, SchemaNode node) {
            if (desired.equals(live)) return true;
            if (desired.isNumber() && live.isNumber()) return desired.decimalValue().compareTo(live.decimalValue()) == 0;
            boolean quantity = node != null
                    ? node.scalarType().filter(t -> t == ScalarType.QUANTITY).isPresent()
                    : QUANTITY_MAPS.contains(parent) || QUANTITY_FIELDS.contains(field);
            if (quantity && isNumberOrText(desired) && isNumberOrText(live)) {
                return sameAmount(desired.asText(), live.asText());
            }
            return false;
        }

        /** Both texts are quantities, parsed as the API server parses them, of the same amount. */
        private static boolean sameAmount(String desired, String live) {
            try {
                return Quantity.parse(desired.strip()).amount().compareTo(Quantity.parse(live.strip()).amount()) == 0;
            } catch (Quantity.QuantityException notAQuantity) {
                return false;
            }
        }

        private static boolean isNumberOrText(JsonNode n) {
            return n.isNumber() || n.isTextual();
        }

        private void changed(FieldPath path, JsonNode desired, JsonNode live) {
            differences.add(new FieldDifference(path.toString(), FieldDifference.Change.CHANGED, show(desired), show(live)));
        }

        private void missing(FieldPath path, JsonNode desired) {
            differences.add(new FieldDifference(path.toString(), FieldDifference.Change.MISSING, show(desired), null));
        }

        /** A value as a person reads it: compact JSON, shortened, or masked. */
        private String show(JsonNode value) {
            if (masked) return FieldDifference.MASKED;
            String text = value.toString();
            return text.length() <= MAX_VALUE_CHARS ? text : text.substring(0, MAX_VALUE_CHARS - 1) + "…";
        }
    }
}
