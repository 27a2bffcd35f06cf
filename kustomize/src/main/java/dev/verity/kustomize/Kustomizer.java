package dev.verity.kustomize;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.verity.kustomize.patch.PatchException;
import dev.verity.kustomize.patch.PatchSchema;
import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;
import dev.verity.kustomize.yaml.YamlException;
import dev.verity.kustomize.yaml.YamlReader;

/**
 * Builds a kustomization directory into resources as {@code kubectl kustomize} (Kustomize v5.5) does, in process:
 * no kubectl, no network. Thread-safe; one instance can serve many builds.
 *
 * <pre>{@code
 * BuildResult result = Kustomizer.onDisk().build("/repo/apps/shop/overlays/prod", Duration.ofSeconds(10));
 * String yaml = result.yaml();
 * }</pre>
 */
public final class Kustomizer {

    /** The file names Kustomize looks for in a directory, in its order. */
    public static final List<String> KUSTOMIZATION_FILE_NAMES =
            List.of("kustomization.yaml", "kustomization.yml", "Kustomization");

    private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);

    private final KustomizeFileSystem fileSystem;

    public Kustomizer(KustomizeFileSystem fileSystem) {
        this.fileSystem = fileSystem;
    }

    /** A kustomizer reading the local disk. */
    public static Kustomizer onDisk() {
        return new Kustomizer(new DiskFileSystem());
    }

    /** Builds {@code directory} (absolute, or relative to the working directory for the disk) with a 60 s deadline. */
    public BuildResult build(String directory) {
        return build(directory, DEFAULT_DEADLINE);
    }

    /**
     * Builds {@code directory}; fails with a {@link DeadlineExceededException} once {@code deadline} has passed.
     *
     * @throws KustomizeException when the kustomization cannot be built; the message names the file
     */
    public BuildResult build(String directory, Duration deadline) {
        String absolute = directory.startsWith("/") ? PathNames.normalize(directory)
                : PathNames.join(System.getProperty("user.dir"), directory);
        return new Build(fileSystem, absolute, new Deadline(deadline, directory)).run();
    }

    /** One build: its records and the accumulation of resources through nested kustomizations. */
    static final class Build {

        final KustomizeFileSystem fs;
        final String rootDirectory;
        final Deadline deadline;
        final Set<String> readFiles = new LinkedHashSet<>();
        final Set<String> probedPaths = new LinkedHashSet<>();
        final Set<String> listedDirectories = new LinkedHashSet<>();
        /** The schema of strategic merge patches: the first kustomization loaded with an {@code openapi:} field. */
        private PatchSchema patchSchema;

        Build(KustomizeFileSystem fs, String rootDirectory, Deadline deadline) {
            this.fs = fs;
            this.rootDirectory = rootDirectory;
            this.deadline = deadline;
        }

        BuildResult run() {
            KustomizeFileSystem.Kind kind = probe(rootDirectory);
            if (kind != KustomizeFileSystem.Kind.DIRECTORY) {
                throw new KustomizeException("'" + rootDirectory + "' is not a directory with a kustomization"
                        + (kind == KustomizeFileSystem.Kind.MISSING ? " (it does not exist)" : ""));
            }
            List<Resource> resources = new ArrayList<>();
            Deque<String> roots = new ArrayDeque<>();
            roots.push(realPath(rootDirectory));
            Kustomization top = accumulate(rootDirectory, resources, Role.TOP, roots);
            ContentHash.addHashSuffixes(resources, deadline);
            try {
                NameReferences.fix(resources, deadline);
            } catch (DeadlineExceededException e) {
                throw e;
            } catch (KustomizeException e) {
                throw new KustomizeException(e.getMessage() + " (updating name references in the build of "
                        + top.file + ")", e);
            }
            resources.removeIf(r -> {
                MapNode annotations = r.body.map("metadata") == null ? null : r.body.map("metadata").map("annotations");
                return annotations != null && "true".equals(annotations.string("config.kubernetes.io/local-config"));
            });
            List<Resource> ordered = OutputOrder.sort(resources, top.sortOptions(), top.file);
            List<MapNode> bodies = new ArrayList<>();
            for (Resource resource : ordered) {
                bodies.add(resource.body);
            }
            return new BuildResult(List.copyOf(bodies), Set.copyOf(readFiles), Set.copyOf(probedPaths),
                    Set.copyOf(listedDirectories));
        }

        KustomizeFileSystem.Kind probe(String path) {
            probedPaths.add(path);
            return fs.kind(path);
        }

        byte[] read(String path) {
            readFiles.add(path);
            try {
                return fs.read(path);
            } catch (IOException e) {
                throw new KustomizeException("cannot read '" + path + "': " + e.getMessage(), e);
            }
        }

        String realPath(String path) {
            try {
                return fs.realPath(path);
            } catch (IOException e) {
                throw new KustomizeException("cannot resolve '" + path + "': " + e.getMessage(), e);
            }
        }

        /** The kustomization file of a directory: exactly one of the three names. */
        Kustomization loadKustomization(String directory) {
            List<String> found = new ArrayList<>();
            for (String name : KUSTOMIZATION_FILE_NAMES) {
                String candidate = PathNames.join(directory, name);
                if (probe(candidate) == KustomizeFileSystem.Kind.FILE) {
                    found.add(candidate);
                }
            }
            if (found.isEmpty()) {
                throw new KustomizeException("unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
                        + "'Kustomization' in directory '" + directory + "'");
            }
            if (found.size() > 1) {
                throw new KustomizeException("found multiple kustomization files under: " + directory + " ("
                        + String.join(", ", found.stream().map(PathNames::baseName).toList())
                        + "); keep only one");
            }
            String file = found.get(0);
            String text = new String(read(file), StandardCharsets.UTF_8);
            Node node;
            try {
                node = YamlReader.readKustomization(text, file);
            } catch (YamlException e) {
                throw new KustomizeException(e.getMessage());
            }
            if (!(node instanceof MapNode map)) {
                throw new KustomizeException("invalid Kustomization in " + file + ": not a YAML mapping");
            }
            Kustomization kustomization = new Kustomization(directory, file, map);
            kustomization.validate();
            return kustomization;
        }

        /** How a kustomization is reached: the one built, a {@code resources} entry, a {@code components} entry. */
        enum Role { TOP, RESOURCE, COMPONENT }

        /** Accumulates a kustomization (or component) into {@code accumulated}, as Kustomize's accumulateTarget. */
        Kustomization accumulate(String directory, List<Resource> accumulated, Role role, Deque<String> roots) {
            deadline.check("loading " + directory);
            Kustomization k = loadKustomization(directory);
            chooseSchema(k);
            if (role == Role.COMPONENT && !k.isComponent()) {
                throw new KustomizeException("expected kind 'Component' for path '" + directory + "' but got '"
                        + k.kind() + "' (" + k.file + ")");
            }
            if (role == Role.RESOURCE && k.isComponent()) {
                throw new KustomizeException("expected kind != 'Component' for path '" + directory + "' ("
                        + k.file + "): a Component is listed under 'components', not 'resources'");
            }
            for (String entry : k.resourceEntries()) {
                deadline.check("accumulating resources of " + k.file);
                accumulateResource(k, entry, accumulated, roots);
            }
            // generators run before components, as in Kustomize v5.5 (components then see generated resources)
            Generators.run(this, k, accumulated);
            for (String entry : k.strings("components")) {
                deadline.check("accumulating components of " + k.file);
                String path = PathNames.join(directory, entry);
                rejectRemote(k, "components", entry, path);
                KustomizeFileSystem.Kind kind = probe(path);
                if (kind == KustomizeFileSystem.Kind.FILE) {
                    throw new KustomizeException("accumulating components from '" + entry + "' in " + k.file
                            + ": must build at directory: '" + path + "': file is not directory (a component is a"
                            + " directory holding a kustomization.yaml of kind Component)");
                }
                if (kind != KustomizeFileSystem.Kind.DIRECTORY) {
                    throw new KustomizeException("accumulating components from '" + entry + "' in " + k.file + ": "
                            + noSuchFile(k, entry, path) + "; a component is a directory with a kustomization");
                }
                String real = realPath(path);
                checkCycle(real, roots, entry, k);
                roots.push(real);
                try {
                    accumulate(path, accumulated, Role.COMPONENT, roots);
                } catch (KustomizeException e) {
                    throw rethrow(e, "accumulating components from '" + entry + "'");
                } finally {
                    roots.pop();
                }
            }
            Transformers.run(this, k, accumulated);
            return k;
        }

        /**
         * Kustomize keeps one OpenAPI schema per build: the first kustomization loaded (the top one first, then
         * depth first) whose {@code openapi:} names a {@code path} or a {@code version} sets it, for every patch of
         * the build; without one, Kubernetes v1.21.2's built-in table.
         */
        private void chooseSchema(Kustomization k) {
            if (patchSchema != null || !k.isSet("openapi")) {
                return;
            }
            MapNode openapi = k.fields.map("openapi");
            if (openapi == null) {
                throw new KustomizeException("invalid Kustomization in " + k.file + ": 'openapi' must be a mapping"
                        + " with 'path' or 'version'");
            }
            boolean hasPath = openapi.has("path");
            boolean hasVersion = openapi.has("version");
            if (hasPath && hasVersion) {
                throw new KustomizeException("openapi in " + k.file + ": builtin version and custom schema"
                        + " provided, cannot use both (keep 'path' or 'version')");
            }
            try {
                if (hasPath) {
                    String path = openapi.string("path") == null ? "" : openapi.string("path");
                    String text = new String(readRestricted(k, "openapi", path), StandardCharsets.UTF_8);
                    patchSchema = PatchSchema.fromOpenApi(text, PathNames.join(k.directory, path));
                } else if (hasVersion && openapi.string("version") != null
                        && !openapi.string("version").isEmpty()) {
                    patchSchema = PatchSchema.builtin(openapi.string("version"));
                }
            } catch (PatchException e) {
                throw new KustomizeException("openapi in " + k.file + ": " + e.getMessage(), e);
            }
        }

        PatchSchema patchSchema() {
            return patchSchema != null ? patchSchema : PatchSchema.builtin();
        }

        private void accumulateResource(Kustomization k, String entry, List<Resource> accumulated,
                Deque<String> roots) {
            String path = PathNames.join(k.directory, entry);
            rejectRemote(k, "resources", entry, path);
            KustomizeFileSystem.Kind kind = probe(path);
            String prefix = "accumulating resources from '" + entry + "' in " + k.file;
            if (kind == KustomizeFileSystem.Kind.MISSING) {
                throw new KustomizeException(prefix + ": " + noSuchFile(k, entry, path));
            }
            if (kind == KustomizeFileSystem.Kind.DIRECTORY) {
                String real = realPath(path);
                checkCycle(real, roots, entry, k);
                List<Resource> nested = new ArrayList<>();
                roots.push(real);
                try {
                    accumulate(path, nested, Role.RESOURCE, roots);
                } catch (KustomizeException e) {
                    throw rethrow(e, prefix);
                } finally {
                    roots.pop();
                }
                appendAll(accumulated, nested, prefix);
                return;
            }
            String real = realPath(path);
            String rootReal = realPath(k.directory);
            if (!PathNames.isInOrBelow(real, rootReal)) {
                throw new KustomizeException(prefix + ": security; file '" + real + "' is not in or below '"
                        + rootReal + "'; a kustomization may only read files in or below its own"
                        + " directory: move the file, or make its directory a kustomization and list that");
            }
            List<Resource> loaded = new ArrayList<>();
            for (MapNode document : readResources(path)) {
                loaded.add(new Resource(document, false));
            }
            appendAll(accumulated, loaded, prefix);
        }

        /** The resources of a YAML file, List kinds expanded into their items. */
        List<MapNode> readResources(String path) {
            String text = new String(read(path), StandardCharsets.UTF_8);
            List<Node> documents;
            try {
                documents = YamlReader.readAll(text, path);
            } catch (YamlException e) {
                throw new KustomizeException(e.getMessage());
            }
            List<MapNode> result = new ArrayList<>();
            for (Node document : documents) {
                deadline.check("reading " + path);
                if (!(document instanceof MapNode map)) {
                    throw new KustomizeException(path + ": a resource must be a YAML mapping, found "
                            + (document instanceof SeqNode ? "a sequence" : "a scalar"));
                }
                expandList(map, path, result);
            }
            return result;
        }

        private void expandList(MapNode map, String path, List<MapNode> into) {
            String kind = map.string("kind");
            if (kind != null && kind.endsWith("List") && map.has("items")) {
                Node items = map.get("items");
                if (items instanceof SeqNode seq) {
                    for (Node item : seq.items()) {
                        if (!(item instanceof MapNode itemMap)) {
                            throw new KustomizeException(path + ": an item of " + kind + " is not a mapping");
                        }
                        expandList(itemMap, path, into);
                    }
                    return;
                }
                if (items instanceof ScalarNode s && s.isNull()) {
                    return;
                }
            }
            if (map.size() == 0) {
                return;
            }
            if (kind == null || kind.isEmpty()) {
                throw new KustomizeException(path + ": missing kind in a resource (" + summary(map) + ")");
            }
            MapNode metadata = map.map("metadata");
            String name = metadata == null ? null : metadata.string("name");
            if (name == null || name.isEmpty()) {
                throw new KustomizeException(path + ": missing metadata.name in a " + kind + " resource");
            }
            into.add(map);
        }

        private static String summary(MapNode map) {
            MapNode metadata = map.map("metadata");
            String name = metadata == null ? null : metadata.string("name");
            return name == null ? "no metadata.name" : "metadata.name " + name;
        }

        void appendAll(List<Resource> accumulated, List<Resource> more, String context) {
            Set<String> ids = new java.util.HashSet<>();
            for (Resource existing : accumulated) {
                ids.add(key(existing.id()));
            }
            for (Resource resource : more) {
                deadline.check("merging resources (" + context + ")");
                ResourceId id = resource.id();
                if (!ids.add(key(id))) {
                    throw new KustomizeException(context + ": may not add resource with an already registered id: "
                            + id);
                }
                accumulated.add(resource);
            }
        }

        private static String key(ResourceId id) {
            return id.gvkString() + "|" + id.name() + "|" + id.effectiveNamespace();
        }

        private void checkCycle(String candidate, Deque<String> roots, String entry, Kustomization k) {
            for (String visited : roots) {
                if (PathNames.isInOrBelow(visited, candidate)) {
                    throw new KustomizeException("accumulating resources from '" + entry + "' in " + k.file
                            + ": cycle detected: candidate root '" + candidate + "' contains visited root '"
                            + visited + "'");
                }
            }
        }

        private void rejectRemote(Kustomization k, String field, String entry, String path) {
            boolean url = entry.contains("://") || entry.startsWith("git@") || entry.startsWith("git::");
            boolean hostLike = entry.matches("(github\\.com|gitlab\\.com|bitbucket\\.org)/.*")
                    || entry.contains("?ref=") || entry.contains(".git//") || entry.endsWith(".git");
            if (url || (hostLike && fs.kind(path) == KustomizeFileSystem.Kind.MISSING)) {
                throw new KustomizeException("'" + field + "' entry '" + entry + "' in " + k.file
                        + " is a remote resource (URL or Git repository), which the in-process engine does not"
                        + " fetch: it never reaches the network. Vendor it into the repository and list the local"
                        + " path.");
            }
        }

        private static KustomizeException rethrow(KustomizeException e, String context) {
            if (e instanceof DeadlineExceededException) {
                return e;
            }
            return new KustomizeException(context + ": " + e.getMessage(), e);
        }

        /**
         * "'path': no such file or directory", and why when there is more to it than absence: a symbolic link on the
         * way that points outside what the build may read (the file system says), or an entry whose {@code ..}
         * climbs above the root ({@code /}, where the path arithmetic stops: in the renderer, the repository's root).
         */
        private String noSuchFile(Kustomization k, String entry, String path) {
            String why = fs.whyMissing(path).orElse(PathNames.climbsAboveRoot(k.directory, entry)
                    ? "'" + entry + "' climbs above '/', the root of what the build reads, where '..' stops; nothing"
                    + " outside it is read" : null);
            return "'" + path + "': no such file or directory" + (why == null ? "" : " (" + why + ")");
        }

        /** Reads a file a kustomization names (generator sources), refusing files outside its directory. */
        byte[] readRestricted(Kustomization k, String field, String entry) {
            String path = PathNames.join(k.directory, entry);
            KustomizeFileSystem.Kind kind = probe(path);
            if (kind == KustomizeFileSystem.Kind.MISSING) {
                throw new KustomizeException(field + " in " + k.file + ": " + noSuchFile(k, entry, path));
            }
            if (kind == KustomizeFileSystem.Kind.DIRECTORY) {
                throw new KustomizeException(field + " in " + k.file + ": '" + path + "' is a directory, not a file");
            }
            String real = realPath(path);
            String rootReal = realPath(k.directory);
            if (!PathNames.isInOrBelow(real, rootReal)) {
                throw new KustomizeException(field + " in " + k.file + ": security; file '" + real
                        + "' is not in or below '" + rootReal + "'");
            }
            return read(path);
        }
    }
}
