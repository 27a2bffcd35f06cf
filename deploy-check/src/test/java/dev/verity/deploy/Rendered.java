package dev.verity.deploy;

import dev.verity.kustomize.BuildResult;
import dev.verity.kustomize.Kustomizer;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A kustomization of deploy/ built by Verity's own Kustomize engine, as YAML and as plain maps. */
record Rendered(String directory, String yaml, List<Map<String, Object>> objects) {

    static final Path ROOT = Service.repositoryRoot(Path.of(""));

    /** Builds {@code deploy/<directory>}. */
    @SuppressWarnings("unchecked")
    static Rendered build(String directory) {
        BuildResult result = Kustomizer.onDisk().build(ROOT.resolve("deploy").resolve(directory).toString(), Duration.ofSeconds(30));
        String yaml = result.yaml();
        List<Map<String, Object>> objects = new ArrayList<>();
        for (Object doc : new Load(LoadSettings.builder().build()).loadAllFromString(yaml)) {
            if (doc != null) objects.add((Map<String, Object>) doc);
        }
        return new Rendered(directory, yaml, objects);
    }

    /** Every directory under deploy/ holding a kustomization.yaml, relative to deploy/, sorted. */
    static List<String> kustomizations() {
        Path deploy = ROOT.resolve("deploy");
        try (Stream<Path> files = Files.walk(deploy)) {
            return files.filter(p -> p.getFileName().toString().equals("kustomization.yaml"))
                    .map(p -> deploy.relativize(p.getParent()).toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    Map<String, Object> get(String kind, String name) {
        return ofKind(kind).stream().filter(o -> name.equals(at(o, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError(directory + " renders no " + kind + " " + name));
    }

    boolean has(String kind, String name) {
        return ofKind(kind).stream().anyMatch(o -> name.equals(at(o, "metadata", "name")));
    }

    List<String> names(String kind) {
        return ofKind(kind).stream().map(o -> (String) at(o, "metadata", "name")).toList();
    }

    /** The value at a path of map keys and list indexes, or null. */
    @SuppressWarnings("unchecked")
    static Object at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            if (current instanceof Map<?, ?> map) current = map.get(step);
            else if (current instanceof List<?> list && step instanceof Integer i) current = i < list.size() ? list.get(i) : null;
            else return null;
            if (current == null) return null;
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> list(Object node, Object... path) {
        Object value = at(node, path);
        return value == null ? List.of() : (List<Map<String, Object>>) value;
    }
}
