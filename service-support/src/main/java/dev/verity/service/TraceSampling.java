package dev.verity.service;

import io.opentelemetry.api.common.AttributeKey;
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
 * Nor the notifier's status page: a browser polls it every 2 s, and each request would be a one-span trace (Quarkus
 * already leaves out its own {@code /q/} endpoints). Quarkus uses a {@link Sampler} bean in place of its configured
 * one.
 */
@ApplicationScoped
public class TraceSampling {

    @Produces
    @Singleton
    Sampler sampler() {
        return new BackgroundCallsDropped(Sampler.parentBased(Sampler.alwaysOn()));
    }

    /** The request path of an HTTP server span, as the semantic conventions name it (the older name second). */
    private static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> HTTP_TARGET = AttributeKey.stringKey("http.target");

    /** Whether {@code path} is the status page or one of its files or JSON answers. */
    static boolean statusPage(String path) {
        return path != null && (path.equals("/status") || path.startsWith("/status/") || path.startsWith("/status?"));
    }

    /**
     * Drops a {@link SpanKind#CLIENT} span without a parent and a {@link SpanKind#SERVER} span of the status page;
     * asks {@code delegate} about every other span.
     */
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
            if (spanKind == SpanKind.SERVER) {
                String path = attributes.get(URL_PATH);
                if (statusPage(path != null ? path : attributes.get(HTTP_TARGET))) {
                    return SamplingResult.drop();
                }
            }
            return delegate.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
        }

        @Override
        public String getDescription() {
            return "BackgroundCallsDropped{" + delegate.getDescription() + "}";
        }
    }
}
