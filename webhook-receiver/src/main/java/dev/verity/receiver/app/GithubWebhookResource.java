package dev.verity.receiver.app;

import dev.verity.receiver.HookOutcome;
import dev.verity.receiver.HookRequest;
import dev.verity.receiver.WebhookIntake;
import dev.verity.receiver.github.GithubForge;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.util.HashMap;
import java.util.Map;

/**
 * {@code POST /hooks/github}: 202 once Kafka holds the {@code CommitPushed}; 204 for deliveries Verity ignores
 * (the reason in the {@code X-Verity-Ignored} header); 400 unreadable payload; 401 missing or wrong signature;
 * 404 repository not configured; 413 body over {@code quarkus.http.limits.max-body-size}; 503 Kafka did not
 * acknowledge in time. Every refusal has a plain-text body saying what to fix.
 */
@Path("/hooks/github")
public class GithubWebhookResource {

    static final String IGNORED_HEADER = "X-Verity-Ignored";
    private static final Logger LOG = Logger.getLogger(GithubWebhookResource.class);

    private final WebhookIntake intake;
    private final GithubForge github;
    private final CommitPublisher publisher;
    private final ReceiverConfig config;
    private final WebhookMetrics metrics;

    GithubWebhookResource(WebhookIntake intake, GithubForge github, CommitPublisher publisher, ReceiverConfig config,
            WebhookMetrics metrics) {
        this.intake = intake;
        this.github = github;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
    }

    @POST
    public Response receive(@Context HttpHeaders headers, byte[] body) {
        Map<String, String> single = new HashMap<>();
        headers.getRequestHeaders().forEach((name, values) -> {
            if (!values.isEmpty()) single.put(name, values.get(0));
        });
        HookRequest request = new HookRequest(single, body);
        String delivery = request.header(GithubForge.DELIVERY_HEADER).orElse("(no delivery id)");
        HookOutcome outcome = intake.receive(github, request);
        if (outcome instanceof HookOutcome.Publish publish) {
            CommitPublisher.Result result = publisher.publish(publish.event());
            if (result instanceof CommitPublisher.Result.Acknowledged ack) {
                metrics.published(github.name());
                return text(Response.Status.ACCEPTED,
                        "published " + publish.event().getClass().getSimpleName() + " " + ack.eventId() + " for " + publish.event().describe() + "\n").build();
            }
            metrics.unpublished(github.name());
            return text(Response.Status.SERVICE_UNAVAILABLE, ((CommitPublisher.Result.NotAcknowledged) result).problem()
                    + ". Redeliver the webhook once Kafka is reachable.\n")
                    .header("Retry-After", config.retryAfterSeconds()).build();
        }
        if (outcome instanceof HookOutcome.Ignored ignored) {
            LOG.debugf("delivery %s ignored: %s", delivery, ignored.reason());
            metrics.ignored(github.name());
            return Response.noContent().header(IGNORED_HEADER, headerSafe(ignored.reason())).build();
        }
        HookOutcome.Rejected rejected = (HookOutcome.Rejected) outcome;
        LOG.infof("delivery %s refused (%s): %s", delivery, rejected.reason(), rejected.message());
        metrics.rejected(github.name(), rejected.reason());
        return text(status(rejected.reason()), rejected.message() + "\n").build();
    }

    private static Response.Status status(HookOutcome.Reason reason) {
        return switch (reason) {
            case UNSIGNED, BAD_SIGNATURE -> Response.Status.UNAUTHORIZED;
            case UNKNOWN_REPOSITORY -> Response.Status.NOT_FOUND;
            case INVALID -> Response.Status.BAD_REQUEST;
        };
    }

    private static Response.ResponseBuilder text(Response.Status status, String body) {
        return Response.status(status).type(MediaType.TEXT_PLAIN_TYPE.withCharset("UTF-8")).entity(body);
    }

    /** Header values are printable ASCII: anything else from a payload (a branch name) becomes '?'. */
    private static String headerSafe(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        value.chars().forEach(c -> sb.append(c >= 0x20 && c < 0x7f ? (char) c : '?'));
        return sb.toString();
    }
}
