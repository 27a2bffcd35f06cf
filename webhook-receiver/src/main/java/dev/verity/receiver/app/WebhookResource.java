package dev.verity.receiver.app;

import dev.verity.receiver.HookRequest;
import dev.verity.receiver.RepositoryHooks;
import dev.verity.receiver.WebhookIntake;
import dev.verity.receiver.github.GithubForge;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

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
 * <p>Threads: the event loop collects the body into one array as it arrives ({@link HookGuard}, {@link BodyCollector}:
 * held once, as {@code verity.receiver.memory-budget} reserved it; 413 past the cap); only then does a worker thread
 * verify and parse it (HMAC over up to 25 MiB, JSON), so no thread waits for the network; the
 * worker is released as soon as the events are handed to the Kafka producer. The answer is written when Kafka
 * acknowledges (202) or {@code publish-timeout} passes (503): no thread waits for Kafka either.
 */
@Path("/hooks")
public class WebhookResource {

    private final RepositoryHooks hooks;
    private final WebhookIntake intake;
    private final GithubForge github;
    private final HookResponder responder;
    private final HookGuard guard;

    WebhookResource(RepositoryHooks hooks, WebhookIntake intake, GithubForge github, HookResponder responder,
            HookGuard guard) {
        this.hooks = hooks;
        this.intake = intake;
        this.github = github;
        this.responder = responder;
        this.guard = guard;
    }

    @POST
    @Path("github")
    public CompletionStage<Response> receiveGithub(@Context RoutingContext context) {
        return answer(context, github.name(), request -> responder.answer(github.name(),
                request.header(GithubForge.DELIVERY_HEADER).orElse("(no delivery id)"), intake.receive(github, request)));
    }

    @POST
    @Path("{forge}/{repository}")
    public CompletionStage<Response> receive(@PathParam("forge") String forge, @PathParam("repository") String repository,
            @Context RoutingContext context) {
        // metrics are labelled by forge: only known names, so a scanner cannot create label values
        String label = hooks.forge(forge).isPresent() ? forge : "unknown";
        return answer(context, label, request -> responder.answer(label, HookResponder.deliveryId(request),
                hooks.receive(forge, repository, request)));
    }

    /**
     * Waits (on the event loop, holding no thread) for the body, then verifies, parses and hands the events to the
     * producer on a worker thread of the request's own Vert.x context (so its trace span is current there), and
     * answers once {@code work}'s answer completes.
     */
    private CompletionStage<Response> answer(RoutingContext context, String forge,
            Function<HookRequest, CompletionStage<Response>> work) {
        io.vertx.core.Context requestContext = Vertx.currentContext();
        return guard.delivery(context)
                .thenCompose(request -> requestContext.<CompletionStage<Response>>executeBlocking(
                        () -> work.apply(request), false).toCompletionStage())
                .thenCompose(answered -> answered)
                .exceptionally(failure -> {
                    Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
                    if (cause instanceof IOException unread) return responder.unread(forge, HookGuard.headers(context), unread);
                    throw failure instanceof CompletionException c ? c : new CompletionException(failure);
                });
    }
}
