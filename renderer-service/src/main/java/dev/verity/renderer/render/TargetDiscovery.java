package dev.verity.renderer.render;

import dev.verity.events.TargetKey;
import dev.verity.renderer.config.VerityConfig;
import dev.verity.renderer.config.VerityConfigParser;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the targets of a commit from its file paths: every {@code <app path>/overlays/<env>/kustomization.yaml}
 * (also {@code .yml} or {@code Kustomization}) is one overlay; the app path is {@code apps/<app>} unless
 * {@code verity.yaml} sets {@code apps.<app>.path}; each overlay becomes one target per cluster of its environment.
 * A target whose {@code dependsOn} names an app with no overlay in the same environment stays a target (it is not
 * removed) but has a {@link Problem}: it is not rendered until {@code verity.yaml} or the overlays are fixed.
 */
public final class TargetDiscovery {

    static final Set<String> KUSTOMIZATION_FILES = Set.of("kustomization.yaml", "kustomization.yml", "Kustomization");

    private TargetDiscovery() {
    }

    /**
     * What a commit holds.
     *
     * @param targets  every target, sorted by key
     * @param problems overlays that cannot become targets because of their names (each a render failure)
     * @param notes    overlays that are deliberately not deployed (worth a log line, not a failure)
     */
    public record Discovery(List<Target> targets, List<Problem> problems, List<String> notes) {
        public Discovery {
            targets = List.copyOf(targets);
            problems = List.copyOf(problems);
            notes = List.copyOf(notes);
        }
    }

    /**
     * An overlay or target that cannot be rendered, with what to do.
     *
     * @param target the target that is not rendered, or null when the overlay cannot become a target at all
     * @param path   the overlay folder, or {@code verity.yaml} when the problem is written there
     */
    public record Problem(TargetKey target, String path, String error) {
        public Problem(String path, String error) {
            this(null, path, error);
        }
    }

    public static Discovery discover(List<String> paths, VerityConfig config) {
        Map<String, String> appPaths = new LinkedHashMap<>(); // app path -> app name
        List<String> notes = new ArrayList<>();
        config.apps().values().stream().sorted((a, b) -> a.name().compareTo(b.name()))
                .forEach(app -> appPaths.putIfAbsent(app.path(), app.name()));

        Set<String> overlays = new TreeSet<>();
        for (String path : paths) {
            int slash = path.lastIndexOf('/');
            if (slash < 0 || !KUSTOMIZATION_FILES.contains(path.substring(slash + 1))) continue;
            overlays.add(path.substring(0, slash));
        }

        List<Target> targets = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (String overlay : overlays) {
            int marker = overlay.lastIndexOf("/overlays/");
            if (marker < 0) continue;
            String appPath = overlay.substring(0, marker);
            String env = overlay.substring(marker + "/overlays/".length());
            if (env.contains("/")) continue;
            String app = appPaths.get(appPath);
            if (app == null) {
                if (!appPath.startsWith("apps/") || appPath.indexOf('/', "apps/".length()) >= 0) continue;
                String conventional = appPath.substring("apps/".length());
                if (config.app(conventional).isPresent()) {
                    notes.add(overlay + " is not rendered: verity.yaml sets apps." + conventional + ".path to '"
                            + config.app(conventional).get().path() + "'");
                    continue;
                }
                app = conventional;
            }
            String invalid = invalidName(app, "app") + invalidName(env, "environment");
            if (!invalid.isEmpty()) {
                problems.add(new Problem(overlay, overlay + ":" + invalid
                        + ". Rename the folder using lower-case letters, digits, '-', '.' or '_' (starting and ending with a letter or digit)."));
                continue;
            }
            List<String> clusters = config.clustersOf(env);
            if (clusters.isEmpty()) {
                notes.add(overlay + " is not rendered: verity.yaml declares no environment '" + env
                        + "'; add environments." + env + ".clusters to deploy it");
                continue;
            }
            for (String cluster : clusters) {
                targets.add(new Target(new TargetKey(cluster, app, env), overlay, config.policyFor(app, env)));
            }
        }
        for (Map.Entry<String, String> app : appPaths.entrySet()) {
            if (overlays.stream().noneMatch(o -> o.startsWith(app.getKey() + "/overlays/"))) {
                notes.add("verity.yaml lists app '" + app.getValue() + "' but " + app.getKey()
                        + "/overlays/<env>/kustomization.yaml does not exist for any environment");
            }
        }
        targets.sort(null);
        problems.addAll(missingDependencies(targets, config));
        return new Discovery(targets, problems, notes);
    }

    /** Targets whose {@code dependsOn} names an app that has no target in their environment. */
    private static List<Problem> missingDependencies(List<Target> targets, VerityConfig config) {
        Map<String, Set<String>> appsByEnv = new LinkedHashMap<>();
        for (Target t : targets) appsByEnv.computeIfAbsent(t.key().env(), e -> new TreeSet<>()).add(t.key().app());
        List<Problem> problems = new ArrayList<>();
        for (Target t : targets) {
            String env = t.key().env();
            Set<String> present = appsByEnv.get(env);
            List<String> missing = new ArrayList<>();
            for (String dependency : t.policy().dependsOn()) {
                if (present.contains(dependency)) continue;
                String at = config.dependsOnOrigin(t.key().app(), env, dependency)
                        .map(o -> "line " + o.line() + ": " + o.field()).orElse("dependsOn");
                String near = VerityConfigParser.suggestion(dependency, present)
                        .map(s -> " (did you mean '" + s + "'?)").orElse("");
                missing.add(at + " names '" + dependency + "'" + near);
            }
            if (missing.isEmpty()) continue;
            problems.add(new Problem(t.key(), VerityConfig.FILE, VerityConfig.FILE + " " + String.join("; ", missing)
                    + ", but no such app is deployed in environment " + env + " (apps in " + env + ": "
                    + present + "). Fix the name, add the app's overlay for " + env + ", or remove it from dependsOn"
                    + " (an override for " + env + " can set its own dependsOn)."));
        }
        return problems;
    }

    private static String invalidName(String name, String what) {
        try {
            new TargetKey("x", name, "x");
            return "";
        } catch (IllegalArgumentException e) {
            return " " + what + " name '" + name + "' is not valid";
        }
    }
}
