package dev.verity.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.testkit.git.GitRepos;
import org.eclipse.jgit.diff.DiffEntry;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.CanonicalTreeParser;
import org.eclipse.jgit.treewalk.EmptyTreeIterator;
import org.eclipse.jgit.treewalk.filter.TreeFilter;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * A local stand-in for a forge: a real bare Git repository ({@code gitops.git}, branch {@code main}) that sends the signed GitHub push webhook a forge would send after each push. Users of the
 * local stack clone and push to the bare repository; a {@code post-receive} hook asks the stack to send the
 * webhook for their pushes too.
 */
public final class LocalForge {

    public static final String BRANCH = "main";
    /** The repository's {@code owner/repo} on the forge (its push webhook and its statuses API say so). */
    public static final String PROJECT = "local/gitops";
    private static final String ZEROS = "0".repeat(40);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GitRepos repo;
    private final String webhookUrl;
    private final String secret;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** A push as the forge saw it: the branch head before and after, and the paths it changed. */
    public record Push(String before, String after, String message, List<String> added, List<String> modified,
            List<String> removed) {
        public List<String> changedPaths() {
            List<String> all = new ArrayList<>(added);
            all.addAll(modified);
            all.addAll(removed);
            return all;
        }
    }

    private LocalForge(GitRepos repo, String webhookUrl, String secret) {
        this.repo = repo;
        this.webhookUrl = webhookUrl;
        this.secret = secret;
    }

    /** Opens the forge's bare repository in {@code dir}, creating it if it is absent. */
    public static LocalForge open(Path dir, String webhookUrl, String secret) {
        return new LocalForge(GitRepos.createBare(dir.resolve("gitops.git").toAbsolutePath()), webhookUrl, secret);
    }

    /** The clone URL of the bare repository (what Verity fetches from, and what users clone). */
    public String url() {
        return repo.url();
    }

    public Path bareRepository() {
        return repo.directory();
    }

    /** Whether the branch has any commit yet. */
    public boolean isEmpty() {
        return repo.head(BRANCH).isEmpty();
    }

    /** Replaces the branch's content with a copy of {@code folder} in one commit; returns the push. */
    public Push pushFolder(Path folder, String message) {
        String before = repo.head(BRANCH).orElse(ZEROS);
        String after = repo.on(BRANCH).clear().copy(folder).message(message).commit();
        return describe(before, after);
    }

    /** Commits {@code change} applied to the file at {@code path} on {@code main}; returns the push. */
    public Push pushEdit(String message, String path, UnaryOperator<String> change) {
        String before = repo.head(BRANCH).orElseThrow(() -> new IllegalStateException(url() + " has no branch " + BRANCH));
        String content = repo.read(BRANCH, path)
                .orElseThrow(() -> new IllegalStateException(path + " is not on " + BRANCH + " in " + url()));
        String after = repo.on(BRANCH).put(path, change.apply(content)).message(message).commit();
        return describe(before, after);
    }

    /**
     * Commits whatever {@code change} does to the branch's tree — files put ({@link GitRepos.Commit#put}), symbolic
     * links made ({@link GitRepos.Commit#symlink}, stored as Git stores links, so a link may point anywhere, even
     * outside the repository), paths deleted — as one commit on {@code main}; returns the push (no webhook: the
     * caller sends it).
     */
    public Push push(String message, java.util.function.Consumer<GitRepos.Commit> change) {
        String before = repo.head(BRANCH).orElseThrow(() -> new IllegalStateException(url() + " has no branch " + BRANCH));
        GitRepos.Commit commit = repo.on(BRANCH).message(message);
        change.accept(commit);
        return describe(before, commit.commit());
    }

    /** The text of the file at {@code path} on {@code main}; empty when there is no such file. */
    public java.util.Optional<String> read(String path) {
        return repo.read(BRANCH, path);
    }

    /** Reads a push that happened (e.g. a user's {@code git push}) from the bare repository. */
    public Push describe(String before, String after) {
        try (Repository git = new FileRepositoryBuilder().setGitDir(repo.directory().toFile()).setBare().build();
             RevWalk walk = new RevWalk(git); ObjectReader reader = git.newObjectReader()) {
            RevCommit head = walk.parseCommit(ObjectId.fromString(after));
            List<String> added = new ArrayList<>(), modified = new ArrayList<>(), removed = new ArrayList<>();
            var newTree = new CanonicalTreeParser(null, reader, head.getTree());
            var oldTree = ZEROS.equals(before) ? new EmptyTreeIterator()
                    : new CanonicalTreeParser(null, reader, walk.parseCommit(ObjectId.fromString(before)).getTree());
            try (var df = new org.eclipse.jgit.diff.DiffFormatter(org.eclipse.jgit.util.io.NullOutputStream.INSTANCE)) {
                df.setRepository(git);
                df.setPathFilter(TreeFilter.ALL);
                for (DiffEntry d : df.scan(oldTree, newTree)) {
                    switch (d.getChangeType()) {
                        case ADD, COPY -> added.add(d.getNewPath());
                        case DELETE -> removed.add(d.getOldPath());
                        case MODIFY -> modified.add(d.getNewPath());
                        case RENAME -> {
                            removed.add(d.getOldPath());
                            added.add(d.getNewPath());
                        }
                    }
                }
            }
            return new Push(before, after, head.getFullMessage().strip(), added, modified, removed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read push " + before + ".." + after + " in " + url(), e);
        }
    }

    /**
     * Sends the GitHub {@code push} webhook for {@code push}, signed with HMAC-SHA256 as GitHub signs it, and
     * returns the receiver's HTTP status.
     */
    public int sendWebhook(Push push) {
        return sendWebhook(push, UUID.randomUUID().toString());
    }

    /**
     * Sends the push webhook of {@link #sendWebhook(Push)} with the delivery id {@code deliveryId} (GitHub's
     * {@code X-GitHub-Delivery}; a redelivery repeats it), and returns the receiver's HTTP status. An answer that
     * does not come within 15 s throws {@link UncheckedIOException} (an {@link java.net.http.HttpTimeoutException}
     * as its cause).
     */
    public int sendWebhook(Push push, String deliveryId) {
        byte[] body = githubPushPayload(push).getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(webhookUrl))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .header("User-Agent", "GitHub-Hookshot/verity-local-forge")
                .header("X-GitHub-Event", "push")
                .header("X-GitHub-Delivery", deliveryId)
                .header("X-Hub-Signature-256", signature(body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send the push webhook to " + webhookUrl, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending the push webhook", e);
        }
    }

    /** Where the forge sends its push webhooks. */
    public String webhookUrl() {
        return webhookUrl;
    }

    /** {@code body}'s {@code X-Hub-Signature-256} header value with the forge's webhook secret, as GitHub signs. */
    public String signature(byte[] body) {
        return "sha256=" + hmacSha256(secret, body);
    }

    /** The push payload as GitHub sends it (the fields Verity and most receivers read). */
    public String githubPushPayload(Push push) {
        ObjectNode root = JSON.createObjectNode();
        root.put("ref", "refs/heads/" + BRANCH);
        root.put("before", push.before());
        root.put("after", push.after());
        root.put("created", ZEROS.equals(push.before()));
        root.put("deleted", false);
        root.put("forced", false);
        root.putNull("base_ref");
        ObjectNode repo = root.putObject("repository");
        repo.put("name", "gitops");
        repo.put("full_name", PROJECT);
        repo.put("clone_url", url());
        repo.put("html_url", url());
        repo.put("default_branch", BRANCH);
        repo.putObject("owner").put("login", "local").put("name", "local");
        ObjectNode commit = JSON.createObjectNode();
        commit.put("id", push.after());
        commit.put("message", push.message());
        commit.put("distinct", true);
        commit.putObject("author").put("name", "Verity Demo").put("email", "demo@verity.local");
        paths(commit.putArray("added"), push.added());
        paths(commit.putArray("removed"), push.removed());
        paths(commit.putArray("modified"), push.modified());
        root.putArray("commits").add(commit);
        root.set("head_commit", commit.deepCopy());
        root.putObject("pusher").put("name", "demo").put("email", "demo@verity.local");
        root.putObject("sender").put("login", "demo");
        return root.toPrettyString();
    }

    static String hmacSha256(String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by the Java platform", e);
        }
    }

    private static void paths(ArrayNode array, List<String> paths) {
        paths.forEach(array::add);
    }

    static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
