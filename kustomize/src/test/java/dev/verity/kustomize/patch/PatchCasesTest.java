package dev.verity.kustomize.patch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Patch cases recorded from the oracle: each folder under {@code cases/} is a small kustomization ({@code resources}
 * + {@code patches}, maybe {@code openapi}) whose {@code expected.yaml} or {@code expected-error.txt} is what
 * {@code kubectl kustomize CASE} (v1.32, Kustomize v5.5.0) printed, recorded by {@code cases/record.sh}. This test
 * drives the package the way the engine will: a patch is JSON 6902 when its text is a list, else strategic merge;
 * with a target it applies to each selected resource, without one to the resource its own id names.
 */
class PatchCasesTest {

    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
            "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass");

    @TestFactory
    Stream<DynamicTest> everyRecordedCase() throws IOException, URISyntaxException {
        Path root = Path.of(PatchCasesTest.class.getResource("cases").toURI());
        List<Path> cases;
        try (Stream<Path> list = Files.list(root)) {
            cases = list.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(cases).hasSizeGreaterThanOrEqualTo(75);
        return cases.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    private static void check(Path dir) throws IOException {
        Path expectedError = dir.resolve("expected-error.txt");
        if (Files.exists(expectedError)) {
            String kubectl = Files.readString(expectedError).strip();
            assertThatThrownBy(() -> build(dir)).isInstanceOf(PatchException.class)
                    .satisfies(e -> assertThat(kubectl).contains(kustomizePart(e.getMessage())));
            return;
        }
        List<MapNode> expected = TestYaml.documents(Files.readString(dir.resolve("expected.yaml")));
        assertThat(byId(build(dir))).isEqualTo(byId(expected));
    }

    /** The part of our message that repeats Kustomize's: before what we add (operation number, advice, path). */
    private static String kustomizePart(String message) {
        String part = message;
        for (String addition : List.of(" (operation ", ": $patch takes", " at ")) {
            int at = part.indexOf(addition);
            if (at > 0) {
                part = part.substring(0, at);
            }
        }
        return part;
    }

    private static Map<String, MapNode> byId(List<MapNode> resources) {
        Map<String, MapNode> result = new LinkedHashMap<>();
        for (MapNode resource : resources) {
            MapNode metadata = resource.map("metadata");
            result.put(resource.string("kind") + "/" + metadata.string("namespace") + "/" + metadata.string("name"),
                    (MapNode) TestYaml.printed(resource));
        }
        return result;
    }

    // --- a minimal driver of the patches: field, as the engine will drive this package -----------------------

    private static List<MapNode> build(Path dir) throws IOException {
        MapNode kustomization = TestYaml.map(Files.readString(dir.resolve("kustomization.yaml")));
        List<MapNode> resources = new ArrayList<>();
        for (Node file : kustomization.seq("resources").items()) {
            resources.addAll(TestYaml.documents(Files.readString(dir.resolve(((ScalarNode) file).value()))));
        }
        PatchSchema schema = PatchSchema.builtin();
        MapNode openapi = kustomization.map("openapi");
        if (openapi != null) {
            String path = openapi.string("path");
            schema = PatchSchema.fromOpenApi(Files.readString(dir.resolve(path)), path);
        }
        for (MapNode patchEntry : patchEntries(kustomization, dir)) {
            String text = patchEntry.has("patch") ? patchEntry.string("patch").strip()
                    : Files.readString(dir.resolve(patchEntry.string("path")));
            MapNode target = patchEntry.map("target");
            MapNode options = patchEntry.map("options");
            if (text.strip().startsWith("[") || TestYaml.parse(text.strip().split("\n---")[0]) instanceof SeqNode) {
                JsonPatch patch = JsonPatch.parse(TestYaml.parse(text), "inline patch");
                List<MapNode> next = new ArrayList<>();
                for (MapNode resource : resources) {
                    next.add(selector(target).matches(new Selectable(resource)) ? patch.apply(resource) : resource);
                }
                resources = next;
                continue;
            }
            StrategicMerge.Options smpOptions = new StrategicMerge.Options(target != null,
                    options != null && "true".equals(options.string("allowNameChange")),
                    options != null && "true".equals(options.string("allowKindChange")));
            for (MapNode patch : TestYaml.documents(text)) {
                List<MapNode> next = new ArrayList<>();
                boolean found = false;
                for (MapNode resource : resources) {
                    boolean selected = target != null ? selector(target).matches(new Selectable(resource))
                            : sameId(resource, patch);
                    found |= selected;
                    MergeOutcome outcome = selected
                            ? StrategicMerge.applyToResource(resource, patch, schema, smpOptions)
                            : new MergeOutcome.Merged(resource);
                    if (outcome instanceof MergeOutcome.Merged merged) {
                        next.add(merged.resource());
                    }
                }
                if (!found && target == null) {
                    throw new AssertionError("no resource matches strategic merge patch " + patch);
                }
                resources = next;
            }
        }
        return resources;
    }

    /**
     * The {@code patches:} entries, with the deprecated {@code patchesStrategicMerge} (a file or an inline patch each)
     * and {@code patchesJson6902} (target + path or patch) after them, as Kustomize orders them.
     */
    private static List<MapNode> patchEntries(MapNode kustomization, Path dir) {
        List<MapNode> entries = new ArrayList<>();
        if (kustomization.seq("patches") != null) {
            kustomization.seq("patches").items().forEach(entry -> entries.add((MapNode) entry));
        }
        if (kustomization.seq("patchesStrategicMerge") != null) {
            for (Node item : kustomization.seq("patchesStrategicMerge").items()) {
                String value = ((ScalarNode) item).value();
                entries.add(Files.isRegularFile(dir.resolve(value)) ? new MapNode().put("path", value)
                        : new MapNode().put("patch", value));
            }
        }
        if (kustomization.seq("patchesJson6902") != null) {
            kustomization.seq("patchesJson6902").items().forEach(entry -> entries.add((MapNode) entry));
        }
        return entries;
    }

    private static boolean sameId(MapNode resource, MapNode patch) {
        return patch.string("apiVersion").equals(resource.string("apiVersion"))
                && patch.string("kind").equals(resource.string("kind"))
                && patch.map("metadata").string("name").equals(resource.map("metadata").string("name"))
                && String.valueOf(patch.map("metadata").string("namespace"))
                .equals(String.valueOf(resource.map("metadata").string("namespace")));
    }

    private static PatchTarget selector(MapNode target) {
        return PatchTarget.of(target.string("group"), target.string("version"), target.string("kind"),
                target.string("name"), target.string("namespace"), target.string("labelSelector"),
                target.string("annotationSelector"));
    }

    private record Selectable(MapNode resource) implements SelectableResource {

        private String apiVersion() {
            return resource.string("apiVersion");
        }

        @Override
        public String group() {
            int slash = apiVersion().indexOf('/');
            return slash < 0 ? "" : apiVersion().substring(0, slash);
        }

        @Override
        public String version() {
            return apiVersion().substring(apiVersion().indexOf('/') + 1);
        }

        @Override
        public String kind() {
            return resource.string("kind");
        }

        @Override
        public String name() {
            return resource.map("metadata").string("name");
        }

        @Override
        public String namespace() {
            String namespace = resource.map("metadata").string("namespace");
            return namespace == null ? "" : namespace;
        }

        @Override
        public boolean clusterScoped() {
            return CLUSTER_SCOPED.contains(kind());
        }

        @Override
        public Map<String, String> labels() {
            return strings(resource.map("metadata").map("labels"));
        }

        @Override
        public Map<String, String> annotations() {
            return strings(resource.map("metadata").map("annotations"));
        }

        private static Map<String, String> strings(MapNode map) {
            Map<String, String> result = new LinkedHashMap<>();
            if (map != null) {
                map.entries().forEach((k, v) -> result.put(k, v instanceof ScalarNode s ? s.value() : ""));
            }
            return result;
        }
    }

}
