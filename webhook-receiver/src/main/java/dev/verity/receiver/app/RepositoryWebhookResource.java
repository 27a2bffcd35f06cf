package dev.verity.receiver.app;

import dev.verity.receiver.HookRequest;
import dev.verity.receiver.RepositoryHooks;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Optional;

/**
 * {@code POST /hooks/<forge>/<repo-id>}: one endpoint per configured repository and forge ({@code github},
 * {@code gitlab}, {@code gitea}, {@code forgejo}, {@code bitbucket}, {@code bitbucket-server}, {@code generic}).
 * The repository id names the secret, so the delivery is authenticated before its body is parsed; an unknown id or
 * forge is a bare 404. Answers as {@link HookResponder} says.
 */
@Path("/hooks/{forge}/{repository}")
public class RepositoryWebhookResource {

    /** Delivery id headers of every forge, for log lines. */
    private static final List<String> DELIVERY_HEADERS = List.of("X-GitHub-Delivery", "Idempotency-Key",
            "X-Gitlab-Event-UUID", "X-Forgejo-Delivery", "X-Gitea-Delivery", "X-Request-UUID", "X-Request-Id",
            "X-Verity-Delivery");

    private final RepositoryHooks hooks;
    private final HookResponder responder;

    RepositoryWebhookResource(RepositoryHooks hooks, HookResponder responder) {
        this.hooks = hooks;
        this.responder = responder;
    }

    @POST
    public Response receive(@PathParam("forge") String forge, @PathParam("repository") String repository,
            @Context HttpHeaders headers, byte[] body) {
        HookRequest request = HookResponder.request(headers, body);
        String delivery = DELIVERY_HEADERS.stream().map(request::header).flatMap(Optional::stream).findFirst()
                .orElse("(no delivery id)");
        // metrics are labelled by forge: only known names, so a scanner cannot create label values
        String label = hooks.forge(forge).isPresent() ? forge : "unknown";
        return responder.answer(label, delivery, hooks.receive(forge, repository, request));
    }
}
