package dev.verity.receiver.app;

import dev.verity.receiver.RateLimiter;
import dev.verity.receiver.RepositoryHooks;
import dev.verity.receiver.RepositoryRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Optional;

/**
 * Guards {@code /hooks/*} on the event loop, before the body is read: a source over its rate is answered 429 with
 * {@code Retry-After} (per repository id of {@code /hooks/<forge>/<id>}, per client address; {@link RateLimiter}), and
 * a delivery not answered within {@code verity.receiver.request-timeout} is answered 408 and its connection closed.
 * No outbound call. Unknown repository ids get no bucket of their own (they are a 404 anyway), so a scanner cannot
 * grow the limiter.
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

    HookGuard(ReceiverConfig config, RepositoryRegistry registry, RepositoryHooks hooks, WebhookMetrics metrics) {
        this.registry = registry;
        this.hooks = hooks;
        this.metrics = metrics;
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
        long timer = context.vertx().setTimer(timeoutMillis, id -> timedOut(context, forge));
        context.addEndHandler(done -> context.vertx().cancelTimer(timer));
        context.next();
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
        context.response().setStatusCode(429)
                .putHeader("Retry-After", Long.toString(seconds))
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain;charset=UTF-8")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end("Too many deliveries from " + what + ": over " + key + ". Retry after " + seconds
                        + " s; raise the limit if this source is legitimate.\n")
                // the body is not read: close rather than leave the connection waiting for it
                .onComplete(done -> context.request().connection().close());
        return true;
    }

    private void timedOut(RoutingContext context, String forge) {
        HttpServerResponse response = context.response();
        if (response.ended() || response.closed()) return;
        metrics.timedOut(forge);
        LOG.infof("%s: delivery not answered within verity.receiver.request-timeout (%d ms); closing its connection",
                context.normalizedPath(), timeoutMillis);
        if (!response.headWritten()) {
            response.setStatusCode(408)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain;charset=UTF-8")
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end("The delivery took longer than verity.receiver.request-timeout (" + timeoutMillis
                            + " ms) to arrive and be answered.\n")
                    .onComplete(done -> context.request().connection().close());
        } else {
            context.request().connection().close();
        }
    }
}
