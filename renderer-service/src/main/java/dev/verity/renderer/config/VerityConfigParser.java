package dev.verity.renderer.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.verity.events.TargetKey;
import dev.verity.renderer.config.VerityConfig.AppSpec;
import dev.verity.renderer.config.VerityConfig.PolicySpec;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads {@code verity.yaml} into a {@link VerityConfig}. Strict: unknown keys, duplicate keys, wrong types and
 * invalid names are errors that name the field (e.g. {@code apps.shop.overrides.prod.selfHeal}) and what to write.
 *
 * <pre>
 * environments:
 *   dev:  { clusters: [dev-eu] }
 *   prod: { clusters: [prod-eu, prod-us] }
 * apps:
 *   shop:
 *     path: apps/shop
 *     policy: { prune: true, selfHeal: false }
 *     overrides:
 *       prod: { selfHeal: true, dependsOn: [platform] }
 * </pre>
 */
public final class VerityConfigParser {

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final Set<String> ROOT_KEYS = Set.of("environments", "apps");
    private static final Set<String> ENV_KEYS = Set.of("clusters");
    private static final Set<String> APP_KEYS = Set.of("path", "policy", "overrides");
    private static final Set<String> POLICY_KEYS = Set.of("suspend", "prune", "selfHeal", "force", "allowEmpty", "dependsOn");

    private VerityConfigParser() {
    }

    /** Parses the file's text; blank text means no configuration. */
    public static VerityConfig parse(String yaml) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new VerityConfigException(VerityConfig.FILE + " is not valid YAML: " + e.getOriginalMessage()
                    + location(e) + ". Fix the syntax and push again.", e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) return VerityConfig.NONE;
        requireObject(root, "the top level", ROOT_KEYS);
        return new VerityConfig(environments(root.get("environments")), apps(root.get("apps")));
    }

    private static Map<String, List<String>> environments(JsonNode node) {
        Map<String, List<String>> environments = new LinkedHashMap<>();
        if (node == null || node.isNull()) return environments;
        requireMap(node, "environments", "a map of environment name to { clusters: [...] }");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> env = it.next();
            String field = "environments." + env.getKey();
            requireName(env.getKey(), field, "environment");
            requireObject(env.getValue(), field, ENV_KEYS);
            JsonNode clusters = env.getValue().get("clusters");
            if (clusters == null || clusters.isNull()) {
                throw new VerityConfigException(VerityConfig.FILE + ": " + field + ".clusters is required: list the "
                        + "clusters this environment deploys to, e.g. clusters: [" + VerityConfig.DEFAULT_CLUSTER + "]");
            }
            List<String> names = names(clusters, field + ".clusters", "cluster");
            if (names.isEmpty()) {
                throw new VerityConfigException(VerityConfig.FILE + ": " + field + ".clusters is empty: list at least "
                        + "one cluster, or remove the environment");
            }
            environments.put(env.getKey(), names);
        }
        return environments;
    }

    private static Map<String, AppSpec> apps(JsonNode node) {
        Map<String, AppSpec> apps = new LinkedHashMap<>();
        if (node == null || node.isNull()) return apps;
        requireMap(node, "apps", "a map of app name to { path, policy, overrides }");
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            String field = "apps." + name;
            requireName(name, field, "app");
            JsonNode app = entry.getValue();
            if (app == null || app.isNull()) {
                apps.put(name, new AppSpec(name, "apps/" + name, PolicySpec.EMPTY, Map.of()));
                continue;
            }
            requireObject(app, field, APP_KEYS);
            String path = app.has("path") && !app.get("path").isNull()
                    ? path(app.get("path"), field + ".path") : "apps/" + name;
            PolicySpec policy = policy(app.get("policy"), field + ".policy");
            Map<String, PolicySpec> overrides = new LinkedHashMap<>();
            JsonNode o = app.get("overrides");
            if (o != null && !o.isNull()) {
                requireMap(o, field + ".overrides", "a map of environment name to policy fields");
                for (Iterator<Map.Entry<String, JsonNode>> envs = o.fields(); envs.hasNext(); ) {
                    Map.Entry<String, JsonNode> env = envs.next();
                    String envField = field + ".overrides." + env.getKey();
                    requireName(env.getKey(), envField, "environment");
                    overrides.put(env.getKey(), policy(env.getValue(), envField));
                }
            }
            apps.put(name, new AppSpec(name, path, policy, overrides));
        }
        return apps;
    }

    private static PolicySpec policy(JsonNode node, String field) {
        if (node == null || node.isNull()) return PolicySpec.EMPTY;
        requireObject(node, field, POLICY_KEYS);
        JsonNode dependsOn = node.get("dependsOn");
        return new PolicySpec(bool(node, "suspend", field), bool(node, "prune", field), bool(node, "selfHeal", field),
                bool(node, "force", field), bool(node, "allowEmpty", field),
                dependsOn == null || dependsOn.isNull() ? null : names(dependsOn, field + ".dependsOn", "app"));
    }

    private static Boolean bool(JsonNode policy, String key, String field) {
        JsonNode value = policy.get(key);
        if (value == null || value.isNull()) return null;
        if (!value.isBoolean()) {
            throw new VerityConfigException(VerityConfig.FILE + ": " + field + "." + key + " must be true or false, not '"
                    + value.asText() + "'");
        }
        return value.booleanValue();
    }

    private static List<String> names(JsonNode node, String field, String what) {
        if (!node.isArray()) {
            throw new VerityConfigException(VerityConfig.FILE + ": " + field + " must be a list of " + what
                    + " names, e.g. [" + node.asText() + "]");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw new VerityConfigException(VerityConfig.FILE + ": " + field + " must hold " + what
                        + " names (strings), not '" + item + "'");
            }
            requireName(item.asText(), field, what);
            if (!names.contains(item.asText())) names.add(item.asText());
        }
        return names;
    }

    private static String path(JsonNode node, String field) {
        if (!node.isTextual() || node.asText().isBlank()) {
            throw new VerityConfigException(VerityConfig.FILE + ": " + field
                    + " must be a folder relative to the repository root, e.g. apps/shop");
        }
        String path = node.asText().replaceAll("/+$", "");
        if (path.startsWith("./")) path = path.substring(2);
        if (path.startsWith("/") || Stream.of(path.split("/")).anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
            throw new VerityConfigException(VerityConfig.FILE + ": " + field + " '" + node.asText()
                    + "' must be a folder inside the repository, relative to its root, without '.' or '..' (e.g. apps/shop)");
        }
        return path;
    }

    private static void requireName(String name, String field, String what) {
        try {
            new TargetKey(name, "x", "x");
        } catch (IllegalArgumentException e) {
            throw new VerityConfigException(VerityConfig.FILE + ": " + field + ": " + what + " name '" + name
                    + "' is not valid: use lower-case letters, digits, '-', '.' or '_', starting and ending with a letter or digit");
        }
    }

    private static void requireMap(JsonNode node, String field, String expected) {
        if (!node.isObject()) {
            throw new VerityConfigException(VerityConfig.FILE + ": " + field + " must be " + expected + ", not '" + node + "'");
        }
    }

    private static void requireObject(JsonNode node, String field, Set<String> keys) {
        if (node == null || !node.isObject()) {
            throw new VerityConfigException(VerityConfig.FILE + ": " + field + " must be a map with keys "
                    + sorted(keys) + ", not '" + node + "'");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!keys.contains(key)) {
                String prefix = field.equals("the top level") ? "" : field + ".";
                throw new VerityConfigException(VerityConfig.FILE + ": unknown key '" + prefix + key + "'; the keys allowed "
                        + (field.equals("the top level") ? "at the top level" : "under " + field) + " are " + sorted(keys));
            }
        }
    }

    private static String sorted(Set<String> keys) {
        return keys.stream().sorted().toList().toString();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")";
    }
}
