package dev.verity.receiver.app;

import dev.verity.receiver.HookOutcome;
import dev.verity.receiver.HookRequest;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Turns a delivery's {@link HookOutcome} into the forge's answer, publishing first when there is something to
 * publish: 202 once Kafka acknowledged every event; 204 ignored (reason in {@code X-Verity-Ignored}); 400 unreadable;
 * 401 not authentic or expired; 404 unknown repository (no body on a per-repository endpoint); 415 a form the
 * endpoint does not read; 503 with {@code Retry-After} when Kafka did not acknowledge. {@link #write} writes an
 * {@link Answer} on the delivery's response.
 */
@ApplicationScoped
public class HookResponder {

    static final String IGNORED_HEADER = "X-Verity-Ignored";
    private static final Logger LOG = Logger.getLogger(HookResponder.class);

    private final CommitPublisher publisher;
    private final ReceiverConfig config;
    private final WebhookMetrics metrics;

    HookResponder(CommitPublisher publisher, ReceiverConfig config, WebhookMetrics metrics) {
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
    }

    /** Delivery id headers of every forge, for log lines, in the order they are looked for. */
    static final List<String> DELIVERY_HEADERS = List.of("X-GitHub-Delivery", "Idempotency-Key",
            "X-Gitlab-Event-UUID", "X-Forgejo-Delivery", "X-Gitea-Delivery", "X-Request-UUID", "X-Request-Id",
            "X-Verity-Delivery");

    /** The delivery's id, from the first of {@link #DELIVERY_HEADERS} it carries, for log lines and answers. */
    static String deliveryId(HookRequest request) {
        for (String header : DELIVERY_HEADERS) {
            Optional<String> id = request.header(header);
            if (id.isPresent()) return id.get();
        }
        return "(no delivery id)";
    }

    /** An answer to a delivery: its status, its plain-text body (null: none) and further headers. */
    record Answer(int status, String text, Map<String, String> headers) {
        Answer {
            headers = Map.copyOf(headers);
        }

        Answer(int status, String text) {
            this(status, text, Map.of());
        }

        /** This answer with one more header. */
        Answer with(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Answer(status, text, more);
        }
    }

    /** Writes {@code answer}, unless the response was already ended or closed (a delivery answered 408 meanwhile). */
    static Future<Void> write(HttpServerResponse response, Answer answer) {
        if (response.ended() || response.closed()) return Future.succeededFuture();
        response.setStatusCode(answer.status());
        answer.headers().forEach(response::putHeader);
        if (answer.text() == null) return response.end();
        return response.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain;charset=UTF-8").end(answer.text());
    }

    /**
     * Writes {@code answer} saying the connection closes, and closes it once the answer is sent: for answers given
     * before the body was read (a kept-alive connection would wait for the rest of it).
     */
    static void writeAndClose(RoutingContext context, Answer answer) {
        write(context.response(), answer.with(HttpHeaders.CONNECTION.toString(), "close"))
                .onComplete(done -> context.request().connection().close());
    }

    /**
     * The answer to a delivery. A delivery that publishes completes once Kafka acknowledged (or did not, within
     * {@code publish-timeout}); every other answer is ready at once. No thread waits for Kafka meanwhile.
     */
    CompletionStage<Answer> answer(String forge, String delivery, HookOutcome outcome) {
        if (outcome instanceof HookOutcome.Publish publish) {
            return publisher.publishAll(publish.events()).thenApply(result -> published(forge, publish, result));
        }
        return CompletableFuture.completedFuture(settled(forge, delivery, outcome));
    }

    private Answer published(String forge, HookOutcome.Publish publish, CommitPublisher.Result result) {
        if (result instanceof CommitPublisher.Result.Acknowledged ack) {
            metrics.published(forge);
            String what = publish.events().stream()
                    .map(e -> e.getClass().getSimpleName() + " for " + e.describe())
                    .collect(Collectors.joining(", "));
            return new Answer(202, "published " + what + " (" + ack.eventId() + ")\n");
        }
        metrics.unpublished(forge);
        return new Answer(503, ((CommitPublisher.Result.NotAcknowledged) result).problem()
                + ". Redeliver the webhook once Kafka is reachable.\n")
                .with("Retry-After", Integer.toString(config.retryAfterSeconds()));
    }

    private Answer settled(String forge, String delivery, HookOutcome outcome) {
        if (outcome instanceof HookOutcome.Ignored ignored) {
            LOG.debugf("%s delivery %s ignored: %s", forge, delivery, ignored.reason());
            metrics.ignored(forge);
            return new Answer(204, null, Map.of(IGNORED_HEADER, headerSafe(ignored.reason())));
        }
        return refusal(forge, delivery, (HookOutcome.Rejected) outcome);
    }

    /** 413 for a body over {@code verity.receiver.max-body-size}, 400 for one that could not be read. */
    Answer unread(String forge, HookRequest headers, java.io.IOException e) {
        boolean tooLarge = e instanceof BodyCollector.TooLarge;
        LOG.infof("%s delivery %s: body not read: %s", forge, deliveryId(headers), e.getMessage());
        return new Answer(tooLarge ? 413 : 400,
                (tooLarge ? "The body is larger than verity.receiver.max-body-size (" + config.maxBodyBytes()
                        + " bytes): " : "The body could not be read: ") + e.getMessage() + ".\n");
    }

    /**
     * The answer to a refused delivery (no body for an unknown endpoint), counted and logged; also for a refusal made
     * before the body is read.
     */
    Answer refusal(String forge, String delivery, HookOutcome.Rejected rejected) {
        metrics.rejected(forge, rejected.reason());
        if (rejected.reason() == HookOutcome.Reason.NO_SUCH_ENDPOINT) {
            LOG.debugf("%s delivery %s to an unknown endpoint", forge, delivery);
            return new Answer(404, null);
        }
        LOG.infof("%s delivery %s refused (%s): %s", forge, delivery, rejected.reason(), rejected.message());
        return new Answer(status(rejected.reason()), rejected.message() + "\n");
    }

    private static int status(HookOutcome.Reason reason) {
        return switch (reason) {
            case UNSIGNED, BAD_SIGNATURE, EXPIRED -> 401;
            case UNKNOWN_REPOSITORY, NO_SUCH_ENDPOINT -> 404;
            case INVALID -> 400;
            case UNSUPPORTED_MEDIA_TYPE -> 415;
        };
    }

    /** Header values are printable ASCII: anything else from a payload (a branch name) becomes '?'. */
    private static String headerSafe(String value) {
        StringBuilder sb = new StringBuilder(Math.min(value.length(), 1000));
        value.chars().limit(1000).forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return sb.toString();
    }
}
