package dev.verity.testkit.otel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * A trace collector for tests and the local stack: a real OTLP/HTTP server on the loopback interface that keeps every
 * span it receives, with the {@code service.name} of the process that sent it, and answers queries by trace id.
 *
 * <ul>
 *   <li>{@code POST /v1/traces} with {@code Content-Type: application/x-protobuf} — an
 *       {@code ExportTraceServiceRequest} (decoded with the OpenTelemetry project's own generated messages,
 *       {@code opentelemetry-proto}), optionally {@code Content-Encoding: gzip} → 200 with an empty
 *       {@code ExportTraceServiceResponse}; a body that is not one → 400.</li>
 *   <li>{@code POST /v1/traces} with {@code Content-Type: application/json} — the same request in OTLP/JSON (ids in
 *       hex, as OTLP/JSON writes them) → 200 {@code {}}; not that JSON → 400.</li>
 *   <li>any other content type → 415; any other path → 404; {@code GET /} — the traces received, as text.</li>
 * </ul>
 * What it does not do: metrics and logs ({@code /v1/metrics}, {@code /v1/logs} are 404), gRPC, partial success,
 * authentication, limits on what it keeps.
 */
public final class OtlpCollector implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] KINDS = {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"};

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<CollectedSpan> spans = new ArrayList<>();
    private int requests;

    private OtlpCollector(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts on a free port of the loopback interface. */
    public static OtlpCollector start() {
        return start(0);
    }

    /** Starts on {@code port} (0: a free one) of the loopback interface. */
    public static OtlpCollector start(int port) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the OTLP collector on port " + port
                    + " (is the port in use? pass 0 for a free one)", e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "otlp-collector");
            t.setDaemon(true);
            return t;
        });
        OtlpCollector collector = new OtlpCollector(server, executor);
        server.createContext("/", collector::handle);
        server.setExecutor(executor);
        server.start();
        return collector;
    }

    /** Serves a collector until the process is stopped: {@code OtlpCollector [port]}. */
    public static void main(String[] args) throws InterruptedException {
        OtlpCollector collector = start(args.length > 0 ? Integer.parseInt(args[0]) : 4318);
        System.out.println("OTLP/HTTP collector on " + collector.url() + " (set quarkus.otel.exporter.otlp.traces.endpoint"
                + "=" + collector.url() + "); GET / lists the traces");
        Thread.currentThread().join();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * {@code http://localhost:<port>}: the endpoint an OTLP/HTTP exporter takes (it adds {@code /v1/traces}), as
     * {@code quarkus.otel.exporter.otlp.traces.endpoint}.
     */
    public String url() {
        return "http://localhost:" + port();
    }

    /** Every span received, in order of arrival. */
    public synchronized List<CollectedSpan> spans() {
        return List.copyOf(spans);
    }

    /** The spans of one trace, in order of arrival. */
    public synchronized List<CollectedSpan> trace(String traceId) {
        return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
    }

    /** The trace ids received, in order of their first span. */
    public synchronized List<String> traceIds() {
        Set<String> ids = new LinkedHashSet<>();
        spans.forEach(s -> ids.add(s.traceId()));
        return List.copyOf(ids);
    }

    /** Export requests received (accepted or not). */
    public synchronized int requests() {
        return requests;
    }

    /**
     * Waits until the spans of some trace satisfy {@code complete} and returns that trace's spans; fails after
     * {@code timeout}, listing the traces it has.
     */
    public List<CollectedSpan> awaitTrace(Predicate<List<CollectedSpan>> complete, Duration timeout) {
        Instant end = Instant.now().plus(timeout);
        while (true) {
            for (String id : traceIds()) {
                List<CollectedSpan> trace = trace(id);
                if (complete.test(trace)) return trace;
            }
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("no trace as expected within " + timeout + "; received:\n" + describe());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The traces received, one line per span, grouped by trace: for failure messages and {@code GET /}. */
    public synchronized String describe() {
        Map<String, List<CollectedSpan>> byTrace = spans.stream()
                .collect(Collectors.groupingBy(CollectedSpan::traceId, LinkedHashMap::new, Collectors.toList()));
        StringBuilder text = new StringBuilder();
        byTrace.forEach((id, list) -> {
            text.append("trace ").append(id).append(" (").append(list.size()).append(" spans from ")
                    .append(list.stream().map(CollectedSpan::service).distinct().toList()).append(")\n");
            list.forEach(s -> text.append("  ").append(s.readable()).append('\n'));
        });
        return text.length() == 0 ? "(no spans)\n" : text.toString();
    }

    public synchronized void clear() {
        spans.clear();
        requests = 0;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && (path.equals("/") || path.isEmpty())) {
                answer(exchange, 200, "text/plain; charset=utf-8",
                        ("Spans the OTLP collector received, by trace:\n\n" + describe()).getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!path.equals("/v1/traces")) {
                answer(exchange, 404, "text/plain; charset=utf-8", ("no " + path + " here: this collector takes"
                        + " traces only, at POST /v1/traces\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (!method.equals("POST")) {
                answer(exchange, 405, "text/plain; charset=utf-8", "POST an export request\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            synchronized (this) {
                requests++;
            }
            String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).toLowerCase(Locale.ROOT);
            byte[] body = body(exchange);
            if (type.startsWith("application/x-protobuf")) {
                List<CollectedSpan> received;
                try {
                    received = fromProtobuf(ExportTraceServiceRequest.parseFrom(body));
                } catch (InvalidProtocolBufferException e) {
                    answer(exchange, 400, "text/plain; charset=utf-8", ("not an ExportTraceServiceRequest: "
                            + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                    return;
                }
                keep(received);
                answer(exchange, 200, "application/x-protobuf", ExportTraceServiceResponse.getDefaultInstance().toByteArray());
            } else if (type.startsWith("application/json")) {
                List<CollectedSpan> received;
                try {
                    received = fromJson(JSON.readTree(body));
                } catch (IOException | RuntimeException e) {
                    answer(exchange, 400, "application/json", ("{\"message\":\"not an OTLP/JSON export request: "
                            + e.getClass().getSimpleName() + "\"}").getBytes(StandardCharsets.UTF_8));
                    return;
                }
                keep(received);
                answer(exchange, 200, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
            } else {
                answer(exchange, 415, "text/plain; charset=utf-8", ("Content-Type " + type + " is not"
                        + " application/x-protobuf or application/json\n").getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private synchronized void keep(List<CollectedSpan> received) {
        spans.addAll(received);
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        return in.readAllBytes();
    }

    static List<CollectedSpan> fromProtobuf(ExportTraceServiceRequest request) {
        List<CollectedSpan> received = new ArrayList<>();
        HexFormat hex = HexFormat.of();
        for (ResourceSpans resource : request.getResourceSpansList()) {
            String service = text(resource.getResource().getAttributesList()).get("service.name");
            for (ScopeSpans scope : resource.getScopeSpansList()) {
                for (Span span : scope.getSpansList()) {
                    String parent = span.getParentSpanId().isEmpty() ? null : hex.formatHex(span.getParentSpanId().toByteArray());
                    List<CollectedSpan.Link> links = span.getLinksList().stream()
                            .map(l -> new CollectedSpan.Link(hex.formatHex(l.getTraceId().toByteArray()),
                                    hex.formatHex(l.getSpanId().toByteArray())))
                            .toList();
                    received.add(new CollectedSpan(service, hex.formatHex(span.getTraceId().toByteArray()),
                            hex.formatHex(span.getSpanId().toByteArray()), parent, span.getName(),
                            kind(span.getKindValue()), instant(span.getStartTimeUnixNano()),
                            instant(span.getEndTimeUnixNano()), text(span.getAttributesList()), links));
                }
            }
        }
        return received;
    }

    static List<CollectedSpan> fromJson(JsonNode request) {
        if (request == null || !request.isObject() || !request.path("resourceSpans").isArray()) {
            throw new IllegalArgumentException("no resourceSpans array");
        }
        List<CollectedSpan> received = new ArrayList<>();
        for (JsonNode resource : request.path("resourceSpans")) {
            String service = text(resource.path("resource").path("attributes")).get("service.name");
            for (JsonNode scope : resource.path("scopeSpans")) {
                for (JsonNode span : scope.path("spans")) {
                    String parent = span.path("parentSpanId").asText("");
                    List<CollectedSpan.Link> links = new ArrayList<>();
                    for (JsonNode l : span.path("links")) {
                        links.add(new CollectedSpan.Link(l.path("traceId").asText(), l.path("spanId").asText()));
                    }
                    received.add(new CollectedSpan(service, required(span, "traceId"), required(span, "spanId"),
                            parent.isEmpty() ? null : parent, span.path("name").asText(), kind(span.path("kind").asInt()),
                            instant(span.path("startTimeUnixNano").asLong()), instant(span.path("endTimeUnixNano").asLong()),
                            text(span.path("attributes")), links));
                }
            }
        }
        return received;
    }

    private static String required(JsonNode span, String field) {
        String value = span.path(field).asText("");
        if (value.isEmpty()) throw new IllegalArgumentException("a span without " + field);
        return value.toLowerCase(Locale.ROOT);
    }

    private static String kind(int value) {
        return value >= 0 && value < KINDS.length ? KINDS[value] : "UNSPECIFIED";
    }

    private static Instant instant(long unixNanos) {
        return Instant.ofEpochSecond(0, unixNanos);
    }

    private static Map<String, String> text(List<KeyValue> attributes) {
        Map<String, String> map = new LinkedHashMap<>();
        for (KeyValue kv : attributes) map.put(kv.getKey(), text(kv.getValue()));
        return map;
    }

    private static String text(AnyValue value) {
        return switch (value.getValueCase()) {
            case STRING_VALUE -> value.getStringValue();
            case BOOL_VALUE -> String.valueOf(value.getBoolValue());
            case INT_VALUE -> String.valueOf(value.getIntValue());
            case DOUBLE_VALUE -> String.valueOf(value.getDoubleValue());
            case ARRAY_VALUE -> value.getArrayValue().getValuesList().stream().map(OtlpCollector::text).toList().toString();
            case BYTES_VALUE -> HexFormat.of().formatHex(value.getBytesValue().toByteArray());
            default -> value.toString().trim();
        };
    }

    private static Map<String, String> text(JsonNode attributes) {
        Map<String, String> map = new LinkedHashMap<>();
        for (JsonNode kv : attributes) {
            JsonNode v = kv.path("value");
            String text = v.has("stringValue") ? v.get("stringValue").asText()
                    : v.has("boolValue") ? v.get("boolValue").asText()
                    : v.has("intValue") ? v.get("intValue").asText()
                    : v.has("doubleValue") ? v.get("doubleValue").asText() : v.toString();
            map.put(kv.path("key").asText(), text);
        }
        return map;
    }

    private static void answer(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length == 0) return;
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
