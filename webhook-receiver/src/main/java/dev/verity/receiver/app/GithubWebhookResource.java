package dev.verity.receiver.app;

import dev.verity.receiver.HookRequest;
import dev.verity.receiver.WebhookIntake;
import dev.verity.receiver.github.GithubForge;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;

/**
 * {@code POST /hooks/github}, the endpoint for all GitHub repositories at once (kept for existing setups; new hooks
 * use {@code /hooks/github/<repo-id>}): the repository is found by the payload's URLs, so the payload is read before
 * its signature can be checked. 202 once Kafka holds the event; 204 ignored (the reason in {@code X-Verity-Ignored});
 * 400 unreadable payload; 401 missing or wrong signature; 404 repository not configured (the body says which keys to
 * set); 413 body over {@code quarkus.http.limits.max-body-size}; 503 Kafka did not acknowledge in time.
 */
@Path("/hooks/github")
public class GithubWebhookResource {

    private final WebhookIntake intake;
    private final GithubForge github;
    private final HookResponder responder;

    GithubWebhookResource(WebhookIntake intake, GithubForge github, HookResponder responder) {
        this.intake = intake;
        this.github = github;
        this.responder = responder;
    }

    @POST
    public Response receive(@Context HttpHeaders headers, byte[] body) {
        HookRequest request = HookResponder.request(headers, body);
        String delivery = request.header(GithubForge.DELIVERY_HEADER).orElse("(no delivery id)");
        return responder.answer(github.name(), delivery, intake.receive(github, request));
    }
}
