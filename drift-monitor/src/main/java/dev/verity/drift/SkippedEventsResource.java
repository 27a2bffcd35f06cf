package dev.verity.drift;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * {@code GET /verity/events/skipped}: how many records of each event type this drift monitor skipped because it does
 * not know the type (the same counts as {@code verity_events_skipped_total{type=...}} at {@code /q/metrics}).
 */
@Path("/verity/events/skipped")
public class SkippedEventsResource {

    @Inject
    DriftInputs consumer;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Map<String, Long> skipped() {
        return consumer.intake().skippedByType();
    }
}
