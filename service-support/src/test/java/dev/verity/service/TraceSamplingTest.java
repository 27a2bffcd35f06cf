package dev.verity.service;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TraceSamplingTest {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    final Sampler sampler = new TraceSampling().sampler();
    final Context root = Context.root();
    final Context inWork = Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(TRACE, "00f067aa0ba902b7",
            TraceFlags.getSampled(), TraceState.getDefault())));

    private SamplingDecision decision(Context parent, SpanKind kind) {
        return sampler.shouldSample(parent, TRACE, "GET", kind, Attributes.empty(), List.of()).getDecision();
    }

    @Test
    void aClientCallOutsideAnyWorkIsNotRecorded() {
        assertThat(decision(root, SpanKind.CLIENT)).isEqualTo(SamplingDecision.DROP);
    }

    @Test
    void aClientCallWhileWorkingOnAnEventIsPartOfItsTrace() {
        assertThat(decision(inWork, SpanKind.CLIENT)).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    }

    @Test
    void verityWorkAndWebhooksStartTraces() {
        assertThat(decision(root, SpanKind.SERVER)).as("a webhook").isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(decision(root, SpanKind.INTERNAL)).as("a poll").isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(decision(root, SpanKind.CONSUMER)).as("a replay").isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(decision(inWork, SpanKind.CONSUMER)).isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    }

    @Test
    void theStatusPageIsNotTracedButWebhooksAre() {
        for (String path : List.of("/status", "/status/status.js", "/status/api/targets")) {
            assertThat(sampler.shouldSample(root, TRACE, "GET", SpanKind.SERVER,
                    Attributes.of(AttributeKey.stringKey("url.path"), path), List.of()).getDecision())
                    .as(path).isEqualTo(SamplingDecision.DROP);
        }
        assertThat(sampler.shouldSample(root, TRACE, "GET", SpanKind.SERVER,
                Attributes.of(AttributeKey.stringKey("http.target"), "/status?cluster=local"), List.of()).getDecision())
                .isEqualTo(SamplingDecision.DROP);
        assertThat(sampler.shouldSample(root, TRACE, "POST", SpanKind.SERVER,
                Attributes.of(AttributeKey.stringKey("url.path"), "/hooks/github/shop"), List.of()).getDecision())
                .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
        assertThat(sampler.shouldSample(root, TRACE, "GET", SpanKind.SERVER,
                Attributes.of(AttributeKey.stringKey("url.path"), "/statusx"), List.of()).getDecision())
                .isEqualTo(SamplingDecision.RECORD_AND_SAMPLE);
    }
}
