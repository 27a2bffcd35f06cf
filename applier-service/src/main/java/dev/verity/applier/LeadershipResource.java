package dev.verity.applier;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** {@code GET /verity/leadership}: whether this applier process is its cluster's active applier. */
@Path("/verity/leadership")
public class LeadershipResource {

    @Inject
    ApplierLeadership leadership;

    @Inject
    ApplierConfig config;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Object> get() {
        return Map.of("cluster", config.cluster(), "leader", leadership.isLeader(), "member", leadership.member());
    }
}
