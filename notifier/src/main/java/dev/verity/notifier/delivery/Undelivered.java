package dev.verity.notifier.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.notifier.alert.Alert;

import java.time.Instant;

/**
 * An alert that could not be delivered to one destination after retries (or at once, for a failure that retrying
 * cannot cure); published on {@code verity.undelivered} so that nobody loses it silently. Names the alert (with its
 * summary and details, so a grouped announcement still lists its incidents), its target (or repository), the channel
 * and destination, and the reason (also as {@code error}); never the destination's secrets (a webhook's path, a
 * token).
 */
public record Undelivered(Alert alert, String destination, String channel, String destinationDescription, int attempts,
        String error, Instant time) {

    /** The JSON published to {@code verity.undelivered}. */
    public String toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("destination", destination);
        root.put("channel", channel);
        root.put("destinationDescription", destinationDescription);
        root.put("target", alert.target() == null ? alert.repo() : alert.target().toString());
        root.put("reason", error);
        root.put("attempts", attempts);
        root.put("error", error);
        root.put("time", time.toString());
        ObjectNode a = root.putObject("alert");
        a.put("eventId", alert.eventId());
        a.put("eventType", alert.eventType());
        a.put("severity", alert.severity().name());
        a.put("title", alert.title());
        // what happened: for a grouped announcement, the incidents it lists (its title only counts them)
        alert.summary().forEach(a.putArray("summary")::add);
        alert.details().forEach(a.putArray("details")::add);
        a.put("target", alert.target() == null ? null : alert.target().toString());
        a.put("repo", alert.repo());
        a.put("commit", alert.commit());
        a.put("object", alert.object() == null ? null : alert.object().toString());
        alert.fields().forEach(a.putArray("fields")::add);
        a.put("where", alert.where());
        a.put("traceparent", alert.traceparent());
        try {
            return json.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the undelivered report for " + alert.where(), e);
        }
    }
}
