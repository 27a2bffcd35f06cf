package dev.verity.kustomize;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.verity.kustomize.patch.JsonPatch;
import dev.verity.kustomize.patch.LabelSelector;
import dev.verity.kustomize.patch.MergeOutcome;
import dev.verity.kustomize.patch.PatchException;
import dev.verity.kustomize.patch.PatchSchema;
import dev.verity.kustomize.patch.PatchTarget;
import dev.verity.kustomize.patch.RawJson;
import dev.verity.kustomize.patch.SelectableResource;
import dev.verity.kustomize.patch.StrategicMerge;
import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;
import dev.verity.kustomize.yaml.YamlException;
import dev.verity.kustomize.yaml.YamlReader;

/**
 * The three patch fields of a kustomization, driving the {@link dev.verity.kustomize.patch} package as Kustomize
 * v5.5's PatchStrategicMergeTransformer ({@code patchesStrategicMerge}), PatchTransformer ({@code patches}) and
 * PatchJson6902Transformer ({@code patchesJson6902}) do:
 *
 * <ul>
 *   <li>a {@code patches:} entry's text is a strategic merge patch when it reads as YAML mappings (documents), a JSON
 *       6902 patch when it reads as a list of operations; both or neither is Kustomize's error;</li>
 *   <li>an untargeted strategic merge patch applies to the one resource whose current or earlier id is the patch's
 *       own id, and is an error naming the file when there is none; a targeted one to every selected resource
 *       (matching nothing is no error); a JSON 6902 patch needs a target;</li>
 *   <li>{@code $patch: delete} at the top removes the resource; a patch allowed to rename (or re-kind) records the
 *       resource's earlier id, as does every JSON 6902 patch, so name references still find it.</li>
 * </ul>
 *
 * The build's deadline is checked before each patch is applied to each resource, and within a strategic merge once
 * per list element merged.
 */
final class Patches {

    private Patches() {
    }

    /** The deprecated {@code patchesStrategicMerge}: file paths, or inline patches. */
    static void patchesStrategicMerge(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        List<String> entries = k.strings("patchesStrategicMerge");
        List<MapNode> patches = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (String entry : entries) {
            build.deadline.check("loading patchesStrategicMerge of " + k.file);
            String path = PathNames.join(k.directory, entry);
            List<MapNode> documents;
            String source;
            if (build.probe(path) != KustomizeFileSystem.Kind.MISSING) {
                source = path;
                String text = new String(build.readRestricted(k, "patchesStrategicMerge", entry),
                        StandardCharsets.UTF_8);
                documents = strategicMergeDocuments(text, source, k, "patchesStrategicMerge");
                if (documents == null) {
                    throw new KustomizeException("patchesStrategicMerge in " + k.file + ": " + source
                            + " is not a strategic merge patch (YAML mappings each with a kind and a metadata.name)");
                }
            } else {
                // not a file: an inline patch when it reads as one, else Kustomize's missing-file error
                source = "an inline patch of patchesStrategicMerge";
                documents = inlineDocuments(entry);
                if (documents == null) {
                    throw new KustomizeException("patchesStrategicMerge in " + k.file + ": evalsymlink failure on '"
                            + path + "' : lstat " + path + ": no such file or directory");
                }
            }
            for (MapNode document : documents) {
                patches.add(document);
                sources.add(source);
            }
        }
        if (!entries.isEmpty() && patches.isEmpty()) {
            throw new KustomizeException("patchesStrategicMerge in " + k.file + ": patch appears to be empty; files="
                    + entries + ", Patch=");
        }
        for (int i = 0; i < patches.size(); i++) {
            build.deadline.check("applying patchesStrategicMerge of " + k.file);
            applyById(build, k, resources, patches.get(i), sources.get(i), StrategicMerge.Options.BY_ID,
                    "patchesStrategicMerge");
        }
    }

    private static List<MapNode> inlineDocuments(String entry) {
        try {
            List<MapNode> documents = strategicMergeDocuments(entry, "an inline patch of patchesStrategicMerge");
            return documents == null || documents.isEmpty() ? null : documents;
        } catch (YamlException e) {
            return null;
        }
    }

    /** The {@code patches} field. */
    static void patches(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        List<MapNode> entries = k.maps("patches");
        for (int index = 0; index < entries.size(); index++) {
            MapNode entry = entries.get(index);
            build.deadline.check("applying patches of " + k.file);
            String inline = entry.string("patch") == null ? "" : entry.string("patch").strip();
            String path = entry.string("path") == null ? "" : entry.string("path");
            if (inline.isEmpty() && path.isEmpty()) {
                throw new KustomizeException("patches in " + k.file + ": must specify one of patch and path"
                        + " in each entry");
            }
            if (!inline.isEmpty() && !path.isEmpty()) {
                throw new KustomizeException("patches in " + k.file + ": patch and path can't be set at the same"
                        + " time (path " + path + ")");
            }
            String source = path.isEmpty() ? "the inline patch of entry " + (index + 1)
                    : PathNames.join(k.directory, path);
            String text = path.isEmpty() ? inline
                    : new String(build.readRestricted(k, "patches", path), StandardCharsets.UTF_8);
            List<MapNode> smPatches = strategicMergeDocuments(text, source, k, "patches");
            JsonPatch jsonPatch = jsonPatch(text, source, k, "patches");
            if (smPatches != null && jsonPatch != null) {
                throw new KustomizeException("patches in " + k.file + ": " + source
                        + " illegally qualifies as both an SM and JSON patch (it holds no document, or an empty"
                        + " list)");
            }
            if (smPatches != null && smPatches.isEmpty() && jsonPatch == null) {
                // Kustomize then takes the entry for a JSON patch and fails decoding it
                throw new KustomizeException("patches in " + k.file + ": " + source + " holds no strategic merge"
                        + " patch and is no JSON 6902 patch: json: cannot unmarshal object into Go value of type"
                        + " jsonpatch.Patch");
            }
            if (smPatches == null && jsonPatch == null) {
                throw new KustomizeException("patches in " + k.file + ": unable to parse SM or JSON patch from "
                        + source + " (give YAML mappings for a strategic merge patch, or a list of op/path/value"
                        + " operations for JSON 6902; each strategic merge document needs a kind and a"
                        + " metadata.name)");
            }
            MapNode options = entry.map("options");
            boolean allowNameChange = options != null && "true".equals(options.string("allowNameChange"));
            boolean allowKindChange = options != null && "true".equals(options.string("allowKindChange"));
            MapNode targetNode = entry.map("target");
            if (jsonPatch != null) {
                if (targetNode == null) {
                    throw new KustomizeException("patches in " + k.file + ": must specify a target for JSON patch "
                            + source);
                }
                applyJson(build, k, resources, jsonPatch, target(targetNode, k, "patches"), source, "patches");
                continue;
            }
            if (targetNode == null) {
                StrategicMerge.Options by = new StrategicMerge.Options(false, allowNameChange, allowKindChange);
                for (MapNode patch : smPatches) {
                    applyById(build, k, resources, patch, source, by, "patches");
                }
                continue;
            }
            if (smPatches.size() > 1) {
                throw new KustomizeException("patches in " + k.file + ": Multiple Strategic-Merge Patches in one"
                        + " `patches` entry is not allowed to set `patches.target` field (" + source + " holds "
                        + smPatches.size() + " documents; split it into one entry per document)");
            }
            PatchTarget target = target(targetNode, k, "patches");
            StrategicMerge.Options targeted = new StrategicMerge.Options(true, allowNameChange, allowKindChange);
            for (MapNode patch : smPatches) {
                List<Resource> selected = select(target, resources);
                for (Resource resource : selected) {
                    applyStrategicMerge(build, k, resources, resource, patch, source, targeted, "patches");
                }
            }
        }
    }

    /** The deprecated {@code patchesJson6902}: a target with a name, and a path or an inline patch. */
    static void patchesJson6902(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        for (MapNode entry : k.maps("patchesJson6902")) {
            build.deadline.check("applying patchesJson6902 of " + k.file);
            MapNode targetNode = entry.map("target");
            if (targetNode == null || targetNode.string("name") == null || targetNode.string("name").isEmpty()) {
                throw new KustomizeException("patchesJson6902 in " + k.file + ": must specify the target name");
            }
            String inline = entry.string("patch") == null ? "" : entry.string("patch");
            String path = entry.string("path") == null ? "" : entry.string("path");
            if (inline.isEmpty() && path.isEmpty()) {
                throw new KustomizeException("patchesJson6902 in " + k.file + ": empty file path and empty jsonOp");
            }
            if (!inline.isEmpty() && !path.isEmpty()) {
                throw new KustomizeException("patchesJson6902 in " + k.file
                        + ": must specify a file path or jsonOp, not both");
            }
            String source = path.isEmpty() ? "an inline patch" : PathNames.join(k.directory, path);
            String text = path.isEmpty() ? inline
                    : new String(build.readRestricted(k, "patchesJson6902", path), StandardCharsets.UTF_8);
            if (text.isEmpty()) {
                throw new KustomizeException("patchesJson6902 in " + k.file + ": patch file '" + path
                        + "' empty seems to be empty");
            }
            JsonPatch patch = jsonPatch(text, source, k, "patchesJson6902");
            if (patch != null && patch.operations().isEmpty()) {
                throw new KustomizeException("patchesJson6902 in " + k.file + ": patch appears to be empty; file="
                        + path + ", JsonOp=" + text.strip());
            }
            if (patch == null) {
                throw new KustomizeException("patchesJson6902 in " + k.file + ": " + source
                        + " is not a JSON 6902 patch: give a list of op/path/value operations");
            }
            applyJson(build, k, resources, patch, target(targetNode, k, "patchesJson6902"), source,
                    "patchesJson6902");
        }
    }

    // ---- applying ----

    private static void applyById(Kustomizer.Build build, Kustomization k, List<Resource> resources, MapNode patch,
            String source, StrategicMerge.Options options, String field) {
        ResourceId id = patchId(patch);
        Resource match = null;
        for (Resource resource : resources) {
            build.deadline.check("finding the resource of a patch in " + k.file);
            for (ResourceId candidate : resource.allIds()) {
                if (candidate.sameAs(id)) {
                    if (match != null && match != resource) {
                        throw new KustomizeException(field + " in " + k.file + ": no resource matches strategic"
                                + " merge patch \"" + id + "\" (" + source + "): multiple matches for Id " + id
                                + "; failed to find unique target for patch " + id + " (" + match.id() + " and "
                                + resource.id() + "; give the patch a namespace or a target)");
                    }
                    match = resource;
                    break;
                }
            }
        }
        if (match == null) {
            throw new KustomizeException(field + " in " + k.file + ": no resource matches strategic merge patch \""
                    + id + "\" (" + source + "): no matches for Id " + id + "; failed to find unique target for"
                    + " patch " + id + " (the patch names an object that is not in the build)");
        }
        applyStrategicMerge(build, k, resources, match, patch, source, options, field);
    }

    private static void applyStrategicMerge(Kustomizer.Build build, Kustomization k, List<Resource> resources,
            Resource resource, MapNode patch, String source, StrategicMerge.Options options, String field) {
        String doing = "applying " + field + " (" + source + ") of " + k.file + " to " + resource.id();
        build.deadline.check(doing);
        if (options.allowNameChange() || options.allowKindChange()) {
            resource.storePreviousId();
        }
        MergeOutcome outcome;
        try {
            outcome = StrategicMerge.applyToResource(resource.body, patch, build.patchSchema(), options,
                    () -> build.deadline.check(doing));
        } catch (PatchException e) {
            throw new KustomizeException(field + " in " + k.file + ": applying " + source + " to " + resource.id()
                    + ": " + e.getMessage(), e);
        }
        if (outcome instanceof MergeOutcome.Merged merged) {
            replaceBody(resource, merged.resource());
        } else {
            resources.remove(resource);
        }
    }

    private static void applyJson(Kustomizer.Build build, Kustomization k, List<Resource> resources, JsonPatch patch,
            PatchTarget target, String source, String field) {
        for (Resource resource : select(target, resources)) {
            build.deadline.check("applying " + field + " (" + source + ") of " + k.file + " to " + resource.id());
            resource.storePreviousId();
            MapNode patched;
            try {
                patched = patch.apply(resource.body);
            } catch (PatchException e) {
                throw new KustomizeException(field + " in " + k.file + ": applying " + source + " to "
                        + resource.id() + ": " + e.getMessage(), e);
            }
            replaceBody(resource, patched);
        }
    }

    private static void replaceBody(Resource resource, MapNode next) {
        Map<String, Node> entries = resource.body.entries();
        entries.clear();
        entries.putAll(next.entries());
    }

    private static List<Resource> select(PatchTarget target, List<Resource> resources) {
        List<Resource> selected = new ArrayList<>();
        for (Resource resource : resources) {
            if (target.matches(new Selectable(resource))) {
                selected.add(resource);
            }
        }
        return selected;
    }

    // ---- reading patches ----

    /**
     * The documents of a strategic merge patch ({@code List} kinds expanded), or {@code null} when the text is not one:
     * empty, a list, a scalar, or a document without a kind or a metadata.name.
     */
    private static List<MapNode> strategicMergeDocuments(String text, String source, Kustomization k, String field) {
        try {
            return strategicMergeDocuments(text, source);
        } catch (YamlException e) {
            throw new KustomizeException(field + " in " + k.file + ": " + e.getMessage());
        }
    }

    private static List<MapNode> strategicMergeDocuments(String text, String source) {
        if (text.strip().isEmpty()) {
            return null;
        }
        List<MapNode> result = new ArrayList<>();
        for (Node document : YamlReader.readAll(text, source)) {
            if (document instanceof SeqNode seq && seq.size() == 0) {
                continue;
            }
            if (!(document instanceof MapNode map)) {
                return null;
            }
            if (!addPatchDocument(map, result)) {
                return null;
            }
        }
        return result;
    }

    private static boolean addPatchDocument(MapNode map, List<MapNode> into) {
        if (map.size() == 0) {
            return true;
        }
        String kind = map.string("kind");
        if (kind != null && kind.endsWith("List") && map.get("items") instanceof SeqNode items) {
            for (Node item : items.items()) {
                if (!(item instanceof MapNode itemMap) || !addPatchDocument(itemMap, into)) {
                    return false;
                }
            }
            return true;
        }
        MapNode metadata = map.map("metadata");
        String name = metadata == null ? null : metadata.string("name");
        if (kind == null || kind.isEmpty() || name == null || name.isEmpty()) {
            return false;
        }
        into.add(map);
        return true;
    }

    /**
     * The JSON 6902 patch of a text (JSON or YAML), or {@code null} when it is not a list of operation maps; an empty
     * text, or one holding only comments, is an empty patch.
     */
    private static JsonPatch jsonPatch(String text, String source, Kustomization k, String field) {
        // Kustomize gives a text that starts with [ to json-patch as JSON, and any other through sigs.k8s.io/yaml
        // (YAML 1.1 scalars: on, yes, y are true; dates stay text)
        boolean json = text.startsWith("[");
        if (json && RawJson.parse(text) == null) {
            return null;
        }
        List<Node> documents;
        try {
            documents = json ? YamlReader.readAll(text, source) : YamlReader.readAllYaml11(text, source);
        } catch (YamlException e) {
            return null;
        }
        if (documents.isEmpty()) {
            return JsonPatch.parse(new SeqNode(), source);
        }
        if (!(documents.get(0) instanceof SeqNode seq)) {
            return null;
        }
        for (Node op : seq.items()) {
            if (!(op instanceof MapNode)) {
                return null;
            }
        }
        try {
            JsonPatch patch = JsonPatch.parse(seq, source);
            // Kustomize passes a text that starts with [ to json-patch as it is (test compares the text written)
            return json ? patch.withValuesAsWritten(text) : patch;
        } catch (PatchException e) {
            throw new KustomizeException(field + " in " + k.file + ": " + e.getMessage(), e);
        }
    }

    private static ResourceId patchId(MapNode patch) {
        MapNode metadata = patch.map("metadata");
        return ResourceId.of(patch.string("apiVersion"), patch.string("kind"),
                metadata == null ? null : metadata.string("name"),
                metadata == null ? null : metadata.string("namespace"));
    }

    static PatchTarget target(MapNode node, Kustomization k, String field) {
        try {
            return PatchTarget.of(node.string("group"), node.string("version"), node.string("kind"),
                    node.string("name"), node.string("namespace"), node.string("labelSelector"),
                    node.string("annotationSelector"));
        } catch (PatchException e) {
            throw new KustomizeException(field + " in " + k.file + ": " + e.getMessage(), e);
        }
    }

    /** A label or annotation selector of a replacement, parsed with the patch package's selector grammar. */
    static LabelSelector selector(String text, Kustomization k) {
        try {
            return LabelSelector.parse(text == null ? "" : text);
        } catch (PatchException e) {
            throw new KustomizeException("replacements in " + k.file + ": " + e.getMessage(), e);
        }
    }

    /** A resource of the build as the patch package's target selection sees it. */
    record Selectable(Resource resource) implements SelectableResource {

        @Override
        public String group() {
            return resource.id().group();
        }

        @Override
        public String version() {
            return resource.id().version();
        }

        @Override
        public String kind() {
            return resource.id().kind();
        }

        @Override
        public String name() {
            return resource.id().name();
        }

        @Override
        public String originalName() {
            return resource.originalId().name();
        }

        @Override
        public String namespace() {
            return resource.id().namespace();
        }

        @Override
        public String originalNamespace() {
            return resource.originalId().namespace();
        }

        @Override
        public boolean clusterScoped() {
            return resource.id().clusterScoped();
        }

        @Override
        public Map<String, String> labels() {
            return strings("labels");
        }

        @Override
        public Map<String, String> annotations() {
            return strings("annotations");
        }

        private Map<String, String> strings(String field) {
            Map<String, String> result = new LinkedHashMap<>();
            MapNode metadata = resource.body.map("metadata");
            MapNode map = metadata == null ? null : metadata.map(field);
            if (map != null) {
                map.entries().forEach((key, value) -> result.put(key,
                        value instanceof ScalarNode s && !s.isNull() ? s.value() : ""));
            }
            return result;
        }
    }
}
