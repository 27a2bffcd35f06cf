package dev.verity.testkit.otel;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OtlpCollectorIT {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String ROOT = "00f067aa0ba902b7";
    static final String CHILD = "b7ad6b7169203331";

    private final HttpClient http = HttpClient.newHttpClient();
    private OtlpCollector collector;

    @BeforeEach
    void start() {
        collector = OtlpCollector.start();
    }

    @AfterEach
    void stop() {
        collector.close();
    }

    @Test
    void keepsProtobufSpansWithTheirServiceAndAnswersByTraceId() throws Exception {
        HttpResponse<byte[]> answer = post("application/x-protobuf", null, request("verity-renderer").toByteArray());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(collector.traceIds()).containsExactly(TRACE);
        List<CollectedSpan> trace = collector.trace(TRACE);
        assertThat(trace).extracting(CollectedSpan::service).containsOnly("verity-renderer");
        assertThat(trace).extracting(CollectedSpan::name).containsExactly("render repository", "publish desired state");
        CollectedSpan root = trace.get(0);
        CollectedSpan child = trace.get(1);
        assertThat(root.root()).isTrue();
        assertThat(root.kind()).isEqualTo("CONSUMER");
        assertThat(root.attributes()).containsEntry("verity.target", "local/shop/prod").containsEntry("verity.attempt", "2");
        assertThat(child.parentSpanId()).isEqualTo(ROOT);
        assertThat(child.links()).containsExactly(new CollectedSpan.Link("0af7651916cd43dd8448eb211c80319c", "b9c7c989f97918e1"));
        assertThat(child.end()).isAfter(child.start());
        assertThat(collector.awaitTrace(t -> t.size() == 2, Duration.ofSeconds(1))).isEqualTo(trace);
    }

    @Test
    void readsGzippedProtobufAndOtlpJson() throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(request("verity-applier").toByteArray());
        }
        assertThat(post("application/x-protobuf", "gzip", zipped.toByteArray()).statusCode()).isEqualTo(200);
        String json = """
                {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"verity-notifier"}}]},
                 "scopeSpans":[{"scope":{"name":"dev.verity"},"spans":[{"traceId":"%s","spanId":"c0ffee00c0ffee00",
                 "parentSpanId":"%s","name":"notify","kind":5,"startTimeUnixNano":"1700000000000000000",
                 "endTimeUnixNano":"1700000000500000000","attributes":[{"key":"verity.env","value":{"stringValue":"prod"}}]}]}]}]}
                """.formatted(TRACE, CHILD);
        HttpResponse<byte[]> answer = post("application/json", null, json.getBytes(StandardCharsets.UTF_8));
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(collector.trace(TRACE)).extracting(CollectedSpan::service)
                .containsExactly("verity-applier", "verity-applier", "verity-notifier");
        CollectedSpan notify = collector.trace(TRACE).get(2);
        assertThat(notify.parentSpanId()).isEqualTo(CHILD);
        assertThat(notify.kind()).isEqualTo("CONSUMER");
        assertThat(notify.attributes()).containsEntry("verity.env", "prod");
        assertThat(collector.describe()).contains("trace " + TRACE + " (3 spans from [verity-applier, verity-notifier])");
    }

    @Test
    void refusesWhatIsNotATraceExport() throws Exception {
        assertThat(post("text/plain", null, "hello".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(415);
        assertThat(post("application/x-protobuf", null, new byte[] {(byte) 0xff, 0x01, 0x02}).statusCode()).isEqualTo(400);
        assertThat(post("application/json", null, "{\"nope\":1}".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(400);
        HttpResponse<byte[]> metrics = http.send(HttpRequest.newBuilder(URI.create(collector.url() + "/v1/metrics"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[0])).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(metrics.statusCode()).isEqualTo(404);
        assertThat(collector.spans()).isEmpty();
        assertThat(collector.requests()).isEqualTo(3);
        assertThatThrownBy(() -> collector.awaitTrace(t -> true, Duration.ofMillis(200)))
                .hasMessageContaining("no trace as expected").hasMessageContaining("(no spans)");
    }

    private HttpResponse<byte[]> post(String type, String encoding, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(collector.url() + "/v1/traces"))
                .header("Content-Type", type).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) request.header("Content-Encoding", encoding);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static ExportTraceServiceRequest request(String service) {
        Span root = Span.newBuilder().setTraceId(id(TRACE)).setSpanId(id(ROOT)).setName("render repository")
                .setKind(Span.SpanKind.SPAN_KIND_CONSUMER).setStartTimeUnixNano(1_700_000_000_000_000_000L)
                .setEndTimeUnixNano(1_700_000_001_000_000_000L)
                .addAttributes(attribute("verity.target", AnyValue.newBuilder().setStringValue("local/shop/prod")))
                .addAttributes(attribute("verity.attempt", AnyValue.newBuilder().setIntValue(2)))
                .build();
        Span child = Span.newBuilder().setTraceId(id(TRACE)).setSpanId(id(CHILD)).setParentSpanId(id(ROOT))
                .setName("publish desired state").setKind(Span.SpanKind.SPAN_KIND_INTERNAL)
                .setStartTimeUnixNano(1_700_000_000_100_000_000L).setEndTimeUnixNano(1_700_000_000_200_000_000L)
                .addLinks(Span.Link.newBuilder().setTraceId(id("0af7651916cd43dd8448eb211c80319c"))
                        .setSpanId(id("b9c7c989f97918e1")))
                .build();
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("service.name",
                        AnyValue.newBuilder().setStringValue(service))))
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(root).addSpans(child))).build();
    }

    private static KeyValue attribute(String key, AnyValue.Builder value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    private static ByteString id(String hex) {
        return ByteString.copyFrom(HexFormat.of().parseHex(hex));
    }
}
