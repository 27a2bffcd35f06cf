package dev.verity.service;

import dev.verity.events.EventIntake;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * {@code GET /verity/events/skipped}: how many records of each event type this service skipped because it does not
 * know the type (the same counts as {@code verity_events_skipped_total{type=...}} at {@code /q/metrics}); an empty
 * object when it skipped none.
 */
@Path("/verity/events/skipped")
public class SkippedEventsResource {

    @Inject
    EventIntake intake;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Long> skipped() {
        return intake.skippedByType();
    }
}
