package dev.verity.notifier;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * {@code GET /verity/leadership}: whether this notifier process leads ({@code leader}) and reads events and alerts
 * ({@code alerting}: elected, its incidents rebuilt from {@code verity.incidents}).
 */
@Path("/verity/leadership")
public class LeadershipResource {

    @Inject
    NotifierLeadership leadership;

    @Inject
    IncidentLoop loop;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> get() {
        return Map.of("leader", leadership.isLeader(), "member", leadership.member(), "alerting", loop.alerting());
    }
}
