package dev.verity.testkit.forge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for the commit statuses APIs of GitHub, GitLab and Gitea/Forgejo on one real HTTP server, recording
 * every call ({@link StatusCall}: path, whether a token header came, the body) and answering as the real APIs do:
 *
 * <ul>
 *   <li>GitHub, base {@link #apiUrl(Api) apiUrl(GITHUB)} = {@code /github}: {@code POST /repos/{owner}/{repo}/statuses/{sha}},
 *       token as {@code Authorization: Bearer} (or {@code token}); 401 {@code Bad credentials} for a wrong token,
 *       {@code Requires authentication} for none; 422 {@code Validation Failed} for a state other than
 *       pending|success|failure|error or a description over 140 characters; 201 with the status.</li>
 *   <li>GitLab, base {@code /gitlab/api/v4}: {@code POST /projects/{url-encoded path}/statuses/{sha}}, token as
 *       {@code PRIVATE-TOKEN} (or {@code Authorization: Bearer}); 401 {@code 401 Unauthorized}; 400
 *       {@code state does not have a valid value} for a state other than pending|running|success|failed|canceled|skipped
 *       (GitLab answers 400 there, not 422); 400 {@code Cannot transition status via :run from :running} when the
 *       context is in that state already; the context is {@code name}.</li>
 *   <li>Gitea/Forgejo, base {@code /gitea/api/v1}: {@code POST /repos/{owner}/{repo}/statuses/{sha}}, token as
 *       {@code Authorization: token} (or {@code Bearer}); 401; 422 for a state other than
 *       pending|success|error|failure|warning.</li>
 * </ul>
 * A SHA that is not 7 to 40 hex digits is answered 422 (GitLab: 404). {@code GET /} shows the statuses taken, newest
 * last. {@link #failNext} makes the next calls fail (a 429 with {@code Retry-After}, a 502), for retry tests.
 */
public final class ForgeStatusRecorder implements AutoCloseable {

    /** The token every API accepts unless another is given to {@link #start(int, String)}. */
    public static final String DEFAULT_TOKEN = "verity-forge-test-token";

    /** The forge whose API a call used. */
    public enum Api {
        GITHUB("/github", Set.of("pending", "success", "failure", "error")),
        GITLAB("/gitlab/api/v4", Set.of("pending", "running", "success", "failed", "canceled", "skipped")),
        GITEA("/gitea/api/v1", Set.of("pending", "success", "error", "failure", "warning"));

        private final String base;
        private final Set<String> states;

        Api(String base, Set<String> states) {
            this.base = base;
            this.states = states;
        }

        /** The states the API takes. */
        public Set<String> states() {
            return states;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern OWNER_REPO = Pattern.compile("/repos/([^/]+/[^/]+)/statuses/([^/]+)");
    private static final Pattern GITLAB = Pattern.compile("/projects/([^/]+)/statuses/([^/]+)");
    private static final Pattern SHA = Pattern.compile("[0-9a-f]{7,40}");

    private final HttpServer server;
    private final ExecutorService executor;
    private final String token;
    private final List<StatusCall> calls = new ArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final Map<String, String> current = new LinkedHashMap<>();
    private long nextId = 1;

    private record Fault(int status, Map<String, String> headers) {
    }

    private ForgeStatusRecorder(HttpServer server, ExecutorService executor, String token) {
        this.server = server;
        this.executor = executor;
        this.token = token;
    }

    /** Starts on a free port of the loopback interface, accepting {@link #DEFAULT_TOKEN}. */
    public static ForgeStatusRecorder start() {
        return start(0, DEFAULT_TOKEN);
    }

    /** Starts on {@code port} (0: a free one) of the loopback interface, accepting only {@code token}. */
    public static ForgeStatusRecorder start(int port, String token) {
        if (token == null || token.isBlank()) throw new IllegalArgumentException("token is required");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the forge statuses stand-in on port " + port
                    + " (is the port in use? pass 0 for a free one)", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "forge-status-recorder");
            t.setDaemon(true);
            return t;
        });
        ForgeStatusRecorder recorder = new ForgeStatusRecorder(server, executor, token);
        server.createContext("/", recorder::handle);
        server.setExecutor(executor);
        server.start();
        return recorder;
    }

    /** Serves a recorder until the process is stopped: {@code ForgeStatusRecorder [port]}. */
    public static void main(String[] args) throws InterruptedException {
        ForgeStatusRecorder recorder = start(args.length > 0 ? Integer.parseInt(args[0]) : 0, DEFAULT_TOKEN);
        System.out.println("Forge statuses stand-in on " + recorder.url() + " (token " + DEFAULT_TOKEN + ")");
        Thread.currentThread().join();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://localhost:<port>}: its page lists the statuses taken. */
    public String url() {
        return "http://localhost:" + port();
    }

    /** The base URL of one forge's API, as the notifier's {@code api-url} takes it. */
    public String apiUrl(Api api) {
        return url() + api.base;
    }

    public String token() {
        return token;
    }

    /** Every call received, in order. */
    public synchronized List<StatusCall> calls() {
        return List.copyOf(calls);
    }

    /** The statuses taken (2xx), in order. */
    public synchronized List<StatusCall> statuses() {
        return calls.stream().filter(StatusCall::accepted).toList();
    }

    /** The statuses taken for one commit, in order. */
    public List<StatusCall> statuses(String sha) {
        return statuses().stream().filter(c -> c.sha().equals(sha)).toList();
    }

    /** Waits until a call matching {@code matching} has come, and returns the first such. */
    public StatusCall await(Predicate<StatusCall> matching, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        while (true) {
            for (StatusCall c : calls()) {
                if (matching.test(c)) return c;
            }
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("no matching commit status call within " + timeout + "; received: "
                        + calls().stream().map(StatusCall::readable).toList());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The next {@code count} status posts are answered {@code status} with these headers (and recorded). */
    public synchronized void failNext(int count, int status, Map<String, String> headers) {
        for (int i = 0; i < count; i++) faults.add(new Fault(status, Map.copyOf(headers)));
    }

    public synchronized void clear() {
        calls.clear();
        faults.clear();
        current.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            if (exchange.getRequestMethod().equals("GET") && (path.equals("/") || path.isEmpty())) {
                page(exchange);
                return;
            }
            for (Api api : Api.values()) {
                if (path.startsWith(api.base + "/") && exchange.getRequestMethod().equals("POST")) {
                    post(exchange, api, path, path.substring(api.base.length()));
                    return;
                }
            }
            answer(exchange, 404, Map.of(), "{\"message\":\"Not Found\"}");
        }
    }

    private void post(HttpExchange exchange, Api api, String path, String rest) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = (api == Api.GITLAB ? GITLAB : OWNER_REPO).matcher(rest);
        if (!m.matches()) {
            answer(exchange, 404, Map.of(), "{\"message\":\"Not Found\"}");
            return;
        }
        String project = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        String sha = m.group(2);
        JsonNode json;
        try {
            json = JSON.readTree(body.isEmpty() ? "{}" : body);
        } catch (IOException e) {
            json = null;
        }
        String state = text(json, "state");
        String context = text(json, api == Api.GITLAB ? "name" : "context");
        String description = text(json, "description");
        String targetUrl = text(json, "target_url");
        String authHeader = api == Api.GITLAB && exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN") != null
                ? exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN")
                : exchange.getRequestHeaders().getFirst("Authorization");
        boolean authorized = authHeader != null;

        synchronized (this) {
            Fault fault = faults.poll();
            int status;
            String answer;
            Map<String, String> headers = Map.of();
            if (fault != null) {
                status = fault.status();
                headers = fault.headers();
                answer = status == 429 || status == 403 ? "{\"message\":\"API rate limit exceeded\"}"
                        : "{\"message\":\"stand-in fault " + status + "\"}";
            } else if (!authorized) {
                status = 401;
                answer = api == Api.GITLAB ? "{\"message\":\"401 Unauthorized\"}"
                        : api == Api.GITHUB ? "{\"message\":\"Requires authentication\"}" : "{\"message\":\"token is required\"}";
            } else if (!tokenMatches(api, exchange, authHeader)) {
                status = 401;
                answer = api == Api.GITLAB ? "{\"message\":\"401 Unauthorized\"}" : "{\"message\":\"Bad credentials\"}";
            } else if (json == null || !json.isObject()) {
                status = 400;
                answer = "{\"message\":\"Problems parsing JSON\"}";
            } else if (!SHA.matcher(sha).matches()) {
                status = api == Api.GITLAB ? 404 : 422;
                answer = api == Api.GITLAB ? "{\"message\":\"404 Commit Not Found\"}"
                        : "{\"message\":\"No commit found for SHA: " + sha + "\"}";
            } else if (state == null || !api.states.contains(state)) {
                if (api == Api.GITLAB) {
                    status = 400;
                    answer = "{\"error\":\"state does not have a valid value\"}";
                } else {
                    status = 422;
                    answer = validation("state", "state is not included in the list");
                }
            } else if (api == Api.GITHUB && description != null && description.length() > 140) {
                status = 422;
                answer = validation("description", "description is too long (maximum is 140 characters)");
            } else if (api == Api.GITLAB && state.equals(current.get(api + " " + project + " " + sha + " " + context))) {
                status = 400;
                answer = "{\"message\":\"Cannot transition status via :" + verb(state) + " from :" + state + "\"}";
            } else {
                status = 201;
                current.put(api + " " + project + " " + sha + " " + context, state);
                ObjectNode created = JSON.createObjectNode();
                created.put("id", nextId++);
                created.put("state", state);
                created.put(api == Api.GITLAB ? "name" : "context", context == null ? "default" : context);
                created.put("description", description);
                created.put("target_url", targetUrl);
                created.put("created_at", Instant.now().toString());
                answer = created.toString();
            }
            calls.add(new StatusCall(api, path, project, sha, authorized, state, context, description, targetUrl, body,
                    status, Instant.now()));
            answer(exchange, status, headers, answer);
        }
    }

    private boolean tokenMatches(Api api, HttpExchange exchange, String header) {
        if (api == Api.GITLAB && exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN") != null) return header.equals(token);
        return header.equals("Bearer " + token) || header.equals("token " + token);
    }

    private static String verb(String state) {
        return switch (state) {
            case "running" -> "run";
            case "success" -> "succeed";
            case "failed" -> "drop";
            case "canceled" -> "cancel";
            default -> "enqueue";
        };
    }

    private static String validation(String field, String message) {
        ObjectNode root = JSON.createObjectNode();
        root.put("message", "Validation Failed");
        root.putArray("errors").addObject().put("resource", "Status").put("code", "custom").put("field", field)
                .put("message", message);
        return root.toString();
    }

    private static String text(JsonNode json, String field) {
        return json != null && json.hasNonNull(field) ? json.get(field).asText() : null;
    }

    private void page(HttpExchange exchange) throws IOException {
        StringBuilder page = new StringBuilder("Commit statuses the forge stand-in took (newest last):\n\n");
        for (StatusCall c : statuses()) page.append(c.readable()).append('\n');
        byte[] bytes = page.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void answer(HttpExchange exchange, int status, Map<String, String> headers, String body)
            throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
