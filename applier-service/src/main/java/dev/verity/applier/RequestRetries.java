package dev.verity.applier;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Makes the Kubernetes client's own request retries honour {@code Retry-After}, and counts the transient errors it
 * meets.
 *
 * <p>The fabric8 client sends a request again by itself when the API server answers 429 or 5xx, or does not answer
 * (an {@code IOException}): {@code requestRetryBackoffLimit} times ({@code verity.applier.retry.request-retries}),
 * with exponential backoff from {@code requestRetryBackoffInterval}, doubling up to 32 times it, without jitter. It
 * means to wait at least the {@code Retry-After} the server sent, but looks the header up by its exact case, and over
 * HTTP/2 header names arrive in lower case: measured against the sandbox, a 429 with {@code Retry-After: 2} was sent
 * again after 0.25 s. So this interceptor, on a 429 or 5xx answer with {@code Retry-After} (any case, whole seconds),
 * holds the answer back that long before the client's retry logic sees it: the next attempt comes no sooner than
 * the server asked (plus the client's backoff). The last attempt of a request is held back too, which delays its
 * failure by as much.
 *
 * <p>Counts, in {@code verity_api_transient_errors_total{reason}}, every answer 429 ({@code TooManyRequests}), 504
 * ({@code Timeout}) or other 5xx ({@code ServerError}), and every request that got no answer ({@code Unreachable}).
 * It retries nothing itself and changes no request.
 */
final class RequestRetries implements Interceptor {

    static final String NAME = "verity-transient-errors";
    /** A Retry-After longer than this is taken as this: a request is not held back for hours. */
    static final long MAX_RETRY_AFTER_SECONDS = 300;

    private final ApplyMetrics metrics;
    private final String cluster;

    RequestRetries(ApplyMetrics metrics, String cluster) {
        this.metrics = metrics;
        this.cluster = cluster;
    }

    @Override
    public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
        int code = response.code();
        if (code == 429) metrics.transientError(cluster, "TooManyRequests");
        else if (code == 504) metrics.transientError(cluster, "Timeout");
        else if (code >= 500) metrics.transientError(cluster, "ServerError");
    }

    @Override
    public CompletableFuture<Boolean> afterFailure(BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
        long seconds = (response.code() == 429 || response.code() >= 500) ? retryAfterSeconds(response) : 0;
        if (seconds <= 0) return CompletableFuture.completedFuture(false);
        return CompletableFuture.supplyAsync(() -> false, CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS));
    }

    /** The {@code Retry-After} of an answer in whole seconds (at most 5 minutes), 0 when it has none or a date. */
    static long retryAfterSeconds(HttpResponse<?> response) {
        for (Map.Entry<String, List<String>> header : response.headers().entrySet()) {
            if (!"Retry-After".equalsIgnoreCase(header.getKey()) || header.getValue().isEmpty()) continue;
            try {
                return Math.min(Long.parseLong(header.getValue().get(0).trim()), MAX_RETRY_AFTER_SECONDS);
            } catch (NumberFormatException aDate) {
                return 0; // an HTTP date: the API server sends seconds; the client's backoff applies
            }
        }
        return 0;
    }

    @Override
    public void afterConnectionFailure(HttpRequest request, Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof IOException) metrics.transientError(cluster, "Unreachable");
    }
}
