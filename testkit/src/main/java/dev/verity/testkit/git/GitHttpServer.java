package dev.verity.testkit.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.PacketLineOut;
import org.eclipse.jgit.transport.RefAdvertiser;
import org.eclipse.jgit.transport.UploadPack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A Git server speaking the smart HTTP protocol (fetch only: {@code info/refs?service=git-upload-pack} and
 * {@code git-upload-pack}) for the bare repositories under a root directory, with JGit's own {@link UploadPack}, as a
 * forge serves {@code https://forge/owner/repo.git}. Optionally it requires HTTP basic authentication with one user
 * name and token, answering 401 with a {@code WWW-Authenticate} challenge as forges do, so clients send credentials
 * the way they do against GitHub or GitLab.
 *
 * <p>A test double for a forge's Git endpoint: plain HTTP on the loopback interface (no TLS), no push
 * ({@code git-receive-pack} is 403), protocol v0/v1 only (a client asking for v2 gets v0, as the protocol allows), no
 * dumb HTTP.
 */
public final class GitHttpServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "git-http-server");
        t.setDaemon(true);
        return t;
    });
    private final Path root;
    private final String expectedAuthorization;
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final Map<String, Hold> holds = new ConcurrentHashMap<>();

    private GitHttpServer(Path root, String username, String token) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.expectedAuthorization = username == null ? null
                : "Basic " + Base64.getEncoder().encodeToString((username + ":" + token).getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** Serves the repositories under {@code root} to anyone. */
    public static GitHttpServer open(Path root) {
        try {
            return new GitHttpServer(root, null, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves the repositories under {@code root} to clients authenticating as {@code username} with {@code token}. */
    public static GitHttpServer withBasicAuth(Path root, String username, String token) {
        try {
            return new GitHttpServer(root, username, token);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>/<path>}, e.g. {@code url("shop.git")}. */
    public String url(String repositoryPath) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + repositoryPath;
    }

    /** How many fetches (upload-pack requests) were served. */
    public int fetches() {
        return fetches.get();
    }

    /** How many requests were answered 401 or 403. */
    public int refused() {
        return refused.get();
    }

    /**
     * Holds every request for the repository at {@code repositoryPath} (as in {@link #url}) until the returned hold is
     * closed: a forge that is slow to answer for one repository. Requests already waiting are then served.
     */
    public Hold hold(String repositoryPath) {
        Hold hold = new Hold();
        holds.put("/" + repositoryPath.replaceAll("^/+", ""), hold);
        return hold;
    }

    /** Requests held for one repository until {@link #close()}. */
    public final class Hold implements AutoCloseable {
        private final CountDownLatch released = new CountDownLatch(1);
        private final AtomicInteger arrived = new AtomicInteger();

        /** How many requests for the repository arrived while it was held. */
        public int arrived() {
            return arrived.get();
        }

        private void await() {
            arrived.incrementAndGet();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Serves the requests waiting and every later one. */
        @Override
        public void close() {
            holds.values().remove(this);
            released.countDown();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            for (Map.Entry<String, Hold> hold : holds.entrySet()) {
                if (path.startsWith(hold.getKey() + "/")) hold.getValue().await();
            }
            if (expectedAuthorization != null && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
                refused.incrementAndGet();
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"verity test forge\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            if (path.endsWith("/info/refs") && "GET".equals(exchange.getRequestMethod())) {
                if (!"service=git-upload-pack".equals(exchange.getRequestURI().getQuery())) {
                    refused.incrementAndGet();
                    exchange.sendResponseHeaders(403, -1);
                    return;
                }
                try (Repository repository = open(path.substring(0, path.length() - "/info/refs".length()))) {
                    if (repository == null) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    exchange.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-advertisement");
                    exchange.getResponseHeaders().add("Cache-Control", "no-cache");
                    exchange.sendResponseHeaders(200, 0);
                    OutputStream out = exchange.getResponseBody();
                    PacketLineOut pckOut = new PacketLineOut(out);
                    pckOut.writeString("# service=git-upload-pack\n");
                    pckOut.end();
                    UploadPack upload = new UploadPack(repository);
                    upload.setBiDirectionalPipe(false);
                    upload.sendAdvertisedRefs(new RefAdvertiser.PacketLineOutRefAdvertiser(pckOut));
                    out.flush();
                }
            } else if (path.endsWith("/git-upload-pack") && "POST".equals(exchange.getRequestMethod())) {
                try (Repository repository = open(path.substring(0, path.length() - "/git-upload-pack".length()))) {
                    if (repository == null) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    InputStream in = exchange.getRequestBody();
                    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) in = new GZIPInputStream(in);
                    exchange.getResponseHeaders().add("Content-Type", "application/x-git-upload-pack-result");
                    exchange.sendResponseHeaders(200, 0);
                    UploadPack upload = new UploadPack(repository);
                    upload.setBiDirectionalPipe(false);
                    upload.upload(in, exchange.getResponseBody(), null);
                    fetches.incrementAndGet();
                }
            } else {
                refused.incrementAndGet();
                exchange.sendResponseHeaders(403, -1);
            }
        }
    }

    private boolean authorized(String header) {
        if (header == null) return false;
        return MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
                expectedAuthorization.getBytes(StandardCharsets.UTF_8));
    }

    /** The bare repository at {@code urlPath} under the root, or null when there is none (or the path leaves the root). */
    private Repository open(String urlPath) throws IOException {
        Path dir = root.resolve(urlPath.replaceAll("^/+", "")).normalize();
        if (!dir.startsWith(root)) return null;
        if (!Files.isDirectory(dir) && Files.isDirectory(Path.of(dir + ".git"))) dir = Path.of(dir + ".git");
        if (!Files.exists(dir.resolve("HEAD"))) return null;
        return new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().setMustExist(true).build();
    }

    @Override
    public void close() {
        holds.values().forEach(Hold::close);
        server.stop(0);
        executor.shutdownNow();
    }
}
