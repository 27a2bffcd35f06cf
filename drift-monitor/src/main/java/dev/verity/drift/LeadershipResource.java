package dev.verity.drift;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * {@code GET /verity/leadership}: whether this drift-monitor process is its cluster's active one ({@code leader}),
 * and whether it compares and publishes yet ({@code comparing}: elected and its state rebuilt).
 */
@Path("/verity/leadership")
public class LeadershipResource {

    @Inject
    DriftLeadership leadership;

    @Inject
    DriftService service;

    @Inject
    DriftConfig config;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> get() {
        return Map.of("cluster", config.cluster(), "leader", leadership.isLeader(), "member", leadership.member(),
                "comparing", service.tracker() != null && service.tracker().isReady());
    }
}
