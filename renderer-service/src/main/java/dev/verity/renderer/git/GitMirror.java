package dev.verity.renderer.git;

import dev.verity.events.RepoIdentity;
import org.eclipse.jgit.api.FetchCommand;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.errors.IncorrectObjectTypeException;
import org.eclipse.jgit.errors.MissingObjectException;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bare JGit mirror of one branch of one repository, kept on disk. {@link #fetchHead()} fetches
 * {@code refs/heads/<branch>} by name (never a SHA: servers need not serve unadvertised objects) and answers the
 * branch head after the fetch. Fetches of one mirror are serialised.
 */
public final class GitMirror implements AutoCloseable {

    private final String url;
    private final String branch;
    private final Path directory;
    private final Duration timeout;
    private final Repository repository;
    private final ReentrantLock fetchLock = new ReentrantLock();
    private final GitCredentials credentials;

    private GitMirror(String url, String branch, Path directory, Duration timeout, Repository repository,
                      GitCredentials credentials) {
        this.credentials = credentials;
        this.url = url;
        this.branch = branch;
        this.directory = directory;
        this.timeout = timeout;
        this.repository = repository;
    }

    /** Opens the mirror of a repository that needs no credentials (see {@link #open(String, String, Path, Duration, GitCredentials)}). */
    public static GitMirror open(String url, String branch, Path directory, Duration timeout) {
        return open(url, branch, directory, timeout, GitCredentials.none());
    }

    /**
     * Opens the mirror in {@code directory}, creating an empty bare repository there when there is none; fetches
     * authenticate with {@code credentials}.
     */
    public static GitMirror open(String url, String branch, Path directory, Duration timeout, GitCredentials credentials) {
        try {
            Files.createDirectories(directory);
            Repository repository = new FileRepositoryBuilder().setGitDir(directory.toFile()).setBare().build();
            if (!Files.exists(directory.resolve("HEAD"))) repository.create(true);
            return new GitMirror(url, branch, directory, timeout, repository, credentials);
        } catch (IOException | IllegalStateException e) {
            throw new GitException("cannot open the mirror of " + RepoIdentity.redact(url) + " in " + directory + ": "
                    + e.getMessage() + ". Check that the renderer's work dir is writable.", e);
        }
    }

    public String url() {
        return RepoIdentity.redact(url);
    }

    public String branch() {
        return branch;
    }

    /** Fetches the branch and returns its head SHA after the fetch. */
    public String fetchHead() {
        String ref = Constants.R_HEADS + branch;
        fetchLock.lock();
        try (Git git = Git.wrap(repository)) {
            FetchCommand fetch = git.fetch().setRemote(url).setRefSpecs(new RefSpec("+" + ref + ":" + ref))
                    .setTimeout((int) Math.max(1, timeout.toSeconds()));
            credentials.applyTo(fetch, url);
            fetch.call();
            ObjectId head = repository.resolve(ref);
            if (head == null) {
                throw new GitException("branch '" + branch + "' does not exist in " + url()
                        + ": push it, or set the repository's branch in the renderer's configuration");
            }
            return head.getName();
        } catch (GitAPIException | IOException e) {
            throw new GitException("cannot fetch " + ref + " from " + url() + ": " + rootMessage(e)
                    + ". Check the URL, the credentials (" + credentials + ") and that the branch exists.", e);
        } finally {
            fetchLock.unlock();
        }
    }

    /** The files of a commit already in the mirror. */
    public SourceTree snapshot(String commit) {
        try (RevWalk walk = new RevWalk(repository)) {
            RevCommit rev = walk.parseCommit(ObjectId.fromString(commit));
            return new Snapshot(rev.getTree().copy(), commit, rev.getCommitterIdent().getWhenAsInstant());
        } catch (IOException | IllegalArgumentException e) {
            throw new GitException("commit " + commit + " is not in the mirror of " + url() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        repository.close();
    }

    /**
     * The paths that differ between the trees of two commits in the mirror (added, deleted, modified, or changed in
     * kind or mode), whatever their ancestry: a force-pushed head is compared with the old one all the same. Empty
     * when {@code from} is not in the mirror (a mirror fetched afresh after a force-push), so the caller must assume
     * everything changed.
     */
    public Optional<Set<String>> changedPaths(String from, String to) {
        try (RevWalk walk = new RevWalk(repository); TreeWalk diff = new TreeWalk(repository)) {
            RevCommit old;
            try {
                old = walk.parseCommit(ObjectId.fromString(from));
            } catch (MissingObjectException | IncorrectObjectTypeException e) {
                return Optional.empty();
            }
            RevCommit now = walk.parseCommit(ObjectId.fromString(to));
            diff.addTree(old.getTree());
            diff.addTree(now.getTree());
            diff.setRecursive(true);
            diff.setFilter(TreeFilter.ANY_DIFF);
            Set<String> changed = new TreeSet<>();
            while (diff.next()) changed.add(diff.getPathString());
            return Optional.of(changed);
        } catch (IOException | IllegalArgumentException e) {
            throw new GitException("cannot compare " + from + " with " + to + " in the mirror of " + url() + ": "
                    + e.getMessage(), e);
        }
    }

    private final class Snapshot implements SourceTree {
        private final ObjectId tree;
        private final String commit;
        private final java.time.Instant committedAt;
        private GitTreeFileSystem files;

        Snapshot(ObjectId tree, String commit, java.time.Instant committedAt) {
            this.tree = tree;
            this.commit = commit;
            this.committedAt = committedAt;
        }

        @Override
        public Optional<java.time.Instant> committedAt() {
            return Optional.of(committedAt);
        }

        @Override
        public String repo() {
            return url();
        }

        @Override
        public String commit() {
            return commit;
        }

        @Override
        public List<String> paths() {
            return files().paths();
        }

        @Override
        public synchronized GitTreeFileSystem files() {
            if (files == null) files = new GitTreeFileSystem(repository, tree, url() + "@" + commit);
            return files;
        }

        @Override
        public Optional<String> read(String path) {
            try (ObjectReader reader = repository.newObjectReader();
                 TreeWalk walk = TreeWalk.forPath(reader, path, tree)) {
                if (walk == null || (walk.getRawMode(0) & FileMode.TYPE_MASK) != FileMode.TYPE_FILE) return Optional.empty();
                return Optional.of(new String(reader.open(walk.getObjectId(0)).getBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new GitException("cannot read " + path + " at " + url() + "@" + commit + ": " + e.getMessage(), e);
            }
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : RepoIdentity.redact(t.getMessage());
    }
}
