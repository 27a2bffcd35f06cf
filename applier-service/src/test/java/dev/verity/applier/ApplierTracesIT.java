package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.DesiredState;
import dev.verity.events.Envelope;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.testkit.kafka.EmbeddedKafka;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.kube.KubeSandboxResource;
import dev.verity.testkit.otel.CollectedSpan;
import dev.verity.testkit.otel.OtlpCollectorResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import static dev.verity.applier.ApplierRebuildIT.CODEC;
import static dev.verity.applier.ApplierRebuildIT.DESIRED;
import static dev.verity.applier.ApplierRebuildIT.desired;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Traces of the applier, with traces sent to a real OTLP/HTTP collector: a desired state replayed from the start of
 * the topic (it was there before the applier started) is applied in a span of a new trace that links to the event's
 * context; a desired state published while the applier runs is applied in a child of the event's span; the events the
 * apply publishes carry that span's context in their CloudEvent and, the same value, in their Kafka header.
 */
@QuarkusTest
@QuarkusTestResource(value = ApplierTracesIT.TopicWithHistory.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = OtlpCollectorResource.class, restrictToAnnotatedClass = true)
class ApplierTracesIT {

    static final TargetKey SHOP = TargetKey.parse("local/shop/prod");
    static final String REPLAYED = "00-11111111111111111111111111111111-1111111111111111-01";
    static final String NEW = "00-22222222222222222222222222222222-2222222222222222-01";

    /** The broker, with a desired state on the topic before the applier starts. */
    public static class TopicWithHistory extends EmbeddedKafkaResource {
        @Override
        public Map<String, String> start() {
            Map<String, String> config = super.start();
            EmbeddedKafka kafka = kafka();
            kafka.provision("local");
            kafka.send(DESIRED, SHOP.toString(), CODEC.encode(desired(SHOP, "0a1d000000", "replayed"), REPLAYED));
            return config;
        }
    }

    @Test
    void aReplayIsLinkedANewEventContinuedAndWhatIsPublishedCarriesTheApplySpan() {
        CollectedSpan replayApply = OtlpCollectorResource.collector().awaitTrace(t -> t.stream().anyMatch(sp ->
                isApplyOf(sp, "0a1d000000")), Duration.ofSeconds(60)).stream()
                .filter(sp -> isApplyOf(sp, "0a1d000000")).findFirst().orElseThrow();
        assertThat(replayApply.root()).as("a replay starts a trace of its own").isTrue();
        assertThat(replayApply.traceId()).isNotEqualTo("11111111111111111111111111111111");
        assertThat(replayApply.links()).as("and links to the replayed event's context")
                .containsExactly(new CollectedSpan.Link("11111111111111111111111111111111", "1111111111111111"));

        DesiredState next = desired(SHOP, "0b2d000000", "new");
        EmbeddedKafkaResource.kafka().send(DESIRED, SHOP.toString(), CODEC.encode(next, NEW));

        CollectedSpan apply = OtlpCollectorResource.collector().awaitTrace(t -> t.stream().anyMatch(sp ->
                isApplyOf(sp, "0b2d000000")), Duration.ofSeconds(60)).stream()
                .filter(sp -> isApplyOf(sp, "0b2d000000")).findFirst().orElseThrow();
        assertThat(apply.traceId()).as("a new event's trace goes on").isEqualTo("22222222222222222222222222222222");
        assertThat(apply.parentSpanId()).isEqualTo("2222222222222222");
        assertThat(apply.links()).isEmpty();
        assertThat(apply.service()).isEqualTo("verity-applier");
        assertThat(apply.attributes()).containsEntry("verity.target", "local/shop/prod").containsEntry("verity.env", "prod");

        ConsumerRecord<String, String> applied = await().atMost(Duration.ofSeconds(30)).until(() ->
                EmbeddedKafkaResource.kafka().readAll(Topics.ROLLOUT).stream()
                        .filter(r -> CODEC.decode(r.value()) instanceof Applied a && a.commit().equals("0b2d000000"))
                        .findFirst(), java.util.Optional::isPresent).orElseThrow();
        Envelope envelope = CODEC.decodeEnvelope(applied.value());
        assertThat(envelope.traceparent()).as("Applied carries the apply span's context")
                .isEqualTo("00-" + apply.traceId() + "-" + apply.spanId() + "-01");
        assertThat(new String(applied.headers().lastHeader("traceparent").value(), StandardCharsets.US_ASCII))
                .as("the Kafka header carries the same value").isEqualTo(envelope.traceparent());
        assertThat(applied.headers().headers("traceparent")).hasSize(1);
    }

    private static boolean isApplyOf(CollectedSpan span, String commit) {
        return span.name().equals("apply desired state") && SHOP.toString().equals(span.attributes().get("verity.target"))
                && span.service().equals("verity-applier") && commit.equals(span.attributes().get("verity.commit"));
    }
}
