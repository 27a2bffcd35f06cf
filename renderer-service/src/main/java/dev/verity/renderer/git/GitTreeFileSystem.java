package dev.verity.renderer.git;

import dev.verity.kustomize.KustomizeFileSystem;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.treewalk.TreeWalk;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One commit's tree as a {@link KustomizeFileSystem}, read from the Git object database without a checkout. The
 * repository root is {@code /}: the overlay {@code apps/shop/overlays/prod} is built as
 * {@code /apps/shop/overlays/prod}. Symbolic links are followed as a checkout would follow them, one component at a
 * time (a link's {@code ..} applies to where the link points); a link that points outside the repository (absolute,
 * or climbing above the root) or loops is a missing path, so a build never reads the renderer's own disk. A
 * submodule is an empty directory (as in a clone without {@code --recurse-submodules}).
 *
 * <p>The index of paths is built once and shared; {@link #recording()} gives each build a view that also records
 * which symbolic links it went through and where they led, paths the engine itself does not report.
 */
public final class GitTreeFileSystem {

    private static final int MAX_LINK_HOPS = 40;

    private record Entry(int mode, ObjectId id) {
        boolean isLink() {
            return (mode & FileMode.TYPE_MASK) == FileMode.TYPE_SYMLINK;
        }

        boolean isGitlink() {
            return (mode & FileMode.TYPE_MASK) == FileMode.TYPE_GITLINK;
        }
    }

    private final Repository repository;
    private final String where;
    /** Leaf entries (files, links, submodules) by repository-relative path. */
    private final Map<String, Entry> leaves = new HashMap<>();
    /** Directories (repository-relative, "" is the root) and the names in each. */
    private final Map<String, TreeSet<String>> directories = new HashMap<>();
    private final List<String> paths;

    /**
     * Reads the whole tree's listing (not the contents) into memory.
     *
     * @param where names the tree in errors, e.g. {@code https://host/acme/gitops@1a2b3c4d}
     * @throws GitException when the tree cannot be read (a missing or corrupt object)
     */
    public GitTreeFileSystem(Repository repository, ObjectId tree, String where) {
        this.repository = repository;
        this.where = where;
        directories.put("", new TreeSet<>());
        List<String> all = new ArrayList<>();
        try (ObjectReader reader = repository.newObjectReader(); TreeWalk walk = new TreeWalk(reader)) {
            walk.addTree(tree);
            walk.setRecursive(true);
            while (walk.next()) {
                String path = walk.getPathString();
                leaves.put(path, new Entry(walk.getRawMode(0), walk.getObjectId(0)));
                all.add(path);
                String child = path;
                int slash;
                while ((slash = child.lastIndexOf('/')) >= 0) {
                    String parent = child.substring(0, slash);
                    directories.computeIfAbsent(parent, p -> new TreeSet<>()).add(child.substring(slash + 1));
                    child = parent;
                }
                directories.get("").add(child);
            }
        } catch (IOException e) {
            throw new GitException("cannot list the files of " + where + ": " + e.getMessage()
                    + ". The mirror may be corrupt: delete it under the renderer's work dir to fetch it afresh.", e);
        }
        Collections.sort(all);
        paths = List.copyOf(all);
    }

    /** Every leaf path (files, links, submodules), sorted, repository-relative. */
    public List<String> paths() {
        return paths;
    }

    /** A view for one build, recording the symbolic links it followed ({@link Recording#linkPaths()}). */
    public Recording recording() {
        return new Recording();
    }

    /**
     * A path with every link resolved: its repository-relative form and what it is; for a missing path reached
     * through links, why it is missing ({@code why}: which link points where), else null.
     */
    private record Resolved(String path, KustomizeFileSystem.Kind kind, Entry entry, String why) {
        Resolved(String path, KustomizeFileSystem.Kind kind, Entry entry) {
            this(path, kind, entry, null);
        }
    }

    private Resolved resolve(String absolute, Set<String> links) {
        Deque<String> pending = new ArrayDeque<>();
        for (String part : absolute.split("/")) {
            if (!part.isEmpty()) pending.addLast(part);
        }
        List<String> current = new ArrayList<>();
        int hops = 0;
        String lastLink = null;
        String lastTarget = null;
        while (!pending.isEmpty()) {
            String name = pending.removeFirst();
            if (name.equals(".")) continue;
            if (name.equals("..")) {
                if (current.isEmpty()) {
                    return missing(absolute, lastLink == null ? null : "the symbolic link " + lastLink
                            + " points to '" + lastTarget + "', which climbs above the repository's root; links are"
                            + " followed only within the repository");
                }
                current.remove(current.size() - 1);
                continue;
            }
            String parent = String.join("/", current);
            if (!directories.containsKey(parent)) return missing(absolute);
            String candidate = parent.isEmpty() ? name : parent + "/" + name;
            Entry entry = leaves.get(candidate);
            if (entry != null && entry.isLink()) {
                if (++hops > MAX_LINK_HOPS) {
                    return missing(absolute, "symbolic links loop at " + candidate + " (more than " + MAX_LINK_HOPS
                            + " links followed)");
                }
                links.add(candidate);
                String target = new String(readBlob(entry, candidate), StandardCharsets.UTF_8);
                if (target.startsWith("/")) {
                    return missing(absolute, "the symbolic link " + candidate + " points to '" + target
                            + "', an absolute path outside the repository; links are followed only within the"
                            + " repository");
                }
                lastLink = candidate;
                lastTarget = target;
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    if (!parts[i].isEmpty()) pending.addFirst(parts[i]);
                }
                continue;
            }
            if (entry == null && !directories.containsKey(candidate)) return missing(absolute);
            if (entry != null && !entry.isGitlink() && !pending.isEmpty()) return missing(absolute);
            current.add(name);
        }
        String path = String.join("/", current);
        Entry entry = leaves.get(path);
        if (entry == null || entry.isGitlink()) return new Resolved(path, KustomizeFileSystem.Kind.DIRECTORY, entry);
        return new Resolved(path, KustomizeFileSystem.Kind.FILE, entry);
    }

    private static Resolved missing(String absolute) {
        return missing(absolute, null);
    }

    private static Resolved missing(String absolute, String why) {
        return new Resolved(absolute, KustomizeFileSystem.Kind.MISSING, null, why);
    }

    private byte[] readBlob(Entry entry, String path) {
        try {
            return repository.open(entry.id()).getBytes();
        } catch (IOException e) {
            throw new GitException("cannot read " + path + " at " + where + ": " + e.getMessage()
                    + ". The mirror may be corrupt: delete it under the renderer's work dir to fetch it afresh.", e);
        }
    }

    /** The tree as one build sees it; records the links it follows. Not shared between threads. */
    public final class Recording implements KustomizeFileSystem {
        private final Set<String> links = new LinkedHashSet<>();
        private final Set<String> resolvedThroughLinks = new LinkedHashSet<>();

        private Resolved resolve(String path) {
            Set<String> followed = new LinkedHashSet<>();
            Resolved resolved = GitTreeFileSystem.this.resolve(path, followed);
            links.addAll(followed);
            if (!followed.isEmpty() && resolved.kind() != Kind.MISSING) resolvedThroughLinks.add(resolved.path());
            return resolved;
        }

        /**
         * Repository-relative paths the build depended on that it did not name itself: each symbolic link it
         * went through, and where each path reached through a link led.
         */
        public Set<String> linkPaths() {
            Set<String> all = new LinkedHashSet<>(links);
            all.addAll(resolvedThroughLinks);
            return all;
        }

        @Override
        public Kind kind(String path) {
            return resolve(path).kind();
        }

        @Override
        public byte[] read(String path) throws IOException {
            Resolved resolved = resolve(path);
            if (resolved.kind() != Kind.FILE) {
                throw new FileNotFoundException(path + (resolved.kind() == Kind.DIRECTORY ? " is a directory" : ""));
            }
            try {
                return readBlob(resolved.entry(), resolved.path());
            } catch (GitException e) {
                throw new IOException(e.getMessage(), e);
            }
        }

        @Override
        public List<String> list(String directory) throws IOException {
            Resolved resolved = resolve(directory);
            if (resolved.kind() != Kind.DIRECTORY) throw new FileNotFoundException(directory);
            TreeSet<String> names = directories.get(resolved.path());
            return names == null ? List.of() : List.copyOf(names);
        }

        @Override
        public java.util.Optional<String> whyMissing(String path) {
            Resolved resolved = GitTreeFileSystem.this.resolve(path, new LinkedHashSet<>());
            return resolved.kind() == Kind.MISSING ? java.util.Optional.ofNullable(resolved.why()) : java.util.Optional.empty();
        }

        @Override
        public String realPath(String path) throws IOException {
            Resolved resolved = resolve(path);
            if (resolved.kind() == Kind.MISSING) throw new FileNotFoundException(path);
            return "/" + resolved.path();
        }
    }
}
