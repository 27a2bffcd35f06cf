package dev.verity.testkit.slack;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A Slack stand-in: a real HTTP server on a local port that records the messages it receives and answers as
 * Slack does, so a service can be tested (and run locally) against it without a Slack workspace.
 *
 * <ul>
 *   <li>{@code POST /services/<team>/<bot>/<secret>} — an incoming webhook registered with {@link #webhook(String)}
 *       (the default one is {@link #webhookUrl()}, posting to {@code #alerts}). JSON body (or form field
 *       {@code payload}) with {@code text} and/or {@code blocks} → 200 {@code ok} (text/plain). Not JSON →
 *       400 {@code invalid_payload}; neither {@code text} nor {@code blocks} → 400 {@code no_text}; a webhook
 *       path that was never registered → 404 {@code no_service}; its channel deleted → 404
 *       {@code channel_not_found}, archived → 410 {@code channel_is_archived}.</li>
 *   <li>{@code POST /api/chat.postMessage} — the Web API, JSON or form-encoded, with {@code Authorization: Bearer
 *       <token>}. Answers HTTP 200 with {@code {"ok":true,"channel":"C…","ts":"…","message":{…}}}, or
 *       {@code {"ok":false,"error":…}} with {@code not_authed} (no token), {@code invalid_auth} (another token
 *       than {@link #botToken()}), {@code channel_not_found} (also for a channel {@link #deleteChannel deleted}),
 *       {@code is_archived} ({@link #archiveChannel}), {@code no_text}, {@code invalid_json}.
 *       {@code thread_ts} is recorded, so replies in threads can be tested.</li>
 *   <li>{@code POST /api/chat.update} — the same authentication; {@code channel} and {@code ts} name a message
 *       posted with {@code chat.postMessage}, whose text and blocks are replaced (the earlier version kept in
 *       {@link SlackMessage#edits()}); {@code {"ok":true,"channel":…,"ts":…}}, or {@code message_not_found},
 *       {@code cant_update_message} (a webhook's message), {@code channel_not_found}, {@code no_text}.</li>
 *   <li>{@code GET /} — a readable HTML page of what was received (newest first); {@code GET /messages} — the
 *       same as JSON.</li>
 * </ul>
 *
 * Channels are known by name and id: {@code #alerts} ({@code C0ALERTS00}) and {@code #general}
 * ({@code C0GENERAL0}) exist from the start; {@link #channel(String)} adds more. It does not implement rate
 * limits (but {@link #failNextPosts} answers 429 with {@code Retry-After}), or any other Web API method (they answer
 404 {@code unknown_method}).
 * Outages, as Slack has them: {@link #down} answers every post with a 5xx, {@link #refuseConnections} stops
 * listening, {@link #delayAnswers} holds each answer; {@link #recover} ends them, on the same port.
 */
public final class SlackRecorder implements AutoCloseable {

    /** The token {@code chat.postMessage} accepts unless another is given to {@link #start(int, String)}. */
    public static final String DEFAULT_BOT_TOKEN = "xoxb-verity-test-token";
    /** The channel the default webhook posts to. */
    public static final String DEFAULT_CHANNEL = "alerts";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT_JSON = new ObjectMapper();

    private HttpServer server;
    private final InetSocketAddress address;
    private final ExecutorService executor;
    private final String botToken;
    private final List<SlackMessage> messages = new ArrayList<>();
    private final Map<String, String> channelIdsByName = new ConcurrentHashMap<>();
    private final Map<String, String> webhookChannels = new ConcurrentHashMap<>();
    private final String defaultWebhookPath;
    private final java.util.Set<String> deleted = ConcurrentHashMap.newKeySet();
    private final java.util.Set<String> archived = ConcurrentHashMap.newKeySet();
    private long lastTsMicros;
    private int posts;
    private int failuresLeft;
    private int failureStatus;
    /** the status every post is answered with during an outage ({@link #down}); 0: none */
    private volatile int outageStatus;
    /** how long each post's answer is held after the post was handled ({@link #delayAnswers}) */
    private volatile Duration answerDelay = Duration.ZERO;

    private SlackRecorder(HttpServer server, ExecutorService executor, String botToken) {
        this.server = server;
        this.address = server.getAddress();
        this.executor = executor;
        this.botToken = botToken;
        channel("general");
        channel(DEFAULT_CHANNEL);
        this.defaultWebhookPath = webhookPath(DEFAULT_CHANNEL);
    }

    /** Starts on a free port. */
    public static SlackRecorder start() {
        return start(0);
    }

    /** Starts on {@code port} (0: a free port) on the loopback interface. */
    public static SlackRecorder start(int port) {
        return start(port, DEFAULT_BOT_TOKEN);
    }

    public static SlackRecorder start(int port, String botToken) {
        if (botToken == null || botToken.isBlank()) throw new IllegalArgumentException("botToken is required");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Slack recorder on port " + port
                    + " (is the port in use? pass 0 for a free one)", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "slack-recorder");
            t.setDaemon(true);
            return t;
        });
        SlackRecorder recorder = new SlackRecorder(server, executor, botToken);
        server.createContext("/", recorder::handle);
        server.setExecutor(executor);
        server.start();
        return recorder;
    }

    /** Serves a recorder until the process is stopped: {@code SlackRecorder [port]} (default 0, a free port). */
    public static void main(String[] args) throws InterruptedException {
        SlackRecorder recorder = start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        Runtime.getRuntime().addShutdownHook(new Thread(recorder::close, "slack-recorder-stop"));
        System.out.println("Slack recorder: messages at " + recorder.url() + "/");
        System.out.println("  incoming webhook (#" + DEFAULT_CHANNEL + "): " + recorder.webhookUrl());
        System.out.println("  chat.postMessage: " + recorder.url() + "/api/chat.postMessage  token " + recorder.botToken());
        Thread.currentThread().join();
    }

    public int port() {
        return address.getPort();
    }

    /** {@code http://127.0.0.1:<port>}; {@code GET} it for the messages received so far. */
    public String url() {
        return "http://" + address.getAddress().getHostAddress() + ":" + port();
    }

    /** The incoming-webhook URL posting to {@code #alerts}. */
    public String webhookUrl() {
        return url() + defaultWebhookPath;
    }

    /** Registers another incoming webhook posting to {@code channelName} (created if unknown); returns its URL. */
    public String webhook(String channelName) {
        channel(channelName);
        return url() + webhookPath(channelName);
    }

    /** The Web API base URL, as {@code https://slack.com/api} is in production. */
    public String apiUrl() {
        return url() + "/api";
    }

    public String botToken() {
        return botToken;
    }

    /** Creates a channel unless it exists and returns its id. Names are lower case, without {@code #}. */
    public String channel(String name) {
        String n = normaliseName(name);
        synchronized (channelIdsByName) {
            String existing = channelIdsByName.get(n);
            if (existing != null) return existing;
            String base = ("C0" + n.replaceAll("[^a-z0-9]", "").toUpperCase(Locale.ROOT) + "00000000").substring(0, 10);
            String id = base;
            for (int i = 1; channelIdsByName.containsValue(id); i++) id = base + i;
            channelIdsByName.put(n, id);
            return id;
        }
    }

    /** Every message accepted so far, oldest first. */
    public synchronized List<SlackMessage> messages() {
        return List.copyOf(messages);
    }

    /** The messages accepted so far in a channel (by name or id), oldest first. */
    public List<SlackMessage> messages(String channel) {
        String id = channelId(channel).orElse(channel);
        return messages().stream().filter(m -> m.channel().equals(id)).toList();
    }

    /** The replies in the thread started by the message with timestamp {@code ts}, oldest first. */
    public List<SlackMessage> replies(String ts) {
        return messages().stream().filter(m -> ts.equals(m.threadTs())).toList();
    }

    /** Waits until at least {@code count} messages were accepted and returns them all. */
    public List<SlackMessage> awaitMessages(int count, Duration timeout) {
        awaitCondition(() -> messages.size() >= count, timeout,
                () -> "expected at least " + count + " Slack messages");
        return messages();
    }

    /** Waits for the first accepted message that matches and returns it. */
    public SlackMessage awaitMessage(Predicate<SlackMessage> matching, Duration timeout) {
        awaitCondition(() -> messages.stream().anyMatch(matching), timeout,
                () -> "expected a Slack message matching the condition");
        return messages().stream().filter(matching).findFirst().orElseThrow();
    }

    /**
     * Makes the next {@code count} posts (webhook or Web API) fail with HTTP {@code status} and record nothing, as
     * Slack does when it is unavailable (503) or rate limits a sender (429, with {@code Retry-After: 1}); lets tests
     * exercise retries.
     */
    public synchronized void failNextPosts(int count, int status) {
        if (status < 400) throw new IllegalArgumentException("a failure status is 4xx or 5xx, not " + status);
        failuresLeft = count;
        failureStatus = status;
    }

    /**
     * Slack is down until {@link #recover()}: every post (webhook or Web API) is answered HTTP {@code status} (a 5xx,
     * as Slack's edge answers during an outage) and records nothing.
     */
    public void down(int status) {
        if (status < 500) throw new IllegalArgumentException("an outage answers 5xx, not " + status);
        outageStatus = status;
    }

    /**
     * Slack cannot be reached until {@link #recover()}: the listening socket is closed, so a connection is refused
     * (as when Slack's address is unreachable or a proxy in between is down); what was recorded is kept.
     */
    public synchronized void refuseConnections() {
        if (server == null) return;
        server.stop(0);
        server = null;
    }

    /**
     * Slack is slow: each post is handled (and its message recorded) at once, but its answer is held for
     * {@code delay} before it is sent, as when Slack or the network is slow; {@link Duration#ZERO} (or
     * {@link #recover()}) ends it. A client that gives up or dies meanwhile has had its message posted anyway.
     */
    public void delayAnswers(Duration delay) {
        if (delay.isNegative()) throw new IllegalArgumentException("a delay is not negative: " + delay);
        answerDelay = delay;
    }

    /**
     * Ends {@link #down}, {@link #refuseConnections} and {@link #delayAnswers}: Slack answers again, on the same port,
     * with what it recorded before.
     */
    public synchronized void recover() {
        outageStatus = 0;
        answerDelay = Duration.ZERO;
        if (server != null) return;
        // the address was ours a moment ago: retry briefly in case the old socket is still being released
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            try {
                HttpServer fresh = HttpServer.create(address, 0);
                fresh.createContext("/", this::handle);
                fresh.setExecutor(executor);
                fresh.start();
                server = fresh;
                return;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("cannot listen again on " + address + " for the Slack recorder", e);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while the Slack recorder started listening again", ie);
                }
            }
        }
    }

    /** Whether posts are answered normally now (not {@link #down}, listening, and not {@link #delayAnswers slow}). */
    public synchronized boolean up() {
        return outageStatus == 0 && server != null && answerDelay.isZero();
    }

    /** Takes one injected failure, returning its status, or 0 when none is left. */
    private synchronized int takeFailure() {
        if (outageStatus != 0) return outageStatus;
        if (failuresLeft <= 0) return 0;
        failuresLeft--;
        return failureStatus;
    }

    /**
     * Deletes a channel, as someone in the workspace may: an incoming webhook posting to it answers 404
     * {@code channel_not_found}, and the Web API answers {@code ok:false} {@code channel_not_found}.
     * {@link #restoreChannel} undoes it.
     */
    public void deleteChannel(String name) {
        deleted.add(channel(name));
    }

    /**
     * Archives a channel: an incoming webhook posting to it answers 410 {@code channel_is_archived}, and the Web API
     * answers {@code ok:false} {@code is_archived}. {@link #restoreChannel} undoes it.
     */
    public void archiveChannel(String name) {
        archived.add(channel(name));
    }

    /** Undoes {@link #deleteChannel} and {@link #archiveChannel}. */
    public void restoreChannel(String name) {
        deleted.remove(channel(name));
        archived.remove(channel(name));
    }

    /** How many POST requests arrived so far, accepted or refused (to count retries). */
    public synchronized int posts() {
        return posts;
    }

    private synchronized void countPost() {
        posts++;
    }

    /** Forgets every message received so far. */
    public synchronized void clear() {
        messages.clear();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (server != null) server.stop(0);
            server = null;
        }
        executor.shutdownNow();
    }

    private String webhookPath(String channelName) {
        String id = channel(channelName);
        String path = "/services/T0VERITY0/B" + id.substring(1) + "/verity-local-" + id.toLowerCase(Locale.ROOT);
        webhookChannels.put(path, id);
        return path;
    }

    private synchronized void awaitCondition(java.util.function.BooleanSupplier condition, Duration timeout,
            java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(new TimeoutException(what.get() + " within " + timeout
                        + "; received " + messages.size() + ": " + messages));
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for Slack messages", e);
            }
        }
    }

    private synchronized SlackMessage record(SlackMessage.Via via, String channel, String text, String blocks,
            String threadTs) {
        long micros = Math.max(lastTsMicros + 1, Instant.now().toEpochMilli() * 1000);
        lastTsMicros = micros;
        String ts = String.format(Locale.ROOT, "%d.%06d", micros / 1_000_000, micros % 1_000_000);
        SlackMessage message = new SlackMessage(via, channel, text, blocks, threadTs, ts, Instant.now());
        messages.add(message);
        notifyAll();
        return message;
    }

    // --- HTTP ----------------------------------------------------------------------------------------------

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("POST")) countPost();
            int failure = method.equals("POST") ? takeFailure() : 0;
            if (failure != 0) {
                readBody(exchange);
                if (failure == 429) exchange.getResponseHeaders().set("Retry-After", "1");
                respond(exchange, failure, "text/plain; charset=utf-8", failure == 429 ? "rate_limited" : "service_unavailable");
            } else if (method.equals("POST") && path.startsWith("/services/")) {
                handleWebhook(exchange, path);
            } else if (method.equals("POST") && path.equals("/api/chat.postMessage")) {
                handlePostMessage(exchange);
            } else if (method.equals("POST") && path.equals("/api/chat.update")) {
                handleUpdate(exchange);
            } else if (method.equals("POST") && path.startsWith("/api/")) {
                respondJson(exchange, 404, error("unknown_method"));
            } else if (method.equals("GET") && path.equals("/messages")) {
                respond(exchange, 200, "application/json; charset=utf-8", JSON.writeValueAsString(messagesJson()));
            } else if (method.equals("GET") && path.equals("/")) {
                respond(exchange, 200, "text/html; charset=utf-8", html());
            } else {
                respond(exchange, 404, "text/plain; charset=utf-8", "not_found");
            }
        } catch (RuntimeException e) {
            respond(exchange, 500, "text/plain; charset=utf-8", "recorder error: " + e);
        }
    }

    private void handleWebhook(HttpExchange exchange, String path) throws IOException {
        String channel = webhookChannels.get(path);
        String body = readBody(exchange);
        if (channel == null) {
            respond(exchange, 404, "text/plain; charset=utf-8", "no_service");
            return;
        }
        if (deleted.contains(channel)) {
            respond(exchange, 404, "text/plain; charset=utf-8", "channel_not_found");
            return;
        }
        if (archived.contains(channel)) {
            respond(exchange, 410, "text/plain; charset=utf-8", "channel_is_archived");
            return;
        }
        String json = isForm(exchange) ? form(body).get("payload") : body;
        JsonNode payload = parseObject(json);
        if (payload == null) {
            respond(exchange, 400, "text/plain; charset=utf-8", "invalid_payload");
            return;
        }
        String text = textOf(payload, "text");
        Blocks parsed = Blocks.of(payload);
        String blocks = parsed.json();
        if (!parsed.valid()) {
            respond(exchange, 400, "text/plain; charset=utf-8", "invalid_blocks");
            return;
        }
        if ((text == null || text.isBlank()) && blocks == null) {
            respond(exchange, 400, "text/plain; charset=utf-8", "no_text");
            return;
        }
        record(SlackMessage.Via.WEBHOOK, channel, text, blocks, textOf(payload, "thread_ts"));
        respond(exchange, 200, "text/plain; charset=utf-8", "ok");
    }

    private void handleUpdate(HttpExchange exchange) throws IOException {
        JsonNode payload = authorised(exchange);
        if (payload == null) return;
        Optional<String> channel = Optional.ofNullable(textOf(payload, "channel")).flatMap(this::channelId);
        if (channel.isEmpty()) {
            respondJson(exchange, 200, error("channel_not_found"));
            return;
        }
        String text = textOf(payload, "text");
        Blocks parsed = Blocks.of(payload);
        if (!parsed.valid()) {
            respondJson(exchange, 200, error("invalid_blocks"));
            return;
        }
        if ((text == null || text.isBlank()) && parsed.json() == null) {
            respondJson(exchange, 200, error("no_text"));
            return;
        }
        String ts = textOf(payload, "ts");
        String outcome = edit(channel.get(), ts, text, parsed.json());
        if (outcome != null) {
            respondJson(exchange, 200, error(outcome));
            return;
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ok", true);
        answer.put("channel", channel.get());
        answer.put("ts", ts);
        answer.put("text", text);
        respondJson(exchange, 200, answer);
    }

    /** Replaces a posted message's text and blocks; null when done, else Slack's error code. */
    private synchronized String edit(String channel, String ts, String text, String blocks) {
        for (int i = 0; i < messages.size(); i++) {
            SlackMessage m = messages.get(i);
            if (!m.channel().equals(channel) || !m.ts().equals(ts)) continue;
            if (m.via() != SlackMessage.Via.CHAT_POST_MESSAGE) return "cant_update_message";
            messages.set(i, m.edited(text, blocks));
            notifyAll();
            return null;
        }
        return "message_not_found";
    }

    /**
     * The request's payload (JSON, or a form with {@code blocks} as JSON) once its bot token is the right one;
     * null after answering {@code not_authed}, {@code invalid_auth} or {@code invalid_json}.
     */
    private JsonNode authorised(HttpExchange exchange) throws IOException {
        String body = readBody(exchange);
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        JsonNode payload;
        if (isForm(exchange)) {
            Map<String, String> form = form(body);
            ObjectNode node = JSON.createObjectNode();
            form.forEach((k, v) -> {
                if (k.equals("blocks")) {
                    JsonNode parsed = parseAny(v);
                    if (parsed != null) node.set(k, parsed);
                    else node.put(k, v);
                } else {
                    node.put(k, v);
                }
            });
            payload = node;
            if (auth == null && form.containsKey("token")) auth = "Bearer " + form.get("token");
        } else {
            payload = parseObject(body);
        }
        if (auth == null || !auth.startsWith("Bearer ") || auth.substring(7).isBlank()) {
            respondJson(exchange, 200, error("not_authed"));
            return null;
        }
        if (!auth.substring(7).equals(botToken)) {
            respondJson(exchange, 200, error("invalid_auth"));
            return null;
        }
        if (payload == null) {
            respondJson(exchange, 200, error("invalid_json"));
            return null;
        }
        return payload;
    }

    private void handlePostMessage(HttpExchange exchange) throws IOException {
        JsonNode payload = authorised(exchange);
        if (payload == null) return;
        Optional<String> channel = Optional.ofNullable(textOf(payload, "channel")).flatMap(this::channelId);
        if (channel.isEmpty()) {
            respondJson(exchange, 200, error("channel_not_found"));
            return;
        }
        if (archived.contains(channel.get())) {
            respondJson(exchange, 200, error("is_archived"));
            return;
        }
        String text = textOf(payload, "text");
        Blocks parsed = Blocks.of(payload);
        String blocks = parsed.json();
        if (!parsed.valid()) {
            respondJson(exchange, 200, error("invalid_blocks"));
            return;
        }
        if ((text == null || text.isBlank()) && blocks == null) {
            respondJson(exchange, 200, error("no_text"));
            return;
        }
        SlackMessage m = record(SlackMessage.Via.CHAT_POST_MESSAGE, channel.get(), text, blocks,
                textOf(payload, "thread_ts"));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("ok", true);
        answer.put("channel", m.channel());
        answer.put("ts", m.ts());
        answer.set("message", messageJson(m));
        respondJson(exchange, 200, answer);
    }

    /** The id of a channel that exists (not deleted), by id or name. */
    private Optional<String> channelId(String channel) {
        if (channel == null || channel.isBlank()) return Optional.empty();
        Optional<String> id = channelIdsByName.containsValue(channel) ? Optional.of(channel)
                : Optional.ofNullable(channelIdsByName.get(normaliseName(channel)));
        return id.filter(i -> !deleted.contains(i));
    }

    private static String normaliseName(String name) {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("channel name is required");
        return (name.startsWith("#") ? name.substring(1) : name).toLowerCase(Locale.ROOT);
    }

    /** The {@code blocks} of a payload: absent, an array (kept as compact JSON), or invalid. */
    private record Blocks(boolean valid, String json) {
        static Blocks of(JsonNode payload) throws JsonProcessingException {
            JsonNode blocks = payload.get("blocks");
            if (blocks == null || blocks.isNull()) return new Blocks(true, null);
            if (blocks.isTextual()) blocks = parseAny(blocks.asText());
            if (blocks == null || !blocks.isArray()) return new Blocks(false, null);
            return new Blocks(true, blocks.isEmpty() ? null : COMPACT_JSON.writeValueAsString(blocks));
        }
    }

    private static String textOf(JsonNode payload, String field) {
        JsonNode n = payload.get(field);
        return n == null || n.isNull() ? null : n.asText();
    }

    private static JsonNode parseObject(String json) {
        JsonNode node = parseAny(json);
        return node != null && node.isObject() ? node : null;
    }

    private static JsonNode parseAny(String json) {
        if (json == null || json.isBlank()) return null;
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static boolean isForm(HttpExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private static Map<String, String> form(String body) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    private static String readBody(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static ObjectNode error(String code) {
        ObjectNode n = JSON.createObjectNode();
        n.put("ok", false);
        n.put("error", code);
        return n;
    }

    private void respondJson(HttpExchange exchange, int status, JsonNode body) throws IOException {
        respond(exchange, status, "application/json; charset=utf-8", JSON.writeValueAsString(body));
    }

    private void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        Duration delay = answerDelay;
        if (exchange.getRequestMethod().equals("POST") && !delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private ObjectNode messageJson(SlackMessage m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("type", "message");
        n.put("via", m.via().name().toLowerCase(Locale.ROOT));
        n.put("channel", m.channel());
        n.put("channel_name", channelName(m.channel()));
        n.put("ts", m.ts());
        if (m.threadTs() != null) n.put("thread_ts", m.threadTs());
        if (!m.edits().isEmpty()) {
            n.put("edited", true);
            m.edits().forEach(n.putArray("edits")::add);
        }
        if (m.text() != null) n.put("text", m.text());
        if (m.blocks() != null) n.set("blocks", parseAny(m.blocks()));
        n.put("received_at", m.receivedAt().toString());
        return n;
    }

    private ArrayNode messagesJson() {
        ArrayNode array = JSON.createArrayNode();
        messages().forEach(m -> array.add(messageJson(m)));
        return array;
    }

    private String channelName(String id) {
        return channelIdsByName.entrySet().stream().filter(e -> e.getValue().equals(id)).map(Map.Entry::getKey)
                .findFirst().orElse(id);
    }

    private String html() {
        List<SlackMessage> all = new ArrayList<>(messages());
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">")
                .append("<title>Slack recorder</title><style>body{font-family:sans-serif;max-width:60em;margin:2em auto}")
                .append(".m{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;margin:.8em 0}")
                .append(".meta{color:#666;font-size:.85em}pre{white-space:pre-wrap;margin:.3em 0}</style></head><body>")
                .append("<h1>Slack recorder</h1><p>").append(all.size()).append(" message(s) received, newest first. ")
                .append("Incoming webhook: <code>").append(escape(webhookUrl())).append("</code>; JSON at ")
                .append("<a href=\"/messages\">/messages</a>.</p>");
        for (int i = all.size() - 1; i >= 0; i--) {
            SlackMessage m = all.get(i);
            b.append("<div class=\"m\"><div class=\"meta\">#").append(escape(channelName(m.channel())))
                    .append(" · ").append(m.via() == SlackMessage.Via.WEBHOOK ? "incoming webhook" : "chat.postMessage")
                    .append(" · ts ").append(m.ts());
            if (m.threadTs() != null) b.append(" · reply in thread ").append(escape(m.threadTs()));
            if (!m.edits().isEmpty()) b.append(" · edited ").append(m.edits().size()).append("×");
            b.append(" · ").append(m.receivedAt()).append("</div><pre>").append(escape(m.readableText()))
                    .append("</pre></div>");
        }
        return b.append("</body></html>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
