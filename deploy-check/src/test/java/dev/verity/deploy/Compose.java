package dev.verity.deploy;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** docker-compose.yml as plain maps, for the checks. */
record Compose(Map<String, Object> file) {

    static Compose read(Path root) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> file = (Map<String, Object>) new Load(LoadSettings.builder().build())
                    .loadFromString(Files.readString(root.resolve("docker-compose.yml")));
            return new Compose(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> services() {
        return (Map<String, Object>) file.get("services");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> service(String name) {
        Map<String, Object> s = (Map<String, Object>) services().get(name);
        if (s == null) throw new AssertionError("docker-compose.yml has no service " + name);
        return s;
    }

    @SuppressWarnings("unchecked")
    Map<String, String> environment(String service) {
        Object env = service(service).get("environment");
        if (env == null) return Map.of();
        return ((Map<String, Object>) env).entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())));
    }

    @SuppressWarnings("unchecked")
    List<String> list(String service, String key) {
        return (List<String>) service(service).get(key);
    }
}
