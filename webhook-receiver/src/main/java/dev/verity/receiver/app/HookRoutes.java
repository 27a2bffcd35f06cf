package dev.verity.receiver.app;

import dev.verity.receiver.HookRequest;
import dev.verity.receiver.RepositoryHooks;
import dev.verity.receiver.WebhookIntake;
import dev.verity.receiver.github.GithubForge;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The webhook endpoints, Vert.x routes answered as {@link HookResponder} says.
 * <ul>
 * <li>{@code POST /hooks/<forge>/<repo-id>}: one endpoint per configured repository and forge ({@code github},
 * {@code gitlab}, {@code gitea}, {@code forgejo}, {@code bitbucket}, {@code bitbucket-server}, {@code generic}).
 * The repository id names the secret, so the delivery is authenticated before its body is parsed; an unknown id or
 * forge is a bare 404.</li>
 * <li>{@code POST /hooks/github}, for all GitHub repositories at once (kept for existing setups): the repository is
 * found by the payload's URLs, so the payload is read before its signature can be checked, and an unconfigured
 * repository is a 404 saying which keys to set.</li>
 * </ul>
 * What the endpoint and headers alone decide (unknown endpoint, no authentication, a wrong GitLab token) is answered
 * by {@link HookGuard} before the body is read; these routes see the rest. Their {@code http_server_requests} metrics
 * are labelled by the route ({@code /hooks/{forge}/{repository}}), never by the requested path, so a scanner cannot
 * add label values (the guard's own answers too, by {@code quarkus.micrometer.binder.http-server.match-patterns}).
 *
 * <p>Routes rather than a JAX-RS resource: every delivery already passes {@link HookGuard}, which reads the headers
 * and collects the body, and the answer is a status and a line of text, so the REST layer's matching, parameter and
 * entity handling was a tenth of a delivery's CPU for nothing.
 *
 * <p>Threads: the event loop collects the body into one array as it arrives ({@link HookGuard}, {@link BodyCollector}:
 * held once, as {@code verity.receiver.memory-budget} reserved it; 413 past the cap), so no thread waits for the
 * network. A body of up to {@value #INLINE_BODY_BYTES} bytes (a push of a few dozen commits) is then verified, parsed
 * and handed to the Kafka producer on the event loop, which takes tens of microseconds; a larger one (HMAC and JSON
 * over up to 25 MiB) on a worker thread of the request's own Vert.x context, so that its trace span stays current.
 * The answer is written when Kafka acknowledges (202) or {@code publish-timeout} passes (503): no thread waits for
 * Kafka.
 */
@ApplicationScoped
public class HookRoutes {

    /** The largest body verified and parsed on the event loop; larger ones go to a worker thread. */
    static final int INLINE_BODY_BYTES = 64 * 1024;

    private final RepositoryHooks hooks;
    private final WebhookIntake intake;
    private final GithubForge github;
    private final HookResponder responder;
    private final HookGuard guard;

    HookRoutes(RepositoryHooks hooks, WebhookIntake intake, GithubForge github, HookResponder responder,
            HookGuard guard) {
        this.hooks = hooks;
        this.intake = intake;
        this.github = github;
        this.responder = responder;
        this.guard = guard;
    }

    void register(@Observes Router router) {
        router.post("/hooks/github").handler(this::receiveGithub);
        router.post("/hooks/:forge/:repository").handler(this::receive);
        // any other method: 405, as a forge probing the URL with GET should see (not the REST layer's HTML 404)
        router.route("/hooks/github").handler(HookRoutes::postOnly);
        router.route("/hooks/:forge/:repository").handler(HookRoutes::postOnly);
    }

    private static void postOnly(RoutingContext context) {
        HookResponder.write(context.response(), new HookResponder.Answer(405,
                "Webhook endpoints take POST; configure the forge's webhook to POST its deliveries here.\n")
                .with("Allow", "POST"));
    }

    private void receiveGithub(RoutingContext context) {
        answer(context, github.name(), request -> responder.answer(github.name(),
                request.header(GithubForge.DELIVERY_HEADER).orElse("(no delivery id)"), intake.receive(github, request)));
    }

    private void receive(RoutingContext context) {
        String forge = context.pathParam("forge");
        String repository = context.pathParam("repository");
        // metrics are labelled by forge: only known names, so a scanner cannot create label values
        String label = hooks.forge(forge).isPresent() ? forge : "unknown";
        answer(context, label, request -> responder.answer(label, HookResponder.deliveryId(request),
                hooks.receive(forge, repository, request)));
    }

    /**
     * Waits (on the event loop, holding no thread) for the body, then runs {@code work} (verify, parse, hand the
     * events to the producer) and writes its answer on the request's context once it completes.
     */
    private void answer(RoutingContext context, String forge, Function<HookRequest, CompletionStage<HookResponder.Answer>> work) {
        Context requestContext = Vertx.currentContext();
        guard.delivery(context).whenComplete((request, failure) -> {
            if (failure != null) {
                Throwable cause = unwrapped(failure);
                if (cause instanceof IOException unread) {
                    HookResponder.write(context.response(), responder.unread(forge, HookGuard.headers(context), unread));
                } else {
                    context.fail(cause);
                }
            } else if (request.bodyLength() <= INLINE_BODY_BYTES) {
                answer(context, requestContext, () -> work.apply(request));
            } else {
                requestContext.<CompletionStage<HookResponder.Answer>>executeBlocking(() -> work.apply(request), false)
                        .onSuccess(answered -> answer(context, requestContext, () -> answered))
                        .onFailure(context::fail);
            }
        });
    }

    /** Writes the answer {@code work} gives, on the request's context, once it completes; a failure is a 500. */
    private static void answer(RoutingContext context, Context requestContext,
            java.util.function.Supplier<CompletionStage<HookResponder.Answer>> work) {
        CompletionStage<HookResponder.Answer> answered;
        try {
            answered = work.get();
        } catch (RuntimeException e) {
            context.fail(e);
            return;
        }
        answered.whenComplete((answer, failure) -> {
            if (Vertx.currentContext() == requestContext) {
                settle(context, answer, failure);
            } else {
                requestContext.runOnContext(v -> settle(context, answer, failure));
            }
        });
    }

    private static void settle(RoutingContext context, HookResponder.Answer answer, Throwable failure) {
        if (failure != null) {
            context.fail(unwrapped(failure));
        } else {
            HookResponder.write(context.response(), answer);
        }
    }

    /** What failed, without the {@link CompletionException} a future wraps it in. */
    private static Throwable unwrapped(Throwable failure) {
        return failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
    }
}
