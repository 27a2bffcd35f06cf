package dev.verity.events;

import java.time.Instant;

/**
 * A decoded CloudEvents envelope: the event with the context attributes it travelled with.
 *
 * @param id          deterministic: the same event content always has the same id, so consumers can deduplicate
 * @param traceparent W3C trace context; every event about one commit of one repository shares the trace id
 */
public record Envelope(String id, String source, String type, String subject, Instant time, String traceparent,
        VerityEvent event) {
}
