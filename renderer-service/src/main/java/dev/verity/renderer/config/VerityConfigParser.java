package dev.verity.renderer.config;

import dev.verity.events.IgnoreDifference;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import dev.verity.renderer.config.VerityConfig.AppSpec;
import dev.verity.renderer.config.VerityConfig.Origin;
import dev.verity.renderer.config.VerityConfig.PolicySpec;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Reads {@code verity.yaml} into a {@link VerityConfig}. Strict: an unknown key anywhere (with the closest known
 * key suggested), a duplicate key, a wrong type, an invalid name or duration, an override for an environment that
 * is not declared, and a {@code dependsOn} cycle are errors whose message starts with {@code verity.yaml line N:},
 * names the key (e.g. {@code apps.shop.overrides.prod.selfHeal}) and says what to write. YAML 1.2 core schema:
 * {@code yes}/{@code on} are strings, not booleans.
 *
 * <pre>
 * environments:
 *   dev:  { clusters: [dev-eu] }
 *   prod: { clusters: [prod-eu, prod-us] }
 * apps:
 *   shop:
 *     path: apps/shop
 *     policy: { prune: true, selfHeal: false, interval: 5m }
 *     overrides:
 *       prod: { selfHeal: true, dependsOn: [platform], pruneAlso: [PersistentVolumeClaim] }
 *     # drift only: the applier still applies these fields
 *     policy: { ignoreDifferences: [{ kind: Deployment, name: web, jsonPointers: [/spec/replicas] }] }
 * </pre>
 *
 * Whether each app named in {@code dependsOn} exists in the environment depends on the commit's overlays, so
 * {@link dev.verity.renderer.render.TargetDiscovery} checks that, not this parser.
 */
public final class VerityConfigParser {

    private static final LoadSettings SETTINGS = LoadSettings.builder().setLabel(VerityConfig.FILE)
            .setSchema(new CoreSchema()).build();

    private static final List<String> ROOT_KEYS = List.of("environments", "apps", "allowMassRemoval");
    private static final List<String> ENV_KEYS = List.of("clusters");
    private static final List<String> APP_KEYS = List.of("path", "policy", "overrides");
    /** Every key a policy (or an override) may set. */
    public static final List<String> POLICY_KEYS = List.of("suspend", "prune", "selfHeal", "force", "allowEmpty",
            "recreate", "interval", "retryInterval", "healthTimeout", "dependsOn", "pruneAlso", "ignoreDifferences");
    private static final List<String> IGNORE_KEYS = List.of("group", "kind", "name", "namespace", "jsonPointers");
    private static final String DURATION_EXAMPLE = "a duration such as 30s, 5m, 1h30m or 500ms (units ms, s, m, h)";

    private VerityConfigParser() {
    }

    /** A key as written and its value (null when the key has no value). */
    private record Entry(ScalarNode key, Node value) {
        boolean isNull() {
            return VerityConfigParser.isNull(value);
        }
    }

    /** Parses the file's text; blank text means no configuration. */
    public static VerityConfig parse(String yaml) {
        Optional<Node> root;
        try {
            root = new Compose(SETTINGS).composeString(yaml == null ? "" : yaml);
        } catch (YamlEngineException e) {
            throw new VerityConfigException(VerityConfig.FILE + " is not valid YAML: " + syntax(e)
                    + ". Fix the syntax and push again.");
        }
        if (root.isEmpty() || isNull(root.get())) return VerityConfig.NONE;
        Map<String, Entry> top = object(root.get(), null, ROOT_KEYS);
        Map<String, List<String>> environments = environments(top.get("environments"));
        Map<String, AppSpec> apps = apps(top.get("apps"), environments.keySet());
        Boolean allowMassRemoval = bool(top, "allowMassRemoval", "");
        VerityConfig config = new VerityConfig(environments, apps, Boolean.TRUE.equals(allowMassRemoval));
        checkCycles(config);
        return config;
    }

    private static Map<String, List<String>> environments(Entry entry) {
        Map<String, List<String>> environments = new LinkedHashMap<>();
        if (entry == null || entry.isNull()) return environments;
        Map<String, Entry> envs = map(entry.value(), "environments", "a map of environment name to { clusters: [...] }");
        for (Entry env : envs.values()) {
            String name = env.key().getValue();
            String field = "environments." + name;
            requireName(name, env.key(), field, "environment");
            Entry clusters = env.isNull() ? null : object(env.value(), field, ENV_KEYS).get("clusters");
            if (clusters == null || clusters.isNull()) {
                throw error(env.key(), field + ".clusters is required: list the clusters this environment deploys to, "
                        + "e.g. clusters: [" + VerityConfig.DEFAULT_CLUSTER + "]");
            }
            List<String> names = names(clusters.value(), field + ".clusters", "cluster");
            if (names.isEmpty()) {
                throw error(clusters.value(), field + ".clusters is empty: list at least one cluster, or remove the environment");
            }
            environments.put(name, names);
        }
        return environments;
    }

    private static Map<String, AppSpec> apps(Entry entry, Set<String> declaredEnvironments) {
        Map<String, AppSpec> apps = new LinkedHashMap<>();
        if (entry == null || entry.isNull()) return apps;
        Map<String, Entry> entries = map(entry.value(), "apps", "a map of app name to { path, policy, overrides }");
        for (Entry app : entries.values()) {
            String name = app.key().getValue();
            String field = "apps." + name;
            requireName(name, app.key(), field, "app");
            if (app.isNull()) {
                apps.put(name, new AppSpec(name, "apps/" + name, PolicySpec.EMPTY, Map.of()));
                continue;
            }
            Map<String, Entry> keys = object(app.value(), field, APP_KEYS);
            Entry pathEntry = keys.get("path");
            String path = pathEntry != null && !pathEntry.isNull() ? path(pathEntry.value(), field + ".path") : "apps/" + name;
            PolicySpec policy = policy(keys.get("policy"), field + ".policy");
            Map<String, PolicySpec> overrides = new LinkedHashMap<>();
            Entry o = keys.get("overrides");
            if (o != null && !o.isNull()) {
                Map<String, Entry> envs = map(o.value(), field + ".overrides", "a map of environment name to policy fields");
                for (Entry env : envs.values()) {
                    String envName = env.key().getValue();
                    String envField = field + ".overrides." + envName;
                    requireName(envName, env.key(), envField, "environment");
                    if (!declaredEnvironments.isEmpty() && !declaredEnvironments.contains(envName)) {
                        throw error(env.key(), envField + ": no environment '" + envName + "' is declared under "
                                + "environments" + suggestion(envName, declaredEnvironments).map(s -> "; did you mean '" + s + "'?").orElse(";")
                                + " the declared environments are " + sorted(declaredEnvironments)
                                + ". Fix the name, declare the environment, or remove the override.");
                    }
                    overrides.put(envName, policy(env, envField));
                }
            }
            apps.put(name, new AppSpec(name, path, policy, overrides));
        }
        return apps;
    }

    private static PolicySpec policy(Entry entry, String field) {
        if (entry == null || entry.isNull()) return PolicySpec.EMPTY;
        Map<String, Entry> keys = object(entry.value(), field, POLICY_KEYS);
        List<String> dependsOn = null;
        Map<String, Origin> dependsOnAt = new LinkedHashMap<>();
        Entry deps = keys.get("dependsOn");
        if (deps != null && !deps.isNull()) {
            dependsOn = names(deps.value(), field + ".dependsOn", "app");
            if (deps.value() instanceof SequenceNode list) {
                for (Node item : list.getValue()) {
                    dependsOnAt.putIfAbsent(((ScalarNode) item).getValue(), new Origin(field + ".dependsOn", line(item)));
                }
            }
        }
        return new PolicySpec(bool(keys, "suspend", field), bool(keys, "prune", field), bool(keys, "selfHeal", field),
                bool(keys, "force", field), bool(keys, "allowEmpty", field), dependsOn, bool(keys, "recreate", field),
                duration(keys, "interval", field), duration(keys, "retryInterval", field),
                duration(keys, "healthTimeout", field), pruneAlso(keys.get("pruneAlso"), field + ".pruneAlso"),
                dependsOnAt, ignoreDifferences(keys.get("ignoreDifferences"), field + ".ignoreDifferences"));
    }

    /**
     * {@code ignoreDifferences: [{kind, group?, name?, namespace?, jsonPointers: [/spec/replicas]}]}; each pointer
     * must be RFC 6901 ({@code /} before every segment, {@code ~} only as {@code ~0} or {@code ~1}).
     */
    private static List<IgnoreDifference> ignoreDifferences(Entry entry, String field) {
        if (entry == null || entry.isNull()) return null;
        if (!(entry.value() instanceof SequenceNode list)) {
            throw error(entry.value(), field + " must be a list of rules such as {kind: Deployment, name: web, "
                    + "jsonPointers: [/spec/replicas]}, not " + describe(entry.value()));
        }
        List<IgnoreDifference> rules = new ArrayList<>();
        for (int i = 0; i < list.getValue().size(); i++) {
            Node item = list.getValue().get(i);
            String at = field + "[" + i + "]";
            Map<String, Entry> keys = object(item, at, IGNORE_KEYS);
            String kind = text(keys.get("kind"), at + ".kind");
            if (kind == null) {
                throw error(item, at + ".kind is required: the kind of the objects whose paths are ignored, e.g. "
                        + "kind: Deployment");
            }
            Entry pointersEntry = keys.get("jsonPointers");
            if (pointersEntry == null || pointersEntry.isNull() || !(pointersEntry.value() instanceof SequenceNode pointerList)
                    || pointerList.getValue().isEmpty()) {
                throw error(pointersEntry == null || pointersEntry.isNull() ? item : pointersEntry.value(),
                        at + ".jsonPointers must list at least one JSON pointer (RFC 6901), e.g. [/spec/replicas]");
            }
            List<String> pointers = new ArrayList<>();
            for (Node p : pointerList.getValue()) {
                String pointer = p instanceof ScalarNode s && s.getTag().equals(Tag.STR) ? s.getValue() : null;
                String problem = pointer == null ? "it is not a string" : pointerProblem(pointer);
                if (problem != null) {
                    throw error(p, at + ".jsonPointers: " + describe(p) + " is not a JSON pointer (RFC 6901): "
                            + problem + "; write e.g. /spec/replicas, or /metadata/annotations/example.com~1owner for "
                            + "the key example.com/owner");
                }
                pointers.add(pointer);
            }
            rules.add(new IgnoreDifference(text(keys.get("group"), at + ".group"), kind,
                    text(keys.get("name"), at + ".name"), text(keys.get("namespace"), at + ".namespace"), pointers));
        }
        return rules;
    }

    /** Why {@code pointer} is not an RFC 6901 pointer into an object, or null. */
    private static String pointerProblem(String pointer) {
        if (!pointer.startsWith("/")) return "it must start with '/'";
        for (int i = 0; i < pointer.length(); i++) {
            if (pointer.charAt(i) == '~' && (i + 1 == pointer.length() || "01".indexOf(pointer.charAt(i + 1)) < 0)) {
                return "'~' must be followed by 0 (for '~') or 1 (for '/')";
            }
        }
        return null;
    }

    /** A string value; null when absent. {@code group: ""} is the core group, so an empty string is kept. */
    private static String text(Entry entry, String field) {
        if (entry == null || entry.isNull()) return null;
        if (!(entry.value() instanceof ScalarNode s) || !s.getTag().equals(Tag.STR)) {
            throw error(entry.value(), field + " must be a string, not " + describe(entry.value()));
        }
        return s.getValue();
    }

    private static Boolean bool(Map<String, Entry> policy, String key, String field) {
        Entry entry = policy.get(key);
        if (entry == null || entry.isNull()) return null;
        if (!(entry.value() instanceof ScalarNode s) || !s.getTag().equals(Tag.BOOL)) {
            throw error(entry.value(), (field.isEmpty() ? "" : field + ".") + key + " must be true or false, not "
                    + describe(entry.value()));
        }
        return Boolean.parseBoolean(s.getValue().toLowerCase());
    }

    private static Duration duration(Map<String, Entry> policy, String key, String field) {
        Entry entry = policy.get(key);
        if (entry == null || entry.isNull()) return null;
        Node value = entry.value();
        String problem = value instanceof ScalarNode s ? GoDuration.problem(s.getValue()) : "it is not a single value";
        if (problem != null) {
            throw error(value, field + "." + key + " must be " + DURATION_EXAMPLE + ", longer than zero; "
                    + describe(value) + " is not: " + problem);
        }
        return GoDuration.parse(((ScalarNode) value).getValue()).orElseThrow();
    }

    private static Set<String> pruneAlso(Entry entry, String field) {
        if (entry == null || entry.isNull()) return null;
        if (!(entry.value() instanceof SequenceNode list)) {
            throw error(entry.value(), field + " must be a list of kinds, any of " + sorted(Policy.PROTECTED_KINDS)
                    + ", e.g. [PersistentVolumeClaim], not " + describe(entry.value()));
        }
        Set<String> kinds = new TreeSet<>();
        for (Node item : list.getValue()) {
            if (!(item instanceof ScalarNode s) || !s.getTag().equals(Tag.STR) || !Policy.PROTECTED_KINDS.contains(s.getValue())) {
                String value = item instanceof ScalarNode s ? s.getValue() : null;
                throw error(item, field + ": " + describe(item) + " is not a kind Verity protects from pruning"
                        + (value == null ? "" : suggestion(value, Policy.PROTECTED_KINDS).map(k -> "; did you mean '" + k + "'?").orElse(";"))
                        + " the allowed values are " + sorted(Policy.PROTECTED_KINDS)
                        + " (objects of every other kind are pruned whenever prune is true)");
            }
            kinds.add(s.getValue());
        }
        return kinds;
    }

    private static List<String> names(Node node, String field, String what) {
        if (!(node instanceof SequenceNode list)) {
            throw error(node, field + " must be a list of " + what + " names, e.g. ["
                    + (node instanceof ScalarNode s ? s.getValue() : "name") + "]");
        }
        List<String> names = new ArrayList<>();
        for (Node item : list.getValue()) {
            if (!(item instanceof ScalarNode s) || !s.getTag().equals(Tag.STR)) {
                throw error(item, field + " must hold " + what + " names (strings), not " + describe(item));
            }
            requireName(s.getValue(), item, field, what);
            if (!names.contains(s.getValue())) names.add(s.getValue());
        }
        return names;
    }

    private static String path(Node node, String field) {
        if (!(node instanceof ScalarNode s) || !s.getTag().equals(Tag.STR) || s.getValue().isBlank()) {
            throw error(node, field + " must be a folder relative to the repository root, e.g. apps/shop");
        }
        String path = s.getValue().replaceAll("/+$", "");
        if (path.startsWith("./")) path = path.substring(2);
        if (path.startsWith("/") || Stream.of(path.split("/")).anyMatch(p -> p.isEmpty() || p.equals(".") || p.equals(".."))) {
            throw error(node, field + " '" + s.getValue() + "' must be a folder inside the repository, relative to its "
                    + "root, without '.' or '..' (e.g. apps/shop)");
        }
        return path;
    }

    private static void requireName(String name, Node node, String field, String what) {
        try {
            new TargetKey(name, "x", "x");
        } catch (IllegalArgumentException e) {
            throw error(node, field + ": " + what + " name '" + name + "' is not valid: use lower-case letters, "
                    + "digits, '-', '.' or '_', starting and ending with a letter or digit");
        }
    }

    /** A map whose keys are names chosen by the user (environments, apps, overrides). */
    private static Map<String, Entry> map(Node node, String field, String expected) {
        if (!(node instanceof MappingNode)) {
            throw error(node, field + " must be " + expected + ", not " + describe(node));
        }
        return entries((MappingNode) node, field);
    }

    /** A map with a fixed set of keys; {@code field} null is the top level. */
    private static Map<String, Entry> object(Node node, String field, List<String> keys) {
        String where = field == null ? "the top level" : field;
        if (!(node instanceof MappingNode mapping)) {
            throw error(node, where + " must be a map with keys " + sorted(keys) + ", not " + describe(node));
        }
        Map<String, Entry> entries = entries(mapping, where);
        for (Entry entry : entries.values()) {
            String key = entry.key().getValue();
            if (keys.contains(key)) continue;
            String full = field == null ? key : field + "." + key;
            Optional<String> near = suggestion(key, keys);
            throw error(entry.key(), "unknown key '" + full + "'"
                    + near.map(s -> "; did you mean '" + s + "'? The").orElse("; the") + " keys allowed "
                    + (field == null ? "at the top level" : "under " + field) + " are " + sorted(keys));
        }
        return entries;
    }

    private static Map<String, Entry> entries(MappingNode mapping, String field) {
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (!(tuple.getKeyNode() instanceof ScalarNode key) || isNull(key)) {
                throw error(tuple.getKeyNode(), "a key under " + field + " is " + describe(tuple.getKeyNode())
                        + "; keys must be plain names");
            }
            Entry earlier = entries.put(key.getValue(), new Entry(key, tuple.getValueNode()));
            if (earlier != null) {
                throw error(key, "duplicate key '" + key.getValue() + "' under " + field + " (first at line "
                        + line(earlier.key()) + "); keep one of them");
            }
        }
        return entries;
    }

    /**
     * A {@code dependsOn} cycle is an error naming it, e.g. {@code a -> b -> a}. Checked per environment (each
     * declared one, or without declarations each one an override names) with the overrides applied, and for the
     * apps' policies alone when environments are not declared (they then hold in every other environment).
     */
    private static void checkCycles(VerityConfig config) {
        Set<String> envs = new TreeSet<>(config.environments().keySet());
        List<String> scopes = new ArrayList<>();
        if (envs.isEmpty()) {
            scopes.add(null);
            config.apps().values().forEach(a -> envs.addAll(a.overrides().keySet()));
        }
        scopes.addAll(envs);
        for (String env : scopes) {
            Map<String, List<String>> edges = new HashMap<>();
            for (AppSpec app : config.apps().values()) {
                Policy policy = env == null ? app.policy().applyTo(Policy.DEFAULT) : app.policyIn(env);
                edges.put(app.name(), policy.dependsOn());
            }
            List<String> cycle = cycle(edges);
            if (cycle.isEmpty()) continue;
            List<String> places = new ArrayList<>();
            Origin first = null;
            for (int i = 0; i + 1 < cycle.size(); i++) {
                Origin at = config.dependsOnOrigin(cycle.get(i), env, cycle.get(i + 1)).orElseThrow();
                if (first == null) first = at;
                places.add("'" + cycle.get(i + 1) + "' in " + at);
            }
            throw new VerityConfigException(VerityConfig.FILE + " line " + first.line() + ": dependsOn cycle "
                    + (env == null ? "in every environment without an override" : "in environment " + env) + ": "
                    + String.join(" -> ", cycle) + " (" + String.join(", ", places) + "). An app cannot wait for "
                    + "itself: remove one of these dependencies.");
        }
    }

    /** The first cycle found (apps in name order), as a path that ends where it starts, or empty. */
    private static List<String> cycle(Map<String, List<String>> edges) {
        Set<String> done = new HashSet<>();
        for (String start : edges.keySet().stream().sorted().toList()) {
            List<String> found = visit(start, edges, new LinkedHashSet<>(), done);
            if (!found.isEmpty()) return found;
        }
        return List.of();
    }

    private static List<String> visit(String app, Map<String, List<String>> edges, LinkedHashSet<String> path, Set<String> done) {
        if (path.contains(app)) {
            List<String> cycle = new ArrayList<>(path.stream().dropWhile(a -> !a.equals(app)).toList());
            cycle.add(app);
            return cycle;
        }
        if (done.contains(app)) return List.of();
        path.add(app);
        for (String next : edges.getOrDefault(app, List.of())) {
            List<String> found = visit(next, edges, path, done);
            if (!found.isEmpty()) return found;
        }
        path.remove(app);
        done.add(app);
        return List.of();
    }

    /** The known name closest to {@code written} when it is close enough to be a typo (or differs only in case). */
    public static Optional<String> suggestion(String written, Collection<String> known) {
        return known.stream()
                .map(k -> Map.entry(k, k.equalsIgnoreCase(written) ? 0 : distance(written.toLowerCase(), k.toLowerCase())))
                .filter(e -> e.getValue() <= Math.max(1, Math.min(3, e.getKey().length() / 3)))
                .min(Comparator.comparingInt((Map.Entry<String, Integer> e) -> e.getValue()).thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey);
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) previous[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static VerityConfigException error(Node node, String message) {
        return new VerityConfigException(VerityConfig.FILE + " line " + line(node) + ": " + message);
    }

    private static int line(Node node) {
        return node.getStartMark().map(m -> m.getLine() + 1).orElse(1);
    }

    private static boolean isNull(Node node) {
        return node == null || node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    private static String describe(Node node) {
        if (node instanceof ScalarNode s) return isNull(s) ? "empty" : "'" + s.getValue() + "'";
        return node instanceof SequenceNode ? "a list" : "a map";
    }

    private static String sorted(Collection<String> keys) {
        return keys.stream().sorted().toList().toString();
    }

    private static String syntax(YamlEngineException e) {
        if (e instanceof MarkedYamlEngineException marked) {
            Optional<Mark> mark = marked.getProblemMark().or(marked::getContextMark);
            String problem = marked.getProblem() != null ? marked.getProblem() : marked.getContext();
            return problem + mark.map(m -> " (line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1) + ")").orElse("");
        }
        return e.getMessage();
    }
}
