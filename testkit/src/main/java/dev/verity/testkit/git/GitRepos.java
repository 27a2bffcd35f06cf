package dev.verity.testkit.git;

import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A bare Git repository on disk that tests (and the local stack) commit trees of files to, the way a developer
 * pushing to a forge would. Built with JGit: no {@code git} binary needed.
 *
 * <pre>{@code
 * GitRepos repo = GitRepos.createBare(dir);                       // HEAD -> refs/heads/main
 * String sha = repo.commit("main", "add shop", Map.of("apps/shop/base/kustomization.yaml", "..."));
 * String next = repo.on("main").delete("apps/shop/overlays/dev").copy(examples).message("sync").commit();
 * repo.url();                                                     // file:///…/repo.git
 * }</pre>
 *
 * Each commit starts from the branch's current tree (or an empty one for a new branch), applies the deletes, then
 * the files, and moves the branch with a compare-and-set, so concurrent writers fail instead of losing a commit.
 */
public final class GitRepos implements AutoCloseable {

    /** The default branch of every repository this class creates. */
    public static final String MAIN = "main";

    private static final PersonIdent AUTHOR = new PersonIdent("Verity Tests", "tests@verity.dev");

    private final Path directory;
    private final Repository repository;

    private GitRepos(Path directory, Repository repository) {
        this.directory = directory;
        this.repository = repository;
    }

    /** Creates (or opens, when one is already there) a bare repository in {@code directory} with default branch main. */
    public static GitRepos createBare(Path directory) {
        try {
            Files.createDirectories(directory);
            Repository repository = new FileRepositoryBuilder().setGitDir(directory.toFile()).setBare().build();
            if (!Files.exists(directory.resolve("HEAD"))) {
                repository.create(true);
                RefUpdate head = repository.getRefDatabase().newUpdate(Constants.HEAD, true);
                head.link(Constants.R_HEADS + MAIN);
            }
            return new GitRepos(directory.toAbsolutePath(), repository);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a bare Git repository in " + directory + ": " + e.getMessage(), e);
        }
    }

    /**
     * Creates a bare repository in {@code directory} whose main branch holds one commit with every file under
     * {@code folder} (e.g. {@code examples/}), at the same relative paths.
     */
    public static GitRepos seed(Path directory, Path folder, String message) {
        GitRepos repo = createBare(directory);
        repo.on(MAIN).copy(folder).message(message).commit();
        return repo;
    }

    /** The {@code file://} URL to clone or fetch from, without a trailing slash. */
    public String url() {
        return "file://" + directory.toUri().getRawPath().replaceAll("/+$", "");
    }

    /** The bare repository's directory. */
    public Path directory() {
        return directory;
    }

    /** The SHA the branch points at, if the branch exists. */
    public Optional<String> head(String branch) {
        try {
            ObjectId id = repository.resolve(Constants.R_HEADS + branch);
            return Optional.ofNullable(id).map(ObjectId::getName);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve branch " + branch + " in " + directory, e);
        }
    }

    /** The UTF-8 content of {@code path} at the head of {@code branch}, if the branch and the file exist. */
    public Optional<String> read(String branch, String path) {
        try (RevWalk walk = new RevWalk(repository)) {
            ObjectId head = repository.resolve(Constants.R_HEADS + branch);
            if (head == null) return Optional.empty();
            try (org.eclipse.jgit.treewalk.TreeWalk tw = org.eclipse.jgit.treewalk.TreeWalk.forPath(repository, path,
                    walk.parseCommit(head).getTree())) {
                if (tw == null || (tw.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) return Optional.empty();
                return Optional.of(new String(repository.open(tw.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path + " on " + branch + " in " + directory, e);
        }
    }

    /** Commits the files (path → UTF-8 content, added or overwritten) on top of the branch; returns the commit SHA. */
    public String commit(String branch, String message, Map<String, String> files) {
        Commit commit = on(branch).message(message);
        files.forEach(commit::put);
        return commit.commit();
    }

    /** Starts a commit on {@code branch} (created by the commit when absent). */
    public Commit on(String branch) {
        return new Commit(branch);
    }

    @Override
    public void close() {
        repository.close();
    }

    /** One commit being built: deletes first, then files, in the order given. */
    public final class Commit {
        private final String branch;
        private final List<String> deletes = new ArrayList<>();
        private final Map<String, byte[]> files = new LinkedHashMap<>();
        private final Map<String, String> symlinks = new LinkedHashMap<>();
        private String from;
        private boolean clear;
        private String message = "commit";

        private Commit(String branch) {
            if (branch == null || branch.isBlank() || branch.startsWith("refs/")) {
                throw new IllegalArgumentException("branch '" + branch + "' must be a short branch name such as main");
            }
            this.branch = branch;
        }

        public Commit message(String message) {
            this.message = message;
            return this;
        }

        /** Adds or overwrites one file. */
        public Commit put(String path, String content) {
            files.put(checkPath(path), content.getBytes(StandardCharsets.UTF_8));
            return this;
        }

        /** Adds or overwrites every regular file under {@code folder}, at its path relative to the folder. */
        public Commit copy(Path folder) {
            return copy(folder, "");
        }

        /** Adds or overwrites every regular file under {@code folder}, at {@code prefix/} + its relative path. */
        public Commit copy(Path folder, String prefix) {
            if (!Files.isDirectory(folder)) {
                throw new IllegalArgumentException("cannot copy " + folder + " into the repository: not a directory");
            }
            String base = prefix.isEmpty() ? "" : checkPath(prefix) + "/";
            try (Stream<Path> walk = Files.walk(folder)) {
                for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
                    String relative = folder.relativize(file).toString().replace('\\', '/');
                    files.put(checkPath(base + relative), Files.readAllBytes(file));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy " + folder + " into the repository: " + e.getMessage(), e);
            }
            return this;
        }

        /** Adds or overwrites a symbolic link at {@code path} pointing to {@code target} (as Git stores it). */
        public Commit symlink(String path, String target) {
            symlinks.put(checkPath(path), target);
            return this;
        }

        /**
         * Builds on {@code commit} instead of the branch head, and moves the branch even when that is not a fast
         * forward: a force-push.
         */
        public Commit from(String commit) {
            this.from = commit;
            return this;
        }

        /** Removes a file, or a whole folder and everything under it. Removing an absent path is not an error. */
        public Commit delete(String path) {
            deletes.add(checkPath(path));
            return this;
        }

        /** Starts from an empty tree instead of the branch's tree: the commit holds exactly the files added to it. */
        public Commit clear() {
            clear = true;
            return this;
        }

        /** Writes the commit, moves the branch to it, and returns its SHA. */
        public String commit() {
            String ref = Constants.R_HEADS + branch;
            try (ObjectInserter inserter = repository.newObjectInserter();
                 ObjectReader reader = repository.newObjectReader();
                 RevWalk walk = new RevWalk(reader)) {
                ObjectId oldHead = repository.resolve(ref);
                ObjectId parentId = from != null ? ObjectId.fromString(from) : oldHead;
                RevCommit parent = parentId == null ? null : walk.parseCommit(parentId);

                DirCache index = DirCache.newInCore();
                DirCacheBuilder builder = index.builder();
                if (parent != null && !clear) builder.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, parent.getTree());
                builder.finish();

                DirCacheEditor deleting = index.editor();
                for (String path : deletes) {
                    if (index.getEntry(path) != null) deleting.add(new DirCacheEditor.DeletePath(path));
                    else deleting.add(new DirCacheEditor.DeleteTree(path));
                }
                deleting.finish();

                DirCacheEditor adding = index.editor();
                for (Map.Entry<String, byte[]> file : files.entrySet()) {
                    ObjectId blob = inserter.insert(Constants.OBJ_BLOB, file.getValue());
                    adding.add(new DirCacheEditor.PathEdit(file.getKey()) {
                        @Override
                        public void apply(DirCacheEntry entry) {
                            entry.setFileMode(FileMode.REGULAR_FILE);
                            entry.setObjectId(blob);
                        }
                    });
                }
                for (Map.Entry<String, String> link : symlinks.entrySet()) {
                    ObjectId blob = inserter.insert(Constants.OBJ_BLOB, link.getValue().getBytes(StandardCharsets.UTF_8));
                    adding.add(new DirCacheEditor.PathEdit(link.getKey()) {
                        @Override
                        public void apply(DirCacheEntry entry) {
                            entry.setFileMode(FileMode.SYMLINK);
                            entry.setObjectId(blob);
                        }
                    });
                }
                adding.finish();

                CommitBuilder commit = new CommitBuilder();
                commit.setTreeId(index.writeTree(inserter));
                if (parent != null) commit.setParentId(parent);
                PersonIdent now = new PersonIdent(AUTHOR, java.time.Instant.now());
                commit.setAuthor(now);
                commit.setCommitter(now);
                commit.setMessage(message);
                ObjectId commitId = inserter.insert(commit);
                inserter.flush();

                RefUpdate update = repository.updateRef(ref);
                update.setNewObjectId(commitId);
                update.setExpectedOldObjectId(oldHead == null ? ObjectId.zeroId() : oldHead);
                update.setForceUpdate(from != null);
                update.setRefLogMessage("commit: " + message, false);
                RefUpdate.Result result = update.update(walk);
                switch (result) {
                    case NEW, FAST_FORWARD, FORCED -> {
                        return commitId.getName();
                    }
                    default -> throw new IllegalStateException("cannot move " + ref + " in " + directory + " to "
                            + commitId.getName() + ": " + result + " (another commit landed concurrently?)");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot commit to " + ref + " in " + directory + ": " + e.getMessage(), e);
            }
        }
    }

    private static String checkPath(String path) {
        String p = path == null ? "" : path.replace('\\', '/');
        while (p.startsWith("/")) p = p.substring(1);
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        if (p.isEmpty() || Stream.of(p.split("/")).anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals("..") || s.equals(".git"))) {
            throw new IllegalArgumentException("'" + path + "' is not a valid repository path: use a relative path such as apps/shop/base/kustomization.yaml");
        }
        return p;
    }
}
