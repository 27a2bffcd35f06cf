package dev.verity.service;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * Which spans are recorded: every span of a trace Verity's work started (parent-based, always on), but not a client
 * call made outside any span — the Kubernetes client's informer lists and watches, the applier's health polls, the
 * drift monitor's reads — which would each be a one-span trace every few seconds and bury the traces of commits. Such
 * a call made while Verity works on an event (an apply's requests) is a child of that work's span and is recorded.
 * Quarkus uses a {@link Sampler} bean in place of its configured one.
 */
@ApplicationScoped
public class TraceSampling {

    @Produces
    @Singleton
    Sampler sampler() {
        return new BackgroundCallsDropped(Sampler.parentBased(Sampler.alwaysOn()));
    }

    /** Drops a {@link SpanKind#CLIENT} span without a parent; asks {@code delegate} about every other span. */
    static final class BackgroundCallsDropped implements Sampler {
        private final Sampler delegate;

        BackgroundCallsDropped(Sampler delegate) {
            this.delegate = delegate;
        }

        @Override
        public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
                Attributes attributes, List<LinkData> parentLinks) {
            if (spanKind == SpanKind.CLIENT && !Span.fromContext(parentContext).getSpanContext().isValid()) {
                return SamplingResult.drop();
            }
            return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
        }

        @Override
        public String getDescription() {
            return "BackgroundCallsDropped{" + delegate.getDescription() + "}";
        }
    }
}
