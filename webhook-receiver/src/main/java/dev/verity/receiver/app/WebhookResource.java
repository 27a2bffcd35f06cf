package dev.verity.receiver.app;

import dev.verity.receiver.HookRequest;
import dev.verity.receiver.RepositoryHooks;
import dev.verity.receiver.WebhookIntake;
import dev.verity.receiver.github.GithubForge;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The webhook endpoints; both answer as {@link HookResponder} says.
 * <ul>
 * <li>{@code POST /hooks/<forge>/<repo-id>}: one endpoint per configured repository and forge ({@code github},
 * {@code gitlab}, {@code gitea}, {@code forgejo}, {@code bitbucket}, {@code bitbucket-server}, {@code generic}).
 * The repository id names the secret, so the delivery is authenticated before its body is parsed; an unknown id or
 * forge is a bare 404.</li>
 * <li>{@code POST /hooks/github}, for all GitHub repositories at once (kept for existing setups): the repository is
 * found by the payload's URLs, so the payload is read before its signature can be checked, and an unconfigured
 * repository is a 404 saying which keys to set.</li>
 * </ul>
 * One class, so that JAX-RS matches {@code /hooks/github/<repo-id>} to the per-repository method.
 *
 * <p>What the endpoint and headers alone decide (unknown endpoint, no authentication, a wrong GitLab token) is
 * answered by {@link HookGuard} before the body is read; these methods see the rest.
 *
 * <p>Threads: the event loop receives the body; a worker thread ({@link Blocking}) reads it into one array
 * ({@link BodyReader}: held once, as {@code verity.receiver.memory-budget} reserved it), verifies and parses it (HMAC
 * over up to 25 MiB, JSON); the worker is released as soon as the events are handed to the Kafka producer. The
 * answer is written when Kafka acknowledges (202) or {@code publish-timeout} passes (503): no thread waits for Kafka.
 */
@Path("/hooks")
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);

    /** Delivery id headers of every forge, for log lines. */
    static final List<String> DELIVERY_HEADERS = List.of("X-GitHub-Delivery", "Idempotency-Key",
            "X-Gitlab-Event-UUID", "X-Forgejo-Delivery", "X-Gitea-Delivery", "X-Request-UUID", "X-Request-Id",
            "X-Verity-Delivery");

    private final RepositoryHooks hooks;
    private final WebhookIntake intake;
    private final GithubForge github;
    private final HookResponder responder;
    private final long maxBodyBytes;

    WebhookResource(RepositoryHooks hooks, WebhookIntake intake, GithubForge github, HookResponder responder,
            ReceiverConfig config) {
        this.maxBodyBytes = new MemorySizeConverter().convert(config.maxBodySize()).asLongValue();
        this.hooks = hooks;
        this.intake = intake;
        this.github = github;
        this.responder = responder;
    }

    @POST
    @Path("github")
    @Blocking
    public Uni<Response> receiveGithub(@Context HttpHeaders headers, InputStream body) {
        byte[] bytes;
        try {
            bytes = read(headers, body);
        } catch (IOException e) {
            return Uni.createFrom().item(unread(github.name(), headers, e));
        }
        HookRequest request = HookResponder.request(headers, bytes);
        String delivery = request.header(GithubForge.DELIVERY_HEADER).orElse("(no delivery id)");
        return responder.answer(github.name(), delivery, intake.receive(github, request));
    }

    @POST
    @Path("{forge}/{repository}")
    @Blocking
    public Uni<Response> receive(@PathParam("forge") String forge, @PathParam("repository") String repository,
            @Context HttpHeaders headers, InputStream body) {
        // metrics are labelled by forge: only known names, so a scanner cannot create label values
        String label = hooks.forge(forge).isPresent() ? forge : "unknown";
        byte[] bytes;
        try {
            bytes = read(headers, body);
        } catch (IOException e) {
            return Uni.createFrom().item(unread(label, headers, e));
        }
        HookRequest request = HookResponder.request(headers, bytes);
        String delivery = DELIVERY_HEADERS.stream().map(request::header).flatMap(Optional::stream).findFirst()
                .orElse("(no delivery id)");
        return responder.answer(label, delivery, hooks.receive(forge, repository, request));
    }

    /** The body, held once ({@link BodyReader}): what {@code verity.receiver.memory-budget} reserved for it. */
    private byte[] read(HttpHeaders headers, InputStream body) throws IOException {
        return BodyReader.read(body, headers.getHeaderString(HttpHeaders.CONTENT_LENGTH), maxBodyBytes);
    }

    /** 413 for a body over the cap (chunked, or longer than declared), 400 for one cut short. */
    private Response unread(String forge, HttpHeaders headers, IOException e) {
        String delivery = DELIVERY_HEADERS.stream().map(headers::getHeaderString).filter(java.util.Objects::nonNull)
                .findFirst().orElse("(no delivery id)");
        boolean tooLarge = e instanceof BodyReader.TooLarge;
        LOG.infof("%s delivery %s: body not read: %s", forge, delivery, e.getMessage());
        return Response.status(tooLarge ? Response.Status.REQUEST_ENTITY_TOO_LARGE : Response.Status.BAD_REQUEST)
                .type("text/plain;charset=UTF-8")
                .entity((tooLarge ? "The body is larger than verity.receiver.max-body-size (" + maxBodyBytes
                        + " bytes): " : "The body could not be read: ") + e.getMessage() + ".\n")
                .build();
    }
}
