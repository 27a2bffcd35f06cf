package dev.verity.receiver.app;

import dev.verity.receiver.HookOutcome;
import dev.verity.receiver.HookRequest;
import dev.verity.receiver.RateLimiter;
import dev.verity.receiver.RepositoryHooks;
import dev.verity.receiver.RepositoryRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Guards {@code /hooks/*} on the event loop, before the body is read: a source over its rate is answered 429 with
 * {@code Retry-After} (per repository id of {@code /hooks/<forge>/<id>}, per client address; {@link RateLimiter}), and
 * a delivery not answered within {@code verity.receiver.request-timeout} is answered 408 and its connection closed.
 * What the endpoint and headers alone decide ({@link RepositoryHooks#refuseBeforeBody}: unknown endpoint, no
 * authentication, a wrong GitLab token) is answered at once, as {@link HookResponder} would answer it, and so is a
 * {@code Content-Length} over {@code verity.receiver.max-body-size} (413); the body the sender still sends is read and
 * dropped (within the request time limit), never buffered — dropped rather than left unread, so that the sender gets
 * the answer and not a reset connection. A sender waiting for {@code 100 Continue} gets it only once its delivery is
 * let through; after a refusal it sends no body and its connection is closed. No outbound call.
 * Unknown repository ids get no bucket of their own (they are a 404 anyway), so a scanner cannot
 * grow the limiter. A delivery it lets through has its body collected on the event loop as it arrives
 * ({@link #delivery}), within the memory budget reserved here, before the endpoint hands it to a worker.
 */
@ApplicationScoped
public class HookGuard {

    private static final Logger LOG = Logger.getLogger(HookGuard.class);
    private static final String PREFIX = "/hooks/";

    private final RepositoryRegistry registry;
    private final RepositoryHooks hooks;
    private final WebhookMetrics metrics;
    private final long timeoutMillis;
    private final RateLimiter perRepository;
    private final RateLimiter perClient;
    private final HookResponder responder;
    private final long maxBodyBytes;
    private final long budgetBytes;
    private final AtomicLong reserved = new AtomicLong();
    private final int retryAfterSeconds;

    HookGuard(ReceiverConfig config, RepositoryRegistry registry, RepositoryHooks hooks, WebhookMetrics metrics,
            HookResponder responder) {
        this.registry = registry;
        this.hooks = hooks;
        this.metrics = metrics;
        this.responder = responder;
        this.maxBodyBytes = config.maxBodyBytes();
        this.budgetBytes = config.memoryBudgetBytes();
        if (budgetBytes < maxBodyBytes) {
            throw new IllegalArgumentException("verity.receiver.memory-budget (" + config.memoryBudget()
                    + ") must be at least verity.receiver.max-body-size (" + config.maxBodySize()
                    + "), or no delivery of the largest size is ever accepted: raise the one or lower the other");
        }
        this.retryAfterSeconds = config.retryAfterSeconds();
        if (config.requestTimeout().compareTo(config.publishTimeout()) <= 0) {
            throw new IllegalArgumentException("verity.receiver.request-timeout (" + config.requestTimeout()
                    + ") must be longer than verity.receiver.publish-timeout (" + config.publishTimeout()
                    + "), so that a delivery waiting for Kafka is answered 503: raise the one or lower the other");
        }
        this.timeoutMillis = config.requestTimeout().toMillis();
        ReceiverConfig.RateLimit limits = config.rateLimit();
        if (limits.enabled()) {
            this.perRepository = new RateLimiter(limit(limits.perRepositoryRate(), limits.perRepositoryBurst(),
                    "per-repository"), Math.max(1, registry.repositories().size()), System::nanoTime);
            this.perClient = new RateLimiter(limit(limits.perClientRate(), limits.perClientBurst(), "per-client"),
                    limits.maxClients(), System::nanoTime);
        } else {
            this.perRepository = null;
            this.perClient = null;
        }
    }

    private static RateLimiter.Limit limit(double rate, int burst, String name) {
        try {
            return new RateLimiter.Limit(rate, burst);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("verity.receiver.rate-limit." + name + "-rate and -burst: " + e.getMessage()
                    + "; set verity.receiver.rate-limit.enabled=false to turn limits off", e);
        }
    }

    void register(@Observes Filters filters) {
        filters.register(this::guard, 100);
    }

    void guard(RoutingContext context) {
        String path = context.normalizedPath();
        if (path == null || !path.startsWith(PREFIX)) {
            context.next();
            return;
        }
        String[] segments = path.substring(PREFIX.length()).split("/", -1);
        String forge = hooks.forge(segments[0]).isPresent() ? segments[0] : "unknown";
        if (perClient != null && refusedForRate(context, forge, segments)) return;
        if (context.request().method() != HttpMethod.POST) {
            context.next();
            return;
        }
        HookRequest headers = new HookRequest(firstValues(context.request()), null);
        if (segments.length == 2) {
            Optional<HookOutcome.Rejected> refused = hooks.refuseBeforeBody(segments[0], segments[1], headers);
            if (refused.isPresent()) {
                answerBeforeBody(context, responder.refusal(forge, HookResponder.deliveryId(headers), refused.get()),
                        maxBodyBytes);
                return;
            }
        }
        long declared = BodyCollector.declaredLength(context.request().getHeader(HttpHeaders.CONTENT_LENGTH));
        if (declared > maxBodyBytes) {
            // answered here, not by the HTTP layer's own body limit: that one closes the connection at once, and a
            // sender still writing the body can then get a reset instead of the 413
            answerBeforeBody(context, responder.unread(forge, headers, new BodyCollector.TooLarge("its Content-Length "
                    + declared + " is over the cap of " + maxBodyBytes + " bytes")), declared);
            return;
        }
        if (!reserve(context, forge, declared < 0 ? maxBodyBytes : declared)) return;
        long timer = context.vertx().setTimer(timeoutMillis, id -> timedOut(context, forge));
        context.addEndHandler(done -> context.vertx().cancelTimer(timer));
        context.put(HEADERS, headers);
        // a sender that asked whether to send its body (Expect: 100-continue) is told to, now that it is wanted
        if (expectsContinue(context.request())) context.response().writeContinue();
        context.next();
    }

    /**
     * Whether the sender waits for a {@code 100 Continue} before it sends its body (RFC 9110, 10.1.1): curl does for
     * large bodies, Java's and .NET's clients when asked to. The HTTP layer does not answer it on its own (it would
     * invite every body before the guard looked at the headers).
     */
    static boolean expectsContinue(HttpServerRequest request) {
        return request.version() != io.vertx.core.http.HttpVersion.HTTP_1_0
                && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT));
    }

    /**
     * Sends an answer given before the body was read. A sender that waits for {@code 100 Continue} sends no body
     * after a final answer, so its connection is closed once the answer is out (the body it announced never comes).
     * Any other sender is already writing the body: it is read and dropped, up to {@code dropLimit} bytes within the
     * request time limit, so that the sender reads the answer instead of a reset connection (what a server closing
     * on a sender mid-body causes).
     */
    private void answerBeforeBody(RoutingContext context, HookResponder.Answer answer, long dropLimit) {
        if (expectsContinue(context.request())) {
            HookResponder.writeAndClose(context, answer);
            return;
        }
        dropBody(context, dropLimit);
        HookResponder.write(context.response(), answer);
    }

    private static final String HEADERS = HookGuard.class.getName() + ".headers";

    /**
     * The delivery the guard let through, once its body has arrived: collected on the event loop as it arrives
     * ({@link BodyCollector}), so no thread waits for the network. Fails with {@link BodyCollector.TooLarge} as soon
     * as the body passes the cap (what is left of it is then dropped, as for any refusal), with another
     * {@link IOException} when it cannot be read; a sender that goes away mid-body gets no answer.
     *
     * @throws IllegalStateException when the request did not pass the guard (a route outside {@code /hooks/*})
     */
    CompletableFuture<HookRequest> delivery(RoutingContext context) {
        HookRequest headers = context.get(HEADERS);
        if (headers == null) throw new IllegalStateException(context.normalizedPath() + " did not pass HookGuard");
        HttpServerRequest request = context.request();
        CompletableFuture<HookRequest> delivered = new CompletableFuture<>();
        BodyCollector body;
        try {
            body = new BodyCollector(request.getHeader(HttpHeaders.CONTENT_LENGTH), maxBodyBytes);
        } catch (BodyCollector.TooLarge e) {
            dropBody(context, maxBodyBytes);
            delivered.completeExceptionally(e);
            return delivered;
        }
        if (request.isEnded()) {
            delivered.complete(headers.withBody(new byte[0]));
            return delivered;
        }
        boolean[] settled = {false};
        request.handler(chunk -> {
            if (settled[0]) return;
            try {
                body.append(chunk.getByteBuf().nioBuffer()); // a view: the chunk is copied once, into the body
            } catch (BodyCollector.TooLarge e) {
                settled[0] = true;
                dropBody(context, maxBodyBytes);
                delivered.completeExceptionally(e);
            }
        });
        request.exceptionHandler(failed -> {
            if (settled[0]) return;
            settled[0] = true;
            delivered.completeExceptionally(failed instanceof IOException io ? io : new IOException(failed.getMessage(), failed));
        });
        request.endHandler(done -> {
            if (settled[0]) return;
            settled[0] = true;
            try {
                delivered.complete(headers.withBody(body.body()));
            } catch (IOException e) {
                delivered.completeExceptionally(e);
            }
        });
        request.resume();
        return delivered;
    }

    /** The delivery's headers (its body not read yet), for answers about a body that could not be read. */
    static HookRequest headers(RoutingContext context) {
        HookRequest headers = context.get(HEADERS);
        return headers == null ? new HookRequest(Map.of(), null) : headers;
    }

    /**
     * Reserves {@code size} bytes (the delivery's {@code Content-Length}, or the cap when it sends none) against
     * {@code verity.receiver.memory-budget} until its answer is sent (or its connection closes); false, with a 503
     * sent, when the budget has no room.
     */
    private boolean reserve(RoutingContext context, String forge, long size) {
        long now = reserved.addAndGet(size);
        if (now > budgetBytes) {
            reserved.addAndGet(-size);
            metrics.overBudget(forge);
            LOG.infof("%s: delivery of %d bytes refused, %d bytes of bodies already held (verity.receiver.memory-budget"
                    + " %d)", context.normalizedPath(), size, now - size, budgetBytes);
            answerBeforeBody(context, new HookResponder.Answer(503, "The receiver holds as many delivery bodies as"
                    + " verity.receiver.memory-budget allows. Redeliver the webhook after " + retryAfterSeconds
                    + " s.\n").with("Retry-After", Integer.toString(retryAfterSeconds)), size);
            return false;
        }
        boolean[] released = {false};
        context.addEndHandler(done -> {
            if (!released[0]) {
                released[0] = true;
                reserved.addAndGet(-size);
            }
        });
        return true;
    }

    /** Each header's first value (what forges send once). */
    private static Map<String, String> firstValues(HttpServerRequest request) {
        Map<String, String> first = new HashMap<>();
        request.headers().forEach(h -> first.putIfAbsent(h.getKey(), h.getValue()));
        return first;
    }

    /**
     * Reads what is left of the body and drops it, never buffering it: up to {@code limit} bytes, within the request
     * time limit (past either, the connection is closed), so that a sender still writing it gets the answer.
     */
    private void dropBody(RoutingContext context, long limit) {
        HttpServerRequest request = context.request();
        if (request.isEnded()) return;
        long[] dropped = {0};
        long timer = context.vertx().setTimer(timeoutMillis, id -> request.connection().close());
        request.handler(chunk -> {
            dropped[0] += chunk.length();
            if (dropped[0] > limit) request.connection().close();
        });
        request.endHandler(done -> context.vertx().cancelTimer(timer));
        request.exceptionHandler(failed -> context.vertx().cancelTimer(timer));
        request.resume();
    }

    private boolean refusedForRate(RoutingContext context, String forge, String[] segments) {
        SocketAddress peer = context.request().remoteAddress();
        String client = peer == null ? "unknown" : peer.hostAddress() != null ? peer.hostAddress() : peer.host();
        Optional<Duration> wait = perClient.acquire(client);
        String what = "client " + client;
        String key = "verity.receiver.rate-limit.per-client-rate/-burst (" + perClient.limit() + ")";
        if (wait.isEmpty() && segments.length == 2 && registry.byId(segments[1]).isPresent()) {
            wait = perRepository.acquire(segments[1]);
            what = "repository " + segments[1];
            key = "verity.receiver.rate-limit.per-repository-rate/-burst (" + perRepository.limit() + ")";
        }
        if (wait.isEmpty()) return false;
        long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
        metrics.rateLimited(forge);
        LOG.debugf("%s: delivery from %s refused, over %s", context.normalizedPath(), what, key);
        // the body is not read: close rather than leave the connection waiting for it
        HookResponder.writeAndClose(context, new HookResponder.Answer(429, "Too many deliveries from " + what + ": over "
                + key + ". Retry after " + seconds + " s; raise the limit if this source is legitimate.\n")
                .with("Retry-After", Long.toString(seconds)));
        return true;
    }

    private void timedOut(RoutingContext context, String forge) {
        HttpServerResponse response = context.response();
        if (response.ended() || response.closed()) return;
        metrics.timedOut(forge);
        LOG.infof("%s: delivery not answered within verity.receiver.request-timeout (%d ms); closing its connection",
                context.normalizedPath(), timeoutMillis);
        if (!response.headWritten()) {
            HookResponder.writeAndClose(context, new HookResponder.Answer(408, "The delivery took longer than"
                    + " verity.receiver.request-timeout (" + timeoutMillis + " ms) to arrive and be answered.\n"));
        } else {
            context.request().connection().close();
        }
    }
}
